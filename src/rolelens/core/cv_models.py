"""What CV reading, matching and career advice return: typed, JSON-ready results.

Their JSON Schemas ship in the package (``rolelens schema cv|match|career``). Offsets are
into the CV text as read (after redaction when ``redacted`` is true); the CV text itself
is never part of a result, only the words each piece of evidence quotes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.taxonomy.models.cv import CvSectionKind, FitBandId, MentionUse

Alignment = Literal["aligned", "adjacent", "mismatch", "undetermined"]
Coverage = Literal["covered", "partly", "missing", "cannot_tell"]
RequirementKind = Literal[
    "skills", "language", "degree", "certification", "years", "authorisation", "location",
    "other",
]  # fmt: skip
CEFR = Literal["A1", "A2", "B1", "B2", "C1", "C2"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CvSection(_Out):
    """A run of the CV of one kind, opened by a heading (or the top of the CV)."""

    kind: CvSectionKind
    heading: str | None
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class CvEvidence(_Out):
    """One mention of an evidence item in the CV and how much it counted."""

    item: str = Field(description="evidence item id in the taxonomy")
    label: str
    kind: str
    text: str = Field(description="the words as written in the CV")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    section: CvSectionKind
    use: MentionUse = Field(
        description="shipped (an outcome statement: a delivery verb and a number, in a job, "
        "project or the summary), described (other job or project text), listed (a skills "
        "list), studied (a degree or certificate) or mentioned (anywhere else)"
    )
    factor: float = Field(description="how much this mention counted, 0..1 before weights")
    contributions: dict[str, float] = Field(description="role id -> points this mention added")
    similarity: float | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="semantic evidence only (kind 'semantic'): cosine similarity of the CV's "
        "sentence to the activity statement it matched (absent for alias evidence)",
    )


class Outcome(_Out):
    """A statement of shipped work: an outcome verb and a number, in a job or project."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    verbs: list[str] = Field(description="the outcome verbs found")
    metrics: list[str] = Field(description="the numbers with their units")
    items: list[str] = Field(description="evidence item ids mentioned in the statement")


class ExperienceEntry(_Out):
    """A dated job or project: the line that names it and the span of time it covers."""

    heading: str
    section: CvSectionKind
    kind: str = Field(
        default="professional",
        description="professional, or the cv.entry_kinds id it reads as (internship, "
        "working_student, apprenticeship, volunteer)",
    )
    weight: float = Field(
        default=1.0, ge=0, le=1, description="share of its months counted as experience"
    )
    start_date: str = Field(description="YYYY-MM")
    end_date: str | None = Field(description="YYYY-MM, or null for 'present'")
    months: int = Field(ge=0)
    start: int = Field(ge=0, description="offset of the date range in the CV")
    end: int = Field(ge=0)


class LanguageSkill(_Out):
    """A spoken language the CV names, with its level when it gives one."""

    language: str
    level: CEFR | None = Field(description="CEFR level, read from 'C1' or words like 'fluent'")
    text: str = Field(description="the CV's words")


class Degree(_Out):
    """A degree the CV's education names."""

    level: Literal["bachelor", "master", "phd"]
    text: str = Field(description="the CV's line that names it")


class Claim(_Out):
    """A tool, framework or technique the skills section claims, and whether work shows it."""

    item: str
    label: str
    shown: bool = Field(description="a job or project line mentions it (or its close kin)")
    shown_as: MentionUse | None = Field(description="the strongest use found in work")


class CvReading(_Out):
    """The role a CV's shipped work points to, the evidence, claims and seniority."""

    id: str | None = None
    role: str = Field(
        description="most likely role id by the work shown, or 'undetermined' when the CV "
        "holds too little evidence to read a role from (see undetermined_reason)"
    )
    confidence: float = Field(ge=0, le=1)
    secondary: str | None
    undetermined_reason: str | None = Field(
        default=None,
        description="why no role was read (an empty or name-only CV); null when role is a role",
    )
    scores: dict[str, float] = Field(description="role id -> probability; sums to 1")
    points: dict[str, float] = Field(description="role id -> raw evidence points")
    listed_role: str | None = Field(
        description="the role the skills list alone points to (null when there is none)"
    )
    sections: list[CvSection]
    evidence: list[CvEvidence]
    outcomes: list[Outcome]
    entries: list[ExperienceEntry]
    claims: list[Claim]
    unshown_claims: list[str] = Field(description="labels of claims no work line shows")
    keyword_stuffing: bool
    keyword_stuffing_reason: str | None
    years_experience: float | None = Field(
        description="years of experience from dated work entries: professional jobs, "
        "overlaps counted once, plus early-career entries (internships, working-student "
        "jobs, ...) at their weight where no professional job covers them"
    )
    years_early_career: float | None = Field(
        default=None,
        description="years of internships, working-student jobs, apprenticeships and "
        "volunteering not covered by a professional job (shown apart; null when none)",
    )
    years_stated: float | None = Field(
        default=None, description="the years of experience the CV's summary states, if any"
    )
    years_note: str | None = Field(
        default=None,
        description="set when the CV's stated years and the dated entries disagree",
    )
    languages: list[LanguageSkill] = Field(default=[], description="spoken languages named")
    degrees: list[Degree] = Field(default=[], description="degrees named in education")
    seniority: str | None
    seniority_basis: Literal["dates", "none"]
    redacted: bool = Field(description="emails, phone numbers and addresses were removed")
    redactions: dict[str, int] = Field(description="how many of each kind were removed")
    warnings: list[str]
    taxonomy_version: str
    scorer_version: str


