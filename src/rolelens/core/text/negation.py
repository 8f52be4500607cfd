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

import re
from collections.abc import Iterable
from typing import Literal

from rolelens.core.text.phrases import collapsed_phrase_regex, cue_regex
from rolelens.core.text.segment import clause_start

# -- a negation's reach over a list, and negation after the words (postings) --------------
# The patterns run over folded text (lower case, curly quotes straight) and only between
# given bounds; every run of word characters or spaces is possessive, so no text can make
# them try a run more than one way.

#: Words that end a list: a verb or a contrast ("Python is required, SQL ..."; "ML, but ...").
_NOT_AN_ITEM = r"(?!(?:is|are|not|but|yet|you|we|will|must|required|needed|which|who|that)\b)"
#: What may stand between two items of one list: up to three words of the item before (its
#: head noun: "models, ", "experience, or ") and one separator.
LIST_GAP = re.compile(
    # it opens where an item ends (never after a space): a search over hostile text then
    # tries a run of spaces once, not at each of its characters
    rf"(?<!\s)\s*+(?:{_NOT_AN_ITEM}[a-z0-9+#.\-]++\s*+){{0,3}}(?:,\s*+(?:or|and|nor)\b|,|/|&|\bor\b|\band\b|\bnor\b)\s*+"
)
#: Negation after the words: "ML experience is not required", "PyTorch isn't needed",
#: "Knowledge of Spark is not a must", "PyTorch: not needed" (up to three words between).
_NOT_NEEDED = re.compile(
    # it opens where a mention ends (never after a space) at a space, a colon or a dash:
    # said first, so a search over hostile text fails fast everywhere else (inside a run of
    # spaces too, where each start would otherwise walk the rest of the run)
    r"(?<!\s)(?=[\s:\u2013\u2014-])(?:\s*+[:\u2013\u2014-])?(?:\s++(?!(?:but|and|or|while|we|you)\b)[a-z0-9+#.\-]++){0,3}?\s*+"
    r"(?:(?:is|are)\s++not|isn't|aren't|not)\s++"
    r"(?:required|needed|necessary|expected|essential|mandatory|a\s++must|a\s++requirement)\b"
)
#: "... is not required, but a plus": a preference, not a negation.
#: A contrast word ("... is not required, but a plus"): looked for within 40 characters of
#: a "not needed", before the sentence ends (:func:`_contrast_follows`).
_CONTRAST = re.compile(r"\b(?:but|though|although|however)\b")
_CONTRAST_REACH = 40


def _contrast_follows(folded: str, pos: int, end: int) -> bool:
    """Whether a contrast word starts within 40 characters of ``pos``, before ``end`` and
    before a sentence or line ends. Found with one search in a short window: a pattern that
    spans the 40 characters itself is tried 40 ways at every position when searched."""
    stop = min(end, pos + _CONTRAST_REACH + 20)  # the longest word and its end fit
    for ch in _CLAUSE_BREAK:
        at = folded.find(ch, pos, stop)
        if at >= 0:
            stop = at
    m = _CONTRAST.search(folded, pos, stop)
    return m is not None and m.start() - pos <= _CONTRAST_REACH


After = Literal["negated", "preferred"]


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

    @staticmethod
    def in_one_list(folded: str, end: int, start: int) -> bool:
        """Whether the words ending at ``end`` and those starting at ``start`` are items of one
        list ("not building ML models, LLM chatbots or agents"): a negation that governs one
        item governs the items after it, and one after the list governs those before it."""
        return start >= end and LIST_GAP.fullmatch(folded, end, start) is not None

    @staticmethod
    def after(folded: str, pos: int, end: int) -> After | None:
        """What the words just after ``pos`` (up to ``end``, the clause's end) say of the
        words before: "negated" ("... is not required"), "preferred" ("... is not required,
        but a plus"), or None."""
        m = _NOT_NEEDED.match(folded, pos, end)
        if m is None:
            return None
        return "preferred" if _contrast_follows(folded, m.end(), end) else "negated"


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
