"""Read a posting: sections → evidence → role distribution, title role, mismatch, hybrid.

Pure: a :class:`PostingReader` is built once from a taxonomy and then turns text into a
:class:`~rolelens.core.models.Reading`, with no I/O and no state between calls.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from rolelens.core.aliases import AliasMatcher, CueSpots, Hit
from rolelens.core.models import Evidence, Level, Reading, TitleReading, WordPoints, WordTerm
from rolelens.core.scoring import LeadDuties, attribute, role_points, softmax
from rolelens.core.sections import Section, SectionSplitter
from rolelens.core.semantic import SemanticMatcher
from rolelens.core.text import ClauseNegation, TermAutomaton, cue_regex, fold, is_whole_word
from rolelens.core.text.negation import After
from rolelens.core.text.segment import POSTING_CLAUSE, sentence_end
from rolelens.core.titles import TitleRules, title_key
from rolelens.core.verdicts import (
    UNDETERMINED,
    evidence_points,
    is_mismatch,
    undetermined_reason,
    work_alone,
    work_contradicts,
)
from rolelens.core.words import WORD_SECTIONS, WordLayer, WordScore, word_features
from rolelens.taxonomy.models import Alias, EvidenceItem, SectionKind, Taxonomy

# 1.2: the word layer (2026-12-07); 1.3: a negation reaches the items of its list, "X is not
# required" negates X, and a role nothing in the text speaks for is no verdict (2026-12-07);
# 1.5: lists read by what their items say; 1.6: a heading that calls its qualifications
# optional is the nice-to-have, whatever requirement's cue stands beside it, and the work
# alone decides over a title it contradicts by the fitted work margin (2026-12-07); 1.7: the
# colleagues a list after a collaboration cue names are set aside ("partner with Product,
# Design and QA teams"), and a mention set aside takes no lead duty's place and no repeat's
# rank (2026-12-07); 1.8: work that reads a role the title's role specialises (AI engineering
# under a forward deployed or agentic title) does not decide over the title (2026-12-07)
SCORER_VERSION = "1.8"

# What ends a clause: a sentence end before a space, a line break, a semicolon, a bullet
# (the kernel's POSTING_CLAUSE rule; its pattern opens with one character set, so that re
# skips to candidates in C).
_CLAUSE_END = sentence_end(POSTING_CLAUSE)
_LEADING_WORDS = 8  # words shown for the word layer
# Possessive runs (``\s*+``): two optional space runs side by side may not trade spaces, or
# "5" + 5,000 spaces + "x" splits the run three ways and takes minutes (issue 17).
# ``\d\d?`` rather than ``\d{1,2}``: a pattern that opens with a character set is scanned in C.
_YEARS = re.compile(r"(\d\d?)\s*+\+?\s*+(?:(?:-|–|to)\s*+\d{1,2}\s*+)?\+?\s*+years?", re.I)
_SECTION_LEVEL: dict[SectionKind, Level] = {
    "title": "context",
    "summary": "required",
    "responsibilities": "required",
    "requirements": "required",
    "nice_to_have": "preferred",
    "about_company": "context",
    "benefits": "context",
    "other": "required",
}
# Work budgets per posting: mentions of one item, and evidence records in all. Real postings
# stay well below both (over the 17.6k postings of the shared corpora: at most 298 records,
# 41 mentions of one item); what is left out is counted in Reading.evidence_dropped.
MAX_MENTIONS_PER_ITEM = 100
MAX_EVIDENCE = 2_000
_LISTABLE = {"tool", "framework", "technique", "data", "deployment", "metric"}


class _Clause(NamedTuple):  # a named tuple: built for each clause with a mention
    start: int
    end: int
    preferred: bool
    listed: bool
    company: bool
    says_not: bool  # holds "not " or "n't": only then can words after a mention negate it


# the cue lists of PostingReader.matcher
_PREFERRED, _COMPANY, _ACTION, _NEGATION, _PEOPLE_NOUN, _JOB, _COLLABORATION = range(7)
#: Nouns for people and teams: a mention followed by one ("the ML team", "our LLM platform
#: team") names the people the job works with when the clause says so.
_PEOPLE_NOUNS = (
    "engineer", "engineers", "scientist", "scientists", "developer", "developers", "analyst",
    "analysts", "researcher", "researchers", "designer", "designers", "team", "teams",
)  # fmt: skip


_TITLE_MEMO = 4_096


class TitleParser:
    """Title patterns and seniority words, compiled once."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.rules = TitleRules(taxonomy.titles)
        self._memo: dict[str, TitleReading] = {}
        self._seniority = TermAutomaton(
            {
                title_key(p): (level.rank, level.id)
                for level in taxonomy.seniority
                for p in level.patterns
            }
        )
        # phrases in which a level's word names a job ("product manager"): no level there
        self._not_levels = TermAutomaton(
            {title_key(p): True for level in taxonomy.seniority for p in level.not_in}
        )
        self._has_jobs = {level.id for level in taxonomy.seniority if level.not_in}
        self._qualifiers = [
            (set(q.when_role), _words_regex(q.words), q.becomes) for q in taxonomy.title_qualifiers
        ]
        self._years = sorted(
            ((lv.min_years, lv.id) for lv in taxonomy.seniority if lv.min_years is not None),
            reverse=True,
        )

    def parse(self, title: str) -> TitleReading:
        """The role and seniority the title's own words suggest."""
        # a batch repeats titles ("Senior Software Engineer"): a reading depends on the title
        # alone, so it is kept (a bounded memo, never a different answer)
        known = self._memo.get(title)
        if known is not None:
            return known
        reading = self._parse(title)
        if len(self._memo) >= _TITLE_MEMO:
            self._memo.clear()
        self._memo[title] = reading
        return reading

    def _parse(self, title: str) -> TitleReading:
        text = " ".join(fold(title).split())
        verdict = self.rules.read(title)
        role, rule = verdict.role, verdict.rule
        for when, words, becomes in self._qualifiers:
            if role in when and words.search(title):
                role, rule = becomes, "qualifier"
                break
        return TitleReading(
            text=title,
            role=role,
            pattern=verdict.pattern,
            rule=rule,
            seniority=self.seniority(text),
        )

    def seniority(self, folded_title: str) -> str | None:
        """The seniority level the title names, or None."""
        best: tuple[int, int] | None = None
        level: str | None = None
        jobs: list[tuple[int, int]] | None = None  # looked for only when a level may have them
        for start, end, (rank, lid) in self._seniority.whole_words(folded_title):
            if lid in self._has_jobs:
                if jobs is None:
                    jobs = [(a, b) for a, b, _ in self._not_levels.whole_words(folded_title)]
                if any(a <= start and end <= b for a, b in jobs):
                    continue  # 'manager' in 'product manager' names the job
            # the most senior word wins: "Senior Manager" is a manager
            if best is None or (rank, end - start) > best:
                best, level = (rank, end - start), lid
        return level

    def seniority_from_years(self, text: str) -> str | None:
        """The level implied by the largest 'N+ years' requirement below 25."""
        most = years_required(text)
        if most is None or not self._years:
            return None
        for min_years, lid in self._years:
            if most >= min_years:
                return lid
        return None


