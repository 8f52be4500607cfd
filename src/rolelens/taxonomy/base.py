"""What every taxonomy model shares: the strict base model, the id type and the weight check.

A leaf module: the taxonomy's models (``models`` and its ``scoping``, ``cv``, ``semantic``,
``verdicts`` and ``fit`` modules) all import from here, so an id or a weight means the same
thing in every block. ("Schemas" are the published JSON schemas of the outputs, in
:mod:`rolelens.schemas`.)
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

#: The shape of every id in a taxonomy: roles, evidence items, cues, facts, figures ...
ID_PATTERN = r"^[a-z][a-z0-9_]*$"

#: A point weight lies in [-WEIGHT_LIMIT, WEIGHT_LIMIT] (about 1 a hint, 2 strong, 3 decisive).
WEIGHT_LIMIT = 5.0


class Strict(BaseModel):
    """A taxonomy model: unknown keys are errors (a typo is not silently ignored); frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: How a layered file changes a list of these (see :mod:`rolelens.taxonomy.layering`):
    #: items with the same value of this field replace each other. None: the field ``id``
    #: when the model has one, else the list is replaced whole.
    layer_key: ClassVar[str | None] = None
    #: True when a layered file replaces the object whole instead of setting by setting
    #: (fitted numbers, which only hold together).
    layer_whole: ClassVar[bool] = False


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """The weights as given, or ValueError naming the first one outside [-5, 5]."""
    for role, w in weights.items():
        if not -WEIGHT_LIMIT <= w <= WEIGHT_LIMIT:
            raise ValueError(f"weight for {role!r} is {w}; weights lie in [-5, 5]")
    return weights


#: An id: lower_snake_case, starting with a letter.
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: Points per role id, each in [-5, 5].
Weights = Annotated[dict[str, float], AfterValidator(check_weights)]


class ScoringKnobs(Strict):
    """The knobs every scorer shares (postings, CVs, briefs), defined once: how repeated
    mentions of one thing count, each role's bias and the softmax temperature. Each block's
    data file sets its own values (the defaults are the posting reader's)."""

    repeat_decay: float = Field(
        default=0.35, ge=0.0, le=1.0, description="each repeat counts this times the one before"
    )
    max_repeats: int = Field(default=4, ge=1, description="repeats of one item that count at all")
    role_bias: dict[str, float] = Field(
        default={}, description="points added to a role before the softmax"
    )
    temperature: float = Field(
        default=1.0, gt=0.0, description="softmax temperature: higher spreads the probabilities"
    )
