"""The scoping procedure's cues as data: pydantic models for the ``scoping:`` taxonomy key.

Scoping turns a business brief into the right hire by the seeds' procedure: where the
value comes from, the data at hand, its labelled volume, production needs, autonomy,
customer-embedded delivery and team stage. Every word that moves the decision (a cue
phrase, its weight per role, a failure mode's trigger, a question to ask, a JD line, a
work sample) lives in ``data/scoping.yaml`` and is validated here; the procedure itself
(:mod:`rolelens.core.scoping`) only weighs what these models describe.

Cue terms are matched on word boundaries over folded text (lower case, hyphens and
slashes read as spaces, as for evidence aliases); a term ending in ``*`` matches any
word that starts with it (``forecast*`` finds "forecasts" and "forecasting").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field, field_validator, model_validator

from rolelens.taxonomy.base import Id, ScoringKnobs, Weights
from rolelens.taxonomy.base import Strict as _Strict

HYBRID = "hybrid"

StepId = Literal["outcome", "data", "volume", "production", "autonomy", "customer", "team_stage"]
STEP_ORDER: tuple[StepId, ...] = (
    "outcome",
    "data",
    "volume",
    "production",
    "autonomy",
    "customer",
    "team_stage",
)
FormField = Literal[
    "outcome", "data", "volumes", "users", "production", "team_stage", "budget", "region"
]


def check_terms(terms: list[str]) -> list[str]:
    """Cue terms: none empty; '*' (a prefix wildcard) only at a term's end."""
    for term in terms:
        core = term.rstrip("*")
        if not core.strip():
            raise ValueError("a cue term is empty")
        if "*" in core:
            raise ValueError(f"cue term {term!r}: '*' may only end a term")
    return terms


class Step(_Strict):
    """One step of the procedure: what it asks, how much it counts, what to ask when silent."""

    id: StepId
    title: str
    asks: str = Field(description="the question this step answers, in plain words")
    weight: float = Field(default=1.0, ge=0.0, le=3.0)
    none_found: str = Field(description="what the trace says when the brief gives nothing")
    questions: list[str] = Field(
        default=[], description="what to ask the client when this step found nothing"
    )
    ask_when: list[str] = Field(
        default=[],
        description="ask only when the recommendation or runner-up is one of these (empty: always)",
    )


class Cue(_Strict):
    """Words in a brief that move the decision at one step.

    A cue matches where one term of *each* group occurs, all within ``window``
    characters (a one-group cue is a plain phrase list). ``weights`` are points per role
    (``hybrid`` allowed); ``tags`` are facts the procedure uses later (the data is free
    text, a search is broken, an AI solution was asked for ...).
    """

    id: Id
    step: StepId
    label: str = Field(description="what the cue means, shown in the trace")
    terms: list[str] = []
    all_of: list[list[str]] = []
    window: int = Field(default=90, ge=10, le=400)
    weights: Weights = {}
    tags: list[str] = []
    negatable: bool = True
    inflect: bool = Field(
        default=True, description="also match regular inflections (-s, -ed, -ing) of the words"
    )
    min_distinct: int | None = Field(
        default=None,
        ge=2,
        description="with terms: match where this many different terms share one sentence",
    )
    per_term: bool = Field(
        default=False,
        description="a vocabulary: each different term counts once (no decay), up to max_terms",
    )
    max_terms: int = Field(default=4, ge=1, le=50)

    @field_validator("terms")
    @classmethod
    def _terms_ok(cls, v: list[str]) -> list[str]:
        return check_terms(v)

    @field_validator("all_of")
    @classmethod
    def _groups_ok(cls, v: list[list[str]]) -> list[list[str]]:
        for group in v:
            if not group:
                raise ValueError("an all_of group is empty")
            check_terms(group)
        return v

    @model_validator(mode="after")
    def _one_form(self) -> Cue:
        if bool(self.terms) == bool(self.all_of):
            raise ValueError(f"cue {self.id!r} needs either terms or all_of (not both)")
        if self.min_distinct is not None and not self.terms:
            raise ValueError(f"cue {self.id!r}: min_distinct works with terms, not all_of")
        if not self.weights and not self.tags:
            raise ValueError(f"cue {self.id!r} has neither weights nor tags")
        return self

    def groups(self) -> list[list[str]]:
        """The cue's term groups (a plain term list is one group)."""
        return [self.terms] if self.terms else self.all_of


