"""Find evidence-item aliases in text: one term automaton, word boundaries, leftmost-longest.

Text is compared in a *folded* form of exactly the same length as the original, so a
match's offsets are offsets into the text the user gave: lower case (where lowering
keeps the length), hyphens, underscores and slashes read as spaces, curly quotes as
straight ones. Case-sensitive aliases (``R``, ``Go``) are matched on the original.
Stop phrases ("go to market", "real estate agent") take part in the longest-match
contest and then vanish, so the shorter alias inside them never counts.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from rolelens.core.text.fold import FOLD_TABLE, fold
from rolelens.core.text.phrases import cue_keys
from rolelens.core.text.terms import TermAutomaton
from rolelens.taxonomy.models import Taxonomy, normalise_alias

STOP = -1  # the item index of a stop phrase


class Hit(NamedTuple):
    """One alias found: which item (index into the matcher's items), and where. A named
    tuple: a posting has dozens, and one is built in half the time of a frozen dataclass."""

    item: int
    start: int
    end: int


# the word characters of text.cue_regex
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class CueSpots:
    """Every occurrence of one cue list's phrases in a folded text, overlapping ones too,
    sorted: (start, end, word boundary before, word boundary after). It answers what the
    list's :func:`cue_regex` would answer, without running a regex over each clause."""

    __slots__ = ("found", "starts")

    def __init__(self, found: list[tuple[int, int, bool, bool]]) -> None:
        found.sort()
        self.found = found
        self.starts = [f[0] for f in found]

    def in_segment(self, start: int, end: int) -> bool:
        """``cue_regex(...).search(folded[start:end]) is not None``: the slice's own ends
        count as word boundaries."""
        found = self.found
        for i in range(bisect_left(self.starts, start), len(found)):
            a, b, before, after = found[i]
            if a >= end:
                return False
            if b <= end and (before or a == start) and (after or b == end):
                return True
        return False

    def in_span(self, start: int, end: int) -> bool:
        """``cue_regex(...).search(folded, start, end) is not None``: the text before
        ``start`` is seen, and ``end`` reads as the end of the text."""
        found = self.found
        for i in range(bisect_left(self.starts, start), len(found)):
            a, b, before, after = found[i]
            if a >= end:
                return False
            if b <= end and before and (after or b == end):
                return True
        return False


_CUE_ONLY = -2  # the item index of a key that is a cue phrase and no alias


class AliasMatcher:
    """Every alias and stop phrase of a taxonomy, compiled once for fast scanning; and,
    optionally, lists of cue phrases found in the same pass (:meth:`scan`)."""

    def __init__(self, taxonomy: Taxonomy, cues: Sequence[Sequence[str]] = ()) -> None:
        self.items = list(taxonomy.evidence)
        self.cue_lists = len(cues)
        folded: dict[str, int] = {}
        exact: dict[str, int] = {}
        for phrase in taxonomy.reading.stop_phrases:
            folded.setdefault(_fold_alias(phrase), STOP)
        for index, item in enumerate(self.items):
            for alias in item.aliases:  # a plain string, or an Alias with its flags
                if isinstance(alias, str):
                    folded[_fold_alias(alias)] = index
                elif alias.case_sensitive:
                    exact[alias.text] = index
                else:
                    folded[_fold_alias(alias.text)] = index
        tags: dict[str, list[int]] = {}
        for k, phrases in enumerate(cues):
            for key in cue_keys(phrases):
                tags.setdefault(key, []).append(k)
        self._folded = _automaton(folded, tags)
        self._exact = _automaton(exact, {})

    def find(self, text: str, folded: str | None = None) -> list[Hit]:
        """Non-overlapping hits, leftmost-longest, stop phrases removed."""
        return self.scan(text, folded)[0]

    def scan(self, text: str, folded: str | None = None) -> tuple[list[Hit], list[CueSpots]]:
        """The hits (as :meth:`find`) and, for each cue list, where its phrases are."""
        if folded is None:
            folded = fold(text)
        candidates: list[tuple[int, int, int]] = []
        add = candidates.append
        spots: list[list[tuple[int, int, bool, bool]]] = [[] for _ in range(self.cue_lists)]
        word = _WORD_CHARS
        for automaton, haystack in ((self._folded, folded), (self._exact, text)):
            n = len(haystack)
            # _bounded, inlined: this loop sees every raw hit (~100 a posting, most of them
            # inside longer words), and a call each cost a tenth of the reading
            payloads = automaton.payloads
            for index, start, stop in automaton.spans(haystack):
                item, cue = payloads[index]
                if cue:
                    spot = (
                        start,
                        stop,
                        start == 0 or haystack[start - 1] not in word,
                        stop == n or haystack[stop] not in word,
                    )
                    for k in cue:
                        spots[k].append(spot)
                    if item == _CUE_ONLY:
                        continue
                if start > 0:
                    before = haystack[start - 1]
                    if before.isalnum() or (before in "+#" and haystack[start].isalnum()):
                        continue
                if stop < n:
                    after = haystack[stop]
                    if after.isalnum():
                        last = haystack[stop - 1]
                        if last.isalnum() or last in "+#.":
                            continue
                    elif after in "+#" and haystack[stop - 1].isalnum():
                        continue
                add((start, -stop, item))
        candidates.sort()
        hits: list[Hit] = []
        taken_until = -1
        for start, neg_end, item in candidates:
            if start < taken_until:
                continue
            taken_until = -neg_end
            if item != STOP:
                hits.append(Hit(item, start, taken_until))
        return hits, [CueSpots(found) for found in spots]


def _fold_alias(alias: str) -> str:
    # Aliases collapse runs of spaces; text keeps its length, so both fold the same way
    # except that an alias never holds doubled spaces.
    return normalise_alias(alias if alias.isascii() else alias.translate(FOLD_TABLE))


def _automaton(
    patterns: dict[str, int], cues: dict[str, list[int]]
) -> TermAutomaton[tuple[int, tuple[int, ...]]]:
    """Keys -> (item index or STOP or _CUE_ONLY, the cue lists holding the key)."""
    return TermAutomaton(
        {
            phrase: (patterns.get(phrase, _CUE_ONLY), tuple(cues.get(phrase, ())))
            for phrase in [*patterns, *(k for k in cues if k not in patterns)]
        }
    )


def _bounded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not part of a longer word."""
    if start > 0:
        before = text[start - 1]
        if before.isalnum() or (before in "+#" and text[start].isalnum()):
            return False
        # "ML" inside "HTML" is caught above; ".NET" inside "ASP.NET" too, since '.' is
        # part of the alias and the letter before it is alphanumeric.
    if end < len(text):
        after = text[end]
        last = text[end - 1]
        if after.isalnum() and (last.isalnum() or last in "+#."):
            return False
        if after in "+#" and last.isalnum():
            return False
    return True
