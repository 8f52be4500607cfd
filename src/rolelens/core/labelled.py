"""Evaluate a reader on labelled postings: the work reading, the title-only baseline, the flags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.evaluate import (
    Calibration,
    ClassificationReport,
    FlagReport,
    calibration,
    classification,
    flag,
)
from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader


class Row(Protocol):
    """A labelled posting: its words, and its labels in ``extra`` (``label``, optional
    ``acceptable_alternatives``, ``title_role``, ``mismatch``, ``hybrid``). The batch reader's
    :class:`rolelens.batch.Row` is one; the core names only what it reads."""

    @property
    def id(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def extra(self) -> dict[str, Any]: ...


class ReadError(BaseModel):
    """A posting the reader got wrong."""

    model_config = ConfigDict(extra="forbid")

    id: str | None
    title: str | None
    gold: str
    predicted: str
    confidence: float


class SliceScore(BaseModel):
    """Accuracy on the labelled rows that share one labeller confidence."""

    model_config = ConfigDict(extra="forbid")

    confidence: str = Field(
        description="the rows' `confidence` (high, medium, low), or 'not given'"
    )
    n: int
    accuracy: float
    lenient_accuracy: float
    macro_f1: float = Field(description="macro-F1 over the roles these rows are labelled with")
    per_role_f1: dict[str, float] = Field(
        description="F1 of each role these rows are labelled with (support > 0)"
    )


# the order slices are shown in; any other value follows, then rows that give none
_CONFIDENCE_ORDER = ("high", "medium", "low")
NO_CONFIDENCE = "not given"


class PostingsEvaluation(BaseModel):
    """Everything ``rolelens eval postings`` reports."""

    model_config = ConfigDict(extra="forbid")

    n: int
    taxonomy_version: str
    scorer_version: str
    work: ClassificationReport
    lenient_accuracy: float
    title_only: ClassificationReport
    title_role_accuracy: float
    mismatch: FlagReport
    hybrid: FlagReport
    calibration: Calibration
    errors: list[ReadError]
    by_confidence: list[SliceScore] = Field(
        default=[],
        description="accuracy by the labeller's confidence in each row (empty when no row "
        "gives one): a label read as low confidence is one a second reader often reads "
        "differently, so the rows a labeller was sure of say most about the reader",
    )


def evaluate_postings(reader: PostingReader, rows: Sequence[Row]) -> PostingsEvaluation:
    """Read each labelled row by its work and by its title alone, and score both."""
    readings = [
        reader.read(row.text, title=row.title, id=row.id, company=row.company) for row in rows
    ]
    by_title = [title_only(reader, row.title) for row in rows]
    return score_postings(
        rows, readings, by_title, reader.roles, reader.taxonomy.version, SCORER_VERSION
    )


def title_only(reader: PostingReader, title: str | None) -> str:
    """The role a title's words alone read as: the top score of reading the title as the
    whole posting (a title alone is too thin for a verdict, so not ``reading.role``)."""
    scores = reader.read(title or "", title=title or "").scores
    return max(scores, key=lambda r: scores[r])


def score_postings(
    rows: Sequence[Row],
    readings: Sequence[Reading],
    title_only: Sequence[str],
    roles: Sequence[str],
    taxonomy_version: str,
    scorer_version: str,
) -> PostingsEvaluation:
    """Score readings of labelled rows (``title_only``: the role each title alone reads as).

    Readings may come from different readers, e.g. one per cross-validation fold.
    """
    gold: list[str] = []
    predicted: list[str] = []
    lenient = 0
    title_role_hits = 0
    title_role_n = 0
    mismatch_gold: list[bool] = []
    mismatch_pred: list[bool] = []
    hybrid_gold: list[bool] = []
    hybrid_pred: list[bool] = []
    dists: list[dict[str, float]] = []
    errors: list[ReadError] = []
    # confidence -> (label, read, lenient right) of each row
    slices: dict[str, list[tuple[str, str, bool]]] = {}
    for row, reading in zip(rows, readings, strict=True):
        label = str(row.extra["label"])
        gold.append(label)
        predicted.append(reading.role)
        dists.append(reading.scores)
        alternatives = row.extra.get("acceptable_alternatives") or []
        right = reading.role == label or reading.role in alternatives
        lenient += right
        confidence = row.extra.get("confidence")
        key = confidence if isinstance(confidence, str) and confidence else NO_CONFIDENCE
        slices.setdefault(key, []).append((label, reading.role, right))
        if reading.role != label:
            errors.append(
                ReadError(
                    id=row.id,
                    title=row.title,
                    gold=label,
                    predicted=reading.role,
                    confidence=reading.confidence,
                )
            )
        if "title_role" in row.extra:
            title_role_n += 1
            title_role_hits += int((reading.title_role or "ambiguous") == row.extra["title_role"])
        if "mismatch" in row.extra:
            mismatch_gold.append(bool(row.extra["mismatch"]))
            mismatch_pred.append(reading.mismatch)
        if "hybrid" in row.extra:
            hybrid_gold.append(bool(row.extra["hybrid"]))
            hybrid_pred.append(reading.hybrid)
    n = len(gold)
    return PostingsEvaluation(
        n=n,
        taxonomy_version=taxonomy_version,
        scorer_version=scorer_version,
        work=classification(gold, predicted, roles),
        lenient_accuracy=round(lenient / n, 4) if n else 0.0,
        title_only=classification(gold, list(title_only), roles),
        title_role_accuracy=round(title_role_hits / title_role_n, 4) if title_role_n else 0.0,
        mismatch=flag(mismatch_gold, mismatch_pred),
        hybrid=flag(hybrid_gold, hybrid_pred),
        calibration=calibration(gold, dists),
        errors=errors,
        by_confidence=_by_confidence(slices, roles),
    )


def _by_confidence(
    slices: dict[str, list[tuple[str, str, bool]]], roles: Sequence[str]
) -> list[SliceScore]:
    """One score per labeller confidence, in a fixed order; none when no row gives one."""
    if set(slices) <= {NO_CONFIDENCE}:
        return []
    known = [c for c in _CONFIDENCE_ORDER if c in slices]
    others = sorted(c for c in slices if c not in _CONFIDENCE_ORDER and c != NO_CONFIDENCE)
    order = [*known, *others, *([NO_CONFIDENCE] if NO_CONFIDENCE in slices else [])]
    out = []
    for c in order:
        rows = slices[c]
        scored = classification([g for g, _, _ in rows], [p for _, p, _ in rows], roles)
        out.append(
            SliceScore(
                confidence=c,
                n=len(rows),
                accuracy=round(sum(g == p for g, p, _ in rows) / len(rows), 4),
                lenient_accuracy=round(sum(r for _, _, r in rows) / len(rows), 4),
                macro_f1=scored.macro_f1,
                per_role_f1={role: m.f1 for role, m in scored.per_role.items() if m.support > 0},
            )
        )
    return out
