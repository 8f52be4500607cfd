"""Folding: the text as aliases, cues and terms are compared against it.

The folded form has exactly the length of the original, so a match's offsets are offsets
into the text the user gave: lower case (where lowering keeps the length), hyphens,
underscores, slashes and white space read as spaces, curly quotes as straight ones.
"""

from __future__ import annotations

import re

#: A lone UTF-16 surrogate (JSON's ``\\ud800`` escapes can put one in a str): it cannot be
#: encoded as UTF-8, so it cannot be written out, nor searched by a UTF-8 automaton.
SURROGATE = re.compile("[\ud800-\udfff]")

_SPACE_LIKE = "-\u2010\u2011\u2012\u2013\u2014_/\t\n\r\xa0"
_REPLACE = [(c, " ") for c in _SPACE_LIKE] + [
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
]


def fold(text: str) -> str:
    """The text as aliases are compared against it, with every offset kept."""
    lowered = text.lower()
    if len(lowered) != len(text):  # 'İ' and friends grow when lowered: go char by char
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # str.replace per character beats str.translate with a table by ~10x on long text
    for old, new in _REPLACE:
        if old in lowered:
            lowered = lowered.replace(old, new)
    return lowered


#: The fold of one character at a time, for ``str.translate`` (aliases fold with it).
FOLD_TABLE = str.maketrans(dict(_REPLACE))


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone UTF-16 surrogate (it cannot be encoded as UTF-8)."""
    # an ASCII string holds none, and Python knows it is one without looking
    return not text.isascii() and SURROGATE.search(text) is not None
