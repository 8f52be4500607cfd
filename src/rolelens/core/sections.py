"""Split a posting into sections (responsibilities, requirements, about-us, ...) by its headings.

A heading is a markdown ``#`` line, a line that is wholly bold, or a short line ending
in a colon; a bold or colon-ended lead-in ("**Requirements:** 5 years of ...") also
opens a section. Its kind comes from the taxonomy's heading cues, the longest cue
contained in the heading winning. Text before the first heading is the ``summary``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolelens.core.text import MD_HEADING, fold, segment
from rolelens.core.text.terms import TermAutomaton
from rolelens.taxonomy.models import ReadingCues, SectionKind

# Space runs are possessive (``\s*+``) wherever a neighbour could also take spaces: a line of
# thousands of spaces must not be split every possible way (tests/hostile/test_regex_time.py).
_BOLD_LINE = re.compile(r"^\s*+(?:[-*•]\s*+)?(\*\*|__)(.+?)(\*\*|__)\s*+:?\s*+$")
_LEAD_IN = re.compile(
    r"^\s*+(?:[-*•]\s*+)?(?:\*\*|__)?([^:*\n]{2,60}?)(?:\*\*|__)?\s*+:\s*+(?:\*\*|__)?\s*+\S"
)
_COLON_LINE = re.compile(r"^\s*+([^.!?\n]{2,70}?)\s*+:\s*+$")
_SHORT_TITLE_LINE = re.compile(r"^\s*+([A-Z][A-Za-z'’&/ ,\-]{2,50}?)\s*+$")


#: A bullet line and the word it opens with ("- Design and implement ...", "2. Build ...",
#: "* **Own** the ..."), from the line break before it: a pattern that opens with a literal
#: is searched for it, 2.4 times faster than one that opens with ``^``. Spaces are possessive:
#: a line of spaces is tried once.
_BULLET_TAIL = (
    r"[ \t]*+(?:[-*•·–]|\d{1,2}[.)])[ \t]++(?:\*\*|__)?+([A-Za-z][a-z]*+(?:-[a-z]++)?+|\d)"
)
_BULLET = re.compile("\n" + _BULLET_TAIL)
_FIRST_BULLET = re.compile(r"\A" + _BULLET_TAIL)  # on a text's first line
#: A line of prose: one that opens with neither a space nor a bullet (lists end there).
_PROSE_LINE = re.compile(r"^[^\s\-*•·–\d]", re.MULTILINE)


def _line_end(text: str, pos: int) -> int:
    """Where the line holding ``pos`` ends, its line break included."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def _bullets(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The bullet lines of ``text[start:end]`` (which starts a line): each line's start, the
    end of its first word, and the word."""
    found = [
        (m.start() + 1, m.end(), m.group(1))
        for m in _BULLET.finditer(text, max(start - 1, 0), end)
        if m.start() + 1 >= start
    ]
    if start == 0 and (m := _FIRST_BULLET.match(text, 0, end)) is not None:
        found.insert(0, (0, m.end(), m.group(1)))
    return found


#: The kinds whose lists may be the job's duties or requirements: an untitled opening and
#: unknown headings.
_LIST_HOSTS = frozenset({"summary", "other"})


def _close(
    lists: list[tuple[int, int, SectionKind]],
    start: int,
    end: int,
    kinds: list[SectionKind | None],
) -> None:
    """Add ``[start, end)`` to ``lists`` as the kind that two or more of its items, and at
    least half, open as (duties first); nothing when no kind does."""
    for kind in ("responsibilities", "requirements"):
        n = kinds.count(kind)
        if n >= 2 and 2 * n >= len(kinds):
            lists.append((start, end, kind))
            return


_MEMO = 4_096  # heading kinds a splitter keeps
#: What a posting opens with before its first heading.
_OPENING: tuple[SectionKind, str | None] = ("summary", None)


def _may_head(stripped: str) -> bool:
    """Whether a (stripped) line could open a section at all: what every path of
    :meth:`SectionSplitter._heading` needs. False for blank lines, prose and bullets, which
    are most lines, so that the full test runs on about one line in six."""
    if not stripped or len(stripped) > 300:
        return False
    first = stripped[0]
    return (
        first == "#"
        or "**" in stripped[:6]
        or "__" in stripped[:6]
        or ":" in stripped[:66]
        or (len(stripped) <= 52 and "A" <= first <= "Z")  # a short title: _SHORT_TITLE_LINE
    )


def verb_forms(verb: str) -> set[str]:
    """A verb's plain, -s and -ing forms as a duty may open with them ("build", "builds",
    "building"; "analyze", "analyzes", "analyzing"; "plan", "planning"; "apply", "applies").
    Spellings that are no word are harmless: no text holds them."""
    forms = {verb, verb + "s", verb + "es", verb + "ing"}
    if verb.endswith("y"):
        forms.add(verb[:-1] + "ies")
    if verb.endswith("e"):
        forms.add(verb[:-1] + "ing")
    if len(verb) > 2 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou":
        forms.add(verb + verb[-1] + "ing")  # plan → planning, ship → shipping
    return forms


@dataclass(frozen=True, slots=True)
class Section:
    """A run of text of one kind: ``[start, end)`` offsets and the heading that opened it."""

    kind: SectionKind
    start: int
    end: int
    heading: str | None


class SectionSplitter:
    """Heading cues compiled once; :meth:`split` is then cheap per text."""

    def __init__(self, cues: ReadingCues) -> None:
        # a phrase listed under two kinds counts for the later one
        self._cues = TermAutomaton(
            {
                fold(phrase).strip(): kind
                for kind, phrases in cues.section_headings.items()
                for phrase in phrases
            }
        )
        self._kinds: dict[str, SectionKind | None] = {}
        # the word a list's item opens with, and the kind of list it makes: a duty verb in
        # any of its forms, or a requirement's opener ("Experience", "Strong", "5+ years")
        self._openers: dict[str, SectionKind] = {
            w.lower(): "requirements" for w in cues.requirement_openers
        }
        if cues.requirement_openers:
            self._openers.update({str(d): "requirements" for d in range(10)})
        self._openers.update(
            {w: "responsibilities" for v in cues.duty_verbs for w in verb_forms(v.lower())}
        )
        # a heading that says its list is optional ("Helpful, but not required")
        self._optional = tuple(fold(c).strip() for c in cues.preferred_cues)

    def kind_of(self, heading: str) -> SectionKind | None:
        """The section kind a heading names, or None when no cue is in it."""
        # headings repeat across postings ("Requirements", "Location"): a bounded memo
        if heading in self._kinds:
            return self._kinds[heading]
        if len(self._kinds) >= _MEMO:
            self._kinds.clear()
        kind = self._kinds[heading] = self._kind_of(heading)
        return kind

    def _kind_of(self, heading: str) -> SectionKind | None:
        text = fold(heading)
        best: tuple[int, int, SectionKind] | None = None
        optional = False
        for start, end, kind in self._cues.whole_words(text):
            optional |= kind == "nice_to_have"
            # longest cue wins; among equals, the one nearest the start
            rank = (end - start, -start, kind)
            if best is None or rank[:2] > best[:2]:
                best = rank
        if best is not None and optional and best[2] == "requirements":
            # qualifications the heading calls optional are the nice-to-have, however long
            # the requirement's cue beside it ("Preferred Experience", "Bonus Skills",
            # "It would be a plus if you have")
            return "nice_to_have"
        return best[2] if best else None

    def split(self, text: str) -> list[Section]:
        """The sections of ``text``, covering it end to end with no gaps. A list of duties
        or of requirements under an unknown heading or none (:meth:`_lists`) is a section of
        its kind."""
        out: list[Section] = []
        for (kind, heading), start, end in segment.headed_sections(text, self._opens, _OPENING):
            section = Section(kind, start, end, heading)
            if kind in _LIST_HOSTS and self._openers:
                out += self._lists(text, section)
            else:
                out.append(section)
        return out

    def _lists(self, text: str, section: Section) -> list[Section]:
        """``section`` with each list in it read as the job's duties or its requirements when
        two or more of its items, and at least half, open with a duty verb ("- Design and
        implement ...", "- Building ...") or with a requirement's opener ("- Experience with
        ...", "- 5+ years ..."). A list runs from its first bullet's line to the end of its
        last one's; a line of prose between two bullets ends it. The text around the lists
        keeps the section's kind."""
        openers = self._openers
        bullets = _bullets(text, section.start, section.end)
        # most sections have no two bullets that open with a known opener
        if len(bullets) < 2 or sum(w.lower() in openers for _, _, w in bullets) < 2:
            return [section]
        lists: list[tuple[int, int, SectionKind]] = []  # (start, end, kind) of each list
        first = last = -1
        kinds: list[SectionKind | None] = []
        for line, end, word in bullets:
            if first >= 0 and _PROSE_LINE.search(text, _line_end(text, last), line):
                _close(lists, first, _line_end(text, last), kinds)
                first, kinds = -1, []
            kinds.append(openers.get(word.lower()))
            if first < 0:
                first = line
            last = end
        if first >= 0:
            _close(lists, first, min(_line_end(text, last), section.end), kinds)
        if not lists:
            return [section]
        out: list[Section] = []
        at = section.start
        if section.heading and any(c in fold(section.heading) for c in self._optional):
            # requirements under "Helpful, but not required" are the nice-to-have
            lists = [(a, b, "nice_to_have" if k == "requirements" else k) for a, b, k in lists]
        for a, b, kind in lists:
            if a > at:
                out.append(Section(section.kind, at, a, section.heading))
            out.append(Section(kind, a, b, section.heading))
            at = b
        if section.end > at:
            out.append(Section(section.kind, at, section.end, section.heading))
        return out

    def _opens(self, line: str) -> tuple[SectionKind, str] | None:
        """(kind, heading) when the line opens a section. An unknown heading opens an
        "other" section: it is no longer the one above it (e.g. "Our Tech Stack" after
        "Benefits"); an unknown lead-in ("Note: ...") opens none."""
        found = self._heading(line) if _may_head(line.strip()) else None
        if found is None:
            return None
        kind, heading, inline = found
        if kind is None and inline:
            return None
        return (kind if kind is not None else "other"), heading

    def _heading(self, line: str) -> tuple[SectionKind | None, str, bool] | None:
        """(kind, heading text, inline) when the line opens a section, else None."""
        stripped = line.strip()
        if not stripped or len(stripped) > 300:
            return None
        # Cheap checks first: most lines are prose or bullets and cannot be headings.
        first = stripped[0]
        bold = "**" in stripped[:6] or "__" in stripped[:6]
        colon = stripped.find(":", 0, 66)
        if first != "#" and not bold and colon < 0 and len(stripped) > 52:
            return None
        # Only try the patterns a line could match, judged by its first and last characters.
        candidates = []
        if first == "#":
            candidates.append((MD_HEADING, 1))
        if bold:
            candidates.append((_BOLD_LINE, 2))
        if stripped.endswith(":"):
            candidates.append((_COLON_LINE, 1))
        for pattern, group in candidates:
            m = pattern.match(line)
            if m:
                title = m.group(group).strip(" *_:")
                return self.kind_of(title), title, False
        if colon < 0:
            if bold or len(stripped) > 52:
                return None
            return self._short_title(line)
        m = _LEAD_IN.match(line)
        if m:
            kind = self.kind_of(m.group(1))
            if kind is not None:
                return kind, m.group(1).strip(), True
            return None
        return self._short_title(line)

    def _short_title(self, line: str) -> tuple[SectionKind | None, str, bool] | None:
        """A short capitalised line that names a known section ("Requirements")."""
        m = _SHORT_TITLE_LINE.match(line)
        if m and len(m.group(1).split()) <= 6:
            kind = self.kind_of(m.group(1))
            if kind is not None:
                return kind, m.group(1).strip(), False
        return None