class VolumeRules(_Strict):
    """How the labelled-volume step reads numbers: what counts as labelled, small, large."""

    small_max: float = Field(gt=0, description="fewer labelled examples than this count as small")
    threshold_figure: str | None = Field(
        default=None, description="figure id that sources small_max"
    )
    large_min: float = Field(gt=0)
    window: int = Field(default=70, ge=10, le=300)
    quantities: dict[str, float] = Field(
        default={}, description="vague phrases and the amount they stand for"
    )
    multipliers: dict[str, float] = Field(
        default={}, description="words after a number that multiply it (k, million)"
    )
    labelled_terms: list[str] = Field(description="words that make a count a labelled one")
    history_terms: list[str] = Field(description="words that make a count a history of records")
    rate_terms: list[str] = Field(
        default=[], description="'a day', 'per month': a workload, not a history"
    )
    population_terms: list[str] = Field(
        default=[],
        description="nouns after a number that make it a count of people or places, not data",
    )
    text_tags: list[str] = Field(
        default=["text_data"], description="tags of data cues that mean free text"
    )
    small_text: Weights = Field(description="points: few labels, hard language")
    small_other: Weights = {}
    large: Weights = Field(description="points: a large labelled history")
    large_text: Weights = {}
    unknown_labelled: Weights = Field(
        default={}, description="points: labels exist but no count is given"
    )

    @model_validator(mode="after")
    def _order(self) -> VolumeRules:
        if self.small_max > self.large_min:
            raise ValueError("volume.small_max is above volume.large_min")
        for name in ("labelled_terms", "history_terms", "rate_terms", "population_terms"):
            check_terms(getattr(self, name))
        return self


class HybridRule(_Strict):
    """When model building and LLM integration are both central enough to call it hybrid."""

    name: str
    definition: str
    model_roles: list[str] = Field(min_length=1)
    llm_roles: list[str] = Field(min_length=1)
    min_points: float = Field(gt=0, description="each side needs at least this many points")
    min_share: float = Field(gt=0, le=0.5, description="the weaker side's share of both")
    bonus: float = Field(default=1.0, description="points hybrid gets over the stronger side")
    level: str = "senior"
    figures: list[str] = Field(default=[], description="figure ids shown with a hybrid advice")


class Specialisation(_Strict):
    """A role that is another role plus one step's work (agentic = AI engineering + autonomy).

    When ``step`` gives the role at least ``min_points``, it inherits ``inherit`` times the
    points of ``builds_on``: the base role's evidence counts for the specialist too.
    """

    role: str
    builds_on: str
    step: StepId
    min_points: float = Field(gt=0)
    inherit: float = Field(ge=0, le=1)


class Condition(_Strict):
    """One way a failure mode fires: every stated part must hold."""

    roles: list[str] = Field(default=[], description="the recommendation is one of these")
    all_tags: list[str] = []
    any_tags: list[str] = []
    none_tags: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not (self.roles or self.all_tags or self.any_tags):
            raise ValueError("a failure-mode condition needs roles, all_tags or any_tags")
        return self


class FailureMode(_Strict):
    """A known way of hiring wrong, when it applies, and what to tell the client."""

    id: Id
    title: str
    message: str
    when: list[Condition] = Field(min_length=1, description="fires when any condition holds")
    figures: list[str] = Field(default=[], description="figure ids shown with their sources")
    questions: list[str] = []
    quote_tags: list[str] = Field(default=[], description="tags whose quotes show why it fired")
    shift: Weights = Field(
        default={},
        description="points it moves when a condition without roles holds (before deciding)",
    )


class PayPlan(_Strict):
    """Which figures price a role, and which figures disagree (shown as one range)."""

    default_region: str
    default_level: str = "mid"
    regions: dict[str, list[str]] = Field(
        default={}, description="region as in figures -> words naming it in a brief"
    )
    levels: dict[str, list[str]] = Field(default={}, description="level -> words naming it")
    proxies: dict[str, str] = Field(
        default={}, description="role without pay figures -> role whose figures stand in"
    )
    ratios: dict[str, str] = Field(
        default={},
        description="role priced as a share of an AI hire -> cost-ratio figure id",
    )
    ranges: list[RangeOfFigures] = []


class RangeOfFigures(_Strict):
    """Figures from different sources about one quantity, shown as one range naming each."""

    id: Id
    label: str
    figures: list[str] = Field(min_length=2)
    role: str | None = None
    region: str | None = None
    level: str | None = None


class RoleProfile(_Strict):
    """Per recommendable role: what scoping says about it, in our own words."""

    layer_key = "role"

    role: str
    wins_when: str = Field(description="when this role is the right answer")
    no_ai_hire: str | None = Field(
        default=None, description="for non-AI roles: why an AI hire may not be needed"
    )
    jd_title: str
    jd_mission: str
    shipped_work: list[str] = Field(min_length=1, description="shipped work to ask a candidate for")
    not_required: list[str] = []
    work_sample: str
    design_question: str


