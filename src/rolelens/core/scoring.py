"""One scoring step for postings, CVs and briefs: points per mention, per role, and the
distribution they give.

Pure functions of numbers: :func:`attribute` gives each mention its points per role (repeats
of one item decay), :func:`role_points` sums and saturates them per role, :func:`softmax`
turns points into probabilities. The posting reader and the CV reader use all three; the
scorer of briefs uses :func:`softmax`. :class:`LeadDuties` counts a posting's lead duties.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol


class _Scored(Protocol):
    factor: float
    contributions: dict[str, float]


_MEMO = 65_536  # contribution dicts kept by a reader: (item, amount) pairs repeat a lot


def attribute(
    found: Sequence[tuple[int, _Scored]],
    weights: Sequence[Sequence[tuple[int, float]]],
    roles: Sequence[str],
    repeat_decay: float,
    max_repeats: int,
    memo: dict[tuple[int, float], dict[str, float]] | None = None,
) -> None:
    """Give each mention (item index, evidence) its points per role: repeats of one item
    decay, strongest first; mentions past ``max_repeats`` or worth 0 add nothing.
    Shared by postings and CVs; ``memo`` keeps the rounded points of an (item, amount)
    pair across calls (each mention gets its own copy)."""
    by_item: dict[int, list[_Scored]] = defaultdict(list)
    for index, ev in found:
        by_item[index].append(ev)
    for index, mentions in by_item.items():
        mentions.sort(key=lambda e: -e.factor)  # stable: ties keep text order
        for rank, ev in enumerate(mentions[:max_repeats]):
            amount = ev.factor * repeat_decay**rank
            if not amount:
                continue
            if memo is None:
                ev.contributions = {roles[r]: round(w * amount, 3) for r, w in weights[index]}
                continue
            known = memo.get((index, amount))
            if known is None:
                if len(memo) >= _MEMO:
                    memo.clear()
                known = {roles[r]: round(w * amount, 3) for r, w in weights[index]}
                memo[index, amount] = known
            ev.contributions = known.copy()


class LeadDuties:
    """The lead duties of one reading: its first ``lead_mentions`` mentions of the
    responsibilities section, which count ``lead_weight`` times. Shared by the alias and the
    semantic evidence of postings."""

    __slots__ = ("left", "weight")

    def __init__(self, mentions: int, weight: float) -> None:
        self.left = mentions
        self.weight = weight

    def take(self, section: str, eligible: bool = True) -> bool:
        """Whether this mention (in ``section``; ``eligible``: not negated, not context) is a
        lead duty, using up a place when it is."""
        if self.left > 0 and eligible and section == "responsibilities":
            self.left -= 1
            return True
        return False


def role_points(
    contributions: Iterable[Mapping[str, float]],
    index: Mapping[str, int],
    saturation: float | None,
    specialisations: Sequence[tuple[int, Sequence[int], float]],
    bias: Sequence[float],
) -> list[float]:
    """Points per role (in ``index`` order) from each mention's contributions.

    Sums them, saturates the sums (``a·ln(1 + p/a)``), adds each specialisation's share of
    its best parent, then the role bias. Shared by postings and CVs.
    """
    raw = [0.0] * len(index)
    for contribution in contributions:
        for role, amount in contribution.items():
            raw[index[role]] += amount
    if saturation is not None:
        # Diminishing returns: forty generic tech mentions should not outvote ten
        # specific ones for another role just by being forty.
        a = saturation
        raw = [a * math.log1p(p / a) if p > 0 else p for p in raw]
    points = list(raw)
    for child, parents, share in specialisations:
        points[child] += share * max(raw[p] for p in parents)
    return [p + b for p, b in zip(points, bias, strict=True)]


def softmax(points: list[float], temperature: float) -> list[float]:
    """Probabilities from points (shared by postings, CVs and briefs)."""
    peak = max(points)
    exps = [math.exp((p - peak) / temperature) for p in points]
    total = sum(exps)
    return [e / total for e in exps]
