"""CV reading, fit and career cues as data: pydantic models for the ``cv:`` taxonomy key.

A CV is read for the work it shows. The words that decide how (CV section headings,
the verbs and units of an outcome statement, what a mention counts for by where it sits,
when a skills list looks stuffed, how a posting's requirement is judged covered, which
interests point to which role, the skills behind each role and the learning path with
its order) live in ``data/cv.yaml`` and are validated here; :mod:`rolelens.core.cv`,
:mod:`rolelens.core.job_fit` and :mod:`rolelens.core.career` only weigh what these describe.

Terms are matched on word boundaries over folded text (lower case, hyphens and slashes
read as spaces); a term ending in ``*`` matches any word that starts with it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from rolelens.taxonomy.base import Id, ScoringKnobs
from rolelens.taxonomy.base import Strict as _Strict
from rolelens.taxonomy.models.scoping import check_terms
from rolelens.taxonomy.models.verdicts import UndeterminedSettings

CvSectionKind = Literal[
    "summary",
    "experience",
    "projects",
    "skills",
    "education",
    "certifications",
    "publications",
    "interests",
    "languages",
    "contact",
    "other",
]
#: How a mention in a CV counts: in an outcome statement of a job or project (``shipped``),
#: in a job or project without a measured outcome (``described``), in a skills list
#: (``listed``), in a degree or certificate (``studied``: the education and certifications
#: sections), anywhere else (``mentioned``: summary, interests). An outcome statement
#: counts as ``shipped`` wherever it stands, the summary included.
MentionUse = Literal["shipped", "described", "listed", "studied", "mentioned"]
FitBandId = Literal["strong", "partial", "weak"]


class StuffingRule(_Strict):
    """When a skills list claims more than the work shows."""

    kinds: list[str] = Field(
        description="evidence kinds that count as claims (tools, frameworks, techniques)"
    )
    min_unshown: int = Field(default=5, ge=1, description="at least this many unshown claims")
    min_share: float = Field(
        default=0.5, ge=0.0, le=1.0, description="and at least this share of all claims"
    )
    max_work_ratio: float = Field(
        default=0.75,
        ge=0.0,
        description="and the work shows fewer distinct items than this share of the claims",
    )


class FitBand(_Strict):
    """A fit band: a score at or above ``min`` (and below the next band) falls in it."""

    id: FitBandId
    label: str
    min: float = Field(ge=0.0, le=1.0)
    centre: float = Field(ge=0.0, le=1.0, description="the score a pair of this band should get")


class EntryKind(_Strict):
    """A kind of dated entry that is not a professional job (an internship, a working-student
    job, an apprenticeship, volunteering): shown apart and counted at ``weight``."""

    id: Id
    label: str
    weight: float = Field(
        ge=0.0, le=1.0, description="share of its months that count as years of experience"
    )
    terms: list[str] = Field(min_length=1, description="words of the entry's heading line")

    _terms = field_validator("terms")(check_terms)


class FactCues(_Strict):
    """Requirement lines that name no evidence item but can still be checked against a CV
    (languages, degrees, certifications, years) or cannot be (work authorisation, location)."""

    languages: list[str] = Field(min_length=1, description="spoken languages, by name")
    level_words: dict[str, Literal["A1", "A2", "B1", "B2", "C1", "C2"]] = Field(
        description="words for a language level and the CEFR level they stand for"
    )
    degrees: dict[Literal["bachelor", "master", "phd"], list[str]] = Field(
        description="words naming a degree of each level (matched case-insensitively)"
    )
    degree_cues: list[str] = Field(
        description="words that make a requirement line about a degree ('degree', 'diploma')"
    )
    certification: list[str] = Field(min_length=1)
    authorisation: list[str] = Field(min_length=1, description="work permit, visa, clearance")
    location: list[str] = Field(min_length=1, description="where the work happens")
    years_stated: list[str] = Field(
        default=["experience"],
        description="words after 'N years' in a CV summary that make it a claim of experience",
    )

    _terms = field_validator("languages", "degree_cues", "certification", "authorisation",
                             "location", "years_stated")(check_terms)  # fmt: skip


class FitSettings(_Strict):
    """How a posting's requirements are judged covered and a fit score is made."""

    credit: dict[MentionUse | Literal["related", "absent"], float] = Field(
        description="how much a requirement item is covered by the CV's best use of it"
    )
    kin_share: float = Field(
        default=0.8, ge=0.0, le=1.0, description="of the credit when the CV shows a kin item"
    )
    covered_min: float = Field(default=0.8, ge=0.0, le=1.0)
    partly_min: float = Field(default=0.3, ge=0.0, le=1.0)
    required_weight: float = Field(default=1.0, ge=0.0)
    preferred_weight: float = Field(default=0.4, ge=0.0)
    max_requirements: int = Field(default=40, ge=1)
    alignment: dict[Literal["aligned", "adjacent", "mismatch"], float]
    min_work_points: float = Field(
        default=1.5, ge=0.0, description="work evidence for the posting's role to be aligned"
    )
    hybrid_min_share: float = Field(
        default=0.15, ge=0.0, le=1.0, description="each side a hybrid posting needs, as a share"
    )
    coverage_share: float = Field(
        default=0.6, ge=0.0, le=1.0, description="the score's share from requirement coverage"
    )
    stuffing_penalty: float = Field(default=0.1, ge=0.0, le=1.0)
    years_penalty: float = Field(
        default=0.1, ge=0.0, le=1.0, description="when the CV has fewer years than asked"
    )
    fact_penalty: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="per required language, degree or certification the CV does not state "
        "(at most two count)",
    )
    bands: list[FitBand] = Field(min_length=1)
    max_probes: int = Field(default=6, ge=0)
    probe_template: str = Field(description="'{label}' is replaced by the claim's name")
    missing_probe_template: str = Field(description="for a required item the CV never names")

    @field_validator("bands")
    @classmethod
    def _bands_ordered(cls, v: list[FitBand]) -> list[FitBand]:
        mins = [b.min for b in v]
        if mins != sorted(mins, reverse=True):
            raise ValueError("fit bands are listed from the highest min down")
        if v[-1].min != 0.0:
            raise ValueError("the last fit band has min 0")
        return v


