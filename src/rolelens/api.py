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

from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.taxonomy.loader import load_taxonomy


def read_posting(
    text: str, title: str | None = None, *, taxonomy_files: Sequence[str | Path] = ()
) -> Reading:
    """One posting's reading with the bundled taxonomy (plus any extra files).

    Builds a reader each call: for many postings build one :class:`PostingReader`.
    """
    return PostingReader(load_taxonomy(taxonomy_files)).read(text, title=title)


def scope_brief(
    text: str = "",
    *,
    form: ScopingForm | None = None,
    taxonomy_files: Sequence[str | Path] = (),
) -> Scoping:
    """The right hire for one brief (free text, a form, or both) with the bundled taxonomy.

    Builds a scoper each call: for many briefs build one :class:`Scoper`. Raises
    :class:`~rolelens.errors.EmptyInput` for an empty brief and
    :class:`~rolelens.errors.ScopingUnavailable` when the taxonomy has no ``scoping:`` block.
    """
    return Scoper(load_taxonomy(taxonomy_files)).scope(text, form=form)
