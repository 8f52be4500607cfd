"""The Python API: load a taxonomy once, then read postings with it.

>>> from rolelens import load_taxonomy, PostingReader
>>> reader = PostingReader(load_taxonomy())
>>> reading = reader.read("We train ranking models in PyTorch ...", title="ML Engineer")
>>> reading.role  # doctest: +SKIP
'ml_engineer'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy


def read_posting(
    text: str, title: str | None = None, *, taxonomy_files: Sequence[str | Path] = ()
) -> Reading:
    """One posting's reading with the bundled taxonomy (plus any extra files).

    Builds a reader each call: for many postings build one :class:`PostingReader`.
    """
    return PostingReader(load_taxonomy(taxonomy_files)).read(text, title=title)
