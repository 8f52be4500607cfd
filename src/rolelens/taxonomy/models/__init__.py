"""The taxonomy's shape: pydantic models that every taxonomy file is validated against.

A taxonomy is *data*: roles, the evidence items that point to them (with aliases and
weights), title patterns, reading cues, scorer settings, and every sourced figure.
Several YAML documents (the bundled files, then a user's) are merged into one
:class:`Taxonomy`; nothing here reads files (see :mod:`rolelens.taxonomy.loader`). The blocks
have their own modules beside this one: :mod:`.scoping`, :mod:`.cv`, :mod:`.semantic`,
:mod:`.verdicts` and :mod:`.fit`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from rolelens.taxonomy.base import ID_PATTERN, Id, ScoringKnobs, Weights
from rolelens.taxonomy.base import Strict as _Strict
from rolelens.taxonomy.kinds import SectionKind as SectionKind  # re-exported: its old home
from rolelens.taxonomy.layering import Patch, patch_model
from rolelens.taxonomy.models.cv import CvCues
from rolelens.taxonomy.models.fit import FitProvenance, FittedWeights
from rolelens.taxonomy.models.scoping import ScopingCues
from rolelens.taxonomy.models.semantic import SemanticCues
from rolelens.taxonomy.models.verdicts import VerdictSettings
from rolelens.taxonomy.models.words import FittedWords, WordVocabulary

EvidenceKind = Literal[
    "tool",
    "framework",
    "technique",
    "activity",
    "data",
    "deployment",
    "metric",
    "domain",
    "non_engineering",
]
FigureKind = Literal["salary", "premium", "growth", "cost_ratio", "demand", "time", "other"]


class Source(_Strict):
    """Where a figure comes from."""

    id: Id
    title: str
    publisher: str
    year: int = Field(ge=1990, le=2100)
    url: str | None = None
    note: str | None = None


class OnetLink(_Strict):
    """A crosswalk to an O*NET-SOC occupation."""

    code: str = Field(pattern=r"^\d{2}-\d{4}\.\d{2}$")
    title: str
    relation: Literal["exact", "broader", "related"] = "related"
    note: str | None = None


class Role(_Strict):
    """One role of the taxonomy, in our own words."""

    id: Id
    name: str
    definition: str
    ai_hire: bool = True
    # a role career advice may point a person to (false: not an engineering role)
    career_target: bool = True
    kpis: list[str] = []
    eval_metrics: list[str] = []
    stack: list[str] = []
    core_skills: list[str] = []
    onet: list[OnetLink] = []
    notes: list[str] = []


class Alias(_Strict):
    """A way a posting writes an evidence item.

    Matching is on word boundaries over text lower-cased with hyphens read as spaces,
    unless ``case_sensitive`` (for ``R``, ``Go``) which matches the original text.
    """

    text: str = Field(min_length=1)
    case_sensitive: bool = False


class EvidenceItem(_Strict):
    """A tool, technique, activity, ... and how strongly one mention points to each role.

    ``weights`` maps role id to a signal strength for one mention in a duties section:
    about 1 a moderate hint, 2 a strong one, 3 decisive; negative values point away.
    """

    id: Id
    label: str
    kind: EvidenceKind
    aliases: list[str | Alias] = Field(min_length=1)
    weights: Weights = Field(min_length=1)
    group: str | None = None
    sections: list[SectionKind] | None = Field(
        default=None,
        description="only count mentions in these sections (e.g. [title] for a bare 'AI')",
    )
    worked_with: float | None = Field(
        default=None,
        ge=1.0,
        le=4.0,
        description="for generic words ('LLMs', 'generative AI'): a mention in a clause that "
        "says the job does something with it (reading.action_cues: build, integrate, "
        "hands-on with ...) counts this many times a bare mention, which is mostly "
        "company context",
    )
    note: str | None = None

    def alias_objects(self) -> list[Alias]:
        """The aliases, each as an :class:`Alias`."""
        return [a if isinstance(a, Alias) else Alias(text=a) for a in self.aliases]


class TitlePattern(_Strict):
    """One entry of the title rules: a named word list, or a rule that gives a role.

    The rules follow RUBRIC's title rules: the first rule (lowest ``rule`` number, then
    file order) whose ``patterns`` occur in the title's role words, whose ``needs`` word
    lists all occur too and whose ``unless`` lists do not, says what the title alone
    suggests (a role id or ``ambiguous``). A user's entries (``rule`` 0) come first.
    An entry with ``words`` instead of ``role`` names a word list that rules refer to
    (``needs: [engineering]``); the ``job`` list marks where a role starts in a title
    that names several ("Acme - Software Engineer, ML Engineer - Remote").
    """

    role: str | None = Field(default=None, pattern=ID_PATTERN)
    words: str | None = Field(
        default=None, pattern=ID_PATTERN, description="name of a word list rules can refer to"
    )
    patterns: list[str] = Field(min_length=1)
    rule: int = Field(default=0, ge=0, description="rubric rule number; 0 (a user's) first")
    name: str | None = Field(default=None, description="what the rule says, in words")
    where: Literal["head", "role"] = Field(
        default="role",
        description="head: only the job noun phrase itself; role: with its qualifiers "
        "('Software Engineer, AI Agents')",
    )
    needs: list[str] = Field(
        default=[],
        description="word lists that must all occur too; 'a|b' is met by either list",
    )
    unless: list[str] = Field(default=[], description="word lists that stop the rule")
    priority: int = 0

    @model_validator(mode="after")
    def _role_or_words(self) -> TitlePattern:
        if (self.role is None) == (self.words is None):
            raise ValueError("a title entry has either a role or a words name, not both")
        return self


class TitleQualifier(_Strict):
    """Words that change what a title suggests: "Frontend Engineer, AI" is no longer
    plainly a software title, so a reader cannot tell from it alone."""

    when_role: list[str] = Field(min_length=1)
    words: list[str | Alias] = Field(min_length=1)
    becomes: str = Field(pattern=ID_PATTERN)


class SeniorityLevel(_Strict):
    """A seniority level and the title words that signal it."""

    id: Id
    rank: int
    patterns: list[str] = []
    min_years: int | None = Field(
        default=None, description="the years of experience asked that read as this level"
    )
    not_in: list[str] = Field(
        default=[],
        description="title phrases in which a pattern names a job, not this level: 'manager' "
        "in 'product manager' (a 'Senior Product Manager' is senior)",
    )


class ReadingCues(_Strict):
    """Words the reader uses to split sections, spot negation and preference."""

    section_headings: dict[SectionKind, list[str]]
    preferred_cues: list[str] = []
    required_cues: list[str] = []
    negation_cues: list[str] = []
    negation_window: int = Field(default=40, ge=0, le=200)
    stop_phrases: list[str] = []
    company_cues: list[str] = []
    job_cues: list[str] = Field(
        default=[],
        description="phrases that make a clause speak of the job, not the employer ('you will', "
        "'we are looking for'): such a clause is no company clause even when it says 'we' or "
        "'our'",
    )
    action_cues: list[str] = Field(
        default=[],
        description="verbs and phrases that make a clause describe work done with a thing "
        "(see EvidenceItem.worked_with)",
    )
    list_item_threshold: int = Field(default=5, ge=2)
    negation_idioms: list[str] = Field(
        default=[],
        description="phrases that start with a negation cue but negate nothing the job does "
        "('not just', 'no downtime')",
    )
    collaboration_cues: list[str] = Field(
        default=[],
        description="phrases before people ('collaborate with ... engineers') that name whom "
        "the job works with, not the job",
    )
    duty_verbs: list[str] = Field(
        default=[],
        description="verbs a duty opens with, in their plain form ('build', 'design'); "
        "'builds' and 'building' are read too. A bulleted list whose items mostly open with "
        "one is the job's duties, whatever heading (or none) it stands under",
    )
    requirement_openers: list[str] = Field(
        default=[],
        description="words a requirement opens with ('experience', 'strong', 'proficiency'); "
        "with them, a list whose items mostly open with one (or with a number: '5+ years') is "
        "the job's requirements, whatever heading (or none) it stands under",
    )


class Specialisation(_Strict):
    """A role that is another role's work plus something of its own.

    Its score is its own points plus ``share`` of its best parent's, so it wins only when
    its own evidence is more than ``1 - share`` of the parent's: an agentic AI engineer is
    an AI engineer whose agent work stands out, not any AI engineer who mentions agents.
    """

    parents: list[str] = Field(min_length=1)
    share: float = Field(ge=0.0, le=1.0)


class ScoringSettings(ScoringKnobs):
    """The scorer's few global knobs; every other number lives on an evidence item."""

    section_weights: dict[SectionKind, float]
    preferred_weight: float = 0.5
    listed_weight: float = 0.6
    company_clause_weight: float = 1.0
    # the first duties a posting lists say most about the job: its first ``lead_mentions``
    # mentions in a responsibilities section count ``lead_weight`` times (1.0: no lead)
    lead_weight: float = Field(default=1.0, gt=0.0)
    lead_mentions: int = Field(default=0, ge=0)
    lead_skips: list[str] = []  # evidence kinds that are context, never a lead duty
    title_weight: float = 1.0
    hybrid_min_share: float = 0.2
    hybrid_min_points: float = 4.0
    hybrid_groups: dict[str, list[str]] = {}
    mismatch_min_prob: float = 0.5
    specialisations: dict[str, Specialisation] = {}
    saturation: float | None = Field(default=None, gt=0.0)