class InterviewPlan(_Strict):
    """Templates for the interview loop; ``{skill}`` is a core skill in lower case."""

    probe_templates: list[str] = Field(min_length=1)
    shipped_work_screen: str
    debrief: str

    @field_validator("probe_templates")
    @classmethod
    def _has_slot(cls, v: list[str]) -> list[str]:
        for t in v:
            if "{skill}" not in t:
                raise ValueError(f"probe template {t!r} has no {{skill}} slot")
        return v


VOLUME_FEATURES = (
    "volume:large",
    "volume:small_labelled",
    "volume:small_labelled_text",
    "volume:labelled_no_count",
)


class Fact(_Strict):
    """A factual question the procedure asks of a brief, declared as data.

    A fact holds (or not) for each sentence: its generic ``cues`` (ids of cues in this
    block) find it by wording, and with the semantic layer a sentence that reads like the
    ``statement`` or the ``examples`` (more than like the ``counter_examples``) finds it by
    meaning. Examples are written from general knowledge of the field, never copied from a
    labelled brief.
    """

    id: Id
    step: StepId
    statement: str = Field(description="the fact, as a plain statement about the brief")
    examples: list[str] = Field(min_length=1, description="sentences for which the fact holds")
    counter_examples: list[str] = Field(
        default=[], description="near misses: sentences for which it does not"
    )
    cues: list[str] = Field(default=[], description="ids of the cues that find it by wording")


class FitScores(_Strict):
    """How the fitted layer did: strict/lenient accuracy, macro-F1 and F1 per role."""

    n: int = Field(ge=0)
    strict_accuracy: float
    lenient_accuracy: float
    macro_f1: float
    per_role_f1: dict[str, float] = {}


class ExtraTraining(_Strict):
    """Briefs that joined every training fold and the final fit but were never scored."""

    file: str = Field(description="the file's name")
    rows: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the file's bytes")
    weight: float = Field(gt=0, le=1, description="each row's weight against a labelled row's 1")


class ScopingFitProvenance(_Strict):
    """What the fitted layer was fitted on, how, and how well it did (enough to redo it)."""

    fitted_on: str = Field(description="the labelled file's name")
    rows: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the labelled file's bytes")
    # a plain default, copied per instance as every list default here: default_factory=list
    # made pydantic read list's signature from its text (importing tokenize), ~10 ms a start
    also_trained_on: list[ExtraTraining] = Field(
        default=[],
        description="written briefs added to every training fold, never scored (CV and dev "
        "scores are on the labelled rows only)",
    )
    date: str
    seed: int
    method: str
    l2: float = Field(gt=0, description="the L2 penalty the coefficients were fitted with")
    prior_scale: float = Field(
        default=0.0, ge=0, description="the prior's centre: this times the hand-set cue weights"
    )
    l2_chosen_by: str
    semantic: bool = Field(description="whether semantic fact features were part of the fit")
    folds: int = Field(ge=2)
    grouped_by: str
    cv: FitScores = Field(description="grouped k-fold cross-validation (refit in each fold)")
    dev: FitScores = Field(description="the fitted layer on the rows it was fitted on")
    hand_dev: FitScores | None = Field(
        default=None, description="the hand-set cue weights on the same rows (nothing fitted)"
    )


class SentenceLayer(_Strict):
    """Weights on the brief's mean sentence vector: what its sentences are about, as a whole.

    Points for an outcome add ``scale`` x (its weights . the mean of the brief's sentence
    vectors). The sum splits exactly over the sentences (each gives ``scale`` x weights .
    its vector / n), so every sentence shows the points it gave. The weights belong to one
    embedding model: a scoper with another model leaves the layer out and says so.
    """

    model: str = Field(description="the embedding model whose vectors the weights read")
    dims: int = Field(ge=1)
    scale: float = Field(gt=0, description="the mean vector is multiplied by this first")
    coef: dict[str, list[float]] = Field(description="outcome -> one weight per dimension")

    @model_validator(mode="after")
    def _shapes(self) -> SentenceLayer:
        for o, row in self.coef.items():
            if len(row) != self.dims:
                raise ValueError(
                    f"scoping sentence layer: {o} has {len(row)} weights for {self.dims} dims"
                )
        return self


