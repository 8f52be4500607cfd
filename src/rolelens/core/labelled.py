"""Evaluate a reader on labelled postings: the work reading, the title-only baseline, the flags."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.evaluate import (
    Calibration,
    ClassificationReport,
    FlagReport,
    Intervals,
    bootstrap_intervals,
    calibration,
    classification,
    flag,
    intervals_field,
)
from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.errors import LabelError, WrongType


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


#: The labeller confidences a row may give.
CONFIDENCES = ("high", "medium", "low")
#: What ``title_role`` says of a title that names no one role.
AMBIGUOUS = "ambiguous"


def _shown(value: object) -> str:
    """A row's value as it was written (JSON), cut short: '"false"' is a string, 'false' not."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def check_label(extra: Mapping[str, Any], known: Collection[str]) -> None:
    """Nothing when a row's ``label`` and ``acceptable_alternatives`` are known labels; else
    the :class:`~rolelens.errors.LabelError` that quotes the first value that is not."""
    one_of = ", ".join(sorted(known))
    label = extra.get("label")
    if label is None:
        raise LabelError(f"the row has no 'label' (one of {one_of})")
    if not isinstance(label, str) or label not in known:
        raise LabelError(f"'label' {_shown(label)} is not one of {one_of}")
    alts = extra.get("acceptable_alternatives")
    if alts is None:
        return
    if not isinstance(alts, list):
        raise LabelError(f"'acceptable_alternatives' must be a list of labels, not {_shown(alts)}")
    for alt in alts:
        if not isinstance(alt, str) or alt not in known:
            raise LabelError(f"'acceptable_alternatives' {_shown(alt)} is not one of {one_of}")


