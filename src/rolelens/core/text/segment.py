"""Segmenting: a text as sections (by heading lines), sentences and clauses, with offsets.

Every piece is a span of the text it was cut from (``text[start:end]``), so evidence quotes
the user's own words. Readers cut text differently, and their outputs depend on it, so
the rules are options, not one hard-wired splitter: a :class:`SentenceRule` says which
marks end a sentence (and what must follow them), which characters always do, whether a
wrapped line carries a sentence on, which marks stay in it, what is trimmed from its ends,
and how short or long a sentence may be. The rules in use are named here, side by side:

- :data:`EMBEDDED`: sentences the semantic layer embeds (postings, CVs, briefs);
- :data:`CV_LINE`: the sentences of a CV line that outcome statements and clauses are cut
  from; :data:`CV_CLAUSE`: those cut again at commas (languages, degrees);
- :data:`PAY`: sentences a posting's pay is looked for in;
- :data:`BRIEF`: a brief's sentences as quoted back in a scoping;
- :data:`CUE_SPAN`: where a scoping cue's words may not reach across;
- :data:`POSTING_CLAUSE`: a posting's clauses, as the posting reader draws them.

Pure: strings in, spans out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, TypeVar

H = TypeVar("H")

#: What must follow an end mark for it to end a sentence: anything, white space, or white
#: space and then a capital (or an opening bracket).
AfterMark = Literal["any", "space", "capital", "capital_or_bracket"]
_AFTER: dict[str, str] = {
    "any": "",
    "space": r"(?=\s)",
    "capital": r"(?=\s+[A-Z])",
    "capital_or_bracket": r"(?=\s+[A-Z(])",
}


@dataclass(frozen=True, slots=True)
class Trim:
    """What is trimmed from a piece's ends: regex character-class bodies (``""``: nothing)."""

    lead: str = ""
    trail: str = ""


NO_TRIM = Trim()
SPACE = Trim(r"\s", r"\s")


@dataclass(frozen=True, slots=True)
class SentenceRule:
    """How one kind of text is cut into sentences.

    A sentence ends at one of ``marks`` followed by what ``after_mark`` asks (with
    ``decimal_points``, never at a '.' before a digit), at any of ``breaks``, and at a line
    break, unless ``wrapped_lines`` and the next line carries on in lower case. ``keep_mark``
    keeps the end mark in the sentence. A piece is trimmed by ``trim``, cut at
    ``max_chars``, and dropped when it is empty, is its end mark alone, or has fewer than
    ``min_words`` words.
    """

    marks: str = ".!?"
    after_mark: AfterMark = "space"
    decimal_points: bool = False
    breaks: str = ";•"
    wrapped_lines: bool = False
    keep_mark: bool = True
    trim: Trim = field(default=NO_TRIM)
    min_words: int = 0
    max_chars: int | None = None


@dataclass(frozen=True, slots=True)
class ClauseRule:
    """How a span is cut into clauses: its sentences (``sentence``), each cut again at any of
    ``cuts`` outside round brackets, each clause trimmed by ``trim``; empty ones dropped."""

    sentence: SentenceRule
    cuts: str = ";,|·"
    trim: Trim = field(default=NO_TRIM)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


