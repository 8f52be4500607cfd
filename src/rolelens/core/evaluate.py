"""Score predictions against labels: accuracy, macro-F1, per-role P/R/F1, confusion, calibration,
and bootstrap intervals of the scores.

Pure functions over lists; :mod:`rolelens.cli.eval` feeds them a labelled file.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RoleMetrics(BaseModel):
    """Precision, recall and F1 of one role, with its support (gold count)."""

    model_config = ConfigDict(extra="forbid")

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


class ClassificationReport(BaseModel):
    """How well predicted labels agree with gold labels."""

    model_config = ConfigDict(extra="forbid")

    n: int
    accuracy: float
    macro_f1: float
    per_role: dict[str, RoleMetrics]
    labels: list[str]
    confusion: list[list[int]]  # rows: gold, columns: predicted, in `labels` order


class FlagReport(BaseModel):
    """Precision and recall of a yes/no flag (mismatch, hybrid)."""

    model_config = ConfigDict(extra="forbid")

    true_positive: int
    false_positive: int
    false_negative: int
    precision: float
    recall: float
    f1: float


class ReliabilityBin(BaseModel):
    """Readings whose top probability fell in [low, high): how sure, and how often right."""

    model_config = ConfigDict(extra="forbid")

    low: float
    high: float
    n: int
    confidence: float  # mean top probability
    accuracy: float  # share of them whose top role was the gold one


class Calibration(BaseModel):
    """How far the probabilities can be taken at face value."""

    model_config = ConfigDict(extra="forbid")

    log_loss: float
    brier: float
    ece: float  # expected calibration error of the top probability, 10 bins
    reliability: list[ReliabilityBin] = []  # the non-empty bins behind `ece`


def classification(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> ClassificationReport:
    """Accuracy, macro-F1 over the labels that occur in gold, per-role metrics, confusion."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    order = list(labels)
    for lab in [*gold, *predicted]:
        if lab not in order:
            order.append(lab)
    at = {lab: i for i, lab in enumerate(order)}
    confusion = [[0] * len(order) for _ in order]
    for g, p in zip(gold, predicted, strict=True):
        confusion[at[g]][at[p]] += 1
    per_role: dict[str, RoleMetrics] = {}
    for lab in order:
        i = at[lab]
        tp = confusion[i][i]
        support = sum(confusion[i])
        predicted_n = sum(row[i] for row in confusion)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_role[lab] = RoleMetrics(
            precision=round(precision, 4),
            recall=round(recall, 4),
            f1=round(f1, 4),
            support=support,
            predicted=predicted_n,
        )
    present = [lab for lab in order if per_role[lab].support > 0]
    macro = sum(per_role[lab].f1 for lab in present) / len(present) if present else 0.0
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return ClassificationReport(
        n=len(gold),
        accuracy=round(correct / len(gold), 4) if gold else 0.0,
        macro_f1=round(macro, 4),
        per_role=per_role,
        labels=order,
        confusion=confusion,
    )