def check_posting_labels(extra: Mapping[str, Any], roles: Collection[str]) -> None:
    """Nothing when a labelled posting's labels are usable; else the error that quotes the
    first value that is not: :class:`~rolelens.errors.LabelError` for a label, an
    alternative, a ``title_role`` (a role id or 'ambiguous') or a ``confidence`` (high,
    medium, low) that is not one; :class:`~rolelens.errors.WrongType` for a ``mismatch`` or
    ``hybrid`` that is not a JSON boolean, or a ``title_role`` / ``confidence`` that is not a
    string. A field given as null counts as not given."""
    check_label(extra, roles)
    for flag_name in ("mismatch", "hybrid"):
        value = extra.get(flag_name)
        if value is not None and not isinstance(value, bool):
            raise WrongType(
                f"'{flag_name}' must be true or false (a JSON boolean), not {_shown(value)}"
            )
    title_role = extra.get("title_role")
    if title_role is not None:
        if not isinstance(title_role, str):
            raise WrongType(f"'title_role' must be a string, not {_shown(title_role)}")
        if title_role != AMBIGUOUS and title_role not in roles:
            raise LabelError(
                f"'title_role' {_shown(title_role)} is not a role id or '{AMBIGUOUS}' "
                f"(one of {', '.join(sorted(roles))})"
            )
    confidence = extra.get("confidence")
    if confidence is not None:
        if not isinstance(confidence, str):
            raise WrongType(f"'confidence' must be high, medium or low, not {_shown(confidence)}")
        if confidence not in CONFIDENCES:
            raise LabelError(f"'confidence' {_shown(confidence)} is not high, medium or low")


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
    log_loss: float | None = Field(
        default=None, description="mean negative log-probability of these rows' labels"
    )
    ece: float | None = Field(
        default=None,
        description="expected calibration error of these rows' top probability (10 bins)",
    )
    intervals: Intervals | None = intervals_field(
        "95% bootstrap intervals of these rows' scores (absent when not asked)"
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
    intervals: Intervals | None = intervals_field(
        "95% bootstrap intervals of accuracy, macro-F1, each role's F1 and mismatch precision "
        "and recall: how far each could move on another set of rows of this kind and size "
        "(absent when not asked)"
    )


def evaluate_postings(
    reader: PostingReader, rows: Sequence[Row], resamples: int = 0
) -> PostingsEvaluation:
    """Read each labelled row by its work and by its title alone, and score both
    (``resamples`` > 0: with bootstrap intervals, :func:`score_postings`)."""
    readings = [
        reader.read(row.text, title=row.title, id=row.id, company=row.company) for row in rows
    ]
    by_title = [title_only(reader, row.title) for row in rows]
    return score_postings(
        rows,
        readings,
        by_title,
        reader.roles,
        reader.taxonomy.version,
        SCORER_VERSION,
        resamples=resamples,
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
    resamples: int = 0,
) -> PostingsEvaluation:
    """Score readings of labelled rows (``title_only``: the role each title alone reads as).

    Readings may come from different readers, e.g. one per cross-validation fold. A row
    whose labels are not usable raises the error :func:`check_posting_labels` gives. With
    ``resamples`` > 0 the report and each labeller-confidence slice carry 95% bootstrap
    intervals from that many redrawn sets (seed 0: the same rows give the same intervals).
    """
    gold: list[str] = []
    predicted: list[str] = []
    title_role_hits = 0
    title_role_n = 0
    mismatch_gold: list[bool] = []
    mismatch_pred: list[bool] = []
    hybrid_gold: list[bool] = []
    hybrid_pred: list[bool] = []
    dists: list[dict[str, float]] = []
    errors: list[ReadError] = []
    # (gold, read) mismatch of each row, None where the row does not say
    mismatches: list[tuple[bool, bool] | None] = []
    rights: list[bool] = []  # the label or an acceptable alternative, each row
    # confidence -> (label, read, lenient right, distribution) of each row
    slices: dict[str, list[tuple[str, str, bool, dict[str, float]]]] = {}
    for row, reading in zip(rows, readings, strict=True):
        check_posting_labels(row.extra, roles)
        label = str(row.extra["label"])
        gold.append(label)
        predicted.append(reading.role)
        dists.append(reading.scores)
        alternatives = row.extra.get("acceptable_alternatives") or []
        right = reading.role == label or reading.role in alternatives
        rights.append(right)
        confidence = row.extra.get("confidence")
        key = confidence if isinstance(confidence, str) and confidence else NO_CONFIDENCE
        slices.setdefault(key, []).append((label, reading.role, right, reading.scores))
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
        if row.extra.get("title_role") is not None:
            title_role_n += 1
            title_role_hits += int((reading.title_role or AMBIGUOUS) == row.extra["title_role"])
        if row.extra.get("mismatch") is not None:
            mismatch_gold.append(row.extra["mismatch"] is True)
            mismatch_pred.append(reading.mismatch)
            mismatches.append((mismatch_gold[-1], reading.mismatch))
        else:
            mismatches.append(None)
        if row.extra.get("hybrid") is not None:
            hybrid_gold.append(row.extra["hybrid"] is True)
            hybrid_pred.append(reading.hybrid)
    n = len(gold)
    return PostingsEvaluation(
        n=n,
        taxonomy_version=taxonomy_version,
        scorer_version=scorer_version,
        work=classification(gold, predicted, roles),
        lenient_accuracy=round(sum(rights) / n, 4) if n else 0.0,
        title_only=classification(gold, list(title_only), roles),
        title_role_accuracy=round(title_role_hits / title_role_n, 4) if title_role_n else 0.0,
        mismatch=flag(mismatch_gold, mismatch_pred),
        hybrid=flag(hybrid_gold, hybrid_pred),
        calibration=calibration(gold, dists),
        errors=errors,
        by_confidence=_by_confidence(slices, roles, resamples),
        intervals=bootstrap_intervals(
            gold, predicted, mismatches, resamples, labels=roles, lenient=rights
        )
        if resamples
        else None,
    )


def _by_confidence(
    slices: dict[str, list[tuple[str, str, bool, dict[str, float]]]],
    roles: Sequence[str],
    resamples: int = 0,
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
        gold = [g for g, _, _, _ in rows]
        read = [p for _, p, _, _ in rows]
        scored = classification(gold, read, roles)
        calibrated = calibration(gold, [d for _, _, _, d in rows])
        out.append(
            SliceScore(
                confidence=c,
                n=len(rows),
                accuracy=round(sum(g == p for g, p in zip(gold, read, strict=True)) / len(rows), 4),
                lenient_accuracy=round(sum(r for _, _, r, _ in rows) / len(rows), 4),
                macro_f1=scored.macro_f1,
                per_role_f1={role: m.f1 for role, m in scored.per_role.items() if m.support > 0},
                log_loss=calibrated.log_loss,
                ece=calibrated.ece,
                intervals=bootstrap_intervals(
                    gold,
                    read,
                    resamples=resamples,
                    labels=roles,
                    lenient=[r for _, _, r, _ in rows],
                )
                if resamples
                else None,
            )
        )
    return out