class WordLayer(_Strict):
    """A second linear layer on the brief's words and word pairs (TF-IDF weights).

    Points for an outcome add its ``intercept`` plus the sum over vocabulary terms of weight
    x the term's TF-IDF weight in the brief (``rolelens.core.text.words``). A term's points
    split over its occurrences, so every sentence shows the points its words gave. The
    vocabulary and idf come from the written training briefs only (``vocabulary_from``),
    never from labelled ones; the weights are fitted beside the main layers, on the same
    rows, and are the same for both (``fit`` and ``semantic_fit`` say ``with_words``).
    """

    layer_whole = True  # fitted together: a layered file gives a whole layer

    vocabulary_from: str = Field(description="the texts the terms and their idf come from")
    min_df: int = Field(ge=1, description="a term is kept when this many of those texts hold it")
    l2: float = Field(gt=0)
    terms: list[str] = Field(min_length=1)
    idf: list[float]
    intercept: dict[str, float]
    coef: dict[str, list[float]] = Field(description="outcome -> one weight per term")

    @model_validator(mode="after")
    def _shapes(self) -> WordLayer:
        if len(self.idf) != len(self.terms) or len(set(self.terms)) != len(self.terms):
            raise ValueError("scoping word layer: terms must be unique, one idf each")
        if set(self.coef) != set(self.intercept):
            raise ValueError("scoping word layer: coef and intercept name different outcomes")
        for o, row in self.coef.items():
            if len(row) != len(self.terms):
                raise ValueError(f"scoping word layer: {o} has {len(row)} weights")
        return self


class ScopingFit(_Strict):
    """A multinomial logistic layer from brief features to outcomes, fitted on labelled briefs.

    Points for an outcome are its intercept plus the sum of coefficient x feature value;
    a feature is a cue's activation (``cue:<id>``), a volume finding (``volume:<kind>``) or
    a fact's semantic strength (``fact:<id>``); with the semantic layer on, ``sentences``
    adds the brief's mean sentence vector. Reading it needs no extra package.
    """

    layer_whole = True  # coefficients fitted together: a layered file gives a whole fit

    features: list[str] = Field(min_length=1)
    intercept: dict[str, float]
    coef: dict[str, list[float]] = Field(description="outcome -> one weight per feature")
    sentences: SentenceLayer | None = Field(
        default=None, description="weights on the mean sentence vector (semantic layer on)"
    )
    with_words: bool = Field(
        default=False,
        description="fitted to add its points to the scoping word layer's (``scoping.words``)",
    )
    temperature: float = Field(
        default=1.0,
        gt=0,
        description="points are divided by this before the softmax; fitted on the grouped-CV "
        "out-of-fold points (least log loss), so that a 0.8 is right about 8 times in 10",
    )
    provenance: ScopingFitProvenance

    @model_validator(mode="after")
    def _shapes(self) -> ScopingFit:
        if set(self.coef) != set(self.intercept):
            raise ValueError("scoping.fit: coef and intercept name different outcomes")
        for o, row in self.coef.items():
            if len(row) != len(self.features):
                raise ValueError(
                    f"scoping.fit: {o} has {len(row)} weights for {len(self.features)} features"
                )
        if self.sentences is not None and set(self.sentences.coef) != set(self.intercept):
            raise ValueError("scoping.fit: the sentence layer names different outcomes")
        return self


