"""Score fit reports against expected fit bands: band accuracy, confusion, score error.

Pure: labelled pairs (CV text, posting text, expected band) in, a :class:`FitEvalReport`
out. The score error is the mean absolute distance between each pair's fit score and the
centre of its expected band, so a report can tell "right band, barely" from "squarely".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.job_fit import FitMatcher


class PairResult(BaseModel):
    """One labelled pair's outcome."""

    model_config = ConfigDict(extra="forbid")

    id: str | None
    expected: str
    predicted: str
    score: float
    alignment: str
    coverage: float


class FitEvalReport(BaseModel):
    """How well fit bands match the expected ones on a labelled set of pairs."""

    model_config = ConfigDict(extra="forbid")

    n: int
    band_accuracy: float = Field(ge=0, le=1)
    adjacent_accuracy: float = Field(
        ge=0, le=1, description="share whose band is the expected one or next to it"
    )
    mae: float = Field(ge=0, description="mean |fit score - centre of the expected band|")
    labels: list[str]
    confusion: list[list[int]] = Field(description="rows: expected band, columns: predicted")
    undetermined: int = Field(
        default=0,
        description="pairs given no band (a CV or posting with too little evidence); counted "
        "wrong, and outside the confusion matrix",
    )
    pairs: list[PairResult]
    taxonomy_version: str
    scorer_version: str


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """A CV and a posting with the fit band a careful reader would give them."""

    id: str | None
    cv: str
    posting: str
    band: str
    posting_title: str | None = None


def evaluate_fit(matcher: FitMatcher, pairs: list[LabelledPair], *, today: date) -> FitEvalReport:
    """Band accuracy, confusion and mean absolute score error over labelled pairs."""
    bands = matcher.cues.fit.bands
    labels: list[str] = [b.id for b in bands]
    centre: dict[str, float] = {b.id: b.centre for b in bands}
    index: dict[str, int] = {b: i for i, b in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    results: list[PairResult] = []
    error = 0.0
    right = near = undetermined = 0
    version = matcher.taxonomy.version
    scorer = ""
    for pair in pairs:
        report = matcher.match(
            pair.cv, pair.posting, today=today, posting_title=pair.posting_title, id=pair.id
        )
        scorer = report.scorer_version
        if report.fit_band in index:
            confusion[index[pair.band]][index[report.fit_band]] += 1
            right += report.fit_band == pair.band
            near += abs(index[report.fit_band] - index[pair.band]) <= 1
        else:
            undetermined += 1
        error += abs(report.fit_score - centre[pair.band])
        results.append(
            PairResult(id=pair.id, expected=pair.band, predicted=report.fit_band,
                       score=report.fit_score, alignment=report.alignment,
                       coverage=report.coverage)
        )  # fmt: skip
    n = len(pairs)
    return FitEvalReport(
        n=n,
        band_accuracy=round(right / n, 4) if n else 0.0,
        adjacent_accuracy=round(near / n, 4) if n else 0.0,
        mae=round(error / n, 4) if n else 0.0,
        labels=labels,
        confusion=confusion,
        undetermined=undetermined,
        pairs=results,
        taxonomy_version=version,
        scorer_version=scorer,
    )