def years_required(text: str) -> int | None:
    """The largest 'N+ years' (or 'N-M years') a text asks for, ignoring N >= 25."""
    years = [int(m.group(1)) for m in _YEARS.finditer(text)]
    years = [y for y in years if 0 < y < 25]
    return max(years) if years else None


def _words_regex(words: list[str | Alias]) -> re.Pattern[str]:
    """One regex for a list of words, each case-insensitive unless marked case-sensitive."""
    parts = []
    for w in words:
        alias = w if isinstance(w, Alias) else Alias(text=w)
        body = re.escape(alias.text)
        parts.append(body if alias.case_sensitive else f"(?i:{body})")
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])")


_ACRONYMS = {"ai": "AI", "ml": "ML", "llm": "LLM", "genai": "GenAI", "rpa": "RPA", "bi": "BI"}


def _group_name(name: str) -> str:
    """A hybrid group's name as words: ``llm_integration`` → "LLM integration"."""
    return " ".join(_ACRONYMS.get(w, w) for w in name.split("_"))


def _word_spans(
    sections: list[Section], folded: str, evidence: Iterable[Evidence] = ()
) -> list[tuple[int, int]]:
    """Where the word layer reads: the responsibilities and requirements sections, less the
    words a negation governs there. A negated mention's words are left out, and so is the
    whole stretch of a list whose items are negated ("not building ML models, LLM chatbots
    or agents": "models" and "chatbots" too), so that no word adds what its mention may not.
    """
    spans = [(s.start, s.end) for s in sections if s.kind in WORD_SECTIONS]
    negated = sorted(
        (ev.start, ev.end)
        for ev in evidence
        if ev.negated and ev.similarity is None and ev.section in WORD_SECTIONS
    )
    if not negated or not spans:
        return spans
    stretches: list[tuple[int, int]] = []
    for start, end in negated:
        if stretches and ClauseNegation.in_one_list(folded, stretches[-1][1], start):
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return _minus(spans, stretches)


