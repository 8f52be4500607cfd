"""What scoping returns: typed, JSON-ready results (their JSON Schema ships in the package).

A :class:`Scoping` is the whole answer for one brief: the recommended hire and how sure
we are, the procedure step by step with the brief's own words quoted, alternatives,
warnings, questions, what follows (stack, KPIs, metrics, pay and cost, every number with
its source), and a job description and interview loop generated from the taxonomy.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.taxonomy.models.scoping import StepId


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScopingForm(_Out):
    """A structured brief: every field optional, free text in each."""

    brief: str | None = Field(default=None, description="free-text description of the problem")
    outcome: str | None = Field(default=None, description="the business result wanted")
    data: str | None = Field(default=None, description="the data the organisation holds")
    volumes: str | None = Field(default=None, description="how much data, how many labels")
    users: str | None = Field(default=None, description="who uses the result")
    production: str | None = Field(default=None, description="how it must run in production")
    team_stage: str | None = Field(default=None, description="first hire? existing team?")
    budget: str | None = Field(default=None, description="budget, as the client states it")
    region: str | None = Field(default=None, description="where the hire will be based")


class Quote(_Out):
    """Words of the brief, with character offsets into the text that was scoped."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Signal(_Out):
    """One cue found in the brief and the points it gave."""

    cue: str = Field(description="cue id in the taxonomy's scoping block")
    label: str
    quote: Quote
    points: dict[str, float] = Field(description="role -> points this match added")
    tags: list[str] = []


class SourceRef(_Out):
    """A source a figure comes from."""

    id: str
    title: str
    publisher: str
    year: int
    url: str | None = None


class SourcedFigure(_Out):
    """A number from the taxonomy's figures (or derived from them), always with its sources."""

    figures: list[str] = Field(min_length=1, description="figure ids this number rests on")
    text: str = Field(description="the number as printed, e.g. 'US$147,524 a year'")
    description: str
    low: float | None = None
    high: float | None = None
    unit: str
    derived: str | None = Field(default=None, description="how it was computed, when it was")
    sources: list[SourceRef] = Field(min_length=1)


class ScopingStep(_Out):
    """One step of the procedure, resting on quoted words of the brief (or saying none)."""

    id: StepId
    title: str
    asks: str
    finding: str = Field(description="what this step concluded, in a sentence")
    found: bool = Field(description="whether any words of the brief bore on this step")
    leaning: str | None = Field(description="the outcome this step points to most, if any")
    signals: list[Signal]
    points: dict[str, float] = Field(description="outcome -> points from this step")
    figures: list[SourcedFigure] = []


class Alternative(_Out):
    """Another hire a careful reader could defend, and when it would be the right one."""

    role: str
    name: str
    probability: float = Field(ge=0, le=1)
    ai_hire: bool
    wins_when: str


class ScopingWarning(_Out):
    """A known failure mode the brief shows signs of."""

    id: str
    title: str
    message: str
    because: list[Quote] = Field(description="the words that raised it")
    figures: list[SourcedFigure] = []
    points: dict[str, float] = Field(
        default={}, description="points this failure mode moved before the decision"
    )


class Question(_Out):
    """Something to ask the client because the brief lacks what a step needs."""

    step: StepId | Literal["warning"]
    text: str


class SalaryBand(_Out):
    """Pay for a role at a level in a region, with its sources (a range where they disagree)."""

    role: str
    region: str | None
    level: str | None
    label: str
    amount: SourcedFigure
    proxy_for: str | None = Field(
        default=None, description="set when another role's figures stand in for this one"
    )


class CostLine(_Out):
    """What a hire costs a year, as far as sourced figures say."""

    role: str
    name: str
    ai_hire: bool
    basis: str = Field(description="what the amount is (e.g. 'mid-level average, US')")
    amount: SourcedFigure | None = Field(description="null when no source prices this role")
    note: str | None = None


class BudgetCheck(_Out):
    """The client's stated budget set against the sourced cost of the recommended hire."""

    text: str = Field(description="the budget as the brief or form states it")
    amount: float | None = Field(description="the yearly amount read from it, if one was")
    currency: str | None
    verdict: str = Field(description="within, below or above the cost, or why not compared")
    within: bool | None = Field(description="null when the two could not be compared")


class JobDescription(_Out):
    """A job description draft generated from the taxonomy and the brief."""

    title: str
    summary: str
    first_project: str | None = Field(description="the brief's problem, in its own words")
    responsibilities: list[str]
    shipped_work: list[str] = Field(description="what a candidate should have shipped")
    stack: list[str]
    success_measures: list[str]
    not_required: list[str]


class SkillProbe(_Out):
    """Probing questions for one core skill."""

    skill: str
    questions: list[str]


class InterviewStage(_Out):
    """One stage of the interview loop."""

    name: str
    purpose: str


class InterviewLoop(_Out):
    """An interview loop that tests shipped work: a work sample and probes per core skill."""

    stages: list[InterviewStage]
    work_sample: str
    design_question: str
    probes: list[SkillProbe]
    debrief: str


class Scoping(_Out):
    """The right hire for a business problem, traced step by step, costed and sourced."""

    id: str | None = None
    role: str = Field(
        description="recommended outcome id (a role, or 'hybrid'), or 'undetermined' when the "
        "brief is too thin to decide"
    )
    name: str
    ai_hire: bool = Field(description="false when the answer is 'you may not need an AI hire'")
    no_ai_hire: str | None = Field(description="why an AI hire may not be needed, when it may not")
    undetermined: bool = Field(
        default=False,
        description="true when the facts found cannot decide: no hire, JD or pay is given; "
        "the questions say what would decide",
    )
    leading: str | None = Field(
        default=None, description="when undetermined: the outcome the little evidence leans to"
    )
    facts: list[str] = Field(default=[], description="ids of the taxonomy's facts the brief states")
    confidence: float = Field(ge=0, le=1, description="probability of the recommended outcome")
    level: str = Field(description="the seniority the recommendation assumes")
    region: str = Field(description="the region pay is shown for")
    scores: dict[str, float] = Field(description="outcome -> probability; sums to 1")
    points: dict[str, float] = Field(description="outcome -> raw points before the softmax")
    steps: list[ScopingStep]
    alternatives: list[Alternative]
    warnings: list[ScopingWarning]
    questions: list[Question]
    stack: list[str]
    kpis: list[str]
    eval_metrics: list[str]
    core_skills: list[str]
    salary: list[SalaryBand]
    comparisons: list[SalaryBand] = Field(
        description="related figures where sources disagree, shown as ranges"
    )
    cost: list[CostLine] = Field(description="the recommended hire, then the cheapest adequate one")
    pay_note: str | None = Field(
        default=None, description="said when no sourced pay figure exists for the brief's region"
    )
    budget: BudgetCheck | None = Field(default=None, description="set when a budget is stated")
    job_description: JobDescription | None = Field(
        description="null when undetermined: no job description for an undecided hire"
    )
    interview_loop: InterviewLoop | None
    form: ScopingForm | None = None
    text: str | None = Field(default=None, description="the text scoped, when built from a form")
    taxonomy_version: str
    scoper_version: str
