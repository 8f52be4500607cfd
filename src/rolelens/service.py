"""One long-lived object behind the library, the HTTP API and the MCP server.

A :class:`Service` is built once per process from a taxonomy: it holds the posting reader
and the scoper (their automata take a while to build), and each call reads one text. The
library's one-shot functions (:mod:`rolelens.api`), the HTTP and MCP adapters only translate
their inputs (:mod:`rolelens.inputs`) into these calls and results into their formats, so
all of them answer the same question the same way: one HTML-to-text step, one size limit,
one document reader for files. Nothing here touches the network or the environment.

The semantic layer is set up in :mod:`rolelens.backends.semantic` and nowhere else (its
names are importable from here too): by default briefs use it when the ``semantic`` extra is
installed and posting and CV reads do not (speed); ``"on"`` turns it on for every task,
``"off"`` for none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from rolelens.backends.semantic import TASKS, load_semantic_matcher, semantic_tasks
from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.core.text.fold import has_surrogate
from rolelens.errors import (
    CvUnavailable,
    EmptyInput,
    EncodingError,
    InputTooLarge,
    NotFound,
    ScopingUnavailable,
)
from rolelens.inputs import BriefInput, PostingInput
from rolelens.io.text import MAX_BYTES, html_to_text, readable_text
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models import Figure, OnetLink, Source, Taxonomy

if TYPE_CHECKING:
    from rolelens.core.career import CareerAdvisor
    from rolelens.core.cv import CvReader
    from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
    from rolelens.core.job_fit import FitMatcher
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
    semantic: list[str] = Field(
        default=[], description="the tasks (read, scope, cv) that use the semantic layer"
    )
    taxonomy_version: str
    scorer_version: str


class Service:
    """Readers and scopers built once from a taxonomy; one method per question."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        semantic: SemanticMatcher | None = None,
        *,
        semantic_for: Collection[str] = TASKS,
    ) -> None:
        """``semantic``: a matcher built for this taxonomy turns the semantic layer on for the
        tasks in ``semantic_for`` (posting reads, briefs, CVs and matches: all by default);
        None reads by aliases only."""
        self.taxonomy = taxonomy
        self.semantic = semantic
        self.semantic_for = frozenset(semantic_for) if semantic is not None else frozenset()

        def use(task: str) -> SemanticMatcher | None:
            return semantic if task in self.semantic_for else None

        self._use = use
        self.reader = PostingReader(taxonomy, semantic=use("read"))
        # the scoper and the CV tools are built on first use (a process that only reads
        # postings never pays ~0.4 s and their memory), once, under a lock
        self._lock = threading.Lock()
        self._scoper: Scoper | None = None
        self._cv: tuple[CvReader, FitMatcher, CareerAdvisor] | None = None

    @classmethod
    def from_files(
        cls,
        taxonomy_files: Sequence[str | Path] = (),
        *,
        semantic: bool | str | Callable[[Taxonomy], SemanticMatcher] | None = None,
        many: bool = True,
        threads: int | None = None,
        warm: bool = False,
    ) -> Service:
        """A service over the bundled taxonomy with these files layered on top.

        ``semantic``: None gives each task its default (briefs use the semantic layer when
        the extra is installed, postings and CVs do not), "auto"/"on"/"off" (or True/False)
        applies to every task, and a function builds the matcher for every task (for
        instance ``lambda tax: load_matcher(tax, FakeEmbedder())``). ``many``, ``threads``
        and ``warm`` go to :func:`load_semantic_matcher`.
        """
        taxonomy = load_taxonomy(taxonomy_files)
        if callable(semantic):
            return cls(taxonomy, semantic=semantic(taxonomy))
        tasks = semantic_tasks(taxonomy, semantic)
        if not tasks:
            return cls(taxonomy)
        matcher = load_semantic_matcher(taxonomy, many=many, threads=threads, warm=warm)
        return cls(taxonomy, semantic=matcher, semantic_for=tasks)

    def read(
        self,
        text: str | bytes,
        title: str | None = None,
        id: str | None = None,
        *,
        company: str | None = None,
        filename: str | None = None,
    ) -> Reading:
        """The reading of one posting: its text (an HTML page is read as its text, like the
        CLI does) or a file's bytes (PDF, DOCX, HTML, Markdown, text; ``filename`` hints)."""
        _encodable(title, id, company)
        body = self.document_text(text, filename, what="posting")
        return self.reader.read(body, title=title, id=id, company=company)

    def read_posting(self, posting: PostingInput) -> Reading:
        """The reading of one posting given as the shared input model."""
        return self.read(posting.body, posting.title, posting.id, company=posting.company)

    def scope(
        self,
        text: str | bytes = "",
        *,
        form: ScopingForm | None = None,
        id: str | None = None,
        filename: str | None = None,
    ) -> Scoping:
        """The right hire for one brief (free text or a file's bytes, a form, or both)."""
        _encodable(id, *(_strings(form.model_dump()) if form is not None else ()))
        scoper = self._scoper_built()
        if isinstance(text, bytes):
            text = self.document_text(text, filename, what="brief")
        return scoper.scope(_plain(text) if text else text, form=form, id=id)

    def _scoper_built(self) -> Scoper:
        if self.taxonomy.scoping is None:
            raise ScopingUnavailable(
                f"taxonomy {self.taxonomy.name} {self.taxonomy.version} has no 'scoping:' block"
            )
        with self._lock:
            if self._scoper is None:
                self._scoper = Scoper(self.taxonomy, semantic=self._use("scope"))
            return self._scoper

    def scope_brief(self, brief: BriefInput) -> Scoping:
        """The right hire for one brief given as the shared input model."""
        return self.scope(brief.body, form=brief.form, id=brief.id)

    def document_text(
        self, data: bytes | str, filename: str | None = None, *, what: str = "document"
    ) -> str:
        """A posting's, brief's or CV's plain text: bytes go through the document reader
        (PDF, DOCX, HTML, Markdown, text); a text that is an HTML page becomes its text."""
        if isinstance(data, str):
            suffix = Path(filename).suffix.lower() if filename else ""
            html = suffix in (".html", ".htm", ".xhtml")
            text = html_to_text(_checked(data)) if html else _plain(data)
            if not text.strip():
                raise EmptyInput(f"the {what} has no text to read")
            return text
        from rolelens.io.documents import document_text

        return document_text(data, filename)

    def cv_text(self, data: bytes | str, filename: str | None = None) -> str:
        """A CV's plain text (see :meth:`document_text`)."""
        return self.document_text(data, filename, what="CV")

    def _cv_tools(self) -> tuple[CvReader, FitMatcher, CareerAdvisor]:
        """The CV reader, the CV-to-posting matcher and the career advisor (one CV reader)."""
        if self.taxonomy.cv is None:
            raise CvUnavailable(
                f"taxonomy {self.taxonomy.name} {self.taxonomy.version} has no 'cv:' block"
            )
        with self._lock:
            if self._cv is None:
                from rolelens.core.career import CareerAdvisor
                from rolelens.core.cv import CvReader
                from rolelens.core.job_fit import FitMatcher

                semantic = self._use("cv")
                reader = CvReader(self.taxonomy, semantic=semantic)
                matcher = FitMatcher(
                    self.taxonomy, posting_reader=self.reader, cv_reader=reader, semantic=semantic
                )
                self._cv = (reader, matcher, CareerAdvisor(self.taxonomy, cv_reader=reader))
            return self._cv

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
        posting: str | bytes,
        *,
        cv_filename: str | None = None,
        posting_title: str | None = None,
        posting_filename: str | None = None,
        redact: bool = False,
        id: str | None = None,
    ) -> FitReport:
        """How well a CV fits a posting, requirement by requirement (each as text or as a
        file's bytes)."""
        _, matcher, _ = self._cv_tools()
        _encodable(posting_title, id)
        text = self.cv_text(cv, cv_filename)
        posting_text = (
            self.document_text(posting, posting_filename, what="posting")
            if isinstance(posting, bytes)
            else _plain(posting)
        )
        return matcher.match(
            text,
            posting_text,
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
        from rolelens._version import __version__

        return Health(
            version=__version__,
            features=self.features(),
            semantic=sorted(self.semantic_for),
            taxonomy_version=self.taxonomy.version,
            scorer_version=SCORER_VERSION,
        )

    def roles(self) -> list[RoleSummary]:
        """Every role in the taxonomy, in one line each."""
        return self.summary().roles

    def features(self) -> list[str]:
        """What this service can do with its taxonomy and the packages installed."""
        features = ["read"]
        if self.taxonomy.scoping is not None:
            features.append("scope")
        if self.taxonomy.cv is not None:
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
            scoping=self.taxonomy.scoping is not None,
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


def _checked(text: str) -> str:
    """``text`` itself, refused when over 2 MB or holding a lone surrogate."""
    if len(text) > MAX_BYTES:
        raise InputTooLarge(f"the text is {len(text):,} characters; the limit is {MAX_BYTES:,}")
    _encodable(text)
    return text


def _plain(text: str) -> str:
    """The text to read: an HTML page becomes its text; over 2 MB of text is refused."""
    return readable_text(_checked(text))


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
