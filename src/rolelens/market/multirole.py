"""Postings that advertise several roles at once (Hacker News "Who is hiring?" comments).

Such a posting is read as one, under the role its text as a whole describes; the market
flags it and counts the flagged postings per source instead of splitting it, because the
roles' texts are rarely separable. :func:`several_roles` looks at the header (the title,
else the first line) and the opening lines:

- the header or the opening lines say so ("multiple roles", "several positions", ...);
- in a header of three or more segments ("Company | Roles | Place | ..."), the way "Who is
  hiring?" comments open, a segment lists two or more job titles ("Tech Lead, AI
  Engineer, Infra engineer") or names one in the plural ("Staff Engineers (Backend)").

An ordinary title such as "Software Engineer, AI Platform" (one segment) is never a list:
boards write a role and its team that way.
"""

from __future__ import annotations

import re

_NOUN = (
    r"engineer|engineering|developer|scientist|researcher|designer|analyst|architect|manager"
    r"|lead|head|director|intern|mts|swe|sre|devops|recruiter|specialist|consultant"
    r"|administrator|marketer|writer|scientist|technician|officer|vp|cto"
)
_SAYS_MANY = re.compile(
    r"\b(?:multiple|several|various|numerous)\s+(?:open\s+)?(?:\w+\s+)?"
    r"(?:roles|positions|openings)\b|\broles\s+open\b|\bhiring\s+for\s+"
    r"(?:multiple|several)\b",
    re.I,
)
_PLURAL = re.compile(r"\b(?:engineers|developers|scientists|researchers|designers)\b", re.I)
_TITLE_WORD = re.compile(rf"\b(?:{_NOUN})s?\b", re.I)
# Each separator match starts where a run of spaces starts ((?<!\s)), so a long run of
# spaces is scanned once, not once per position (linear on adversarial text).
_SEGMENTS = re.compile(r"(?<!\s)\s+[|\u2013\u2014-]\s+|(?<!\s)\s*\|\s*")
_LISTED = re.compile(r",|(?<!\s)\s+and\s+|(?<!\s)\s*;\s*")
# Only the start of a header is looked at (a title is short; a first line may not be).
_HEADER_CHARS = 400
_URL = re.compile(r"https?://\S+|\([^()]*\)")
_MIN_SEGMENTS = 3


def _titles_in(segment: str) -> int:
    """How many job titles a header segment lists (0 when it is no list of titles)."""
    parts = [p for p in _LISTED.split(_URL.sub(" ", segment)) if p.strip()]
    titled = [p for p in parts if _TITLE_WORD.search(p)]
    return len(titled) if len(titled) == len(parts) else (1 if titled else 0)


def several_roles(text: str, title: str | None = None) -> bool:
    """True when the posting advertises two or more roles."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    header = (title if title and title.strip() else (lines[0] if lines else ""))[:_HEADER_CHARS]
    opening = " ".join(lines[:4])
    if _SAYS_MANY.search(header) or _SAYS_MANY.search(opening):
        return True
    segments = _SEGMENTS.split(header)
    if len(segments) < _MIN_SEGMENTS:
        return False
    return any(
        _titles_in(segment) >= 2 or _PLURAL.search(_URL.sub(" ", segment)) for segment in segments
    )
