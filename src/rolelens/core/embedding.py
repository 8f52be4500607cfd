"""What the core asks of an embedding model, as a protocol: the backends implement it.

The core matches sentences by meaning through this interface alone, so it imports no backend
(``rolelens.backends.embeddings`` holds the bundled MiniLM and a hash-based fake, both of which
satisfy :class:`TextEmbedder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Vector = Sequence[float]


class TextEmbedder(Protocol):
    """Turns texts into unit vectors and compares them."""

    @property
    def model_id(self) -> str:
        """A stable name of the model and its settings (cached vectors and fitted weights
        are keyed by it)."""
        ...

    @property
    def dimensions(self) -> int:
        """The length of every vector."""
        ...

    def embed(self, text: str) -> Vector:
        """The vector of one text."""
        ...

    def embed_many(self, texts: Sequence[str]) -> Any:
        """One vector per text, in order (a list, or an array of rows)."""
        ...

    def similarities(self, queries: Sequence[Vector], keys: Sequence[Vector]) -> list[list[float]]:
        """Cosine similarity of every query to every key (rows: queries)."""
        ...
