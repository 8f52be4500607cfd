"""The ``semantic:`` block: activity statements, acronym expansions and matching settings.

Activity statements describe, in plain words, the work each role does. The semantic layer
(:mod:`rolelens.core.semantic`) embeds them once and matches a text's sentences to them,
which catches paraphrases no alias lists ("answers grounded in our help-centre articles").
"""

from __future__ import annotations

from typing import get_args

from pydantic import Field

from rolelens.taxonomy.base import Id, Weights
from rolelens.taxonomy.base import Strict as _Strict
from rolelens.taxonomy.kinds import SectionKind
from rolelens.taxonomy.models.cv import CvSectionKind


class Expansion(_Strict):
    """An acronym the embedding model does not know, and the words it stands for.

    Matched as a whole word, case-sensitively unless ``case_sensitive`` is false.
    """

    short: str = Field(min_length=1)
    long: str = Field(min_length=1)
    case_sensitive: bool = True


class Activity(_Strict):
    """A kind of work, described by a few statements, and the roles it points to.

    ``weights`` are points per role for one clear match in a duties section, on the same
    scale as an evidence item's weights (about 1 a hint, 2 strong, 3 decisive). An activity
    with no weights is *background*: generic job text ("work with stakeholders") that should
    match nothing, so a sentence closest to it counts for no role.
    """

    id: Id
    label: str
    weights: Weights = {}
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="this activity's own least cosine"
    )
    statements: list[str] = Field(min_length=1)


class SemanticFit(_Strict):
    """CV ↔ posting: a requirement line the CV meets in other words.

    A requirement line the CV does not fully cover by name is compared with the sentences
    of the CV's work sections; the closest one, when its cosine reaches ``threshold``,
    credits the line up to ``credit`` (reached at ``full``), and is quoted with its
    similarity.
    """

    threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    full: float = Field(default=0.75, ge=0.0, le=1.0)
    credit: float = Field(
        default=0.8, ge=0.0, le=1.0, description="a line's score from a fully similar sentence"
    )
    cv_sections: list[str] = Field(
        default=["experience", "projects", "summary"],
        description="CV sections whose sentences may meet a requirement",
    )
    max_cv_sentences: int = Field(default=60, ge=1, description="CV sentences embedded")


class SemanticCues(_Strict):
    """Settings of the semantic layer and the activity statements it matches against."""

    version: str = "1.0"
    threshold: float = Field(
        default=0.55, ge=0.0, le=1.0, description="least cosine for a sentence to match"
    )
    full: float = Field(
        default=0.75, ge=0.0, le=1.0, description="cosine at which a match counts fully"
    )
    margin: float = Field(
        default=0.03,
        ge=0.0,
        le=1.0,
        description="the best activity must beat the best activity of any other role by this",
    )
    weight: float = Field(default=1.0, ge=0.0, le=5.0, description="scales every match")
    max_matches: int = Field(default=6, ge=0, description="matches counted per text")
    max_per_activity: int = Field(default=2, ge=1, description="matches counted per activity")
    repeat_decay: float = Field(default=0.5, ge=0.0, le=1.0)
    min_words: int = Field(default=4, ge=1, description="shorter sentences are not matched")
    max_chars: int = Field(default=300, ge=20, description="longer sentences are cut here")
    max_sentences: int = Field(default=40, ge=1, description="sentences embedded per text")
    open_below: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="a posting is embedded only when its alias-only reading is less sure than "
        "this (1.0: every posting); a confident reading is left as it is",
    )
    sections: list[str] = Field(
        default=["summary", "responsibilities", "requirements", "nice_to_have", "other"],
        description="posting sections whose sentences are matched",
    )
    skip: str = Field(
        default="role",
        pattern=r"^(sentence|role)$",
        description="'sentence': skip sentences with any alias evidence; 'role': skip a "
        "match when the sentence's alias evidence already points to the same role",
    )
    expansions: list[Expansion] = []
    fit: SemanticFit = SemanticFit()
    activities: list[Activity] = Field(min_length=1)

    def check_against(self, roles: set[str]) -> None:
        """Raise ValueError when an activity weights an unknown role or a section is unknown."""
        known = set(get_args(SectionKind))
        for s in self.sections:
            if s not in known:
                raise ValueError(f"semantic.sections names unknown section {s!r}")
        cv_known = set(get_args(CvSectionKind))
        for s in self.fit.cv_sections:
            if s not in cv_known:
                raise ValueError(f"semantic.fit.cv_sections names unknown CV section {s!r}")
        seen: set[str] = set()
        for a in self.activities:
            if a.id in seen:
                raise ValueError(f"semantic activity id {a.id!r} is defined twice")
            seen.add(a.id)
            for role in a.weights:
                if role not in roles:
                    raise ValueError(f"semantic activity {a.id!r} weights unknown role {role!r}")
