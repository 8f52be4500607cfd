"""Words and word pairs of a text, with offsets, and their TF-IDF weights over a vocabulary.

A text's terms are its folded words of two or more letters or digits and each pair of
neighbouring words ("real time", "order history"), each with the offset where it starts in
the text the user gave (folding keeps offsets). The weight of a term is (1 + ln count) x its
idf, and the weights of a text have unit length: one long brief does not outweigh a short one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeVar

from rolelens.core.text.fold import fold

K = TypeVar("K", bound=Hashable)

#: A word: two or more letters or digits of the folded text.
WORD = re.compile(r"\w\w+")


@dataclass(frozen=True, slots=True)
class Term:
    """One occurrence of a word or word pair."""

    text: str
    start: int


def terms(text: str) -> list[Term]:
    """Every word and neighbouring word pair of ``text``, in order of their starts."""
    words = [(m.group(), m.start()) for m in WORD.finditer(fold(text))]
    out = [Term(w, s) for w, s in words]
    out += [Term(f"{a} {b}", s) for (a, s), (b, _) in pairwise(words)]
    out.sort(key=lambda t: t.start)
    return out


def document_frequency(texts: Iterable[str]) -> Counter[str]:
    """In how many of ``texts`` each term occurs."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update({t.text for t in terms(text)})
    return df


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency of a term in ``df`` of ``n_docs`` texts."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def unit_tfidf(counts: Mapping[K, int], idf: Callable[[K], float]) -> dict[K, float]:
    """``(1 + ln count) · idf`` of each counted key, scaled to unit length (empty when all
    are 0). Shared by the scoping word layer and the posting reader's."""
    raw = {k: (1.0 + math.log(c)) * idf(k) for k, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    return {k: v / norm for k, v in raw.items()} if norm else {}


def weights(
    found: Sequence[Term], index: Mapping[str, int], idfs: Sequence[float]
) -> dict[int, float]:
    """Unit-length TF-IDF weights of the vocabulary terms among ``found``, by term index."""
    return unit_tfidf(Counter(index[t.text] for t in found if t.text in index), idfs.__getitem__)
