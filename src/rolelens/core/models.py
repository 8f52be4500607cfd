"""What a reading returns: typed, JSON-ready results (their JSON Schema ships in the package)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.taxonomy.models import SectionKind

Level = Literal["required", "preferred", "context"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Out):
    """One mention in the text that counted (or was set aside) for the reading."""

    item: str = Field(description="evidence item id in the taxonomy")
    label: str
    kind: str
    text: str = Field(description="the words as written in the posting")
    start: int = Field(
        ge=0,
        description="character offset where the words start: in the posting's text, or in "
        "title.text when section is 'title'",
    )
    end: int = Field(ge=0, description="character offset just past the words")
    section: SectionKind
    level: Level = Field(description="required (duty/requirement), preferred, or context")
    negated: bool = Field(description="the text says this is not needed / not the work")
    listed: bool = Field(description="part of a bare keyword list rather than a described duty")
    worked_with: bool = Field(
        description="a generic word in a clause that says the job works with it ('integrate "
        "LLMs'), so it counted more than a bare mention"
    )
    factor: float = Field(
        description="how much this mention counted before role weights: 0..1 for most "
        "mentions; a generic word the job works with (EvidenceItem.worked_with) can count more"
    )
    contributions: dict[str, float] = Field(description="role id -> points this mention added")
    lead: bool = Field(
        default=False,
        exclude_if=lambda v: not v,
        description="one of the first mentions of the responsibilities section: the first "
        "duties a posting lists say most about the job, and count the taxonomy's lead_weight "
        "times (absent when not)",
    )
    set_aside: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="why a mention that matched counts for nothing: the employer's name, or "
        "people the job works with (absent when it counts)",
    )
    similarity: float | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="semantic evidence only: cosine similarity of the sentence to the "
        "activity statement it matched (absent for alias evidence)",
    )

    def place(self) -> str:
        """Where the mention was, in words: section, then 'preferred' / 'listed' when so,
        and the similarity of a semantic match."""
        tags = [self.section.replace("_", " ")]
        if self.level == "preferred":
            tags.append("preferred")
        if self.listed:
            tags.append("listed")
        if self.lead:
            tags.append("a lead duty")
        if self.similarity is not None:
            tags.append(f"in other words ({self.similarity:.2f})")
        return ", ".join(tags)


class TitleReading(_Out):
    """What the title alone suggests."""

    text: str
    role: str | None = Field(description="role id, 'ambiguous', or null when no pattern matched")
    pattern: str | None = Field(description="the title words that decided it")
    rule: str | None = Field(
        default=None, description="the title rule (RUBRIC title rules v2) that decided it"
    )
    note: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="how the title was found when it was not given and the first line was "
        "not taken whole (a first line over 120 characters)",
    )
    seniority: str | None


class WordTerm(_Out):
    """One word of the duties and requirements, and the points it added to a role."""

    word: str
    points: float


class WordPoints(_Out):
    """What the plain words of the duties and requirements added (the word layer)."""

    points: dict[str, float] = Field(
        description="role id -> points the words added; already part of Reading.points"
    )
    words: int = Field(ge=0, description="vocabulary words found in the two sections")
    role: str | None = Field(
        description="the role `leading` is about: the role read (for an undetermined "
        "reading, the role the scores lean to)"
    )
    leading: list[WordTerm] = Field(
        description="the words that added most to `role`, most first (at most 8)"
    )


class Reading(_Out):
    """The role a posting's work describes, the evidence for it and what the title says."""

    id: str | None = None
    role: str = Field(
        description="most likely role id by the work described, or 'undetermined' when the "
        "text holds too little evidence to read a role from (see undetermined_reason)"
    )
    confidence: float = Field(ge=0, le=1, description="probability of the top role in scores")
    secondary: str | None = Field(
        description="second most likely role id; for an undetermined reading, the role the "
        "scores lean to"
    )
    scores: dict[str, float] = Field(description="role id -> probability; sums to 1")
    points: dict[str, float] = Field(description="role id -> raw evidence points (before softmax)")
    title: TitleReading
    title_role: str | None = Field(description="role the title alone suggests, or 'ambiguous'")
    mismatch: bool = Field(description="the title names a specific role the work does not match")
    mismatch_reason: str | None
    undetermined_reason: str | None = Field(
        default=None,
        description="why no role was read (junk, a bare name, a link, too little evidence); "
        "null when role is a role",
    )
    hybrid: bool = Field(description="model building and LLM integration are both central")
    hybrid_reason: str | None = Field(
        description="why it is hybrid: the two kinds of work, and the smaller one's share of "
        "the evidence for both (null when not hybrid)"
    )
    seniority: str | None
    seniority_basis: Literal["title", "years", "none"]
    evidence: list[Evidence]
    words: WordPoints | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="what the plain words of the responsibilities and requirements added, "
        "with the words that added most (absent when the taxonomy has no fitted word layer)",
    )
    evidence_dropped: int = Field(
        default=0,
        exclude_if=lambda v: v == 0,
        description="mentions left out of `evidence` by the work budget (at most 100 per "
        "evidence item and 2,000 in all; absent when none was); repeats past the scorer's "
        "max_repeats add no points",
    )
    taxonomy_version: str
    scorer_version: str


class RowError(_Out):
    """A batch row that could not be read."""

    line: int
    id: str | None = None
    error: dict[str, str]
