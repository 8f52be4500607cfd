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

import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rolelens.core.text.words import WORD, unit_tfidf

#: The sections whose words the layer reads: what the job is and what it asks.
WORD_SECTIONS = frozenset({"responsibilities", "requirements"})


#: ``1 + ln count`` for counts up to 1,023 (a word repeated more often counts as 1,023 times)
_SUBLINEAR = (0.0, *(1.0 + math.log(c) for c in range(1, 1024)))
_TOP = len(_SUBLINEAR) - 1


#: Every ASCII character that is not a word character, as a space: an ASCII text split on
#: spaces after this gives the words :data:`WORD` finds, and single letters and digits besides
#: (which no vocabulary holds). Four times faster than the regex.
_NOT_WORD = str.maketrans(
    {chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")}
)


def span_counts(folded: str, spans: Iterable[tuple[int, int]]) -> Counter[str]:
    """How often each word occurs in ``folded[start:end]`` over the spans."""
    return Counter(WORD.findall(" ".join(folded[a:b] for a, b in spans)))


def _tokens(text: str) -> list[str]:
    """The words of ``text`` as :data:`WORD` finds them, with single characters besides when
    the text is ASCII (the fast way; a vocabulary lookup drops them)."""
    if text.isascii():
        return text.translate(_NOT_WORD).split()
    return WORD.findall(text)


def word_features(
    folded: str, spans: Iterable[tuple[int, int]], idf: Mapping[str, float]
) -> dict[str, float]:
    """The unit-length bag of the vocabulary's words in the spans (``(1 + ln count) · idf``
    per word, :func:`~rolelens.core.text.words.unit_tfidf`); empty when none. What the fit
    reads; :meth:`WordLayer.read` computes the same in one pass."""
    counts = span_counts(folded, spans)
    return unit_tfidf({w: c for w, c in counts.items() if w in idf}, idf.__getitem__)


@dataclass(frozen=True, slots=True)
class WordScore:
    """A bag scored: its weighted words, their bag values and points columns, and the total."""

    words: list[str]
    values: list[float]
    columns: list[tuple[float, ...]]  # per role (taxonomy order), each word's points before × value
    total: list[float]  # points per role, taxonomy order
    found: int  # vocabulary words in the bag, weighted or not


class WordLayer:
    """Fitted points per role for the vocabulary's words; build once, score many bags."""

    __slots__ = ("_dense", "_entries", "roles")

    def __init__(
        self,
        idf: Mapping[str, float],
        weights: Mapping[str, Sequence[float]],
        roles: Sequence[str],
        taxonomy_roles: Sequence[str],
    ) -> None:
        self.roles = list(taxonomy_roles)
        where = [taxonomy_roles.index(r) if r in taxonomy_roles else -1 for r in roles]
        # per word, every role's points in the taxonomy's order (a role the taxonomy no
        # longer has is dropped)
        self._dense: dict[str, tuple[float, ...]] = {}
        for word, ws in weights.items():
            if word not in idf:
                continue
            dense = [0.0] * len(self.roles)
            for i, w in zip(where, ws, strict=True):
                if i >= 0:
                    dense[i] = w
            self._dense[word] = tuple(dense)
        # one lookup per word when reading: (idf, points or None)
        self._entries = {w: (x, self._dense.get(w)) for w, x in idf.items()}

    def read(self, folded: str, spans: Iterable[tuple[int, int]]) -> WordScore:
        """:meth:`score` of :func:`word_features` of the same spans, in one pass."""
        counts = Counter(_tokens(" ".join(folded[a:b] for a, b in spans)))
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
        if rows:
            scale = 1.0 / math.sqrt(square)
            values = [v * scale for v in values]
        return self._scored(words, values, rows, found)

    def score(self, bag: Mapping[str, float]) -> WordScore:
        """Points per role of a unit-length bag (:func:`word_features`)."""
        dense = self._dense
        words = [w for w in bag if w in dense]
        return self._scored(words, [bag[w] for w in words], [dense[w] for w in words], len(bag))

    def _scored(
        self,
        words: list[str],
        values: list[float],
        rows: list[tuple[float, ...]],
        found: int,
    ) -> WordScore:
        """Σ value × points, one role at a time."""
        if not rows:
            return WordScore(words, values, [], [0.0] * len(self.roles), found)
        columns = list(zip(*rows, strict=True))
        total = [sum(map(operator.mul, column, values)) for column in columns]
        return WordScore(words, values, columns, total, found)

    def leading(self, score: WordScore, role: str, n: int) -> list[tuple[str, float]]:
        """The ``n`` words that add most to ``role`` (none that take from it), with the
        points each adds."""
        if role not in self.roles or not score.words:
            return []
        adds = map(operator.mul, score.columns[self.roles.index(role)], score.values)
        # sorted()[:n] is what heapq.nlargest promises, sorted in C instead of a Python loop
        best = sorted(zip(adds, score.words, strict=True), reverse=True)[:n]
        return [(word, add) for add, word in best if add > 0]
