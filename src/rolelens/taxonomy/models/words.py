"""The shape of the word layer's data: its vocabulary (``words:``, counted from unlabelled
postings by ``scripts/word_vocab.py``) and its fitted points per role (``fitted.words``,
fitted by ``rolelens train postings``)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from rolelens.taxonomy.base import Strict as _Strict


class WordsCounted(_Strict):
    """Where the vocabulary was counted: corpus files, postings, the rule words were kept by."""

    corpus: list[str] = Field(min_length=1)
    postings: int = Field(ge=1)
    labelled_left_out: int = Field(
        ge=0, description="postings not counted: labelled ones, by id or by text"
    )
    min_postings: int = Field(ge=1)
    max_share: float = Field(gt=0.0, le=1.0)
    method: str


class WordVocabulary(_Strict):
    """The words the layer reads, each with its idf in the unlabelled corpus."""

    counted: WordsCounted
    idf: dict[str, float] = Field(min_length=1)

    @field_validator("idf")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [w for w, x in v.items() if not x > 0 or w != w.lower() or len(w) < 2]
        if bad:
            raise ValueError(f"words must be folded, 2+ characters, idf > 0: {bad[:5]}")
        return v


class FittedWords(_Strict):
    """Points per role of the vocabulary's words (already multiplied by ``scale``)."""

    roles: list[str] = Field(min_length=1, description="the order of each word's points")
    scale: float = Field(gt=0.0, description="how much the layer counts beside the evidence")
    l2: float = Field(gt=0.0, description="the fit's L2 penalty")
    weights: dict[str, list[float]] = {}

    @model_validator(mode="after")
    def _lengths(self) -> FittedWords:
        n = len(self.roles)
        bad = [w for w, ws in self.weights.items() if len(ws) != n]
        if bad:
            raise ValueError(f"word weights need {n} numbers (one per role): {bad[:5]}")
        return self