class Interest(_Strict):
    """Words in what a person enjoys that point to a role."""

    id: Id
    label: str
    role: Id
    weight: float = Field(default=1.0, ge=0.0, le=5.0)
    terms: list[str] = Field(min_length=1)

    _terms = field_validator("terms")(check_terms)


class BackgroundPath(_Strict):
    """Where a background usually goes next in AI work, and why."""

    role: Id
    reason: str


class RoleSkill(_Strict):
    """A core skill of a role and the evidence items that show it in a CV."""

    skill: str
    items: list[str] = Field(min_length=1)


class Concept(_Strict):
    """One step of a learning path. Durable concepts come before fashionable frameworks."""

    id: Id
    label: str
    why: str
    durable: bool = True
    order: int = Field(description="position among the path's steps, lowest first")
    roles: list[str] = Field(min_length=1)
    items: list[str] = Field(default=[], description="evidence items whose shown use covers it")


class CvCues(ScoringKnobs):
    """Everything CV reading, matching and career advice weigh (``cv:`` in the taxonomy)."""

    version: str = "1.0"
    section_headings: dict[CvSectionKind, list[str]]
    work_sections: list[CvSectionKind] = ["experience", "projects"]
    outcome_verbs: list[str] = Field(min_length=1)
    metric_units: list[str] = []
    use_weights: dict[MentionUse, float]
    entry_kinds: list[EntryKind] = Field(
        default=[], description="dated entries that are not professional jobs, and their weight"
    )
    undetermined: UndeterminedSettings = Field(
        default=UndeterminedSettings(min_evidence=1.0, min_prose=0.4),
        description="when a CV holds too little to read a role from (no role, no advice)",
    )
    facts: FactCues | None = None
    saturation: float | None = Field(default=8.0, gt=0.0)
    stuffing: StuffingRule
    adjacent_roles: list[list[str]] = []
    fit: FitSettings
    interests: list[Interest] = []
    interest_weight: float = Field(default=1.0, ge=0.0, description="points per interest cue")
    background_weight: float = Field(
        default=2.0, ge=0.0, description="points the CV's own role distribution gives"
    )
    path_weight: float = Field(
        default=2.0, ge=0.0, description="points a background's usual next role gets"
    )
    background_paths: dict[str, BackgroundPath] = {}
    role_skills: dict[str, list[RoleSkill]] = {}
    learning: list[Concept] = []

    _verbs = field_validator("outcome_verbs", "metric_units")(check_terms)

    @model_validator(mode="before")
    @classmethod
    def _studied_defaults(cls, data: object) -> object:
        """A ``cv:`` block written before degrees counted as shown (no ``studied`` weight or
        credit) reads them as it read them then: like ``mentioned``."""
        if isinstance(data, dict):
            weights = data.get("use_weights")
            if isinstance(weights, dict) and "studied" not in weights and "mentioned" in weights:
                data = {**data, "use_weights": {**weights, "studied": weights["mentioned"]}}
            fit = data.get("fit")
            credit = fit.get("credit") if isinstance(fit, dict) else None
            if isinstance(credit, dict) and "studied" not in credit and "mentioned" in credit:
                fit = {**fit, "credit": {**credit, "studied": credit["mentioned"]}}  # type: ignore[dict-item]
                data = {**data, "fit": fit}
        return data

    @model_validator(mode="after")
    def _weights_known(self) -> CvCues:
        for use in ("shipped", "described", "listed", "studied", "mentioned"):
            if use not in self.use_weights:
                raise ValueError(f"cv.use_weights needs {use!r}")
        for key in ("shipped", "described", "listed", "studied", "mentioned", "related", "absent"):
            if key not in self.fit.credit:
                raise ValueError(f"cv.fit.credit needs {key!r}")
        for key in ("aligned", "adjacent", "mismatch"):
            if key not in self.fit.alignment:
                raise ValueError(f"cv.fit.alignment needs {key!r}")
        return self

    def check_against(self, role_ids: set[str], item_ids: set[str]) -> None:
        """Raise ValueError when a cue names an unknown role or evidence item."""

        def roles(where: str, names: list[str]) -> None:
            for r in names:
                if r not in role_ids:
                    raise ValueError(f"{where} names unknown role {r!r}")

        def items(where: str, names: list[str]) -> None:
            for i in names:
                if i not in item_ids:
                    raise ValueError(f"{where} names unknown evidence item {i!r}")

        roles("cv.role_bias", list(self.role_bias))
        for pair in self.adjacent_roles:
            roles("cv.adjacent_roles", pair)
        for interest in self.interests:
            roles(f"cv interest {interest.id!r}", [interest.role])
        for source, path in self.background_paths.items():
            roles("cv.background_paths", [source, path.role])
        for role, skills in self.role_skills.items():
            roles("cv.role_skills", [role])
            for s in skills:
                items(f"cv.role_skills.{role}", s.items)
        for concept in self.learning:
            roles(f"cv learning concept {concept.id!r}", concept.roles)
            items(f"cv learning concept {concept.id!r}", concept.items)
