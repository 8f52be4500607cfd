"""Whether a negation cue governs the words at a position of a folded text.

Two rules, kept apart because they answer differently on the same text:

- :class:`ClauseNegation` (postings): a cue before the words, in their clause as the caller
  drew it, within a window; a cue that opens an idiom ("not just", "no downtime") does not
  count.
- :class:`NegationSinceBreak` (briefs): a cue before the words, within a window cut at the
  last clause-break character (``.;!?`` or a line break); no idioms.

A sentence of the semantic layer is dropped when any negation cue stands in it at all
(:meth:`rolelens.core.semantic.SemanticMatcher.sentences`): a plain search, no window.
"""

from __future__ import annotations

from collections.abc import Iterable

from rolelens.core.text.phrases import collapsed_phrase_regex, cue_regex
from rolelens.core.text.segment import clause_start


class ClauseNegation:
    """Postings' negation: a cue in the clause before the words, idioms excepted."""

    __slots__ = ("_cues", "_idioms", "window")

    def __init__(self, cues: Iterable[str], idioms: Iterable[str], window: int) -> None:
        self._cues = cue_regex(cues)
        self._idioms = cue_regex(idioms)
        self.window = window

    def governs(self, folded: str, clause_start: int, pos: int) -> bool:
        """Whether a negation cue governs the words at ``pos``: one before them in the
        clause, not part of an idiom that only looks like one ("not just", "no downtime")."""
        if self._cues is None:
            return False
        lo = max(clause_start, pos - self.window)
        for m in self._cues.finditer(folded, lo, pos):
            if self._idioms is None or not self._idioms.match(folded, m.start()):
                return True
        return False


_CLAUSE_BREAK = ".;!?\n"


class NegationSinceBreak:
    """Briefs' negation: a term within the window before the words, back to the last
    clause-break character; terms folded with inner spaces collapsed."""

    __slots__ = ("_terms", "window")

    def __init__(self, terms: list[str], window: int) -> None:
        self._terms = collapsed_phrase_regex(terms)
        self.window = window

    def governs(self, folded: str, pos: int) -> bool:
        """Whether a negation term stands before ``pos`` in its clause and window."""
        if self._terms is None:
            return False
        lo = clause_start(folded, pos, _CLAUSE_BREAK, max(0, pos - self.window))
        return bool(self._terms.search(folded, lo, pos))