def flag(gold: Sequence[bool], predicted: Sequence[bool]) -> FlagReport:
    """Precision and recall of a boolean flag."""
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if p and not g)
    fn = sum(1 for g, p in pairs if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FlagReport(
        true_positive=tp,
        false_positive=fp,
        false_negative=fn,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
    )


def calibration(
    gold: Sequence[str], scores: Sequence[dict[str, float]], bins: int = 10
) -> Calibration:
    """Log loss, Brier score and expected calibration error of predicted distributions."""
    if not gold:
        return Calibration(log_loss=0.0, brier=0.0, ece=0.0)
    log_loss = 0.0
    brier = 0.0
    binned: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for g, dist in zip(gold, scores, strict=True):
        log_loss -= math.log(max(dist.get(g, 0.0), 1e-6))
        brier += sum((p - (1.0 if r == g else 0.0)) ** 2 for r, p in dist.items())
        top = max(dist, key=lambda r: dist[r])
        conf = dist[top]
        binned[min(bins - 1, int(conf * bins))].append((conf, top == g))
    n = len(gold)
    ece = 0.0
    reliability = []
    for k, b in enumerate(binned):
        if b:
            avg_conf = sum(c for c, _ in b) / len(b)
            acc = sum(1 for _, ok in b if ok) / len(b)
            ece += len(b) / n * abs(avg_conf - acc)
            reliability.append(
                ReliabilityBin(
                    low=round(k / bins, 4),
                    high=round((k + 1) / bins, 4),
                    n=len(b),
                    confidence=round(avg_conf, 4),
                    accuracy=round(acc, 4),
                )
            )
    return Calibration(
        log_loss=round(log_loss / n, 4),
        brier=round(brier / n, 4),
        ece=round(ece, 4),
        reliability=reliability,
    )


class Interval(BaseModel):
    """Where a score would fall on 95 of 100 redrawn sets of the same size."""

    model_config = ConfigDict(extra="forbid")

    low: float
    high: float


class Intervals(BaseModel):
    """95% bootstrap intervals of a report's scores: the rows are redrawn with replacement
    ``resamples`` times and each score recomputed; an interval is the 2.5th to 97.5th
    percentile of its values. It is how far the score could move on another set of rows of
    the same kind and size (a held-out set, say), not how far the reader could improve."""

    model_config = ConfigDict(extra="forbid")

    resamples: int
    seed: int
    accuracy: Interval
    lenient_accuracy: Interval | None = Field(
        default=None, description="right or an acceptable alternative, when rows give those"
    )
    macro_f1: Interval
    per_role_f1: dict[str, Interval] = Field(
        description="F1 of each role the rows are labelled with (support > 0)"
    )
    mismatch_precision: Interval | None = Field(
        default=None, description="when rows say whether they are a mismatch"
    )
    mismatch_recall: Interval | None = None


RESAMPLES = 1000


def intervals_field(description: str) -> Any:
    """The declaration of a report's optional ``Intervals`` (absent from its JSON when not
    asked for): one place for the reports of postings, their slices and briefs."""
    return Field(default=None, exclude_if=lambda v: v is None, description=description)


def bootstrap_intervals(
    gold: Sequence[str],
    predicted: Sequence[str],
    flags: Sequence[tuple[bool, bool] | None] | None = None,
    resamples: int = RESAMPLES,
    seed: int = 0,
    labels: Sequence[str] = (),
    lenient: Sequence[bool] | None = None,
) -> Intervals | None:
    """95% percentile-bootstrap intervals of accuracy, macro-F1 (over the roles each redrawn
    set is labelled with, as :func:`classification`), each labelled role's F1 and, with
    ``flags`` (per row, (gold, predicted) of a yes/no flag such as mismatch, or None where the
    row does not say), the flag's precision and recall; with ``lenient`` (per row, whether
    the reading was the label or an acceptable alternative), lenient accuracy. Roles come in
    ``labels`` order (any other after, sorted). The same seed gives the same intervals; None
    for no rows.

    Percentiles over redrawn label pairs, in the standard library: scipy's bootstrap is
    not a dependency of reading, and the scores are counts over a few thousand pairs.
    """
    n = len(gold)
    if n != len(predicted):
        raise ValueError("gold and predicted differ in length")
    if flags is not None and len(flags) != n:
        raise ValueError("flags and gold differ in length")
    if lenient is not None and len(lenient) != n:
        raise ValueError("lenient and gold differ in length")
    if n == 0 or resamples < 1:
        return None
    seen = set(gold) | set(predicted)
    roles = [r for r in dict.fromkeys(labels) if r in seen] + sorted(seen - set(labels))
    labelled = [r for r in roles if r in set(gold)]
    at = {r: i for i, r in enumerate(roles)}
    pairs = [(at[g], at[p]) for g, p in zip(gold, predicted, strict=True)]
    rng = random.Random(seed)
    accuracy: list[float] = []
    lenient_accuracy: list[float] = []
    macro: list[float] = []
    per_role: dict[str, list[float]] = {r: [] for r in labelled}
    precision: list[float] = []
    recall: list[float] = []
    for _ in range(resamples):
        drawn = rng.choices(range(n), k=n)
        tp = [0] * len(roles)
        support = [0] * len(roles)
        said = [0] * len(roles)
        for i in drawn:
            g, p = pairs[i]
            support[g] += 1
            said[p] += 1
            tp[g] += g == p
        accuracy.append(sum(tp) / n)
        if lenient is not None:
            lenient_accuracy.append(sum(lenient[i] for i in drawn) / n)
        f1s = {r: 2 * tp[at[r]] / (support[at[r]] + said[at[r]]) for r in roles if support[at[r]]}
        macro.append(sum(f1s.values()) / len(f1s))
        for r, values in per_role.items():
            if r in f1s:
                values.append(f1s[r])
        if flags is not None:
            counts = [0, 0, 0]  # true positives, false positives, false negatives
            for i in drawn:
                pair = flags[i]
                if pair is not None and (pair[0] or pair[1]):
                    counts[0 if pair[0] and pair[1] else 1 if pair[1] else 2] += 1
            if counts[0] + counts[1]:
                precision.append(counts[0] / (counts[0] + counts[1]))
            if counts[0] + counts[2]:
                recall.append(counts[0] / (counts[0] + counts[2]))
    return Intervals(
        resamples=resamples,
        seed=seed,
        accuracy=_interval(accuracy),
        lenient_accuracy=_interval(lenient_accuracy) if lenient_accuracy else None,
        macro_f1=_interval(macro),
        per_role_f1={r: _interval(v) for r, v in per_role.items() if v},
        mismatch_precision=_interval(precision) if precision else None,
        mismatch_recall=_interval(recall) if recall else None,
    )


def _interval(values: list[float]) -> Interval:
    """The 2.5th and 97.5th percentiles (linear between order statistics)."""
    if len(values) == 1:
        return Interval(low=round(values[0], 4), high=round(values[0], 4))
    cuts = statistics.quantiles(values, n=40, method="inclusive")
    return Interval(low=round(cuts[0], 4), high=round(cuts[-1], 4))
