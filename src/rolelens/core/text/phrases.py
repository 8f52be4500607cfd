"""Cue and term lists compiled into patterns matched on folded text as whole words.

One pattern shape serves them all (:func:`whole_words`); the lists differ in how a phrase
becomes a key, and each way keeps its own name, because a user's taxonomy may hold phrases
on which they give different keys:

- :func:`cue_regex` (reading cues): a phrase folded and trimmed, inner spaces as written.
- :func:`collapsed_phrase_regex` (scoping terms): a phrase folded, each run of inner spaces
  one space.
- :func:`terms_regex` (CV and career terms): a space inside a term matches any run of
  spaces, and a term ending in ``*`` takes any word ending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rolelens.core.text.fold import fold


def is_whole_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as whole words: no letter or digit (any script)
    just before or just after it."""
    return (start == 0 or not text[start - 1].isalnum()) and (
        end >= len(text) or not text[end].isalnum()
    )


def whole_words(keys: Iterable[str]) -> re.Pattern[str]:
    """One pattern for folded keys, tried in the order given, each as whole words (no
    letter or digit on either side)."""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, keys)) + r")(?![a-z0-9])")


def cue_keys(phrases: Iterable[str]) -> list[str]:
    """Cue phrases as they are compared with folded text (folded, trimmed, each once),
    longest first: the alternatives of :func:`cue_regex`."""
    return sorted({key for p in phrases if (key := fold(p).strip())}, key=len, reverse=True)


def cue_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for cue phrases, matched on folded text as whole words (None for none)."""
    keys = cue_keys(phrases)
    if not keys:
        return None
    return whole_words(keys)


def collapsed_phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    """One pattern for phrases folded with each run of inner spaces made one space, longest
    first, matched as whole words (None for none)."""
    folded = sorted(
        {" ".join(fold(p).split()) for p in phrases if p.strip()}, key=len, reverse=True
    )
    if not folded:
        return None
    return whole_words(folded)


def terms_regex(terms: list[str]) -> re.Pattern[str]:
    """One pattern for cue terms, matched on folded text as whole words: spaces inside a
    term match any run of spaces, and a term ending in '*' takes any word ending."""
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        core = " ".join(fold(term.rstrip("*")).split())
        body = re.escape(core).replace(r"\ ", r"\s+")
        parts.append(body + (r"[a-z]*" if term.endswith("*") else ""))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
