"""One long-lived object behind the HTTP API and the MCP server.

A :class:`Service` is built once per process from a taxonomy: it holds the posting reader
and the scoper (their automata take a while to build), and each call reads one text. The
HTTP and MCP adapters only translate requests into these calls and results into their wire
formats, so both answer the same question the same way. Nothing here touches files
(bar loading the taxonomy once), the network or the environment.

The semantic layer is opt-in: an adapter that wants it builds a
:class:`~rolelens.core.semantic.SemanticMatcher` (loading the model is the adapter's job) and
hands it in; the service passes it to the posting reader, the scoper and the CV matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.errors import (
    CvUnavailable,
    EmptyInput,
    EncodingError,
    InputTooLarge,
    NotFound,
    ScopingUnavailable,
)
from rolelens.io.text import MAX_BYTES, has_surrogate, html_to_text, looks_like_html
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.schema import Figure, OnetLink, Source, Taxonomy

if TYPE_CHECKING:
    from rolelens.core.career import CareerAdvisor
    from rolelens.core.cv import CvReader
    from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
    from rolelens.core.match import FitMatcher
    from rolelens.core.semantic import SemanticMatcher

_MAX_ROLE_EVIDENCE = 60


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleSummary(_Out):
    """A role in one line: its id, name and what the work is."""

    id: str
    name: str
    definition: str
    ai_hire: bool = Field(description="false for roles that are not an AI hire")


class TaxonomySummary(_Out):
    """The taxonomy a service reads with: its version, roles and size."""

    name: str
    version: str
    description: str | None
    scorer_version: str
    roles: list[RoleSummary]
    evidence_items: int
    aliases: int
    title_patterns: int
    figures: int
    sources: int
    scoping: bool = Field(description="whether briefs can be scoped with this taxonomy")


class RoleEvidence(_Out):
    """An evidence item that points to a role, and how strongly."""

    item: str
    label: str
    kind: str
    weight: float


class RoleDetail(_Out):
    """Everything the taxonomy says about one role."""

    id: str
    name: str
    definition: str
    ai_hire: bool
    kpis: list[str]
    eval_metrics: list[str]
    stack: list[str]
    core_skills: list[str]
    onet: list[OnetLink]
    notes: list[str]
    title_patterns: list[str] = Field(description="title words that name this role")
    evidence: list[RoleEvidence] = Field(
        description=f"the items that point to this role most strongly (at most "
        f"{_MAX_ROLE_EVIDENCE}), strongest first"
    )
    figures: list[Figure] = Field(description="sourced figures about this role (pay, premiums)")
    sources: list[Source] = Field(description="the sources those figures come from")


class Health(_Out):
    """The service is up, and what it reads with."""

    status: str = "ok"
    version: str
    features: list[str] = Field(description="what this service can do: read, scope, cv, ...")
    taxonomy_version: str
    scorer_version: str


class Service:
    """Readers and scopers built once from a taxonomy; one method per question."""

    def __init__(self, taxonomy: Taxonomy, semantic: SemanticMatcher | None = None) -> None:
        """``semantic``: a matcher built for this taxonomy turns the semantic layer on for
        posting reads, briefs and CV-to-posting matches; None (the default) reads by aliases."""
        self.taxonomy = taxonomy
        self.semantic = semantic
        self.reader = PostingReader(taxonomy, semantic=semantic)
        self._scoper: Scoper | None = (
            Scoper(taxonomy, semantic=semantic) if taxonomy.scoping is not None else None
        )
        self._cv: CvReader | None = None
        self._matcher: FitMatcher | None = None
        self._advisor: CareerAdvisor | None = None
        if taxonomy.cv is not None:
            from rolelens.core.career import CareerAdvisor
            from rolelens.core.cv import CvReader
            from rolelens.core.match import FitMatcher

            self._cv = CvReader(taxonomy, semantic=semantic)
            self._matcher = FitMatcher(
                taxonomy, posting_reader=self.reader, cv_reader=self._cv, semantic=semantic
            )
            self._advisor = CareerAdvisor(taxonomy, cv_reader=self._cv)

    @classmethod
    def from_files(
        cls,
        taxonomy_files: Sequence[str | Path] = (),
        *,
        semantic: Callable[[Taxonomy], SemanticMatcher] | None = None,
    ) -> Service:
        """A service over the bundled taxonomy with these files layered on top.

        ``semantic`` builds the semantic matcher for the loaded taxonomy (for instance
        ``lambda tax: load_matcher(tax, MiniLMEmbedder())``); None reads by aliases only.
        """
        taxonomy = load_taxonomy(taxonomy_files)
        return cls(taxonomy, semantic=semantic(taxonomy) if semantic is not None else None)

    def read(self, text: str, title: str | None = None, id: str | None = None) -> Reading:
        """The reading of one posting; an HTML page is read as its text, like the CLI does."""
        _encodable(title, id)
        text = _plain(text)
        if not text.strip():
            raise EmptyInput("there is no text to read")
        return self.reader.read(text, title=title, id=id)

    def scope(
        self, text: str = "", *, form: ScopingForm | None = None, id: str | None = None
    ) -> Scoping:
        """The right hire for one brief (free text, a form, or both)."""
        _encodable(id, *(_strings(form.model_dump()) if form is not None else ()))
        if self._scoper is None:
            raise ScopingUnavailable(
                f"taxonomy {self.taxonomy.name} {self.taxonomy.version} has no 'scoping:' block"
            )
        return self._scoper.scope(_plain(text) if text else text, form=form, id=id)

    def cv_text(self, data: bytes | str, filename: str | None = None) -> str:
        """A CV's plain text: bytes go through the document reader (PDF, DOCX, HTML, text)."""
        if isinstance(data, str):
            text = _plain(data)
            if not text.strip():
                raise EmptyInput("the CV has no text to read")
            return text
        from rolelens.io.documents import document_text

        return document_text(data, filename)

    def _cv_tools(self) -> tuple[CvReader, FitMatcher, CareerAdvisor]:
        if self._cv is None or self._matcher is None or self._advisor is None:
            raise CvUnavailable(
                f"taxonomy {self.taxonomy.name} {self.taxonomy.version} has no 'cv:' block"
            )
        return self._cv, self._matcher, self._advisor

    def read_cv(
        self,
        data: bytes | str,
        *,
        filename: str | None = None,
        redact: bool = False,
        id: str | None = None,
    ) -> CvReading:
        """One CV's reading: the role its shipped work points to, evidence, claims, seniority."""
        reader, _, _ = self._cv_tools()
        text = self.cv_text(data, filename)
        return reader.read(text, today=date.today(), redact=redact, id=id)

    def match(
        self,
        cv: bytes | str,
        posting: str,
        *,
        cv_filename: str | None = None,
        posting_title: str | None = None,
        redact: bool = False,
        id: str | None = None,
    ) -> FitReport:
        """How well a CV fits a posting, requirement by requirement."""
        _, matcher, _ = self._cv_tools()
        _encodable(posting_title, id)
        text = self.cv_text(cv, cv_filename)
        return matcher.match(
            text,
            _plain(posting),
            today=date.today(),
            posting_title=posting_title,
            redact=redact,
            id=id,
        )

    def career(
        self,
        cv: bytes | str,
        *,
        filename: str | None = None,
        likes: str = "",
        redact: bool = False,
        id: str | None = None,
    ) -> CareerAdvice:
        """The role to target from a CV and the person's likes, the gaps, a learning path."""
        _, _, advisor = self._cv_tools()
        _encodable(likes, id)
        text = self.cv_text(cv, filename)
        return advisor.advise(text, today=date.today(), likes=likes, redact=redact, id=id)

    def health(self) -> Health:
        from rolelens import __version__

        return Health(
            version=__version__,
            features=self.features(),
            taxonomy_version=self.taxonomy.version,
            scorer_version=SCORER_VERSION,
        )

    def features(self) -> list[str]:
        """What this service can do with its taxonomy and the packages installed."""
        features = ["read"]
        if self._scoper is not None:
            features.append("scope")
        if self._cv is not None:
            features += ["cv", "match", "career"]
        if self.semantic is not None:
            features.append("semantic")
        return features

    def summary(self) -> TaxonomySummary:
        """The taxonomy's version, its roles and how big it is."""
        tax = self.taxonomy
        return TaxonomySummary(
            name=tax.name,
            version=tax.version,
            description=tax.description,
            scorer_version=SCORER_VERSION,
            roles=[
                RoleSummary(id=r.id, name=r.name, definition=r.definition, ai_hire=r.ai_hire)
                for r in tax.roles
            ],
            evidence_items=len(tax.evidence),
            aliases=sum(len(e.aliases) for e in tax.evidence),
            title_patterns=sum(len(t.patterns) for t in tax.titles),
            figures=len(tax.figures),
            sources=len(tax.sources),
            scoping=self._scoper is not None,
        )

    def role(self, role_id: str) -> RoleDetail:
        """What the taxonomy says about one role (NotFound for an unknown id)."""
        tax = self.taxonomy
        try:
            role = tax.role(role_id)
        except KeyError:
            raise NotFound(
                f"no role {role_id[:80]!r}; known roles: {', '.join(tax.role_ids)}"
            ) from None
        evidence = sorted(
            (
                RoleEvidence(item=e.id, label=e.label, kind=e.kind, weight=e.weights[role.id])
                for e in tax.evidence
                if e.weights.get(role.id, 0.0) > 0
            ),
            key=lambda ev: (-ev.weight, ev.item),
        )[:_MAX_ROLE_EVIDENCE]
        figures = [f for f in tax.figures if f.role == role.id]
        cited = {f.source for f in figures}
        return RoleDetail(
            id=role.id,
            name=role.name,
            definition=role.definition,
            ai_hire=role.ai_hire,
            kpis=role.kpis,
            eval_metrics=role.eval_metrics,
            stack=role.stack,
            core_skills=role.core_skills,
            onet=role.onet,
            notes=role.notes,
            title_patterns=[p for t in tax.titles if t.role == role.id for p in t.patterns],
            evidence=evidence,
            figures=figures,
            sources=[s for s in tax.sources if s.id in cited],
        )


def _plain(text: str) -> str:
    """The text to read: an HTML page becomes its text; over 2 MB of text is refused."""
    if len(text) > MAX_BYTES:
        raise InputTooLarge(f"the text is {len(text):,} characters; the limit is {MAX_BYTES:,}")
    _encodable(text)
    return html_to_text(text) if looks_like_html(text) else text


def _strings(value: object) -> list[str]:
    """Every string inside a dumped model (dicts, lists and scalars)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _encodable(*values: str | None) -> None:
    """Raise EncodingError when any value holds a lone UTF-16 surrogate."""
    for value in values:
        if value and has_surrogate(value):
            raise EncodingError("the text holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