class ScopingCues(ScoringKnobs):
    """Everything the scoping procedure reads from the taxonomy."""

    version: str
    outcomes: list[str] = Field(min_length=2, description="the labels scoping may recommend")
    default_role: str
    min_alternative_prob: float = Field(default=0.05, ge=0, le=1)
    max_alternatives: int = Field(default=3, ge=1)
    max_questions: int = Field(default=6, ge=1, description="questions shown for a clear brief")
    quiet_points: float = Field(
        default=1.5, ge=0, description="below this top score the brief says too little"
    )
    step_cap: float = Field(
        default=8.0, gt=0, description="a step's points for one role saturate towards this"
    )
    negation_terms: list[str] = []
    negation_window: int = Field(default=30, ge=0, le=120)
    reader_weight: float = Field(
        default=0.0, ge=0, le=2, description="how much the posting reader's evidence counts"
    )
    steps: list[Step]
    cues: list[Cue]
    volume: VolumeRules
    hybrid: HybridRule
    specialisations: list[Specialisation] = []
    failure_modes: list[FailureMode] = []
    pay: PayPlan
    profiles: list[RoleProfile]
    interview: InterviewPlan
    facts: list[Fact] = []
    min_facts: int = Field(
        default=2,
        ge=0,
        description="a brief that states no fact clearly (a phrase cue, two words of a "
        "vocabulary, a sentence's meaning) and touches fewer facts than this is undetermined",
    )
    min_confidence: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="below this top probability the brief is undetermined",
    )
    fact_floor: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="a sentence's similarity to a fact counts above this cosine",
    )
    fact_scale: float = Field(default=4.0, gt=0, description="fact feature = scale x excess")
    fit: ScopingFit | None = Field(default=None, description="the fitted layer, cues only")
    semantic_fit: ScopingFit | None = Field(
        default=None, description="the fitted layer with fact similarities (semantic layer on)"
    )
    words: WordLayer | None = Field(
        default=None,
        description="the word layer whose points a fit ``with_words`` adds to its own",
    )

    @model_validator(mode="after")
    def _self_consistent(self) -> ScopingCues:
        steps = [s.id for s in self.steps]
        if sorted(steps) != sorted(STEP_ORDER):
            raise ValueError(f"scoping.steps must name each step once: {', '.join(STEP_ORDER)}")
        ids = [c.id for c in self.cues] + [f.id for f in self.failure_modes]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate scoping cue/failure-mode ids: {sorted(dup)}")
        if self.default_role not in self.outcomes:
            raise ValueError(f"scoping.default_role {self.default_role!r} is not an outcome")
        cue_ids = {c.id for c in self.cues}
        for fact in self.facts:
            unknown = [c for c in fact.cues if c not in cue_ids]
            if unknown:
                raise ValueError(f"scoping fact {fact.id!r} names unknown cues {unknown}")
        known = {f"cue:{c}" for c in cue_ids} | set(VOLUME_FEATURES)
        known |= {f"fact:{f.id}" for f in self.facts}
        for name, fit in (("fit", self.fit), ("semantic_fit", self.semantic_fit)):
            if fit is None:
                continue
            if fit.with_words and self.words is None:
                raise ValueError(f"scoping.{name} adds to a word layer, but scoping.words is none")
            if fit.with_words and self.words is not None and set(self.words.coef) != set(fit.coef):
                raise ValueError(f"scoping.{name} and scoping.words name different outcomes")
            stray = [f for f in fit.features if f not in known]
            if stray:
                raise ValueError(f"scoping.{name} names unknown features {stray[:5]}")
            odd = [o for o in fit.coef if o not in self.outcomes]
            if odd:
                raise ValueError(f"scoping.{name} names outcomes {odd} that are not outcomes")
        profiled = [p.role for p in self.profiles]
        missing = [o for o in self.outcomes if o not in profiled]
        if missing:
            raise ValueError(f"scoping.profiles lacks {missing}")
        return self

    def check_against(self, role_ids: set[str], figure_ids: set[str]) -> None:
        """Raise ValueError when a cue names an unknown role or figure."""
        labels = set(role_ids) | {HYBRID}
        for o in self.outcomes:
            if o not in labels:
                raise ValueError(f"scoping outcome {o!r} is not a role (nor 'hybrid')")
        outcomes = set(self.outcomes)

        def roles(where: str, names: Iterable[str]) -> None:
            for r in names:
                if r not in outcomes:
                    raise ValueError(f"{where} names {r!r}, which is not a scoping outcome")

        for cue in self.cues:
            roles(f"scoping cue {cue.id!r}", cue.weights)
        v = self.volume
        for name in ("small_text", "small_other", "large", "large_text", "unknown_labelled"):
            roles(f"scoping.volume.{name}", getattr(v, name))
        roles("scoping.role_bias", self.role_bias)
        for step in self.steps:
            roles(f"scoping step {step.id!r} ask_when", step.ask_when)
        roles("scoping.hybrid", [*self.hybrid.model_roles, *self.hybrid.llm_roles])
        roles(
            "scoping.specialisations",
            [x for sp in self.specialisations for x in (sp.role, sp.builds_on)],
        )
        roles("scoping.profiles", [p.role for p in self.profiles])
        for fm in self.failure_modes:
            for cond in fm.when:
                roles(f"scoping failure mode {fm.id!r}", cond.roles)
            roles(f"scoping failure mode {fm.id!r} shift", fm.shift)
        used = list(self.hybrid.figures) + [f for fm in self.failure_modes for f in fm.figures]
        used += list(self.pay.ratios.values())
        used += [f for r in self.pay.ranges for f in r.figures]
        if v.threshold_figure:
            used.append(v.threshold_figure)
        for fid in used:
            if fid not in figure_ids:
                raise ValueError(f"scoping names unknown figure {fid!r}")
        for role, proxy in self.pay.proxies.items():
            if role not in outcomes or proxy not in role_ids:
                raise ValueError(f"scoping.pay.proxies: {role!r} -> {proxy!r} is not a known pair")
        roles("scoping.pay.ratios", self.pay.ratios)


PayPlan.model_rebuild()
