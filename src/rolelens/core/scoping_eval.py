"""Evaluate a scoper on labelled briefs: strict and lenient accuracy, confusion, misses.

Rows follow ``shared/data/gold/briefs_dev.jsonl``: ``id``, ``brief`` (or ``text``),
``label`` and optional ``acceptable_alternatives``. Strict accuracy counts the label
only; lenient accuracy also counts any acceptable alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict

from rolelens.core.evaluate import (
    Calibration,
    ClassificationReport,
    Intervals,
    bootstrap_intervals,
    calibration,
    classification,
    intervals_field,
)
from rolelens.core.scoping import SCOPER_VERSION, UNDETERMINED, Scoper
from rolelens.taxonomy.models.scoping import FitScores


@dataclass(frozen=True, slots=True)
class LabelledBrief:
    """One brief with its gold hire."""

    id: str | None
    text: str
    label: str
    alternatives: tuple[str, ...] = ()
    group: str | None = None  # the source it came from: cross-validation keeps it in one fold


def source_group(url: str | None, fallback: str) -> str:
    """The group a brief is cross-validated in: its source's domain (without www.)."""
    if url:
        host = urlparse(url).netloc.lower() or url.strip().lower()
        return host.removeprefix("www.")
    return fallback


class ScopeMiss(BaseModel):
    """A brief whose recommendation differs from its label."""

    model_config = ConfigDict(extra="forbid")

    id: str | None
    gold: str
    predicted: str
    confidence: float
    lenient_ok: bool


class ScopingEvaluation(BaseModel):
    """Everything ``rolelens eval scope`` reports."""

    model_config = ConfigDict(extra="forbid")

    n: int
    taxonomy_version: str
    scoper_version: str
    strict_accuracy: float
    lenient_accuracy: float
    report: ClassificationReport
    calibration: Calibration
    errors: list[ScopeMiss]
    undetermined: int = 0
    cv: FitScores | None = None
    cv_intervals: Intervals | None = intervals_field(
        "95% bootstrap intervals of the cross-validated scores (with --cv)"
    )
    intervals: Intervals | None = intervals_field(
        "95% bootstrap intervals of strict and lenient accuracy, macro-F1 and each hire's F1: "
        "how far each could move on another set of briefs of this size (absent when not asked)"
    )


def evaluate_scoping(
    scoper: Scoper, rows: Sequence[LabelledBrief], resamples: int = 0
) -> ScopingEvaluation:
    """Scope each labelled brief and score the recommendations (``resamples`` > 0: with
    95% bootstrap intervals from that many redrawn sets, seed 0)."""
    gold: list[str] = []
    predicted: list[str] = []
    dists: list[dict[str, float]] = []
    rights: list[bool] = []
    errors: list[ScopeMiss] = []
    for row in rows:
        result = scoper.scope(row.text, id=row.id)
        ok = result.role == row.label
        ok_lenient = ok or result.role in row.alternatives
        rights.append(ok_lenient)
        gold.append(row.label)
        predicted.append(result.role)
        dists.append(result.scores)
        if not ok:
            errors.append(
                ScopeMiss(
                    id=row.id,
                    gold=row.label,
                    predicted=result.role,
                    confidence=result.confidence,
                    lenient_ok=ok_lenient,
                )
            )
    labels = list(scoper.outcomes)
    undetermined = predicted.count(UNDETERMINED)
    if undetermined:
        labels.append(UNDETERMINED)  # counted as wrong: no hire was named
    report = classification(gold, predicted, labels)
    n = len(rows)
    return ScopingEvaluation(
        n=n,
        taxonomy_version=scoper.taxonomy.version,
        scoper_version=SCOPER_VERSION,
        strict_accuracy=report.accuracy,
        lenient_accuracy=round(sum(rights) / n, 4) if n else 0.0,
        report=report,
        calibration=calibration(gold, dists),
        errors=errors,
        undetermined=undetermined,
        intervals=bootstrap_intervals(
            gold, predicted, None, resamples, labels=labels, lenient=rights
        )
        if resamples
        else None,
    )
