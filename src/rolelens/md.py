"""Text from a user's document made safe to place inside a Markdown answer.

Markdown passes raw HTML and links through, so a posting or CV holding ``<img onerror=...>``
or ``[click](javascript:...)`` would become live markup wherever the answer is rendered. Every
adapter that writes Markdown runs quoted text through :func:`md_escape`.
"""

from __future__ import annotations

# raw HTML and autolinks need '<'; links and images need '[' ... ']'; emphasis, code and
# table cells need the rest. Brackets, '#' and '!' elsewhere in a line are plain text.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = "\\`*_[]|~"
_TABLE = str.maketrans({**_HTML, **{c: "\\" + c for c in _MARKDOWN}})


def md_escape(text: str) -> str:
    """``text`` on one line with HTML and Markdown syntax shown as written, never rendered."""
    return " ".join(text.split()).translate(_TABLE)
