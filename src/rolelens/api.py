"""The Python API: load a taxonomy once, then read postings and scope briefs with it.

>>> from rolelens import load_taxonomy, PostingReader, Scoper
>>> taxonomy = load_taxonomy()
>>> reading = PostingReader(taxonomy).read("We train ranking models ...", title="ML Engineer")
>>> reading.role  # doctest: +SKIP
'ml_engineer'
>>> scoping = Scoper(taxonomy).scope("We want to forecast weekly demand from five years of sales.")
>>> scoping.role  # doctest: +SKIP
'ml_engineer'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.taxonomy.loader import load_taxonomy

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.schema import Taxonomy


def _semantic(taxonomy: Taxonomy, on: bool) -> SemanticMatcher | None:
    """The bundled model's matcher when ``on`` (needs the ``semantic`` extra), else None."""
    if not on:
        return None
    from rolelens.backends.embeddings import default_cache_dir, load_matcher

    return load_matcher(taxonomy, cache_dir=default_cache_dir())


def read_posting(
    text: str,
    title: str | None = None,
    *,
    semantic: bool = False,
    taxonomy_files: Sequence[str | Path] = (),
) -> Reading:
    """One posting's reading with the bundled taxonomy (plus any extra files).

    ``semantic=True`` also matches sentences to activity statements with the bundled model
    (the ``semantic`` extra; :class:`~rolelens.errors.ExtraMissing` without it). Builds a
    reader each call: for many postings build one :class:`PostingReader`.
    """
    taxonomy = load_taxonomy(taxonomy_files)
    return PostingReader(taxonomy, semantic=_semantic(taxonomy, semantic)).read(text, title=title)


def scope_brief(
    text: str = "",
    *,
    form: ScopingForm | None = None,
    semantic: bool = False,
    taxonomy_files: Sequence[str | Path] = (),
) -> Scoping:
    """The right hire for one brief (free text, a form, or both) with the bundled taxonomy.

    Builds a scoper each call: for many briefs build one :class:`Scoper`. Raises
    :class:`~rolelens.errors.EmptyInput` for an empty brief and
    :class:`~rolelens.errors.ScopingUnavailable` when the taxonomy has no ``scoping:`` block.
    """
    taxonomy = load_taxonomy(taxonomy_files)
    return Scoper(taxonomy, semantic=_semantic(taxonomy, semantic)).scope(text, form=form)


def _cv_text(data: bytes | str, filename: str | None) -> str:
    """A CV's plain text: bytes go through the document reader (PDF, DOCX, HTML, text)."""
    if isinstance(data, str):
        from rolelens.io.text import html_to_text, looks_like_html

        if not data.strip():
            from rolelens.errors import EmptyInput

            raise EmptyInput("the CV has no text to read")
        suffix = Path(filename).suffix.lower() if filename else ""
        if suffix in (".html", ".htm", ".xhtml") or looks_like_html(data):
            return html_to_text(data)
        return data
    from rolelens.io.documents import document_text

    return document_text(data, filename)


def read_cv(
    data: bytes | str,
    *,
    filename: str | None = None,
    redact: bool = False,
    semantic: bool = False,
    taxonomy_files: Sequence[str | Path] = (),
) -> CvReading:
    """One CV's reading: the role its shipped work points to, evidence, claims, seniority.

    ``data`` is the file's bytes (PDF, DOCX, HTML, Markdown or text; ``filename`` hints the
    format) or its text. "Present" in a date range means today. ``semantic=True`` also
    matches work sentences written in plain words to activity statements (the ``semantic``
    extra). Raises a :class:`~rolelens.errors.DocumentError` subclass for a file that cannot
    be read.
    """
    from datetime import date

    from rolelens.core.cv import CvReader

    text = _cv_text(data, filename)
    taxonomy = load_taxonomy(taxonomy_files)
    reader = CvReader(taxonomy, semantic=_semantic(taxonomy, semantic))
    return reader.read(text, today=date.today(), redact=redact)


def match_cv(
    cv: bytes | str,
    posting: str,
    *,
    cv_filename: str | None = None,
    posting_title: str | None = None,
    redact: bool = False,
    semantic: bool = False,
    taxonomy_files: Sequence[str | Path] = (),
) -> FitReport:
    """How well a CV fits a posting: requirements covered, role alignment, fit score and band.

    ``semantic=True`` also credits requirement lines the CV meets in other words (the
    ``semantic`` extra), quoting the CV sentence and its similarity.
    """
    from datetime import date

    from rolelens.core.match import FitMatcher

    text = _cv_text(cv, cv_filename)
    taxonomy = load_taxonomy(taxonomy_files)
    return FitMatcher(taxonomy, semantic=_semantic(taxonomy, semantic)).match(
        text, posting, today=date.today(), posting_title=posting_title, redact=redact
    )


def career_advice(
    cv: bytes | str,
    *,
    filename: str | None = None,
    likes: str = "",
    semantic: bool = False,
    taxonomy_files: Sequence[str | Path] = (),
) -> CareerAdvice:
    """The role to target from a CV and what the person likes, the gaps, a learning path."""
    from datetime import date

    from rolelens.core.career import CareerAdvisor
    from rolelens.core.cv import CvReader

    text = _cv_text(cv, filename)
    taxonomy = load_taxonomy(taxonomy_files)
    reader = CvReader(taxonomy, semantic=_semantic(taxonomy, semantic))
    return CareerAdvisor(taxonomy, cv_reader=reader).advise(text, today=date.today(), likes=likes)
