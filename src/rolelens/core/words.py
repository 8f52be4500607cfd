"""The word layer: what the plain words of a posting's duties and requirements say.

Evidence items name tools and techniques; the words around them ("customers", "prompts",
"experiments", "dashboards", "latency") also lean towards one role or another. The layer
reads the words of the responsibilities and requirements sections as a bag: each word of the
vocabulary (counted from unlabelled postings, never from labelled ones) weighs
``(1 + ln count) · idf``, the bag is scaled to unit length, and each word adds its fitted
points per role (``rolelens train postings`` fits them by regularised logistic regression).
Pure functions over plain mappings: no I/O, no globals.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: The sections whose words the layer reads: what the job is and what it asks.
WORD_SECTIONS = frozenset({"responsibilities", "requirements"})
#: A word: two or more word characters of the folded text.
TOKEN = re.compile(r"\w\w+")


#: ``1 + ln count`` for counts up to 1,023 (a word repeated more often counts as 1,023 times)
_SUBLINEAR = (0.0, *(1.0 + math.log(c) for c in range(1, 1024)))
_TOP = len(_SUBLINEAR) - 1


def word_features(
    folded: str, spans: Iterable[tuple[int, int]], idf: Mapping[str, float]
) -> dict[str, float]:
    """The unit-length bag of the vocabulary's words in ``folded[start:end]`` for each span:
    ``(1 + ln count) · idf`` per word, divided by the bag's length; empty when none."""
    counts = Counter(TOKEN.findall(" ".join(folded[a:b] for a, b in spans)))
    sub, top = _SUBLINEAR, _TOP
    bag = {w: sub[c if c < top else top] * idf[w] for w, c in counts.items() if w in idf}
    if not bag:
        return bag
    norm = 1.0 / math.sqrt(sum(v * v for v in bag.values()))
    return {w: v * norm for w, v in bag.items()}


@dataclass(frozen=True, slots=True)
class WordScore:
    """A bag scored: its weighted words, their bag values and points rows, and the total."""

    words: list[str]
    values: list[float]
    rows: list[tuple[float, ...]]  # per word, its points per role before × value
    total: list[float]  # points per role, taxonomy order
    found: int  # vocabulary words in the bag, weighted or not


class WordLayer:
    """Fitted points per role for the vocabulary's words; build once, score many bags."""

    __slots__ = ("_dense", "_entries", "idf", "roles")

    def __init__(
        self,
        idf: Mapping[str, float],
        weights: Mapping[str, Sequence[float]],
        roles: Sequence[str],
        taxonomy_roles: Sequence[str],
    ) -> None:
        self.idf = dict(idf)
        self.roles = list(taxonomy_roles)
        where = [taxonomy_roles.index(r) if r in taxonomy_roles else -1 for r in roles]
        # per word, every role's points in the taxonomy's order (a role the taxonomy no
        # longer has is dropped)
        self._dense: dict[str, tuple[float, ...]] = {}
        for word, ws in weights.items():
            if word not in self.idf:
                continue
            dense = [0.0] * len(self.roles)
            for i, w in zip(where, ws, strict=True):
                if i >= 0:
                    dense[i] = w
            self._dense[word] = tuple(dense)
        # one lookup per word when reading: (idf, points or None)
        self._entries = {w: (x, self._dense.get(w)) for w, x in self.idf.items()}

    def read(self, folded: str, spans: Iterable[tuple[int, int]]) -> WordScore:
        """:meth:`score` of :func:`word_features` of the same spans, in one pass."""
        counts = Counter(TOKEN.findall(" ".join(folded[a:b] for a, b in spans)))
        get, sub, top = self._entries.get, _SUBLINEAR, _TOP
        words: list[str] = []
        values: list[float] = []
        rows: list[tuple[float, ...]] = []
        square = 0.0
        found = 0
        for w, c in counts.items():
            entry = get(w)
            if entry is None:
                continue
            found += 1
            v = sub[c if c < top else top] * entry[0]
            square += v * v
            if entry[1] is not None:
                words.append(w)
                values.append(v)
                rows.append(entry[1])
        if not rows:
            return WordScore(words, values, rows, [0.0] * len(self.roles), found)
        scale = 1.0 / math.sqrt(square)
        values = [v * scale for v in values]
        total = [sum(map(operator.mul, column, values)) for column in zip(*rows, strict=True)]
        return WordScore(words, values, rows, total, found)

    def score(self, bag: Mapping[str, float]) -> WordScore:
        """Points per role of a bag (Σ value × points, one role at a time)."""
        dense = self._dense
        words = [w for w in bag if w in dense]
        values = [bag[w] for w in words]
        rows = [dense[w] for w in words]
        if not rows:
            return WordScore(words, values, rows, [0.0] * len(self.roles), len(bag))
        total = [sum(map(operator.mul, column, values)) for column in zip(*rows, strict=True)]
        return WordScore(words, values, rows, total, len(bag))

    def leading(self, score: WordScore, role: str, n: int) -> list[tuple[str, float]]:
        """The ``n`` words that add most to ``role`` (none that take from it), with the
        points each adds."""
        if role not in self.roles or not score.words:
            return []
        r = self.roles.index(role)
        adds = map(operator.mul, [row[r] for row in score.rows], score.values)
        best = heapq.nlargest(n, zip(adds, score.words, strict=True))
        return [(word, add) for add, word in best if add > 0]