class Figure(_Strict):
    """A sourced number: a salary band, a premium, a growth rate, a cost ratio."""

    id: Id
    kind: FigureKind
    role: str | None = None
    description: str
    low: float | None = None
    high: float | None = None
    value: float | None = None
    unit: str
    currency: str | None = None
    period: Literal["year", "month", "hour", "one_off"] | None = None
    region: str | None = None
    level: str | None = None
    source: str
    year: int = Field(ge=1990, le=2100)

    @model_validator(mode="after")
    def _has_a_number(self) -> Figure:
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError(f"figure {self.id!r} needs value, or low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"figure {self.id!r} has low > high")
        return self


if TYPE_CHECKING:  # each is a Patch subclass made from the block's model
    ReadingPatch = Patch
    ScopingPatch = Patch
    CvPatch = Patch
    SemanticPatch = Patch
else:
    ReadingPatch = patch_model(ReadingCues)
    ScopingPatch = patch_model(ScopingCues)
    CvPatch = patch_model(CvCues)
    SemanticPatch = patch_model(SemanticCues)


class TaxonomyDocument(_Strict):
    """One YAML file's content; every key optional so files can be split and layered.

    The ``reading``, ``scoping``, ``cv`` and ``semantic`` blocks are patches, laid over the
    block below by :func:`rolelens.taxonomy.layering.layer` (items by id, settings one by
    one); ``weights`` changes single role weights of evidence items, ``item -> {role: w}``.
    """

    name: str | None = None
    version: str | None = None
    description: str | None = None
    sources: list[Source] = []
    roles: list[Role] = []
    evidence: list[EvidenceItem] = []
    titles: list[TitlePattern] = []
    title_qualifiers: list[TitleQualifier] = []
    seniority: list[SeniorityLevel] = []
    reading: ReadingPatch | None = None
    scoring: ScoringSettings | None = None
    figures: list[Figure] = []
    remove_evidence: list[str] = []
    weights: dict[Id, Weights] = Field(
        default={}, description="evidence item id -> the role weights to change, one by one"
    )
    scoping: ScopingPatch | None = None
    cv: CvPatch | None = None
    semantic: SemanticPatch | None = None
    verdicts: VerdictSettings | None = None
    words: WordVocabulary | None = None
    fitted: FittedWeights | None = Field(
        default=None, description="numbers fitted on labelled postings (rolelens train)"
    )


class Taxonomy(_Strict):
    """A whole, cross-checked taxonomy: what the reader and scorer run on."""

    name: str
    # "+name@hash" parts name the files a user layered on it (loader.layered_version)
    version: str = Field(
        pattern=r"^\d+\.\d+(\.\d+)?([.-][0-9A-Za-z.-]+)?(\+[0-9A-Za-z._-]+@[0-9a-f]{6})*$"
    )
    description: str | None = None
    sources: list[Source]
    roles: list[Role] = Field(min_length=1)
    evidence: list[EvidenceItem]
    titles: list[TitlePattern]
    title_qualifiers: list[TitleQualifier] = []
    seniority: list[SeniorityLevel]
    reading: ReadingCues
    scoring: ScoringSettings
    figures: list[Figure]
    scoping: ScopingCues | None = None
    cv: CvCues | None = None
    semantic: SemanticCues | None = None
    verdicts: VerdictSettings = VerdictSettings()
    words: WordVocabulary | None = Field(
        default=None, description="the word layer's vocabulary (unlabelled postings)"
    )
    word_weights: FittedWords | None = Field(
        default=None, description="the word layer's fitted points (None: the layer is off)"
    )
    fitted: FitProvenance | None = Field(
        default=None, description="where the fitted numbers in use came from (None: hand-set)"
    )

    @model_validator(mode="after")
    def _cross_check(self) -> Taxonomy:
        role_ids = [r.id for r in self.roles]
        _no_duplicates("role", role_ids)
        roles = set(role_ids)
        _no_duplicates("evidence item", [e.id for e in self.evidence])
        _no_duplicates("source", [s.id for s in self.sources])
        _no_duplicates("figure", [f.id for f in self.figures])
        sources = {s.id for s in self.sources}
        for item in self.evidence:
            for role in item.weights:
                if role not in roles:
                    raise ValueError(f"evidence {item.id!r} weights unknown role {role!r}")
        seen: dict[tuple[str, bool], str] = {}
        for item in self.evidence:
            # the aliases as written (a plain string or an Alias): building an Alias for each
            # of the ten thousand plain ones was an eighth of each taxonomy load
            for alias in item.aliases:
                text, exact = (
                    (alias, False) if isinstance(alias, str) else (alias.text, alias.case_sensitive)
                )
                key = (text if exact else normalise_alias(text), exact)
                if not key[0].strip():
                    raise ValueError(f"evidence {item.id!r} has an empty alias")
                other = seen.get(key)
                if other is not None and other != item.id:
                    raise ValueError(f"alias {text!r} belongs to both {other!r} and {item.id!r}")
                seen[key] = item.id
        word_lists = {t.words for t in self.titles if t.words is not None}
        for t in self.titles:
            if t.role is not None and t.role != "ambiguous" and t.role not in roles:
                raise ValueError(f"title pattern names unknown role {t.role!r}")
            for name in [n for names in [*t.needs, *t.unless] for n in names.split("|")]:
                if name not in word_lists:
                    raise ValueError(
                        f"title rule {t.name or t.role!r} needs unknown words {name!r}"
                    )
        for f in self.figures:
            if f.source not in sources:
                raise ValueError(f"figure {f.id!r} cites unknown source {f.source!r}")
            if f.role is not None and f.role not in roles:
                raise ValueError(f"figure {f.id!r} names unknown role {f.role!r}")
        for role in self.scoring.role_bias:
            if role not in roles:
                raise ValueError(f"scoring.role_bias names unknown role {role!r}")
        for role, spec in self.scoring.specialisations.items():
            for name in [role, *spec.parents]:
                if name not in roles:
                    raise ValueError(f"scoring.specialisations names unknown role {name!r}")
            if role in spec.parents:
                raise ValueError(f"role {role!r} cannot specialise itself")
        for group, members in self.scoring.hybrid_groups.items():
            for role in members:
                if role not in roles:
                    raise ValueError(f"hybrid group {group!r} names unknown role {role!r}")
        if self.scoping is not None:
            self.scoping.check_against(roles, {f.id for f in self.figures})
        if self.cv is not None:
            self.cv.check_against(roles, {e.id for e in self.evidence})
        if self.semantic is not None:
            self.semantic.check_against(roles)
        return self

    def role(self, role_id: str) -> Role:
        """The role with this id (KeyError if there is none)."""
        for r in self.roles:
            if r.id == role_id:
                return r
        raise KeyError(role_id)

    @property
    def role_ids(self) -> list[str]:
        """Role ids in taxonomy order."""
        return [r.id for r in self.roles]


_HYPHENS = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014_/]")


def normalise_alias(text: str) -> str:
    """How an alias is compared: lower case, hyphens and slashes read as spaces."""
    return " ".join(_HYPHENS.sub(" ", text.lower()).split())


def _no_duplicates(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"duplicate {what} id {i!r}")
        seen.add(i)
