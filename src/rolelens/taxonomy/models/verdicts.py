"""The shape of a ``verdicts:`` block: when a reading flags a mismatch or declines a role.

The thresholds are fitted on labelled postings (``scripts/fit_verdicts.py``) and keep
their provenance beside them, as scikit-learn keeps ``coef_`` apart from ``C``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from rolelens.taxonomy.base import Strict as _Strict


class MismatchSettings(_Strict):
    """A title-vs-work mismatch: the title names a specific role (not ``ambiguous``) and
    the reading is confidently another role."""

    min_margin: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="the reading's probability of its role must exceed its probability of "
        "the title's role by at least this much",
    )
    work_margin: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="when the title names a specific role, the reading names it too, and the "
        "work alone (the points without the title's prior) reads another role, ahead of the "
        "title's by at least this much probability, the reading follows the work: its role "
        "and scores are the work's and the mismatch is flagged; None: the title's prior "
        "always counts",
    )


class UndeterminedSettings(_Strict):
    """When a text holds too little to read a role from: the reading says ``undetermined``
    and still shows the distribution."""

    min_evidence: float = Field(
        default=0.0,
        ge=0.0,
        description="points the mentions must add up to (positive contributions, title "
        "included); below this the text holds too little evidence",
    )
    min_prose: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="share of the text's characters in word-like tokens; below this the text "
        "is not prose (encoded data, a dump of symbols)",
    )


class HybridSettings(_Strict):
    """When a reading is flagged hybrid: model building and LLM integration both central."""

    min_share: float | None = Field(
        default=None,
        ge=0.0,
        le=0.5,
        description="the smaller of the two sides must hold at least this share of the "
        "evidence for the two; None: the scoring block's hand-set hybrid_min_share",
    )


class VerdictFit(_Strict):
    """What the thresholds were fitted on, how, and how well they did."""

    fitted_on: list[str] = Field(min_length=1, description="labelled file names")
    rows: int = Field(ge=1)
    sha256: str = Field(description="sha256 of the labelled files' bytes, in order")
    date: dt.date
    seed: int
    seeds: list[int] = Field(
        default=[],
        description="fold seeds whose out-of-fold readings were pooled (empty: seed alone)",
    )
    method: str = Field(description="how the thresholds were chosen, in words")
    scores: dict[str, float] = Field(
        default={}, description="train, cross-validated and dev numbers, by name"
    )


class VerdictSettings(_Strict):
    """The verdicts the reader adds to a role distribution."""

    mismatch: MismatchSettings = MismatchSettings()
    undetermined: UndeterminedSettings = UndeterminedSettings()
    hybrid: HybridSettings = HybridSettings()
    fitted: VerdictFit | None = None