def _minus(spans: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with the ``cuts`` taken out (both sorted, neither overlapping itself)."""
    out: list[tuple[int, int]] = []
    k = 0
    for start, end in spans:
        while k < len(cuts) and cuts[k][1] <= start:
            k += 1
        j = k
        while j < len(cuts) and cuts[j][0] < end:
            a, b = cuts[j]
            if a > start:
                out.append((start, a))
            start = max(start, b)
            j += 1
        if start < end:
            out.append((start, end))
    return out


class PostingReader:
    """Reads postings against one taxonomy; build once, call :meth:`read` many times."""

    def __init__(self, taxonomy: Taxonomy, semantic: SemanticMatcher | None = None) -> None:
        self.taxonomy = taxonomy
        self.roles = taxonomy.role_ids
        cues = taxonomy.reading
        # cue lists asked of every clause, found in the same pass as the aliases
        self.matcher = AliasMatcher(
            taxonomy,
            cues=[
                cues.preferred_cues,
                cues.company_cues,
                cues.action_cues,
                cues.negation_cues,
                _PEOPLE_NOUNS,
                cues.job_cues,
                cues.collaboration_cues,
            ],
        )
        self.splitter = SectionSplitter(taxonomy.reading)
        self.titles = TitleParser(taxonomy)
        self._negation = ClauseNegation(
            cues.negation_cues, cues.negation_idioms, cues.negation_window
        )
        self._collaboration = cue_regex(cues.collaboration_cues)
        # memos (a batch repeats them): the points of an (item, amount), whether words name people
        self._contributions: dict[tuple[int, float], dict[str, float]] = {}
        self._names_people: dict[str, bool] = {}
        self._weights = [
            [(self.roles.index(r), w) for r, w in item.weights.items()]
            for item in self.matcher.items
        ]
        s = taxonomy.scoring
        self._section_weight = s.section_weights
        self._bias = [s.role_bias.get(r, 0.0) for r in self.roles]
        self._index = {r: i for i, r in enumerate(self.roles)}
        self._primary = {
            item.id: max(item.weights, key=lambda r: item.weights[r]) for item in taxonomy.evidence
        }
        self._worked_with = {item.id: item.worked_with for item in taxonomy.evidence}
        # optional semantic layer: sentence → activity matches counted as extra evidence
        self.semantic = semantic
        if semantic is not None:
            self._primary.update(semantic.primary_roles)
        self._specialisations = [
            (self._index[role], [self._index[p] for p in spec.parents], spec.share)
            for role, spec in s.specialisations.items()
        ]
        groups = s.hybrid_groups
        self._lead_skips = frozenset(s.lead_skips)
        self._item_index = {item.id: i for i, item in enumerate(self.matcher.items)}
        self._hybrid_groups = {
            name: [self.roles.index(r) for r in members] for name, members in groups.items()
        }
        # the word layer: plain words of the duties and requirements, when fitted
        vocab, fitted = taxonomy.words, taxonomy.word_weights
        self.words: WordLayer | None = None
        if vocab is not None and fitted is not None:
            self.words = WordLayer(vocab.idf, fitted.weights, fitted.roles, self.roles)

    def word_bag(self, text: str, evidence: Iterable[Evidence] = ()) -> dict[str, float]:
        """The unit-length bag of vocabulary words in ``text``'s responsibilities and
        requirements, less what the ``evidence`` of its reading says is negated (what the
        word layer reads; empty without a vocabulary)."""
        if self.taxonomy.words is None:
            return {}
        folded = fold(text)
        spans = _word_spans(self.splitter.split(text), folded, evidence)
        return word_features(folded, spans, self.taxonomy.words.idf)

    # -- public -------------------------------------------------------------------------
    def read(
        self,
        text: str,
        title: str | None = None,
        id: str | None = None,
        company: str | None = None,
    ) -> Reading:
        """The reading of one posting (``title`` read separately when given; ``company``,
        when known, is the employer's name, whose words are never evidence).

        The core step: ``text`` is plain text or Markdown. An HTML page is read as its markup
        here; :func:`rolelens.read_posting` (and the CLI, HTTP and MCP) first turn it into its
        text and refuse an empty or oversized input, which this reads as ``undetermined``."""
        sections = self.splitter.split(text)
        title_note: str | None = None
        if title is None:
            title, title_end, title_note = first_line_title(text)
            if title_end:
                sections = _carve_title(sections, title_end)
        else:
            # a title given that also opens the text ("# Senior ML Engineer" over the body)
            # is one title, read once: the line above the body is not a mention of its own
            first, title_end = _opening_title(text, title)
            if first is not None and _same_words(first, title):
                sections = _carve_title(sections, title_end)
        folded = fold(text)
        evidence, dropped, (people, together) = self._evidence(text, folded, sections, title or "")
        title_reading = self.titles.parse(title or "")
        if title_note is not None:
            title_reading = title_reading.model_copy(update={"note": title_note})
        evidence = self._set_aside(text, folded, evidence, company, people, together)
        words: WordScore | None = None
        if self.words is not None:
            words = self.words.read(folded, _word_spans(sections, folded, evidence))
        extra = words.total if words is not None else None
        points, probs = self._decide(evidence, title_reading.role, extra)
        # the semantic layer reads only postings whose body the aliases leave open (the
        # title does not count: it is what a posting may get wrong); a body that already
        # reads surely is not worth a transformer pass per sentence
        if self.semantic is not None and self._open(evidence, self.semantic.cues.open_below):
            found = self.semantic.evidence(text, sections, evidence)
            if found:
                evidence += found
                points, probs = self._decide(evidence, title_reading.role, extra)
        points, probs, title_set_aside = self._work_over_title(points, probs, title_reading.role)
        order = sorted(range(len(self.roles)), key=lambda i: (-probs[i], i))
        order = self._nice_to_have_does_not_decide(order, evidence)
        top = self.roles[order[0]]
        second = self.roles[order[1]] if len(order) > 1 else None
        scores = {r: round(p, 4) for r, p in zip(self.roles, probs, strict=True)}
        undetermined = undetermined_reason(
            text or title or "",
            evidence_points(ev.contributions for ev in evidence),
            self.taxonomy.verdicts.undetermined,
        )
        if undetermined is None and not _speaks_for(top, evidence, words, self.roles):
            undetermined = (
                f"nothing in the text speaks for {self.taxonomy.role(top).name.lower()}: "
                "it ranks first only because the role is common, not because of the text"
            )
        if undetermined is not None:
            # no verdict without evidence: the distribution stays, the role does not
            top, second = UNDETERMINED, top
        hybrid, hybrid_reason = (False, None) if undetermined else self._hybrid(evidence, top)
        mismatch, mismatch_reason = self._mismatch(
            title_reading, top, scores, evidence, title_set_aside
        )
        seniority = title_reading.seniority
        basis: Literal["title", "years", "none"] = "title"
        if seniority is None:
            seniority = self.titles.seniority_from_years(text)
            basis = "years" if seniority else "none"
        return Reading(
            id=id,
            role=top,
            confidence=scores[self.roles[order[0]]],
            secondary=second,
            scores=scores,
            points={r: round(p, 3) for r, p in zip(self.roles, points, strict=True)},
            title=title_reading,
            title_role=title_reading.role,
            mismatch=mismatch,
            mismatch_reason=mismatch_reason,
            undetermined_reason=undetermined,
            hybrid=hybrid,
            hybrid_reason=hybrid_reason,
            seniority=seniority,
            seniority_basis=basis,
            evidence=evidence,
            words=self._word_points(words, top if undetermined is None else second),
            evidence_dropped=dropped,
            taxonomy_version=self.taxonomy.version,
            scorer_version=SCORER_VERSION,
        )

    # -- evidence -----------------------------------------------------------------------
    def _decide(
        self, evidence: list[Evidence], title_role: str | None, words: list[float] | None = None
    ) -> tuple[list[float], list[float]]:
        """Points per role (evidence, the title's weight and the word layer's points) and
        their probabilities."""
        points = self._points(evidence)
        if title_role in self._index:
            points[self._index[title_role]] += self.taxonomy.scoring.title_weight
        if words is not None:
            points = [p + w for p, w in zip(points, words, strict=True)]
        return points, softmax(points, self.taxonomy.scoring.temperature)

    def _work_over_title(
        self, points: list[float], probs: list[float], title_role: str | None
    ) -> tuple[list[float], list[float], bool]:
        """The reading's points and probabilities, and whether the title's prior was set
        aside: when the title names a specific role, the reading with the title's prior
        names it too, and the work alone reads another role (not one the title's role
        specialises), ahead by the fitted ``work_margin``, the work decides (RUBRIC: judge
        by the work, never the title; the prior is for work that leaves the role open). A
        reading that already names another role than its title's keeps its probabilities."""
        margin = self.taxonomy.verdicts.mismatch.work_margin
        at = self._index.get(title_role) if title_role is not None else None
        if margin is None or at is None or max(probs) > probs[at]:
            return points, probs, False
        scoring = self.taxonomy.scoring
        work, alone = work_alone(points, at, scoring.title_weight, scoring.temperature)
        kin = next((parents for child, parents, _ in self._specialisations if child == at), [])
        if work_contradicts(alone, at, margin, kin) is None:
            return points, probs, False
        return work, alone, True

    def _word_points(self, words: WordScore | None, role: str | None) -> WordPoints | None:
        """What the word layer added, with the words that added most to ``role``."""
        if words is None or self.words is None:
            return None
        leading = self.words.leading(words, role, _LEADING_WORDS) if role else []
        return WordPoints(
            points={r: round(p, 3) for r, p in zip(self.roles, words.total, strict=True)},
            words=words.found,
            role=role,
            leading=[WordTerm(word=w, points=round(p, 3)) for w, p in leading],
        )

    def _open(self, evidence: list[Evidence], below: float) -> bool:
        """Whether the body's evidence alone reads less surely than ``below``."""
        if below >= 1.0:
            return True
        # judged before the lead emphasis: alias words that happen to stand in a posting's
        # first duties ("an API", "React") must not close it to the sentences that say what
        # those duties are
        lead = self.taxonomy.scoring.lead_weight
        body = [
            {r: p / lead for r, p in ev.contributions.items()} if ev.lead else ev.contributions
            for ev in evidence
            if ev.section != "title"
        ]
        return max(softmax(self._points_of(body), self.taxonomy.scoring.temperature)) < below

    def _evidence(
        self, text: str, folded: str, sections: list[Section], title: str
    ) -> tuple[list[Evidence], int, tuple[CueSpots, CueSpots]]:
        """Mentions in the title (spans into the title) and then in the body, how many
        mentions past the work budget were left out, and where the body names people and
        says the job works with someone ("collaborate with")."""
        found = self._title_evidence(title)
        hits, cues = self.matcher.scan(text, folded)
        dropped = 0
        if hits:
            dropped = self._body_evidence(text, folded, sections, hits, cues, found)
        s = self.taxonomy.scoring
        attribute(
            found, self._weights, self.roles, s.repeat_decay, s.max_repeats, self._contributions
        )
        return [e for _, e in found], dropped, (cues[_PEOPLE_NOUN], cues[_COLLABORATION])

    def _body_evidence(
        self,
        text: str,
        folded: str,
        sections: list[Section],
        hits: list[Hit],
        cues: list[CueSpots],
        found: list[tuple[int, Evidence]],
    ) -> int:
        """Append the body's mentions to ``found``; how many the work budget left out.

        The loop every mention goes through: what it asks of a clause (preferred? a company
        clause? a bare list?) is asked once per clause, of cue positions found in one pass.
        """
        bounds = [m.start() for m in _CLAUSE_END.finditer(text)]
        negation_near = cues[_NEGATION].in_span
        action_in = cues[_ACTION].in_span
        window = self.taxonomy.reading.negation_window
        negation = self._negation
        after_memo: dict[int, After | None] = {}
        carried: tuple[int, int] | None = None  # (clause start, end) of the last negated item
        clauses: dict[int, _Clause] = {}
        sec_index = 0
        last_section = len(sections) - 1
        scoring = self.taxonomy.scoring
        section_weight = self._section_weight
        items = self.matcher.items
        per_item: dict[int, int] = defaultdict(int)
        dropped = 0
        leads = LeadDuties(scoring.lead_mentions, scoring.lead_weight)  # marked even at
        lead_skips = self._lead_skips  # weight 1: the fit learns from the marks
        for k, hit in enumerate(hits):
            start = hit.start
            while sections[sec_index].end <= start and sec_index < last_section:
                sec_index += 1
            section = sections[sec_index].kind
            item = items[hit.item]
            if section == "title" or (item.sections is not None and section not in item.sections):
                continue  # the title is read on its own; some items count only in some places
            # a work budget: a row of one alias a million times must not cost a million
            # records (an answer of 200 MB); repeats past max_repeats add no points anyway
            if per_item[hit.item] >= MAX_MENTIONS_PER_ITEM or len(found) >= MAX_EVIDENCE:
                dropped += 1
                continue
            per_item[hit.item] += 1
            clause = clauses.get(bisect_right(bounds, start)) or self._clause(
                folded, start, bounds, clauses, cues
            )
            # "X is not required" (or "X, Y or Z are not needed"): only a clause that says
            # "not" is asked
            after = (
                _after_list(folded, hits, k, clause.end, after_memo) if clause.says_not else None
            )
            level: Level = _SECTION_LEVEL[section]
            if level == "required" and (clause.preferred or after == "preferred"):
                level = "preferred"
            # most mentions have no negation cue before them: ask the regex only when one is
            negated = (
                after == "negated"
                # "not building ML models, LLM chatbots or agents": the items after a negated
                # one in the same list are negated too
                or (
                    carried is not None
                    and carried[0] == clause.start
                    and negation.in_one_list(folded, carried[1], start)
                )
                or (
                    negation_near(max(clause.start, start - window), start)
                    and negation.governs(folded, clause.start, start)
                )
            )
            carried = (clause.start, hit.end) if negated else None
            listed = clause.listed and item.kind in _LISTABLE
            factor = section_weight.get(section, 0.7)
            if level == "preferred" and section != "nice_to_have":
                factor *= scoring.preferred_weight
            if listed:
                factor *= scoring.listed_weight
            if clause.company and section in ("summary", "other"):
                factor *= scoring.company_clause_weight
            lead = leads.take(section, not negated and item.kind not in lead_skips)
            if lead:
                factor *= leads.weight
            # only generic items ask whether the clause works with them
            worked_with = (
                item.worked_with is not None and not negated and action_in(clause.start, clause.end)
            )
            if worked_with:
                factor *= item.worked_with or 1.0
            if negated:
                factor = 0.0
            found.append(
                _mention(
                    hit, item, text, section, level, negated, listed, factor, worked_with, lead
                )
            )
        return dropped

    def _title_evidence(self, title: str) -> list[tuple[int, Evidence]]:
        """Mentions in the title: they say what the job is focused on."""
        factor = self._section_weight.get("title", 0.0)
        found = []
        for hit in self.matcher.find(title) if title else ():
            item = self.matcher.items[hit.item]
            if item.sections is not None and "title" not in item.sections:
                continue
            found.append(
                _mention(hit, item, title, "title", "required", False, False, factor, False)
            )
        return found

    def _clause(
        self,
        folded: str,
        pos: int,
        bounds: list[int],
        cache: dict[int, _Clause],
        cues: list[CueSpots],
    ) -> _Clause:
        """The clause around ``pos``: between sentence ends, line breaks, bullets, semicolons."""
        i = bisect_right(bounds, pos)
        cached = cache.get(i)
        if cached is not None:
            return cached
        start = max(bounds[i - 1] + 1 if i else 0, pos - 400)
        end = min(bounds[i] if i < len(bounds) else len(folded), pos + 600)
        segment = folded[start:end]
        preferred = cues[_PREFERRED].in_segment(start, end)
        commas = segment.count(",") + segment.count(" and ")
        listed = commas >= self.taxonomy.reading.list_item_threshold - 1 and len(
            segment.split()
        ) <= 6 * (commas + 1)
        # "we need someone to wire GPT-4o into our support desk" speaks of the job
        company = cues[_COMPANY].in_segment(start, end) and not cues[_JOB].in_segment(start, end)
        says_not = "not " in segment or "n't " in segment
        clause = _Clause(start, end, preferred, listed, company, says_not)
        cache[i] = clause
        return clause

    def _nice_to_have_does_not_decide(
        self, order: list[int], evidence: list[Evidence]
    ) -> list[int]:
        """The roles in reading order, except that a specialisation (agentic, forward
        deployed) whose own evidence is mostly nice-to-have yields to the parent just behind
        it: "agents a plus" does not make an AI engineer an agentic one."""
        top = self.roles[order[0]]
        spec = self.taxonomy.scoring.specialisations.get(top)
        if spec is None or len(order) < 2 or self.roles[order[1]] not in spec.parents:
            return order
        preferred = required = 0.0
        for ev in evidence:
            amount = ev.contributions.get(top, 0.0)
            if ev.level == "preferred":
                preferred += amount
            else:
                required += amount
        if preferred > required:
            return [order[1], order[0], *order[2:]]
        return order

    def _set_aside(
        self,
        text: str,
        folded: str,
        evidence: list[Evidence],
        company: str | None,
        people: CueSpots,
        together: CueSpots,
    ) -> list[Evidence]:
        """The evidence with mentions that are not about the job set aside (no points): the
        employer's name ("Arize" is not model monitoring), the people the job works with
        ("collaborate with forward deployed engineers", "support the ML team" is not that
        work; "partner with Product, Design and QA teams" names three), and what those people
        do ("... our MLOps team, who run Kubeflow")."""
        names = sorted(company_spans(text, folded, company))
        lists = colleague_lists(folded, together, people) if together.found else []
        # where the people named by each mention end (the mention's end, or a people noun's
        # after it), for the mentions that name people: asked once each
        ends = {}
        if self._collaboration is not None:
            starts, n = people.starts, len(people.starts)
            for k, ev in enumerate(evidence):
                if not ev.contributions or ev.section == "title":
                    continue
                if self._people(ev.text):
                    ends[k] = ev.end
                    continue
                # most mentions have no people noun just after them: a bisect says so
                i = bisect_left(starts, ev.end)
                if i < n and starts[i] - ev.end <= _PEOPLE_REACH:
                    end = _people_after(folded, ev.end, people)
                    if end >= 0:
                        ends[k] = end
        if not names and not ends and not lists:
            return evidence  # no employer's name and no mention of people: most postings
        # a mention inside a name: a span that starts at or before it and ends at or after it
        starts = [a for a, _ in names]
        reach = list(itertools.accumulate((b for _, b in names), max))
        theirs = -1  # up to here, a relative clause says what colleagues do
        aside = False
        out = []
        for k, ev in enumerate(evidence):
            why = None
            if ev.section != "title" and ev.contributions:
                i = bisect_right(starts, ev.start)
                if i and reach[i - 1] >= ev.end:
                    why = "the employer's name"
                elif (end := _inside(lists, ev.start)) >= 0:
                    why = "names people the job works with, not the job"
                    theirs = _their_work(folded, end)
                elif ev.start < theirs:
                    why = "what the people the job works with do, not the job"
                elif k in ends and self._works_with(text, ev.start):
                    why = "names people the job works with, not the job"
                    theirs = _their_work(folded, ends[k])
            if why is not None:
                ev = ev.model_copy(
                    update={"set_aside": why, "contributions": {}, "factor": 0.0, "lead": False}
                )
                aside = True
            out.append(ev)
        return self._recount(out) if aside else out

    def _recount(self, evidence: list[Evidence]) -> list[Evidence]:
        """The points of the mentions left once some are set aside: a mention set aside is
        no duty, so it takes no lead duty's place (the next duty does), and takes no rank in
        its item's repeats (a colleague team's "ML" before the job's own "ML models" no longer
        leaves the job's mention decayed)."""
        s = self.taxonomy.scoring
        leads = LeadDuties(s.lead_mentions, s.lead_weight)
        skips = self._lead_skips
        index = self._item_index
        out: list[Evidence] = []
        for ev in evidence:
            if ev.section != "title" and ev.set_aside is None:
                kind = self.matcher.items[index[ev.item]].kind
                lead = leads.take(ev.section, not ev.negated and kind not in skips)
                if lead != ev.lead:
                    factor = ev.factor * s.lead_weight if lead else ev.factor / s.lead_weight
                    ev = ev.model_copy(update={"lead": lead, "factor": round(factor, 3)})
            out.append(ev)
        counted = [(index[ev.item], ev) for ev in out if ev.set_aside is None]
        for _, ev in counted:
            ev.contributions = {}  # a mention pushed past max_repeats keeps no old points
        attribute(
            counted,
            self._weights,
            self.roles,
            s.repeat_decay,
            s.max_repeats,
            self._contributions,
        )
        return out

    def _works_with(self, text: str, start: int) -> bool:
        """Whether the clause before ``start`` says the job works with someone ("collaborate
        with", "support the")."""
        assert self._collaboration is not None
        before = fold(text[max(0, start - 80) : start])
        before = _CLAUSE_END.split(before)[-1]  # this clause only
        return self._collaboration.search(before) is not None

    def _people(self, words: str) -> bool:
        """Whether a mention's words name people ("ML engineers"): asked of every mention
        of a posting whose text names its employer, and mentions repeat."""
        known = self._names_people.get(words)
        if known is None:
            if len(self._names_people) >= _MEMO:
                self._names_people.clear()
            known = self._names_people[words] = _PEOPLE.search(words) is not None
        return known

    def _points(self, evidence: list[Evidence]) -> list[float]:
        """Each role's points: evidence (saturated), specialisations, then the role bias."""
        return self._points_of(ev.contributions for ev in evidence)

    def _points_of(self, contributions: Iterable[Mapping[str, float]]) -> list[float]:
        """:meth:`_points` of the mentions' contributions as given."""
        return role_points(
            contributions,
            self._index,
            self.taxonomy.scoring.saturation,
            self._specialisations,
            self._bias,
        )

    # -- flags --------------------------------------------------------------------------
    def _group_points(self, evidence: list[Evidence]) -> dict[str, float]:
        """Points per hybrid group, from mentions whose main role is in the group.

        Most LLM items also hint a little at ML and vice versa; counting only each item's
        main role keeps a pure ML posting from looking half GenAI.
        """
        totals: dict[str, float] = {}
        for name, members in self._hybrid_groups.items():
            roles = {self.roles[i] for i in members}
            totals[name] = sum(
                ev.contributions.get(self._primary[ev.item], 0.0) / self._boost(ev)
                for ev in evidence
                if self._primary[ev.item] in roles
            )
        return totals

    def _boost(self, ev: Evidence) -> float:
        """What ``worked_with`` multiplied this mention by (1 when it did not)."""
        return (self._worked_with.get(ev.item) or 1.0) if ev.worked_with else 1.0

    def hybrid_share(self, evidence: list[Evidence], top: str) -> tuple[str, str, float] | None:
        """The two hybrid groups, larger first, and the smaller one's share of the evidence
        for the two, when a reading of ``top`` could be hybrid: ``top`` belongs to a group
        and the smaller side holds at least ``hybrid_min_points``; else None. What the
        hybrid flag compares with its threshold (``scripts/fit_verdicts.py`` fits it)."""
        totals = self._group_points(evidence)
        if len(totals) < 2:
            return None
        members = {self.roles[i] for m in self._hybrid_groups.values() for i in m}
        if top not in members:
            return None
        (a, pa), (b, pb) = sorted(totals.items(), key=lambda kv: -kv[1])[:2]
        if pb < self.taxonomy.scoring.hybrid_min_points:
            return None
        return a, b, pb / (pa + pb)

    def _hybrid(self, evidence: list[Evidence], top: str) -> tuple[bool, str | None]:
        found = self.hybrid_share(evidence, top)
        if found is None:
            return False, None
        a, b, share = found
        fitted = self.taxonomy.verdicts.hybrid.min_share
        if share < (fitted if fitted is not None else self.taxonomy.scoring.hybrid_min_share):
            return False, None
        # a share, not the group sums: those are raw evidence points, a different quantity
        # from the role points a reading shows, and could rank the groups the other way
        return True, (
            f"both {_group_name(a)} and {_group_name(b)} are central to the work: "
            f"{_group_name(b)} holds {share:.0%} of the evidence for the two"
        )

    def _mismatch(
        self,
        title: TitleReading,
        top: str,
        scores: dict[str, float],
        evidence: list[Evidence],
        title_set_aside: bool = False,
    ) -> tuple[bool, str | None]:
        margin = self.taxonomy.verdicts.mismatch.min_margin
        if title.role is None or not is_mismatch(scores, top, title.role, margin):
            return False, None

        # "the work described": the body's mentions, never the title's own words, and those
        # that speak for the work's role more than for the title's ("Deploy ML models to
        # production" gives an AI-engineering reading a little, an ML title more: no reason)
        def lead(e: Evidence) -> float:
            return e.contributions.get(top, 0.0) - e.contributions.get(title.role or "", 0.0)

        strongest = sorted(
            (e for e in evidence if e.section != "title" and lead(e) > 0),
            key=lambda e: -lead(e),
        )
        labels: list[str] = []
        for e in strongest:
            if e.label not in labels:
                labels.append(e.label)
            if len(labels) == 4:
                break
        named = self.taxonomy.role(title.role).name
        work = self.taxonomy.role(top).name
        because = f" ({', '.join(labels)})" if labels else ""
        aside = (
            "; the work alone says so clearly enough that the title's weight is left out "
            "of this reading"
            if title_set_aside
            else ""
        )
        return True, (
            f"the title reads as {named} (from '{title.pattern}'), "
            f"but the work described is {work}{because}{aside}"
        )


#: At most two words between a mention and the people noun that follows it ("LLM platform
#: team"), none of them a joint ("LLM APIs and our team" names the APIs, not the team).
_TO_PEOPLE = re.compile(r"(?:\s++(?!(?:and|or|with|to|for|of|in|on)\b)[a-z0-9+#.\-]++){0,2}\s++")
_PEOPLE_REACH = 40  # characters from a mention's end to a people noun that goes with it
#: A relative clause right after the people: "... our MLOps team, who run Kubeflow".
#: (It opens where the people end, never inside a run of spaces: searched, it is linear.)
_RELATIVE = re.compile(r"(?<!\s)\s*+,?\s*+(?:who|which|that|whose)\b")


def _people_after(folded: str, pos: int, people: CueSpots) -> int:
    """Where a people noun that follows the words ending at ``pos`` ends ("the ML| team"),
    or -1 when none does (within two words)."""
    found = people.found
    i = bisect_left(people.starts, pos)
    if i == len(found):
        return -1
    a, b, before, after = found[i]
    if a - pos > _PEOPLE_REACH or not (before and after):
        return -1
    return b if _TO_PEOPLE.fullmatch(folded, pos, a) is not None else -1


#: What a list of colleagues is read in: words, and the marks that join or end its items.
_LIST_TOKEN = re.compile(r"[a-z0-9](?:[a-z0-9/&+#'\-]|\.(?=[a-z0-9]))*+|[^\sa-z0-9]")
_LIST_JOINS = frozenset((",", "and", "or", "&", "/", "including", "like"))
#: Words that end a list of colleagues ("... and QA teams to improve releases").
_LIST_STOPS = frozenset(
    ("to", "in", "on", "for", "who", "that", "which", "so", "across", "throughout", "at",
     "from", "by", "as", "of", "with", "while", "when", "where", "during", "through", "into")
)  # fmt: skip
_LIST_REACH = 200  # characters a list of colleagues may run past its cue
_ITEM_WORDS = 5  # words one item of such a list may hold ("our world-class platform")


_DETERMINERS = frozenset(("our", "the", "their", "your", "its", "a", "an", "my"))


def colleague_lists(
    folded: str, together: CueSpots, people: CueSpots
) -> list[tuple[int, int, int]]:
    """The colleagues that lists after a collaboration cue name: "work closely with Product,
    Design, and QA teams" names three teams, the last noun shared by all. A list runs from
    the cue over short items joined by commas, "and", "or", up to the last item that ends in
    a people noun ("teams", "managers"); it stops at a clause mark, a word such as "to" or
    "in", or an item too long for a name. Its items are colleagues when they end in a people
    noun themselves, or share the last one: when that last item opens with a determiner
    ("LLM APIs and our team") it is a noun phrase of its own, and the items before it are
    what the job works with, not people. A list with no people noun at an item's end ("work
    with Python, SQL and Airflow") names no colleagues.

    Each colleague as (start, end, where its list ends), sorted, not overlapping."""
    ends = {b for _, b, before, after in people.found if before and after}
    out: list[tuple[int, int, int]] = []
    for _, cue_end, before, after in together.found:
        if not (before and after) or (out and cue_end < out[-1][2]):
            continue
        items: list[tuple[int, int, str, bool]] = []  # start, end, first word, ends in people
        start = -1
        first = ""
        for m in _LIST_TOKEN.finditer(folded, cue_end, min(len(folded), cue_end + _LIST_REACH)):
            token = m.group()
            if token in _LIST_JOINS:
                start = -1
                continue
            if token in _LIST_STOPS or not token[0].isalnum():
                break
            if start < 0:
                start, first, words = m.start(), token, 0
                items.append((start, m.end(), first, False))
            words += 1
            if words > _ITEM_WORDS:
                items.pop()
                break
            items[-1] = (start, m.end(), first, m.end() in ends)
        last = max((k for k, item in enumerate(items) if item[3]), default=-1)
        if last < 0:
            continue
        shared = items[last][2] not in _DETERMINERS
        list_end = items[last][1]
        out += [(a, b, list_end) for a, b, _, named in items[: last + 1] if named or shared]
    return out


def _inside(spans: list[tuple[int, int, int]], pos: int) -> int:
    """Where the list ends whose colleague (sorted spans) holds ``pos``, or -1."""
    for start, end, list_end in spans:  # a posting names a few colleagues at most
        if start <= pos < end:
            return list_end
        if start > pos:
            break
    return -1


def _their_work(folded: str, end: int) -> int:
    """Where a relative clause that says what the people ending at ``end`` do ends ("who
    train our PyTorch models"); ``end`` itself when none follows."""
    if _RELATIVE.match(folded, end) is None:
        return end
    m = _CLAUSE_END.search(folded, end)
    return m.start() if m is not None else len(folded)


def _speaks_for(
    role: str, evidence: list[Evidence], words: WordScore | None, roles: list[str]
) -> bool:
    """Whether any mention, or the plain words, add points to ``role``: a role with neither
    leads a reading only by its bias (how common it is), which is no verdict."""
    if any(ev.contributions.get(role, 0.0) > 0 for ev in evidence):
        return True
    return words is not None and words.total[roles.index(role)] > 0


def _after_list(
    folded: str, hits: list[Hit], k: int, end: int, memo: dict[int, After | None]
) -> After | None:
    """What the words after hit ``k``'s list say of it (:meth:`ClauseNegation.after`): the
    words after the hit itself, else, when the next hit is the next item of the same list
    (before ``end``), what they say of that one ("PyTorch, TensorFlow or JAX is not
    required"). Memoised by hit, so a clause's list is walked once."""
    walked = []
    answer: After | None = None
    j = k
    while True:
        if j in memo:
            answer = memo[j]
            break
        walked.append(j)
        pos = hits[j].end
        answer = ClauseNegation.after(folded, pos, end)
        if answer is not None:
            break
        nxt = j + 1
        if nxt >= len(hits) or hits[nxt].start >= end:
            break
        if not ClauseNegation.in_one_list(folded, pos, hits[nxt].start):
            break
        j = nxt
    for i in walked:
        memo[i] = answer
    return answer


def _mention(
    hit: Hit,
    item: EvidenceItem,
    source: str,
    section: SectionKind,
    level: Level,
    negated: bool,
    listed: bool,
    factor: float,
    worked_with: bool,
    lead: bool = False,
) -> tuple[int, Evidence]:
    """One mention as (item index, Evidence); points are given later by ``attribute``."""
    return hit.item, _evidence_record(
        {
            "item": item.id,
            "label": item.label,
            "kind": item.kind,
            "text": source[hit.start : hit.end],
            "start": hit.start,
            "end": hit.end,
            "section": section,
            "level": level,
            "negated": negated,
            "listed": listed,
            "worked_with": worked_with,
            "factor": round(factor, 3),
            "similarity": None,
            "set_aside": None,
            "contributions": {},
            "lead": lead,
        }
    )


_EVIDENCE_FIELDS = frozenset(Evidence.model_fields)


def _evidence_record(fields: dict[str, object]) -> Evidence:
    """An Evidence built from values the reader already checked, skipping validation.

    ``model_construct`` costs ~10 µs a call and a posting has dozens of mentions; this
    sets the same attributes directly. The golden and schema tests validate the output.
    """
    ev = Evidence.__new__(Evidence)
    object.__setattr__(ev, "__dict__", fields)
    object.__setattr__(ev, "__pydantic_fields_set__", set(_EVIDENCE_FIELDS))
    object.__setattr__(ev, "__pydantic_extra__", None)
    object.__setattr__(ev, "__pydantic_private__", None)
    return ev


_MEMO = 65_536  # words kept in a reader's memo of whether they name people
# words that end in a people noun ("ML engineers"): the same nouns the alias scan finds
_PEOPLE = re.compile(r"(?:" + "|".join(_PEOPLE_NOUNS) + r")\W*+$", re.I)
_COMPANY_HEADING = re.compile(
    r"^[#* \t]*+(?i:about)[ \t]++"
    r"(?!(?i:us|you|the|this|our|me|them|it|role|team|company|position|job|yourself)\b)"
    r"([A-Z][\w.&'’-]*(?:[ \t]+[A-Z][\w.&'’-]*){0,2})",
    re.M,
)
_LEGAL_SUFFIX = re.compile(
    r"(?<![,\s])[,\s]++(?:inc|ltd|llc|gmbh|plc|corp|co|s\.?a|b\.?v)\.?$", re.I
)
# each alternative starts only where a run of spaces starts: no quadratic retries in a run
_FIRST_CLAUSE = re.compile(r"(?<!\s)\s++[-–—|:]++\s|[.;!?]\s|(?<!\s)\s++\(")
_MAX_TITLE = 120


def company_spans(text: str, folded: str, company: str | None) -> list[tuple[int, int]]:
    """Where the employer's name stands in the text: the given name (in any case, and
    without its generic last words as written: "Grafana" of "Grafana Labs"), and names in
    "About <Name>" headings (cheap: one regex per posting, and a find per name)."""
    names = set()
    # the heading regex is tried only on lines that open with "about" (after '#', '*' or
    # spaces), found in the folded text (any case): finditer would try every position
    at = folded.find("about")
    while at >= 0:
        line = text.rfind("\n", 0, at) + 1
        if not text[line:at].strip("#* \t"):
            m = _COMPANY_HEADING.match(text, line)
            if m is not None:
                names.add(m.group(1).strip())
        at = folded.find("about", at + 5)
    # names matched as written: a given name's short form, and names the opening gives
    as_written = set(opening_employers(text))
    if company and company.strip():
        name = _LEGAL_SUFFIX.sub("", company.strip())
        names.add(name)
        as_written.add(name)
    as_written = {short for n in as_written if (short := _short_name(n))} | (as_written - names)
    keys = [(folded, fold(n)) for n in names] + [(text, n) for n in sorted(as_written)]
    spans: list[tuple[int, int]] = []
    for haystack, key in keys:
        if len(key) < 3:
            continue
        start = haystack.find(key)
        while start >= 0:
            end = start + len(key)
            if is_whole_word(haystack, start, end):
                spans.append((start, end))
            start = haystack.find(key, end)
    return spans


#: How far into a posting its opening may name the employer.
_OPENING_REACH = 600
_NAME = (
    r"(?!(?:Our|The|This|That|These|It|Its|We|You|Your|Team|Sales|Here|There|Today|Now|Each|"
    r"Every|What|Who|Why|How|Where|When|A|An|As|If|Originally)\b)"
    r"([A-Z]\w*+(?:[.&'’-]\w++)*+(?:[ \t]++(?:&[ \t]++)?[A-Z]\w*+(?:[.&'’-]\w++)*+){0,2})"
)
#: Sentences with which a posting's opening names its employer: "At Arize, we ...", "Arize is
#: hiring", "Arize is a fast-growing platform ...", "Arize was founded in". In the 600 first
#: characters of the 16,866 corpus postings that give a company, they find 4,678 names in
#: 4,639; 95% are that company's name and nearly all the rest its brands or parents
#: ("Weights & Biases" of "Wandb", "Cisco Meraki", "Ping Identity" of "ForgeRock"). Of the
#: 474 names that are also evidence aliases, none is another party's.
_AT_NAME = re.compile(rf"At[ \t]++{_NAME}[ \t]*+,[ \t]*+(?:we|our|you)\b")
_NAME_ONLY = re.compile(_NAME)
_SAYS_EMPLOYER = re.compile(
    r"[ \t]++(?:is[ \t]++(?:hiring|looking[ \t]++for|seeking)\b"
    r"|(?:was[ \t]++)?founded[ \t]++in\b"
    r"|is[ \t]++(?:a|an|the)[ \t]++(?:[\w-]++[ \t]++){0,4}?(?:company|startup|start-up|"
    r"platform|provider|leader|firm|business|marketplace|scale-?up|organi[sz]ation|agency|"
    r"consultancy)\b)"
)


def opening_employers(text: str) -> list[str]:
    """The employer's names a posting's opening gives ("At Arize, we ...", "Arize is
    hiring"): read by the employer's own words, so that a file read without a company
    still does not take its employer's name for evidence. Found from the verbs back (a
    few string searches), not by trying a pattern at every character (50 µs a posting)."""
    head = text[:_OPENING_REACH]
    found: list[str] = []
    at = head.find("At ")
    while at >= 0:
        if _sentence_start(head, at) == at:
            m = _AT_NAME.match(head, at)
            if m is not None:
                found.append(m.group(1))
        at = head.find("At ", at + 3)
    for verb in (" is ", " was founded", " founded in"):
        at = head.find(verb)
        while at >= 0:
            start = _sentence_start(head, at)
            m = _NAME_ONLY.fullmatch(head, start, at)
            if m is not None and _SAYS_EMPLOYER.match(head, at):
                found.append(m.group(1))
            at = head.find(verb, at + 1)
    names: list[str] = []
    for name in found:
        if name.rsplit(None, 1)[-1].lower() not in _NOT_A_NAME and name not in names:
            names.append(name)
    return names


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence or line holding ``at`` starts, past any markup ('#', '*')."""
    start = text.rfind("\n", 0, at) + 1
    for stop in (". ", "! ", "? "):
        found = text.rfind(stop, start, at)
        if found >= 0:
            start = found + 2
    while start < at and text[start] in " \t#*":
        start += 1
    return start


#: Last words that make a phrase a job or a department, not a name ("Customer Care is the
#: team that ...", "Software Engineer is a role ...").
_NOT_A_NAME = frozenset(
    {
        "engineer",
        "engineers",
        "engineering",
        "developer",
        "developers",
        "manager",
        "analyst",
        "scientist",
        "designer",
        "architect",
        "lead",
        "director",
        "intern",
        "team",
        "department",
        "care",
        "support",
        "helpdesk",
        "role",
        "position",
    }
)


#: Words that end many employers' names and that their own postings often leave off
#: ("Grafana Labs" writes "Grafana", "Arize AI" "Arize", "Oscar Health" "Oscar"): of the
#: 16,866 corpus postings that give a company, 407 write its name only so shortened.
_NAME_TAIL = frozenset(
    {
        "ai",
        "labs",
        "lab",
        "technologies",
        "technology",
        "tech",
        "software",
        "systems",
        "solutions",
        "group",
        "health",
        "corporation",
        "corp",
        "inc",
        "ltd",
        "llc",
        "gmbh",
        "co",
        "hq",
        "io",
    }
)


def _short_name(name: str) -> str | None:
    """An employer's name without the generic words that end it ("Grafana Labs" →
    "Grafana"), matched as written (capitals and all: "Scale AI" is "Scale", not "at scale");
    None when nothing is left off or what is left is shorter than four characters."""
    words = name.split()
    while len(words) > 1 and words[-1].strip(",.").lower() in _NAME_TAIL:
        words.pop()
    short = " ".join(words)
    return short if short != name and len(short) >= 4 else None


_TITLE_LINE = re.compile(r"^\s*+(?:#{1,3}\s*+)?(?:\*\*)?([^\n*#]{3,120}?)(?:\*\*)?\s*+$")


def first_line_title(text: str) -> tuple[str | None, int, str | None]:
    """The first line as a title, where it ends, and a note when it was not taken whole:
    a first line over 120 characters gives its first clause, or no title and why."""
    stripped = text.lstrip()
    line = stripped.split("\n", 1)[0].strip()
    if "://" in line or line.startswith("www."):
        return None, 0, None  # a link is not a title
    title, end = guess_title(text)
    if title is not None or not text.strip():
        return title, end, None
    if " " not in line:
        return None, 0, None  # nor is a run of symbols
    if len(line) <= _MAX_TITLE:
        return None, 0, None
    clause = _FIRST_CLAUSE.split(line, maxsplit=1)[0].strip(" *#")
    if 3 <= len(clause) <= _MAX_TITLE and len(clause.split()) <= 12 and clause != line:
        note = f"the first line is {len(line)} characters long: its first clause is the title"
        return clause, 0, note
    why = (
        f"the first line is {len(line)} characters long, more than a title's "
        f"{_MAX_TITLE}: read as text, and no title was taken"
    )
    return None, 0, why


_TITLE_HEAD = 2_048


def guess_title(text: str) -> tuple[str | None, int]:
    """The first line and where it ends, when it looks like a title; else (None, 0)."""
    pos = 0
    # the lines of the text's head: the first line that is not blank decides, and splitting a
    # whole posting into lines for it cost more than the rest of this (a head's last line may
    # be cut, so it is split whole when the head is all blank lines)
    head = text[:_TITLE_HEAD].splitlines(keepends=True)
    if len(text) > _TITLE_HEAD and all(not line.strip() for line in head[:-1]):
        head = text.splitlines(keepends=True)
    for line in head:
        if not line.strip():
            pos += len(line)
            continue
        m = _TITLE_LINE.match(line)
        if m and not m.group(1).rstrip().endswith((".", ":")) and len(m.group(1).split()) <= 12:
            return m.group(1).strip(), pos + len(line)
        return None, 0
    return None, 0


def _opening_title(text: str, title: str) -> tuple[str | None, int]:
    """:func:`guess_title`, asked only when the title's first word opens the text (most texts
    do not repeat their title: a find in the head spares the line's pattern)."""
    words = title.split()
    head = text.lstrip()[: 2 * len(title) + 40]
    if not words or fold(words[0]).strip("*#") not in fold(head):
        return None, 0
    return guess_title(text)


def _same_words(a: str, b: str) -> bool:
    """Whether two titles say the same words (case, spacing and Markdown marks aside)."""
    return fold(a).replace("*", " ").split() == fold(b).replace("*", " ").split()


def _carve_title(sections: list[Section], title_end: int) -> list[Section]:
    """The sections with ``[0, title_end)`` marked as the title, which does not vote."""
    out = [Section("title", 0, title_end, None)]
    for sec in sections:
        if sec.end <= title_end:
            continue
        kind: SectionKind = sec.kind
        if sec.start < title_end and kind == "other":  # the title line was read as a heading
            kind = "summary"
        out.append(Section(kind, max(sec.start, title_end), sec.end, sec.heading))
    return out
