"""The shape of a ``fitted:`` block: numbers fitted on labelled postings, with provenance.

``rolelens train postings`` writes one; the bundled taxonomy ships one
(``taxonomy/fitted/postings.yaml``). It holds only numbers — item role weights and scorer
settings — never vocabulary, and records what it was fitted on, how, and how well it did
under cross-validation, beside the hand-set scorer on the same rows.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from rolelens.taxonomy.base import Strict as _Strict
from rolelens.taxonomy.base import Weights
from rolelens.taxonomy.models.words import FittedWords


class FitScores(_Strict):
    """How a scorer did on labelled postings (cross-validated unless said otherwise)."""

    n: int = Field(ge=0)
    accuracy: float
    lenient_accuracy: float | None = None
    macro_f1: float
    log_loss: float | None = None
    ece: float | None = None
    per_role_f1: dict[str, float] = {}
    mismatch_precision: float | None = None
    mismatch_recall: float | None = None
    title_role_accuracy: float | None = None
    fold_accuracy: list[float] = Field(
        default=[], description="accuracy in each cross-validation fold, in fold order"
    )


class FitProvenance(_Strict):
    """What fitted numbers were fitted on and how well they did: enough to redo the fit
    and to know whether to trust it (like spaCy's meta.json)."""

    fitted_on: list[str] = Field(min_length=1, description="labelled file names")
    rows: int = Field(ge=1)
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="of the rows used, as canonical JSON lines (id, title, description, label)",
    )
    date: dt.date
    seed: int
    scorer_version: str
    taxonomy_version: str
    method: str = Field(description="how the numbers were fitted, in words")
    settings: dict[str, float] = Field(
        default={}, description="the fit's own settings (prior strength, row weights, folds)"
    )
    fitted_how: dict[str, str] = Field(
        default={},
        description="for each fitted number (or family of numbers), which way it was fitted",
    )
    cv: FitScores | None = Field(
        default=None, description="grouped k-fold cross-validation of the fitted scorer"
    )
    hand_cv: FitScores | None = Field(
        default=None, description="the hand-set scorer on the same rows (nothing fitted)"
    )
    holdout_file: str | None = Field(
        default=None, description="with several files: the last, held out for `holdout`"
    )
    holdout: FitScores | None = Field(
        default=None,
        description="numbers fitted (same settings) on every file but the last, scored on the last",
    )
    hand_holdout: FitScores | None = Field(
        default=None, description="the hand-set scorer on the held-out file"
    )


class FittedScoring(_Strict):
    """Scorer numbers a fit replaces; any left out keep the taxonomy's own (section names
    are checked when the numbers are applied)."""

    section_weights: dict[str, float] = {}
    preferred_weight: float | None = None
    listed_weight: float | None = None
    company_clause_weight: float | None = None
    lead_weight: float | None = Field(default=None, gt=0.0)
    repeat_decay: float | None = Field(default=None, ge=0.0, le=1.0)
    saturation: float | None = Field(default=None, gt=0.0)
    title_weight: float | None = None
    role_bias: dict[str, float] = {}
    temperature: float | None = Field(default=None, gt=0.0)
    specialisation_shares: dict[str, float] = {}

    @field_validator("specialisation_shares")
    @classmethod
    def _shares_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for role, share in v.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"share for {role!r} is {share}; shares lie in [0, 1]")
        return v


class FittedWeights(_Strict):
    """Numbers fitted on labelled postings, layered over the hand-set ones.

    ``weights`` replaces the role weights of the evidence items it names (items it does
    not name keep their hand weights; an item the vocabulary no longer has is ignored);
    ``scoring`` replaces the scorer numbers it sets. The vocabulary (items, aliases, cues)
    is never fitted.
    """

    provenance: FitProvenance
    weights: dict[str, Weights] = {}
    scoring: FittedScoring = FittedScoring()
    words: FittedWords | None = None
