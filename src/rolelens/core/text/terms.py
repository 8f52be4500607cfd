"""One term automaton: many terms (key → payload) found in a text in one pass, with offsets.

Keys are compared with the text as given: callers fold both the same way first
(:func:`~rolelens.core.text.fold.fold`, or not at all for case-sensitive terms), so the
offsets found are offsets into the text they folded. Each reader keeps its own notion of a
match on top: a whole word (:meth:`TermAutomaton.whole_words`: no letter or digit on
either side), a word start that may run on (:meth:`TermAutomaton.word_starts`, scoping
terms ending in ``*``), or its own boundary rule over raw occurrences
(:meth:`TermAutomaton.raw`, the alias matcher's ``C++`` and ``.NET`` rules).

Pure: the automaton is built once and only read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

import ahocorasick

from rolelens.core.text.phrases import is_whole_word

P = TypeVar("P")


class TermAutomaton(Generic[P]):
    """Terms compiled into one Aho-Corasick automaton; an empty key is no term."""

    __slots__ = ("_automaton",)

    def __init__(self, terms: Mapping[str, P]) -> None:
        automaton = ahocorasick.Automaton()
        for key, payload in terms.items():
            if key:
                automaton.add_word(key, (len(key), payload))
        if len(automaton):
            automaton.make_automaton()
            self._automaton: ahocorasick.Automaton | None = automaton
        else:
            self._automaton = None

    def __len__(self) -> int:
        """How many terms it holds."""
        return 0 if self._automaton is None else len(self._automaton)

    def raw(self, text: str) -> Iterator[tuple[int, tuple[int, P]]]:
        """Every occurrence, overlapping ones too, as the automaton gives it: ``(index of
        its last character, (its length, payload))``. For loops that see every hit and
        apply their own boundary rule; :meth:`occurrences` reads better elsewhere."""
        if self._automaton is None:
            return iter(())
        found: Iterator[tuple[int, tuple[int, P]]] = self._automaton.iter(text)
        return found

    def occurrences(self, text: str) -> Iterator[tuple[int, int, P]]:
        """Every occurrence, overlapping ones too: ``(start, end, payload)``."""
        for last, (length, payload) in self.raw(text):
            yield last - length + 1, last + 1, payload

    def word_starts(self, text: str) -> Iterator[tuple[int, int, P, bool]]:
        """Occurrences that start a word (no letter or digit just before), and whether each
        also ends one: ``(start, end, payload, ends_word)``."""
        n = len(text)
        for last, (length, payload) in self.raw(text):
            start = last - length + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            yield start, last + 1, payload, last + 1 >= n or not text[last + 1].isalnum()

    def whole_words(self, text: str) -> Iterator[tuple[int, int, P]]:
        """Occurrences that stand as whole words: ``(start, end, payload)``."""
        for last, (length, payload) in self.raw(text):
            start = last - length + 1
            if is_whole_word(text, start, last + 1):
                yield start, last + 1, payload


def word_end(text: str, pos: int) -> int:
    """Where the word running on at ``pos`` ends (``pos`` itself when none does)."""
    n = len(text)
    while pos < n and text[pos].isalnum():
        pos += 1
    return pos
