"""What a job title alone suggests: the rubric's ordered title rules, run over a title's role words.

A title is cut into pieces (commas, brackets, pipes, colons, spaced dashes). The first
piece that holds a job noun is the *head*; the pieces after it, up to the next job noun,
are its *qualifiers* ("Staff SRE, Agentic AI"); pieces before it name a company or a
team. The first rule whose patterns occur in those words (and whose ``needs`` word lists
occur, and ``unless`` lists do not) gives the role; none -> ``ambiguous`` (rubric rule 11).

Pure: :class:`TitleRules` is compiled once from the taxonomy's ``titles`` entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rolelens.core.text import fold
from rolelens.core.text.terms import TermAutomaton
from rolelens.taxonomy.models import TitlePattern, normalise_alias

_URL = re.compile(
    r"https?://\S+|www\.\S+|\b[\w-]+\.(?:ai|com|io|dev|xyz|co|org|net|app|tech|so|sh)\b\S*", re.I
)
# "Engineer at Acme": what follows " at " names the employer.
_AT = re.compile(r"\s(?:at|@)\s.*$", re.I)
_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# Strong cuts: a new piece (a qualifier or another role). No leading space run: pieces are
# read word by word, and a leading \s* would retry from every space of a long run.
_CUT = re.compile(
    r"(?:[,;|()\[\]{}•·:]|(?<=\s)[-–—]++|[-–—]++(?=\s)|(?<=\s)(?:for|with|in|on)(?=\s))\s*+"
)
_LONG_QUALIFIER = 8  # words: a longer bracketed piece is a skill list, not the role
_CONTEXT = re.compile(r"\b(?:start ?ups?|company|scale ?ups?|stealth)\b")

Tag = tuple[str, int | str]  # ("rule", index) or ("words", name)
_JOB: Tag = ("words", "job")
_ENGINEERING = "engineering"
_LAST_RULE = 11  # rubric rule 11: what cannot be placed (rank nouns alone)


@dataclass(frozen=True, slots=True)
class TitleVerdict:
    """The rule that decided a title: role (or 'ambiguous'), its words, the rule's name."""

    role: str | None
    pattern: str | None
    rule: str | None


@dataclass(frozen=True, slots=True)
class _Rule:
    role: str
    name: str
    head_only: bool
    needs: tuple[str, ...]
    unless: tuple[str, ...]
    fallback_rank: bool  # a rule on rank nouns alone (rubric 11's non-technical jobs)


