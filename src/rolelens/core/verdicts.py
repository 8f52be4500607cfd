"""The reader's verdicts on top of a role distribution, and how their thresholds are fitted.

* **undetermined** — a text that holds too little evidence (junk, a bare name, a link,
  lorem ipsum, a one-line comment) or is not prose at all gets no role;
* **mismatch** — a specific title and a confident reading of another role;
* **hybrid** — both model building and LLM integration central to the work.

Pure: the reader calls :func:`undetermined_reason` and :func:`is_mismatch`; the fitting
functions take plain numbers, so ``scripts/fit_verdicts.py`` and the tests share them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rolelens.core.folds import grouped_folds
from rolelens.core.scoring import softmax
from rolelens.taxonomy.models.verdicts import UndeterminedSettings

UNDETERMINED = "undetermined"
_STRIP = ".,;:!?()[]{}<>\"'*_-•/|#`~"


_PROSE_SAMPLE = 20_000  # characters: enough to tell prose from encoded data
# Evidence points per 1,000 characters above which a text is plainly prose and the prose
# check is skipped: real postings hold several; 200 kB of base64 holds ~0.03.
_DENSE = 1.0


def prose_share(text: str) -> float:
    """Share of the text's characters (outside spaces) in word-like tokens: letters only,
    at most 20 of them, or runs of CJK characters, which are written without spaces.
    Long texts are judged on their first 20,000 characters."""
    total = good = 0
    for token in text[:_PROSE_SAMPLE].split():
        total += len(token)
        word = token.strip(_STRIP)
        if word.isalpha() and (len(word) <= 20 or any(ord(c) >= 0x2E80 for c in word)):
            good += len(token)
    return good / total if total else 0.0


def evidence_points(contributions: Iterable[Mapping[str, float]]) -> float:
    """What the mentions add up to: every positive contribution to any role."""
    return sum(v for c in contributions for v in c.values() if v > 0)


def undetermined_reason(text: str, points: float, settings: UndeterminedSettings) -> str | None:
    """Why no role can be read from the text, or None when one can."""
    if not text.strip():
        return "the text is empty"
    dense = points * 1000 / len(text) >= _DENSE
    if settings.min_prose > 0 and not dense and prose_share(text) < settings.min_prose:
        return (
            f"the text does not read as prose (under {settings.min_prose:.0%} of it is "
            "words): encoded data or symbols, not a description of work"
        )
    if points < settings.min_evidence:
        if points == 0:
            return "nothing in the text names a tool, technique or duty of any role"
        return (
            f"too little evidence: its mentions add up to {points:.1f} points, "
            f"under the {settings.min_evidence:g} a reading needs"
        )
    return None


def is_mismatch(
    scores: Mapping[str, float], role: str, title_role: str | None, min_margin: float
) -> bool:
    """A specific title and a confident reading of another role."""
    if title_role is None or title_role == "ambiguous" or title_role == role:
        return False
    if role == UNDETERMINED or title_role not in scores:
        return False
    return scores[role] - scores[title_role] >= min_margin


def work_alone(
    points: Sequence[float], title_at: int, title_weight: float, temperature: float
) -> tuple[list[float], list[float]]:
    """The points and probabilities of a reading without its title's prior: what the work
    alone says (``title_at``: the title role's place in ``points``)."""
    work = list(points)
    work[title_at] -= title_weight
    return work, softmax(work, temperature)


def work_contradicts(
    probs: Sequence[float], title_at: int, margin: float | None, kin: Collection[int] = ()
) -> int | None:
    """The role (its place) the work alone reads, when it is not the title's and leads the
    title's role by at least ``margin`` of probability; else None. ``kin``: the places of the
    roles the title's role specialises (AI engineering for a forward deployed or agentic
    title): work that reads one of them does not contradict the title, it is the ground the
    specialisation stands on, and the specialised role only ever holds a share of its points."""
    if margin is None:
        return None
    top = max(range(len(probs)), key=lambda i: (probs[i], -i))
    if top != title_at and top not in kin and probs[top] - probs[title_at] >= margin:
        return top
    return None


# -- fitting --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MismatchCase:
    """What the mismatch verdict sees of one labelled posting, and the label.
    ``work_scores``: the reading's probabilities without the title's prior (None when the
    title names no role the reading knows)."""

    scores: dict[str, float]
    role: str
    title_role: str | None
    gold: bool
    group: str
    work_scores: dict[str, float] | None = None
    label: str | None = None  # the labelled role (for the accuracy a work margin gives)
    title_parents: tuple[str, ...] = ()  # the roles the title's role specialises


@dataclass(frozen=True, slots=True)
class FlagScores:
    """Precision, recall and F1 of a flag, with its counts."""

    precision: float
    recall: float
    f1: float
    flagged: int
    positives: int


def flag_scores(gold: Sequence[bool], flagged: Sequence[bool]) -> FlagScores:
    """Precision, recall and F1 of ``flagged`` against ``gold``."""
    tp = sum(g and f for g, f in zip(gold, flagged, strict=True))
    n_flag = sum(flagged)
    n_pos = sum(gold)
    p = tp / n_flag if n_flag else 0.0
    r = tp / n_pos if n_pos else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return FlagScores(round(p, 4), round(r, 4), round(f1, 4), n_flag, n_pos)


def mismatch_flags(cases: Sequence[MismatchCase], min_margin: float) -> list[bool]:
    """The flag for each case at ``min_margin``."""
    return [is_mismatch(c.scores, c.role, c.title_role, min_margin) for c in cases]


MARGIN_GRID = tuple(round(0.05 * i, 2) for i in range(13))  # 0.00 .. 0.60


def fit_min_margin(
    cases: Sequence[MismatchCase], grid: Sequence[float] = MARGIN_GRID
) -> tuple[float, FlagScores]:
    """The margin on ``grid`` with the best F1 on ``cases`` (the smallest among ties)."""
    return _best_threshold(cases, grid, mismatch_flags)


#: Work margins the fit chooses among; 1.0 stands for "never" (no margin of probability
#: reaches it).
WORK_GRID = tuple(round(0.05 * i, 2) for i in range(21))  # 0.00 .. 1.00


def _work_role(case: MismatchCase, work_margin: float) -> tuple[str, dict[str, float]] | None:
    """The role and scores of the work alone, when the reading names the title's role and
    the work alone contradicts it by ``work_margin``; else None."""
    if case.role != case.title_role or case.work_scores is None:
        return None
    if case.title_role not in case.work_scores:
        return None
    roles = list(case.work_scores)
    probs = [case.work_scores[r] for r in roles]
    kin = [roles.index(r) for r in case.title_parents if r in case.work_scores]
    top = work_contradicts(probs, roles.index(case.title_role), work_margin, kin)
    return None if top is None else (roles[top], case.work_scores)


def read_role(case: MismatchCase, work_margin: float | None) -> str:
    """The role the reader gives the case with this work margin (None: the title's prior
    always counts)."""
    found = None if work_margin is None else _work_role(case, work_margin)
    return case.role if found is None else found[0]


def work_flags(cases: Sequence[MismatchCase], work_margin: float, min_margin: float) -> list[bool]:
    """The mismatch flag of each case when a work alone that contradicts its title by
    ``work_margin`` decides the reading (and ``min_margin`` still applies)."""
    out = []
    for c in cases:
        found = _work_role(c, work_margin)
        if found is None:
            out.append(is_mismatch(c.scores, c.role, c.title_role, min_margin))
        else:
            out.append(is_mismatch(found[1], found[0], c.title_role, min_margin))
    return out


def fit_work_margin(
    cases: Sequence[MismatchCase], min_margin: float, grid: Sequence[float] = WORK_GRID
) -> tuple[float | None, FlagScores]:
    """The work margin on ``grid`` with the best mismatch F1 on ``cases``; among ties the
    largest, the nearest to leaving the title's prior alone (None when that is 1.0: never)."""
    margin, scores = _best_threshold(
        cases, sorted(grid, reverse=True), lambda cs, m: work_flags(cs, m, min_margin)
    )
    return (None if margin >= 1.0 else margin), scores


# -- the hybrid flag ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HybridCase:
    """What the hybrid flag sees of one labelled posting: the smaller side's share of the
    evidence for the two hybrid groups (None when the reading cannot be hybrid: its role is
    in neither group, or the smaller side is under the points floor), and the label."""

    share: float | None
    gold: bool
    group: str


def hybrid_flags(cases: Sequence[HybridCase], min_share: float) -> list[bool]:
    """The flag for each case at ``min_share``."""
    return [c.share is not None and c.share >= min_share for c in cases]


SHARE_GRID = tuple(round(0.2 + 0.025 * i, 3) for i in range(13))  # 0.200 .. 0.500


def fit_min_share(
    cases: Sequence[HybridCase], grid: Sequence[float] = SHARE_GRID
) -> tuple[float, FlagScores]:
    """The share on ``grid`` with the best F1 on ``cases`` (the smallest among ties)."""
    return _best_threshold(cases, grid, hybrid_flags)


def fit_floor(values: Sequence[float], max_share: float, grid: Sequence[float]) -> float:
    """The largest threshold on ``grid`` that leaves at most ``max_share`` of ``values``
    below it: real texts the floor would turn away."""
    best = 0.0
    for t in sorted(grid):
        if sum(v < t for v in values) <= max_share * len(values):
            best = t
    return best


def cross_validate(
    cases: Sequence[MismatchCase],
    k: int,
    seed: int,
    fit: Callable[[Sequence[MismatchCase]], float] = lambda cs: fit_min_margin(cs)[0],
    flags: Callable[[Sequence[MismatchCase], float], list[bool]] = mismatch_flags,
) -> FlagScores:
    """Flag scores over held-out folds (grouped by company), each fold flagged with the
    margin fitted on the others."""
    return _cross_validated(cases, k, seed, fit, flags)


def cross_validate_hybrid(cases: Sequence[HybridCase], k: int, seed: int) -> FlagScores:
    """Hybrid flag scores over held-out folds (grouped by company), each fold flagged with
    the share fitted on the others."""
    return _cross_validated(cases, k, seed, lambda cs: fit_min_share(cs)[0], hybrid_flags)


class _Case(Protocol):
    @property
    def gold(self) -> bool: ...

    @property
    def group(self) -> str: ...


C = TypeVar("C", bound=_Case)


def _best_threshold(
    cases: Sequence[C], grid: Sequence[float], flags: Callable[[Sequence[C], float], list[bool]]
) -> tuple[float, FlagScores]:
    """The threshold on ``grid`` whose flags have the best F1 on ``cases`` (the smallest
    among ties), and those scores."""
    gold = [c.gold for c in cases]
    best: tuple[float, FlagScores] | None = None
    for threshold in grid:
        scores = flag_scores(gold, flags(cases, threshold))
        if best is None or scores.f1 > best[1].f1:
            best = (threshold, scores)
    assert best is not None
    return best


def _cross_validated(
    cases: Sequence[C],
    k: int,
    seed: int,
    fit: Callable[[Sequence[C]], float],
    flags: Callable[[Sequence[C], float], list[bool]],
) -> FlagScores:
    folds = grouped_folds([c.group for c in cases], k, seed)
    gold: list[bool] = []
    flagged: list[bool] = []
    for fold in range(k):
        train = [c for c, f in zip(cases, folds, strict=True) if f != fold]
        test = [c for c, f in zip(cases, folds, strict=True) if f == fold]
        if not train or not test:
            continue
        threshold = fit(train)
        gold += [c.gold for c in test]
        flagged += flags(test, threshold)
    return flag_scores(gold, flagged)


def sha256_of(chunks: Iterable[bytes]) -> str:
    """The sha256 of some bytes, in order."""
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()