class SimilarWork(_Out):
    """A CV sentence that meets a requirement in other words (``match --semantic on``)."""

    text: str = Field(description="the CV's sentence")
    similarity: float = Field(description="cosine similarity to the requirement line")


class RequirementMatch(_Out):
    """One requirement line of the posting and how the CV covers it."""

    text: str = Field(description="the requirement line as the posting writes it")
    level: Literal["required", "preferred"]
    section: str
    kind: RequirementKind = Field(
        default="skills",
        description="skills (evidence items), or a fact a CV states: language, degree, "
        "certification, years; authorisation and location a CV cannot settle",
    )
    items: list[str] = Field(description="evidence item ids the line asks for")
    status: Coverage
    score: float = Field(ge=0, le=1)
    evidence: list[str] = Field(description="the CV's words that cover it")
    missing: list[str] = Field(description="labels of the items the CV does not show")
    note: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="how a fact line was judged ('asks C1, the CV states C1'), or why a CV "
        "cannot tell",
    )
    similar: SimilarWork | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="semantic matching only: the CV sentence closest to this line, when it "
        "raised the line's score (absent otherwise)",
    )


class Probe(_Out):
    """An interview question for a claim the CV makes but never shows (or a required gap)."""

    item: str
    label: str
    reason: Literal["unshown_claim", "missing_requirement"]
    question: str


class FitReport(_Out):
    """How well a CV fits a posting: requirements covered, role alignment, score and band."""

    id: str | None = None
    fit_score: float = Field(ge=0, le=1)
    fit_band: FitBandId | Literal["undetermined"] = Field(
        description="a band, or 'undetermined' when the CV or the posting holds too little "
        "evidence to judge a fit"
    )
    fit_label: str
    coverage: float = Field(ge=0, le=1, description="weighted share of requirements covered")
    alignment: Alignment
    alignment_reason: str
    cv_role: str
    posting_role: str
    posting_title: str | None
    requirements: list[RequirementMatch]
    covered: int
    partly: int
    missing: int
    cannot_tell: int = Field(default=0, description="lines a CV cannot settle (location, ...)")
    gaps: list[str] = Field(description="labels of required items the CV does not show")
    probes: list[Probe]
    keyword_stuffing: bool
    years_experience: float | None
    years_required: int | None
    penalties: dict[str, float] = Field(description="what was taken off the score, and why")
    cv: CvReading
    taxonomy_version: str
    scorer_version: str


class InterestSignal(_Out):
    """Words in the person's likes that point to a role."""

    interest: str
    label: str
    role: str
    words: list[str]


class SkillGap(_Out):
    """A core skill of the target role and what the CV shows of it."""

    skill: str
    status: Literal["shown", "listed", "missing"] = Field(
        description="shown: a job, project, outcome statement or degree shows it; listed: "
        "only named; missing"
    )
    evidence: list[str] = Field(description="labels of the items that show it")


class LearningStep(_Out):
    """One step of the learning path, in order."""

    step: int = Field(ge=1)
    concept: str
    label: str
    why: str
    durable: bool
    status: Literal["new", "refresh"] = Field(
        description="new: the CV does not name it; refresh: listed but never shown in work, "
        "an outcome statement or a degree"
    )


class CareerAdvice(_Out):
    """The role to target from background and likes, the gaps, and what to learn in order."""

    id: str | None = None
    target_role: str = Field(
        description="role id to target, or 'undetermined' when the CV holds too little "
        "evidence to advise on (then no gaps and no learning path)"
    )
    target_name: str
    reason: str
    undetermined_reason: str | None = Field(
        default=None, description="why no advice was given; null when there is a target"
    )
    background_role: str
    scores: dict[str, float] = Field(description="role id -> share of target points")
    alternatives: list[str]
    interests: list[InterestSignal]
    gaps: list[SkillGap]
    strengths: list[str] = Field(description="core skills of the target the CV shows in work")
    learning_path: list[LearningStep]
    cv: CvReading
    taxonomy_version: str
    scorer_version: str
