"""Text from a user's document made safe to place inside a Markdown answer.

Markdown passes raw HTML and links through, so a posting or CV holding ``<img onerror=...>``
or ``[click](javascript:...)`` would become live markup wherever the answer is rendered. Every
adapter that writes Markdown runs quoted text through :func:`md_escape`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rolelens.core.models import WordPoints
    from rolelens.taxonomy.models import Taxonomy

# raw HTML and autolinks need '<'; links and images need '[' ... ']'; emphasis, code and
# table cells need the rest. Brackets, '#' and '!' elsewhere in a line are plain text.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = "\\`*_[]|~"
_TABLE = str.maketrans({**_HTML, **{c: "\\" + c for c in _MARKDOWN}})


def md_escape(text: str) -> str:
    """``text`` on one line with HTML and Markdown syntax shown as written, never rendered."""
    return " ".join(text.split()).translate(_TABLE)


def role_name(taxonomy: Taxonomy | None, role: str | None) -> str:
    """A role's name for people ("ML engineer", not ``ml_engineer``); the id when the
    taxonomy does not know it (or none is given), "no known role" for None."""
    if role is None:
        return "no known role"
    if taxonomy is None or role in ("ambiguous", "undetermined"):
        return role
    try:
        return taxonomy.role(role).name
    except KeyError:
        return role


_SENIORITY_BASIS = {"title": "from the title", "years": "from the years asked"}

#: Under an undetermined reading's probabilities: what they rest on (terminal and Markdown).
PRIORS_NOTE = "No role is named: these probabilities lean on the scorer's priors, not on the text."
#: In place of an evidence table when no mention added to the role shown.
NO_MENTION = "No mention pointed to this role."


def seniority_line(seniority: str | None, basis: str) -> str:
    """ "senior (from the title)", or "not stated" when nothing said it."""
    if seniority is None or basis == "none":
        return seniority or "not stated"
    return f"{seniority} ({_SENIORITY_BASIS.get(basis, 'from ' + basis)})"


def words_line(words: WordPoints | None, name: str, quote: str = "“{}”") -> str | None:
    """What the plain words of the duties and requirements added to the role their leading
    words are about (named ``name``), with those words; None when the reading has no word
    layer or the words added nothing to it."""
    if words is None or words.role is None:
        return None
    total = words.points.get(words.role, 0.0)
    if not words.leading and abs(total) < 0.005:
        return None
    shown = ", ".join(f"{quote.format(md_escape(t.word))} {t.points:+.2f}" for t in words.leading)
    line = f"Plain words of the duties and requirements add {total:+.2f} to {name}"
    return f"{line}: {shown}" if shown else line