class TitleRules:
    """The title rules compiled once; :meth:`read` is then a few microseconds a title."""

    def __init__(self, entries: Sequence[TitlePattern]) -> None:
        ordered = sorted(enumerate(entries), key=lambda ie: (ie[1].rule, ie[0]))
        self._rules: list[_Rule] = []
        phrases: dict[str, set[Tag]] = {}
        for _, entry in ordered:
            tags: set[Tag] = set()
            if entry.words is not None:
                tags.add(("words", entry.words))
                if entry.words == _ENGINEERING:
                    tags.add(_JOB)  # an engineering noun names a job too
            else:
                tags.add(("rule", len(self._rules)))
                self._rules.append(
                    _Rule(
                        role=entry.role or "ambiguous",
                        name=f"{entry.rule}: {entry.name}" if entry.name else str(entry.rule),
                        head_only=entry.where == "head",
                        needs=tuple(entry.needs),
                        unless=tuple(entry.unless),
                        fallback_rank=entry.rule >= _LAST_RULE,
                    )
                )
            for pattern in entry.patterns:
                key = title_key(pattern)
                if key:
                    phrases.setdefault(key, set()).update(tags)
        self._has_jobs = any(("words", "job") in tags for tags in phrases.values())
        self._automaton = TermAutomaton({key: frozenset(tags) for key, tags in phrases.items()})

    def read(self, title: str) -> TitleVerdict:
        """The role the title's own words suggest (None for an empty title)."""
        if not title.strip():
            return TitleVerdict(None, None, None)
        head, role_words = self._role_words(title)
        for index, rule in enumerate(self._rules):
            found = head if rule.head_only else role_words
            pattern = found.get(("rule", index))
            if pattern is None:
                continue
            if all(_any_of(found, n) for n in rule.needs) and not any(
                ("words", n) in found for n in rule.unless
            ):
                return TitleVerdict(rule.role, pattern, rule.name)
        return TitleVerdict("ambiguous", None, "11: cannot be placed from the title alone")

    # -- splitting ----------------------------------------------------------------------
    def _role_words(self, title: str) -> tuple[dict[Tag, str], dict[Tag, str]]:
        """Tags found in the head, and in the head with its qualifiers (tag -> words)."""
        text = _AT.sub("", _URL.sub(" ", title))
        brackets: list[tuple[int, str]] = []

        def blank(m: re.Match[str]) -> str:
            brackets.append((m.start(), m.group(1)))
            return " " * len(m.group(0))

        # a bracket qualifies the words around it: "Machine Learning (ML) Engineer (AI)"
        main = _BRACKET.sub(blank, text)
        pieces: list[dict[Tag, str]] = []
        start = 0
        for cut in [*_CUT.finditer(main), None]:
            end = cut.start() if cut is not None else len(main)
            after = cut.end() if cut is not None else len(main) + 1
            pieces.extend(self._roles_in(main[start:end]))
            for _, inside in (b for b in brackets if start <= b[0] < after):
                for part in self._roles_in(inside):
                    part.pop(_JOB, None)  # a bracket qualifies; it does not start a role
                    pieces.append(part)
            start = after
        jobs = [i for i, p in enumerate(pieces) if _JOB in p]
        if not self._has_jobs or not jobs:
            every: dict[Tag, str] = {}
            for p in pieces:
                _add(every, p)
            return every, every
        first = jobs[0]
        head = dict(pieces[first])
        words = dict(head)
        qualifiers = []
        for p in pieces[first + 1 :]:
            if _JOB in p:
                break
            qualifiers.append(p)
            _add(words, p)
        if qualifiers and qualifiers[0] and self._rank_only(head):
            # "Director, Data Platform": a bare rank noun; its function follows the comma
            _add(head, qualifiers[0])
        return head, words

    def _rank_only(self, head: dict[Tag, str]) -> bool:
        """Whether the head names a rank and no function ("Director", "Senior Manager")."""
        return all(tag[0] == "words" or self._rules[int(tag[1])].fallback_rank for tag in head)

    def _roles_in(self, piece: str) -> list[dict[Tag, str]]:
        """One cut piece as the tags of one role ("AI/ML Engineer", "Data Analyst /
        Scientist"); a piece that names a startup or is a long skill list is context."""
        if not piece.strip():
            return []
        tags = self._tags(piece)
        if _JOB not in tags and (
            len(piece.split()) > _LONG_QUALIFIER or _CONTEXT.search(fold(piece))
        ):
            return [{}]
        return [tags]

    def _tags(self, text: str) -> dict[Tag, str]:
        """Every tag whose phrase occurs (as whole words) in ``text``, with the phrase."""
        found: dict[Tag, str] = {}
        if not self._automaton:
            return found
        folded = " ".join(fold(text).split())
        for start, end, tags in self._automaton.whole_words(folded):
            phrase = folded[start:end]
            for tag in tags:
                # the longest phrase names the tag ("machine learning engineer")
                if len(phrase) > len(found.get(tag, "")):
                    found[tag] = phrase
        return found


def _any_of(found: dict[Tag, str], names: str) -> bool:
    """Whether a word list named in ``names`` ("engineering|engineering_work") occurs."""
    return any(("words", name) in found for name in names.split("|"))


def _add(into: dict[Tag, str], tags: dict[Tag, str]) -> None:
    for tag, phrase in tags.items():
        into.setdefault(tag, phrase)


def title_key(pattern: str) -> str:
    """A title pattern as titles are compared (ASCII needs no folding beyond lower case)."""
    return normalise_alias(pattern if pattern.isascii() else fold(pattern))


def title_agreement(
    rules: TitleRules, rows: Iterable[tuple[str, str]]
) -> tuple[float, int, list[tuple[str, str, str]]]:
    """Share of (title, gold title_role) pairs the rules read the same way, the count, and
    the disagreements as (title, gold, read)."""
    n = hits = 0
    misses: list[tuple[str, str, str]] = []
    for title, gold in rows:
        n += 1
        read = rules.read(title).role or "ambiguous"
        if read == gold:
            hits += 1
        else:
            misses.append((title, gold, read))
    return (hits / n if n else 0.0), n, misses
