"""The text kernel: what postings, CVs and briefs do to text before they score it.

- :mod:`.fold`: the folded form every matcher compares against (same length, so offsets
  into it are offsets into the text the user gave).
- :mod:`.phrases`: cue and term lists compiled into whole-word patterns on folded text.
- :mod:`.negation`: whether a negation cue governs the words at a position.
- :mod:`.headings`: line patterns that mark a heading.
- :mod:`.segment`: sections (by heading lines), sentences and clauses, with offsets; the
  rules that differ between readers are options, and the rules in use are named there.
- :mod:`.terms`: one term automaton (key → payload), found as whole words, word starts or
  raw occurrences, with offsets.

Pure: strings in, strings, spans and booleans out.
"""

from __future__ import annotations

from rolelens.core.text.fold import fold
from rolelens.core.text.headings import MD_HEADING
from rolelens.core.text.negation import ClauseNegation, NegationSinceBreak
from rolelens.core.text.phrases import (
    collapsed_phrase_regex,
    cue_keys,
    cue_regex,
    is_whole_word,
    terms_regex,
    whole_words,
)
from rolelens.core.text.terms import TermAutomaton

__all__ = [
    "MD_HEADING",
    "ClauseNegation",
    "NegationSinceBreak",
    "TermAutomaton",
    "collapsed_phrase_regex",
    "cue_keys",
    "cue_regex",
    "fold",
    "is_whole_word",
    "terms_regex",
    "whole_words",
]