# -- the rules in use ------------------------------------------------------------------
#: Embedded sentences: ends before a space, semicolons, bullets and line breaks (a wrapped
#: line carries on); bullets, list numbers and markup trimmed; at least a word.
EMBEDDED = SentenceRule(
    wrapped_lines=True,
    trim=Trim(r"\s\-*#>•·–—\d.)", " \t\r*_"),
    min_words=1,
    max_chars=300,
)
#: A CV line's sentences: an end mark only before a capital, bullets and line breaks; marks
#: dropped, nothing trimmed.
CV_LINE = SentenceRule(after_mark="capital", breaks="•", keep_mark=False)
#: A CV section's clauses: its sentences cut at semicolons, commas, pipes and middle dots
#: outside brackets, bullets and spaces trimmed.
CV_CLAUSE = ClauseRule(CV_LINE, ";,|·", Trim(r"\s\-*•", r"\s"))
#: Pay sentences: an end mark before a capital or a bracket, and line breaks; spaces trimmed.
PAY = SentenceRule(after_mark="capital_or_bracket", breaks="", trim=SPACE)
#: A brief's sentences: every end mark (not a decimal point) and line break, marks kept.
BRIEF = SentenceRule(after_mark="any", decimal_points=True, breaks="")
#: A scoping cue may not reach across an end mark or semicolon before a space, nor a line break.
CUE_SPAN = SentenceRule(marks=".!?;", breaks="")
#: A posting's clauses: an end mark before a space, semicolons, bullets, line breaks.
POSTING_CLAUSE = SentenceRule()


@lru_cache(maxsize=64)
def boundary(
    marks: str = ".!?",
    after_mark: AfterMark = "space",
    decimal_points: bool = False,
    breaks: str = ";•",
    wrapped_lines: bool = False,
) -> re.Pattern[str]:
    """The pattern of a sentence end (one character): :func:`sentence_end` for a rule."""
    # one character set first, so that re skips to candidates in C, then which of them end
    chars = "".join(re.escape(c) for c in dict.fromkeys(marks + breaks)) + r"\n"
    alts = []
    if wrapped_lines:
        if breaks:
            alts.append(f"(?<=[{re.escape(breaks)}])")
        alts.append(r"(?<=\n)(?![ \t]*[a-z])")
    else:
        alts.append(f"(?<=[{re.escape(breaks)}\\n])")
    after = _AFTER[after_mark]
    plain = marks.replace(".", "") if decimal_points else marks
    if plain:
        alts.append(f"(?<=[{re.escape(plain)}]){after}")
    if decimal_points and "." in marks:
        alts.append(rf"(?<=\.)(?!\d){after}")
    return re.compile(f"[{chars}](?:{'|'.join(alts)})")


def sentence_end(rule: SentenceRule) -> re.Pattern[str]:
    """The pattern that matches where a sentence ends under ``rule`` (the end character)."""
    return boundary(
        rule.marks, rule.after_mark, rule.decimal_points, rule.breaks, rule.wrapped_lines
    )


def crosses_sentence(text: str, start: int, end: int, rule: SentenceRule = CUE_SPAN) -> bool:
    """Whether a sentence ends within ``text[start:end]`` (what follows ``end`` unseen)."""
    return sentence_end(rule).search(text, start, end) is not None


@lru_cache(maxsize=64)
def _run(body: str) -> re.Pattern[str] | None:
    return re.compile(f"[{body}]+") if body else None


@lru_cache(maxsize=64)
def _one(body: str) -> re.Pattern[str] | None:
    return re.compile(f"[{body}]") if body else None


def trim(text: str, start: int, end: int, how: Trim) -> tuple[int, int]:
    """``[start, end)`` without the characters ``how`` trims from either end."""
    lead = _run(how.lead)
    if lead is not None:
        m = lead.match(text, start, end)
        if m:
            start = m.end()
    one = _one(how.trail)
    if one is not None:
        while end > start and one.match(text, end - 1):
            end -= 1
    return start, end


_WORD = re.compile(r"\w+")


def sentences(
    text: str, start: int = 0, end: int | None = None, *, rule: SentenceRule = EMBEDDED
) -> list[Sentence]:
    """The sentences of ``text[start:end]`` under ``rule``, with their offsets."""
    stop = len(text) if end is None else end
    out: list[Sentence] = []
    pos = start
    marks = rule.marks if rule.keep_mark else ""
    for m in sentence_end(rule).finditer(text, start, stop):
        at = m.start()
        _piece(text, pos, at + 1 if text[at] in marks else at, at, rule, out)
        pos = m.end()
    _piece(text, pos, stop, stop, rule, out)
    return out


