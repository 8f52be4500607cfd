"""One term automaton: many terms (key → payload) found in a text in one pass, with offsets.

Keys are compared with the text as given: callers fold both the same way first
(:func:`~rolelens.core.text.fold.fold`, or not at all for case-sensitive terms), so the
offsets found are offsets into the text they folded. Each reader keeps its own notion of a
match on top: a whole word (:meth:`TermAutomaton.whole_words`: no letter or digit on
either side), a word start that may run on (:meth:`TermAutomaton.word_starts`, scoping
terms ending in ``*``), or its own boundary rule over raw occurrences
(:meth:`TermAutomaton.spans`, the alias matcher's ``C++`` and ``.NET`` rules).

Pure: the automaton is built once and only read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import ahocorasick_rs

from rolelens.core.text.fold import SURROGATE
from rolelens.core.text.phrases import is_whole_word

P = TypeVar("P")


class TermAutomaton(Generic[P]):
    """Terms compiled into one Aho-Corasick automaton (``ahocorasick_rs``, in Rust); an empty
    key is no term. Pickled as its terms and rebuilt (the compiled automaton cannot be)."""

    __slots__ = ("_automaton", "_keys", "payloads")

    def __init__(self, terms: Mapping[str, P]) -> None:
        self._keys = [key for key in terms if key]
        #: each term's payload, by the term index :meth:`spans` gives
        self.payloads: list[P] = [terms[key] for key in self._keys]
        self._automaton = ahocorasick_rs.AhoCorasick(self._keys) if self._keys else None

    def __len__(self) -> int:
        """How many terms it holds."""
        return len(self._keys)

    def __getstate__(self) -> dict[str, Any]:
        return {"terms": dict(zip(self._keys, self.payloads, strict=True))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["terms"])  # type: ignore[misc]

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence, overlapping ones too, as ``(term index, start, end)`` (the
        payload is ``payloads[index]``): for loops that see every hit and apply their own
        boundary rule (the alias matcher's ``C++`` and ``.NET`` rules)."""
        if self._automaton is None:
            return []
        try:
            return self._automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate: no key holds one, so U+FFFD stands
            text = SURROGATE.sub("\ufffd", text)  # in for it without moving any offset
            return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def occurrences(self, text: str) -> Iterator[tuple[int, int, P]]:
        """Every occurrence, overlapping ones too: ``(start, end, payload)``."""
        payloads = self.payloads
        for index, start, end in self.spans(text):
            yield start, end, payloads[index]

    def word_starts(self, text: str) -> Iterator[tuple[int, int, P, bool]]:
        """Occurrences that start a word (no letter or digit just before), and whether each
        also ends one: ``(start, end, payload, ends_word)``."""
        n = len(text)
        payloads = self.payloads
        for index, start, end in self.spans(text):
            if start > 0 and text[start - 1].isalnum():
                continue
            yield start, end, payloads[index], end >= n or not text[end].isalnum()

    def whole_words(self, text: str) -> Iterator[tuple[int, int, P]]:
        """Occurrences that stand as whole words: ``(start, end, payload)``."""
        payloads = self.payloads
        for index, start, end in self.spans(text):
            if is_whole_word(text, start, end):
                yield start, end, payloads[index]


def word_end(text: str, pos: int) -> int:
    """Where the word running on at ``pos`` ends (``pos`` itself when none does)."""
    n = len(text)
    while pos < n and text[pos].isalnum():
        pos += 1
    return pos
