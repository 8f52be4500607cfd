"""Term matching for scoping cues: many term lists in one automaton, inflections, windows.

Pure: folded text in, spans out. A term ending in ``*`` matches any word starting with it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rolelens.core.text import fold
from rolelens.core.text.segment import CUE_SPAN, sentence_end
from rolelens.core.text.terms import TermAutomaton, word_end

# a cue's words may not reach across a sentence end (bound once: asked in inner loops)
_SENTENCE_END = sentence_end(CUE_SPAN)


class CueTerms:
    """Many term lists compiled into one automaton; ``*`` at a term's end is a prefix."""

    def __init__(self) -> None:
        self._entries: dict[str, list[tuple[Any, bool]]] = defaultdict(list)
        self._auto: TermAutomaton[list[tuple[Any, bool]]] = TermAutomaton({})

    def add(self, term: str, key: Any, *, inflect: bool = False) -> None:
        prefix = term.endswith("*")
        folded = " ".join(fold(term.rstrip("*")).split())
        if not folded:
            return
        forms = _inflections(folded, keep_last=prefix) if inflect else [folded]
        for form in forms:
            entries = self._entries[form]
            if (key, prefix) not in entries:
                entries.append((key, prefix))

    def build(self) -> None:
        self._auto = TermAutomaton(self._entries)

    def find(self, folded: str) -> list[tuple[Any, int, int]]:
        """Every (key, start, end) on word boundaries, overlaps kept."""
        out: list[tuple[Any, int, int]] = []
        for start, end, entries, closed in self._auto.word_starts(folded):
            for key, prefix in entries:
                if prefix:
                    out.append((key, start, word_end(folded, end)))
                elif closed:
                    out.append((key, start, end))
        return out


_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "nor",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "our",
        "your",
        "their",
        "his",
        "her",
        "my",
        "we",
        "you",
        "they",
        "he",
        "she",
        "i",
        "this",
        "that",
        "these",
        "those",
        "as",
        "if",
        "than",
        "then",
        "so",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "each",
        "every",
        "all",
        "any",
        "some",
        "one",
        "two",
        "new",
    }
)
_VOWELS = frozenset("aeiou")


def _word_forms(word: str) -> list[str]:
    """A word and its regular inflections: plural / third person, past, -ing."""
    if len(word) < 3 or not word.isalpha() or word in _FUNCTION_WORDS:
        return [word]
    forms = [word]
    if word.endswith("ie"):
        forms += [word + "s", word + "d", word[:-2] + "ying"]
    elif word.endswith("e"):
        forms += [word + "s", word + "d", word[:-1] + "ing"]
    elif word.endswith("y") and word[-2] not in _VOWELS:
        forms += [word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    elif word.endswith(("s", "x", "z", "ch", "sh")):
        forms += [word + "es", word + "ed", word + "ing"]
    else:
        forms += [word + "s", word + "ed", word + "ing"]
        if (
            len(word) <= 4
            and word[-1] not in _VOWELS | {"w", "x", "y"}
            and word[-2] in _VOWELS
            and word[-3] not in _VOWELS
        ):
            forms += [word + word[-1] + "ed", word + word[-1] + "ing"]
    return forms


def _inflections(phrase: str, *, keep_last: bool = False) -> list[str]:
    """The phrase with regular inflections of its content words (at most 64 forms)."""
    words = phrase.split(" ")
    options: list[list[str]] = []
    for i, w in enumerate(words):
        if keep_last and i == len(words) - 1:
            options.append([w])
        elif len(words) > 3 and 0 < i < len(words) - 1:
            options.append([w])  # long phrases: inflect the ends only
        else:
            options.append(_word_forms(w))
    forms = [""]
    for opts in options:
        forms = [f"{f} {o}".strip() for f in forms for o in opts]
        if len(forms) > 64:
            forms = forms[:64]
    return forms


def _combine(
    groups: list[list[tuple[int, int]]], window: int, folded: str
) -> list[tuple[int, int]]:
    """Spans where one hit of every group falls within ``window`` characters of one sentence."""
    if len(groups) == 1:
        return sorted(set(groups[0]))
    if any(not g for g in groups):
        return []
    out: list[tuple[int, int]] = []
    for anchor in sorted(set(groups[0])):
        chosen = [anchor]
        ok = True
        for g in groups[1:]:
            best: tuple[int, int] | None = None
            best_d = window + 1
            for s, e in g:
                if any(s < ce and cs < e for cs, ce in chosen):
                    continue  # one word cannot stand for two groups
                lo, hi = min(s, *(c[0] for c in chosen)), max(e, *(c[1] for c in chosen))
                if (
                    hi - lo <= window
                    and hi - lo < best_d
                    and not _SENTENCE_END.search(folded, lo, hi)
                ):
                    best, best_d = (s, e), hi - lo
            if best is None:
                ok = False
                break
            chosen.append(best)
        if ok:
            out.append((min(c[0] for c in chosen), max(c[1] for c in chosen)))
    return out


def _sequences(
    hits: list[tuple[int, int, int]], n: int, window: int, folded: str
) -> list[tuple[int, int]]:
    """Spans of one sentence (at most ``window`` long) holding ``n`` different terms."""
    hits = sorted(set(hits))
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(hits):
        start = hits[i][0]
        terms: set[int] = set()
        end = start
        j = i
        while j < len(hits) and hits[j][1] - start <= window:
            if _SENTENCE_END.search(folded, start, hits[j][0]):
                break
            terms.add(hits[j][2])
            end = max(end, hits[j][1])
            j += 1
        if len(terms) >= n:
            out.append((start, end))
            i = j
        else:
            i += 1
    return out