def _piece(
    text: str, lo: int, hi: int, body_end: int, rule: SentenceRule, out: list[Sentence]
) -> None:
    """Add ``text[lo:hi]`` as a sentence if it is one (``body_end``: where its mark starts)."""
    lo, hi = trim(text, lo, hi, rule.trim)
    if hi <= lo or (hi - lo == 1 and body_end == lo and hi > body_end):
        return  # empty, or an end mark alone
    if rule.max_chars is not None:
        hi = min(hi, lo + rule.max_chars)
    body = text[lo:hi]
    if rule.min_words > 0 and not _has_words(body, rule.min_words):
        return
    out.append(Sentence(lo, hi, body))


def _has_words(body: str, n: int) -> bool:
    for _ in _WORD.finditer(body):
        n -= 1
        if n <= 0:
            return True
    return False


def clauses(text: str, start: int, end: int, rule: ClauseRule = CV_CLAUSE) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]``: its sentences cut at ``rule.cuts`` outside round
    brackets, trimmed; one linear pass (no look-ahead that rescans a line)."""
    out: list[tuple[int, int]] = []
    cuts = rule.cuts
    for s in sentences(text, start, end, rule=rule.sentence):
        pos, depth = s.start, 0
        for i in range(s.start, s.end):
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and c in cuts:
                out.append((pos, i))
                pos = i + 1
        out.append((pos, s.end))
    return [(a, b) for a, b in (trim(text, a, b, rule.trim) for a, b in out) if b > a]


#: What bounds a scoping clause around a number: punctuation, brackets, line breaks.
CLAUSE_MARKS = ",;:.!?()\n"


def clause_start(text: str, pos: int, marks: str = CLAUSE_MARKS, floor: int = 0) -> int:
    """Where the clause holding ``pos`` starts: after the last of ``marks`` before it, and
    not before ``floor`` (only ``text[floor:pos]`` is looked at)."""
    return max(floor - 1, *(text.rfind(c, floor, pos) for c in marks)) + 1


def clause_end(text: str, pos: int, marks: str = CLAUSE_MARKS) -> int:
    """Where the clause holding ``pos`` ends: at the next of ``marks``, or the text's end."""
    ends = [i for c in marks if (i := text.find(c, pos)) >= 0]
    return min(ends) if ends else len(text)


def is_bare_list(
    line: str, *, seps: str = ",|·•;", min_items: int = 4, words_per_item: int = 3
) -> bool:
    """Whether a line is a list of names ("Python, SQL, Docker, Airflow"), not a sentence:
    at least ``min_items`` items between ``seps``, at most ``words_per_item`` words each on
    average. A bullet before the line is not part of it."""
    body = line.lstrip("-*• ").strip()
    parts = [p for p in re.split(f"[{re.escape(seps)}]", body) if p.strip()]
    if len(parts) < min_items:
        return False
    return len(body.split()) <= words_per_item * len(parts)


# -- lines and sections ----------------------------------------------------------------
def lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Each line of ``text`` with its line break: ``(start, end, text[start:end])``."""
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        yield pos, end, line
        pos = end


def headed_sections(
    text: str, opens: Callable[[str], H | None], first: H
) -> list[tuple[H, int, int]]:
    """The text cut at heading lines: ``(heading, start, end)`` runs covering it end to end.

    ``opens(line)`` says what heading a line is (None: not one); a heading line starts the
    run it heads. The run before the first heading has heading ``first`` and is left out
    when empty; an empty text is one empty run.
    """
    runs: list[tuple[H, int, int]] = []
    head = first
    start = pos = 0
    for line in text.splitlines(keepends=True):
        found = opens(line)
        if found is not None:
            if pos > start:
                runs.append((head, start, pos))
            head = found
            start = pos
        pos += len(line)
    if pos > start or not runs:
        runs.append((head, start, pos))
    return runs
