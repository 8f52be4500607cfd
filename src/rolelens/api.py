"""The Python API: one-shot functions over a default :class:`~rolelens.service.Service`.

>>> from rolelens import read_posting, scope_brief
>>> read_posting("We train ranking models ...", title="ML Engineer").role  # doctest: +SKIP
'ml_engineer'
>>> scope_brief("We forecast weekly demand from five years of sales.").role  # doctest: +SKIP
'ml_engineer'

Each function reads with the same service the HTTP API and the MCP server use (one HTML-to-
text step, one size limit, one document reader), kept for the next call with the same
taxonomy files and semantic choice; a taxonomy file that changes on disk gets a fresh one.
For full control build a :class:`~rolelens.service.Service` (or a
:class:`~rolelens.core.reader.PostingReader`) yourself.

``semantic``: None is each task's default (briefs use the semantic layer when the
``semantic`` extra is installed, postings and CVs do not); True or "on" turns it on
(:class:`~rolelens.errors.ExtraMissing` without the extra), False or "off" off, "auto" on
when the extra is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rolelens.backends.semantic import semantic_choice
from rolelens.core.models import Reading
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.service import Service

if TYPE_CHECKING:
    from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport

Semantic = bool | str | None


def default_service(
    taxonomy_files: Sequence[str | Path] = (), semantic: Semantic = None, task: str = "read"
) -> Service:
    """The service the one-shot functions use for these files and this semantic choice
    (None: ``task``'s default, so a posting read never loads the model a brief uses)."""
    semantic = semantic_choice(semantic, task)
    key = []
    for f in taxonomy_files:
        path = Path(f)
        try:
            stat = path.stat()
            key.append((str(path.resolve()), stat.st_mtime_ns, stat.st_size))
        except OSError:
            key.append((str(path), 0, 0))  # the loader says what is wrong with it
    return _service(tuple(key), semantic)


@lru_cache(maxsize=4)
def _service(files: tuple[tuple[str, int, int], ...], semantic: str) -> Service:
    return Service.from_files([f for f, _, _ in files], semantic=semantic, many=False)


def read_posting(
    text: str,
    title: str | None = None,
    *,
    company: str | None = None,
    id: str | None = None,
    semantic: Semantic = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> Reading:
    """One posting's reading with the bundled taxonomy (plus any extra files).

    ``text`` is the posting (plain text, Markdown or an HTML page); ``company``, when known,
    is the employer, whose words are never evidence.
    """
    return default_service(taxonomy_files, semantic).read(text, title, id, company=company)


def scope_brief(
    text: str = "",
    *,
    form: ScopingForm | None = None,
    id: str | None = None,
    semantic: Semantic = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> Scoping:
    """The right hire for one brief (free text, a form, or both) with the bundled taxonomy.

    Raises :class:`~rolelens.errors.EmptyInput` for an empty brief and
    :class:`~rolelens.errors.ScopingUnavailable` when the taxonomy has no ``scoping:`` block.
    """
    return default_service(taxonomy_files, semantic, "scope").scope(text, form=form, id=id)


def read_cv(
    data: bytes | str,
    *,
    filename: str | None = None,
    redact: bool = False,
    semantic: Semantic = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> CvReading:
    """One CV's reading: the role its shipped work points to, evidence, claims, seniority.

    ``data`` is the file's bytes (PDF, DOCX, HTML, Markdown or text; ``filename`` hints the
    format) or its text. "Present" in a date range means today. Raises a
    :class:`~rolelens.errors.DocumentError` subclass for a file that cannot be read.
    """
    service = default_service(taxonomy_files, semantic, "cv")
    return service.read_cv(data, filename=filename, redact=redact)


def match_cv(
    cv: bytes | str,
    posting: str,
    *,
    cv_filename: str | None = None,
    posting_title: str | None = None,
    redact: bool = False,
    semantic: Semantic = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> FitReport:
    """How well a CV fits a posting: requirements covered, role alignment, fit score and band.

    With the semantic layer on, requirement lines the CV meets in other words are credited
    too, quoting the CV sentence and its similarity.
    """
    return default_service(taxonomy_files, semantic, "cv").match(
        cv, posting, cv_filename=cv_filename, posting_title=posting_title, redact=redact
    )


def career_advice(
    cv: bytes | str,
    *,
    filename: str | None = None,
    likes: str = "",
    semantic: Semantic = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> CareerAdvice:
    """The role to target from a CV and what the person likes, the gaps, a learning path."""
    return default_service(taxonomy_files, semantic, "cv").career(
        cv, filename=filename, likes=likes
    )
