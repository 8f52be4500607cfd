"""Read a CV for the work it shows: sections, evidence by use, outcomes, claims, seniority.

Pure: a :class:`CvReader` is built once from a taxonomy (which must have a ``cv:`` block)
and then turns CV text into a :class:`~rolelens.core.cv_models.CvReading`, with no I/O,
no clock (``today`` is a parameter) and no state between calls. Evidence items and the
alias matcher are the posting reader's; only how a mention counts differs: an outcome
statement of a job or project (a verb of delivery and a number) counts far more than a
name in a skills list.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, cast

from rolelens.core.aliases import AliasMatcher
from rolelens.core.cv_models import (
    CEFR,
    Claim,
    CvEvidence,
    CvReading,
    CvSection,
    Degree,
    ExperienceEntry,
    LanguageSkill,
    Outcome,
)
from rolelens.core.redact import redact as redact_text
from rolelens.core.scoring import attribute, role_points, softmax
from rolelens.core.semantic import ITEM_PREFIX, SEMANTIC_KIND
from rolelens.core.text import MD_HEADING, fold, is_whole_word, segment, terms_regex
from rolelens.core.text.segment import CV_CLAUSE, CV_LINE
from rolelens.core.verdicts import UNDETERMINED, evidence_points, undetermined_reason
from rolelens.errors import CvUnavailable, EmptyInput
from rolelens.taxonomy.models import EvidenceItem, Taxonomy
from rolelens.taxonomy.models.cv import CvCues, CvSectionKind, MentionUse

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher

CV_SCORER_VERSION = "cv-1.1"
USE_RANK: dict[MentionUse, int] = {
    "shipped": 4, "described": 3, "studied": 2, "listed": 1, "mentioned": 0,
}  # fmt: skip
#: Uses that show a skill (work, an outcome statement, a degree), not only name it.
SHOWN_USES: frozenset[MentionUse] = frozenset({"shipped", "described", "studied"})
_STUDY_SECTIONS: set[CvSectionKind] = {"education", "certifications"}

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH}\s+(?:19|20)\d\d|(?:0?[1-9]|1[0-2])\s*/\s*(?:19|20)\d\d|(?:19|20)\d\d)"
_RANGE = re.compile(
    rf"(?<![\w/])(?P<start>{_DATE})\s*(?:-|–|—|to|until|till)\s*"
    rf"(?P<end>{_DATE}|present|now|current|today|ongoing|date)(?![\w/])",
    re.I,
)
# Possessive space runs: see core/text/headings.py.
_BOLD_LINE = re.compile(r"^\s*+(?:\*\*|__)(.+?)(?:\*\*|__)\s*+:?\s*+$")
_COLON_LINE = re.compile(r"^\s*+([^.!?\n:]{2,50}?)\s*+:\s*+$")
_LEAD_IN = re.compile(
    r"^\s*+(?:[-*•]\s*+)?(?:\*\*|__)?([A-Za-z][^:*\n]{1,40}?)(?:\*\*|__)?\s*+:\s*+\S"
)
_PLAIN_LINE = re.compile(r"^\s*+([A-Za-z][A-Za-z&/,' -]{1,48}?)\s*+$")
_NUMBER = r"(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?"


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    section: CvSectionKind
    listed: bool  # a bare list or a "Skills: a, b, c" lead-in


@dataclass(slots=True)
class _ItemUse:
    best: MentionUse | None = None
    in_work: MentionUse | None = None
    words: list[str] = field(default_factory=list)


class CvReader:
    """Reads CVs against one taxonomy; build once, call :meth:`read` many times."""

    def __init__(self, taxonomy: Taxonomy, semantic: SemanticMatcher | None = None) -> None:
        if taxonomy.cv is None:
            raise CvUnavailable("the taxonomy has no 'cv:' block, so CVs cannot be read with it")
        self.taxonomy = taxonomy
        self.cues: CvCues = taxonomy.cv
        self.roles = taxonomy.role_ids
        self._index = {r: i for i, r in enumerate(self.roles)}
        self.matcher = AliasMatcher(taxonomy)
        self.items: dict[str, EvidenceItem] = {e.id: e for e in taxonomy.evidence}
        self._weights = [
            [(self._index[r], w) for r, w in item.weights.items()] for item in self.matcher.items
        ]
        self._headings: list[tuple[str, CvSectionKind]] = sorted(
            (
                (" ".join(fold(p).split()), kind)
                for kind, phrases in self.cues.section_headings.items()
                for p in phrases
            ),
            key=lambda kv: -len(kv[0]),
        )
        self._verbs = terms_regex(self.cues.outcome_verbs)
        units = sorted(
            {u.rstrip("*") for u in self.cues.metric_units if u.strip()}, key=len, reverse=True
        )
        unit_alt = "|".join(re.escape(u) + (r"\w*" if f"{u}*" in self.cues.metric_units else "")
                            for u in units)  # fmt: skip
        self._metric = re.compile(
            rf"(?<![\w.])(?:from\s+{_NUMBER}\s*\S{{0,12}}\s+to\s+{_NUMBER}"
            rf"|{_NUMBER}\+?\s?(?:{unit_alt})(?![a-z0-9])|{_NUMBER}\s?%|[$€£]\s?{_NUMBER}"
            rf"|\d[\d,]*\+(?=\s))",
            re.I,
        )
        s = taxonomy.scoring
        self._specialisations = [
            (self._index[role], [self._index[p] for p in spec.parents], spec.share)
            for role, spec in s.specialisations.items()
        ]
        self._bias = [self.cues.role_bias.get(r, 0.0) for r in self.roles]
        self._years = sorted(
            ((lv.min_years, lv.id) for lv in taxonomy.seniority if lv.min_years is not None),
            reverse=True,
        )
        self._primary = {
            item.id: max(item.weights, key=lambda r: item.weights[r]) for item in taxonomy.evidence
        }
        self.kin = self._kin()
        self._entry_kinds = [(k, terms_regex(k.terms)) for k in self.cues.entry_kinds]
        facts = self.cues.facts
        self.facts = facts
        self._stated = terms_regex(facts.years_stated) if facts else None
        self._languages = terms_regex(facts.languages) if facts else None
        self._degrees = (
            [(level, terms_regex(words)) for level, words in facts.degrees.items()] if facts else []
        )
        # optional: work sentences written in plain words matched to activity statements
        self.semantic = semantic
        if semantic is not None:
            self._primary.update(semantic.primary_roles)

    # -- public -------------------------------------------------------------------------
    def read(
        self, text: str, *, today: date, redact: bool = False, id: str | None = None
    ) -> CvReading:
        """The reading of one CV; ``today`` closes "present" date ranges."""
        if not text.strip():
            raise EmptyInput("the CV has no text to read")
        redactions: dict[str, int] = {}
        if redact:
            text, redactions = redact_text(text)
        warnings: list[str] = []
        sections = self._sections(text)
        work_kinds: set[CvSectionKind] = set(self.cues.work_sections)
        if not any(s.kind in work_kinds for s in sections):
            # No job or project headings: read the whole CV as work, rather than nothing.
            work_kinds |= {"summary", "other"}
            warnings.append(
                "no experience or projects heading found: the whole CV was read as work"
            )
        lines = self._lines(text, sections)
        folded = fold(text)
        # an outcome statement shows work wherever it stands, the summary included
        outcomes, outcome_spans = self._outcomes(text, folded, lines, work_kinds | {"summary"})
        evidence, uses = self._evidence(text, folded, lines, outcome_spans, work_kinds)
        points = self._points(evidence)
        probs = softmax(points, self.cues.temperature)
        if self.semantic is not None and max(probs) < self.semantic.cues.open_below:
            found = self._semantic(text, lines, outcome_spans, work_kinds, evidence)
            if found:
                evidence += found
                points = self._points(evidence)
                probs = softmax(points, self.cues.temperature)
        order = sorted(range(len(self.roles)), key=lambda i: (-probs[i], i))
        if not evidence:
            warnings.append("no evidence items were found in the CV")
        # no verdict without evidence: the distribution stays, the role does not
        undetermined = undetermined_reason(
            text, evidence_points(e.contributions for e in evidence), self.cues.undetermined
        )
        top = UNDETERMINED if undetermined is not None else self.roles[order[0]]
        secondary = self.roles[order[0 if undetermined is not None else 1]] if order else None
        listed_role = self._listed_role(evidence)
        claims = self._claims(evidence, uses)
        unshown = [c.label for c in claims if not c.shown]
        work_items = sum(1 for u in uses.values() if u.in_work in ("shipped", "described"))
        stuffing, stuffing_reason = self._stuffing(claims, unshown, work_items)
        entries = self._entries(text, lines, work_kinds)
        years, early = _years(entries, today)
        if not entries:
            warnings.append("no dated jobs found: years of experience are unknown")
        seniority = self._seniority(years)
        stated = self._stated_years(text, sections)
        years_note = _years_note(stated, years, early)
        for o in outcomes:
            o.items = sorted({e.item for e in evidence if o.start <= e.start < o.end})
        return CvReading(
            id=id,
            role=top,
            confidence=round(probs[order[0]], 4),
            secondary=secondary,
            undetermined_reason=undetermined,
            scores={r: round(p, 4) for r, p in zip(self.roles, probs, strict=True)},
            points={r: round(p, 3) for r, p in zip(self.roles, points, strict=True)},
            listed_role=listed_role,
            sections=[
                CvSection(kind=s.section, heading=s.heading, start=s.start, end=s.end)
                for s in sections
            ],
            evidence=evidence,
            outcomes=outcomes,
            entries=entries,
            claims=claims,
            unshown_claims=unshown,
            keyword_stuffing=stuffing,
            keyword_stuffing_reason=stuffing_reason,
            years_experience=years,
            years_early_career=early,
            years_stated=stated,
            years_note=years_note,
            languages=self._spoken(text, sections),
            degrees=self._degrees_named(text, sections),
            seniority=seniority,
            seniority_basis="dates" if seniority is not None else "none",
            redacted=redact,
            redactions=redactions,
            warnings=warnings,
            taxonomy_version=self.taxonomy.version,
            scorer_version=CV_SCORER_VERSION,
        )

    def uses(self, reading: CvReading) -> dict[str, MentionUse]:
        """Each item's strongest use in a reading (what matching and career build on)."""
        best: dict[str, MentionUse] = {}
        for ev in reading.evidence:
            if ev.item not in best or USE_RANK[ev.use] > USE_RANK[best[ev.item]]:
                best[ev.item] = ev.use
        return best

    def primary_role(self, item_id: str) -> str | None:
        """The role an evidence item points to most."""
        return self._primary.get(item_id)

    def item(self, item_id: str) -> EvidenceItem | None:
        """The evidence item with this id, if the taxonomy has it."""
        return self.items.get(item_id)

    def _kin(self) -> dict[str, set[str]]:
        """Items that name the same thing in other words: one's alias holds the other's
        ("build rag pipelines" holds "rag pipelines"), and both point to the same role."""
        owner: dict[str, int] = {}
        for index, item in enumerate(self.matcher.items):
            for alias in item.alias_objects():
                owner.setdefault(" ".join(fold(alias.text).split()), index)
        kin: dict[str, set[str]] = defaultdict(set)
        for phrase, index in owner.items():
            words = phrase.split()
            if len(words) < 2:
                continue
            item_id = self.matcher.items[index].id
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    if j - i == len(words) or 2 * (j - i) < len(words):
                        continue  # the whole alias, or too small a part of it
                    other_index = owner.get(" ".join(words[i:j]))
                    if other_index is None or other_index == index:
                        continue
                    other = self.matcher.items[other_index].id
                    if self._primary[other] == self._primary[item_id]:
                        kin[item_id].add(other)
                        kin[other].add(item_id)
        return dict(kin)

    # -- sections -----------------------------------------------------------------------
    def kind_of(self, heading: str, *, whole: bool) -> CvSectionKind | None:
        """The CV section a heading names; ``whole`` asks the cue to be most of the line."""
        text = " ".join(fold(heading).replace("&", " ").replace(":", " ").split())
        if not text:
            return None
        for cue, kind in self._headings:
            pos = _find_word(text, cue)
            if pos >= 0 and (not whole or len(cue) * 2 >= len(text)):
                return kind
        return None

    def _sections(self, text: str) -> list[_Section]:
        return [
            _Section(kind, heading, start, end)
            for (kind, heading), start, end in segment.headed_sections(
                text, self._heading, _OPENING
            )
        ]

    def _heading(self, line: str) -> tuple[CvSectionKind, str] | None:
        """(kind, heading) when the line opens a known CV section; job titles do not."""
        stripped = line.strip()
        if not stripped or len(stripped) > 80:
            return None
        for pattern in (MD_HEADING, _BOLD_LINE, _COLON_LINE, _PLAIN_LINE):
            m = pattern.match(line)
            if m:
                title = m.group(1).strip(" *_:#")
                if len(title.split()) > 6:
                    return None
                kind = self.kind_of(title, whole=True)
                return (kind, title) if kind is not None else None
        return None

    def _lines(self, text: str, sections: list[_Section]) -> list[_Line]:
        out: list[_Line] = []
        si = 0
        for pos, end, raw in segment.lines(text):
            while sections[si].end <= pos and si + 1 < len(sections):
                si += 1
            section = sections[si].section
            line = raw.strip()
            listed = False
            if line:
                m = _LEAD_IN.match(raw)
                if m and self.kind_of(m.group(1), whole=True) == "skills":
                    listed = True
                    if section not in self.cues.work_sections:
                        section = "skills"
                elif m and fold(m.group(1)).strip() in _STACK_LEADS:
                    listed = True
                else:
                    listed = segment.is_bare_list(line)
            out.append(_Line(pos, end, section, listed))
        return out

    # -- outcomes and evidence ----------------------------------------------------------
    def _outcomes(
        self, text: str, folded: str, lines: list[_Line], work: set[CvSectionKind]
    ) -> tuple[list[Outcome], list[tuple[int, int]]]:
        """Outcome statements: clauses of work lines with a delivery verb and a number."""
        outcomes: list[Outcome] = []
        spans: list[tuple[int, int]] = []
        for line in lines:
            if line.section not in work or line.listed or line.end - line.start < 8:
                continue
            for sentence in segment.sentences(text, line.start, line.end, rule=CV_LINE):
                start, end = sentence.start, sentence.end
                verbs = [m.group(0) for m in self._verbs.finditer(folded[start:end])]
                metrics = [m.group(0).strip() for m in self._metric.finditer(text[start:end])]
                metrics = [m for m in metrics if not _is_year(m)]
                if verbs and metrics:
                    s, e = segment.trim(text, start, end, CV_CLAUSE.trim)
                    outcomes.append(
                        Outcome(text=text[s:e], start=s, end=e, verbs=verbs, metrics=metrics,
                                items=[])
                    )  # fmt: skip
                    spans.append((s, e))
        return outcomes, spans

    def _evidence(
        self,
        text: str,
        folded: str,
        lines: list[_Line],
        outcome_spans: list[tuple[int, int]],
        work: set[CvSectionKind],
    ) -> tuple[list[CvEvidence], dict[str, _ItemUse]]:
        line_starts = [ln.start for ln in lines]
        outcome_starts = [s for s, _ in outcome_spans]
        found: list[tuple[int, CvEvidence]] = []
        uses: dict[str, _ItemUse] = defaultdict(_ItemUse)
        weights = self.cues.use_weights
        for hit in self.matcher.find(text, folded):
            item = self.matcher.items[hit.item]
            if item.sections is not None and "responsibilities" not in item.sections:
                continue  # items that only count in a posting's title
            line = lines[max(0, bisect_right(line_starts, hit.start) - 1)]
            use: MentionUse
            k = bisect_right(outcome_starts, hit.start) - 1
            if k >= 0 and outcome_spans[k][0] <= hit.start < outcome_spans[k][1]:
                use = "shipped"
            elif line.section in work:
                use = "listed" if line.listed else "described"
            elif line.section == "skills" or line.listed:
                use = "listed"
            elif line.section in _STUDY_SECTIONS:
                use = "studied"
            else:
                use = "mentioned"
            record = uses[item.id]
            if record.best is None or USE_RANK[use] > USE_RANK[record.best]:
                record.best = use
            if (line.section in work or use == "shipped") and (
                record.in_work is None or USE_RANK[use] > USE_RANK[record.in_work]
            ):
                record.in_work = use
            found.append(
                (
                    hit.item,
                    CvEvidence(
                        item=item.id, label=item.label, kind=item.kind,
                        text=text[hit.start : hit.end], start=hit.start, end=hit.end,
                        section=line.section, use=use, factor=weights[use], contributions={},
                    ),
                )
            )  # fmt: skip
        attribute(found, self._weights, self.roles, self.cues.repeat_decay, self.cues.max_repeats)
        return [e for _, e in found], dict(uses)

    def _semantic(
        self,
        text: str,
        lines: list[_Line],
        outcome_spans: list[tuple[int, int]],
        work: set[CvSectionKind],
        evidence: list[CvEvidence],
    ) -> list[CvEvidence]:
        """Work sentences that read like an activity, as evidence of kind ``semantic``.

        Only prose lines of jobs and projects are embedded: not skills lists, not the heading
        line of a dated job (it names a title, not work). A sentence whose alias evidence is
        mainly about the matched role does not count again.
        """
        assert self.semantic is not None
        runs: list[tuple[int, int]] = []
        for line in lines:
            prose = line.section in work and not line.listed
            if prose and _RANGE.search(text, line.start, line.end) is None:
                if runs and runs[-1][1] == line.start:
                    runs[-1] = (runs[-1][0], line.end)
                else:
                    runs.append((line.start, line.end))
        sentences = [s for lo, hi in runs for s in self.semantic.sentences(text, lo, hi)]
        sentences = sentences[: self.semantic.cues.fit.max_cv_sentences]
        mentions = [(e.start, e.end, e.contributions) for e in evidence]
        exclude = [r or set() for r in self.semantic.alias_roles(sentences, mentions)]
        outcome_starts = [lo for lo, _ in outcome_spans]
        out: list[CvEvidence] = []
        line_starts = [ln.start for ln in lines]
        for m in self.semantic.counted(sentences, exclude):
            k = bisect_right(outcome_starts, m.sentence.start) - 1
            shipped = k >= 0 and outcome_spans[k][0] <= m.sentence.start < outcome_spans[k][1]
            use: MentionUse = "shipped" if shipped else "described"
            factor = self.cues.use_weights[use] * m.strength
            line = lines[max(0, bisect_right(line_starts, m.sentence.start) - 1)]
            out.append(
                CvEvidence(
                    item=ITEM_PREFIX + m.activity.id, label=m.activity.label, kind=SEMANTIC_KIND,
                    text=m.sentence.text, start=m.sentence.start, end=m.sentence.end,
                    section=line.section, use=use, factor=round(factor, 3),
                    contributions=self.semantic.points(m, factor),
                    similarity=m.similarity,
                )
            )  # fmt: skip
        return out

    def _points(self, evidence: list[CvEvidence]) -> list[float]:
        return role_points(
            (ev.contributions for ev in evidence),
            self._index,
            self.cues.saturation,
            self._specialisations,
            self._bias,
        )

    def _listed_role(self, evidence: list[CvEvidence]) -> str | None:
        totals: dict[str, float] = defaultdict(float)
        for ev in evidence:
            if ev.use == "listed":
                for role, w in self.items[ev.item].weights.items():
                    totals[role] += w
        positive = {r: v for r, v in totals.items() if v > 0}
        if not positive:
            return None
        return max(positive, key=lambda r: (positive[r], -self._index[r]))

    # -- claims -------------------------------------------------------------------------
    def _claims(self, evidence: list[CvEvidence], uses: dict[str, _ItemUse]) -> list[Claim]:
        kinds = set(self.cues.stuffing.kinds)
        claims: list[Claim] = []
        seen: set[str] = set()
        for ev in evidence:
            if ev.section != "skills" or ev.item in seen or ev.kind not in kinds:
                continue
            seen.add(ev.item)
            shown_as = uses[ev.item].in_work
            if shown_as is None:
                kin_uses: list[MentionUse] = [
                    u
                    for k in self.kin.get(ev.item, ())
                    if k in uses and (u := uses[k].in_work) is not None
                ]
                if kin_uses:
                    best: MentionUse = max(kin_uses, key=USE_RANK.__getitem__)
                    shown_as = best
            claims.append(
                Claim(item=ev.item, label=ev.label, shown=shown_as is not None, shown_as=shown_as)
            )
        return claims

    def _stuffing(
        self, claims: list[Claim], unshown: list[str], work_items: int
    ) -> tuple[bool, str | None]:
        rule = self.cues.stuffing
        if not claims or len(unshown) < rule.min_unshown:
            return False, None
        if len(unshown) / len(claims) < rule.min_share:
            return False, None
        if work_items >= rule.max_work_ratio * len(claims):
            return False, None  # the work shows plenty, just in other words
        named = ", ".join(unshown[:6]) + (", ..." if len(unshown) > 6 else "")
        return True, (
            f"the skills section claims {len(claims)} tools and techniques; {len(unshown)} of "
            f"them appear in no job or project ({named}), and the jobs and projects show only "
            f"{work_items} items in all"
        )

    # -- dates --------------------------------------------------------------------------
    def _entries(
        self, text: str, lines: list[_Line], work: set[CvSectionKind]
    ) -> list[ExperienceEntry]:
        entries: list[ExperienceEntry] = []
        previous = ""
        for line in lines:
            raw = text[line.start : line.end]
            if line.section in work:
                for m in _RANGE.finditer(raw):
                    start = _parse_date(m.group("start"), end=False)
                    end_word = m.group("end").lower()
                    end = None if end_word in _PRESENT else _parse_date(m.group("end"), end=True)
                    if start is None or (end is not None and end < start):
                        continue
                    heading = _entry_heading(raw, m.start(), m.end()) or previous
                    kind, weight = self._entry_kind(f"{previous}\n{heading}")
                    entries.append(
                        ExperienceEntry(
                            heading=heading[:160], section=line.section, kind=kind,
                            weight=weight,
                            start_date=f"{start[0]:04d}-{start[1]:02d}",
                            end_date=None if end is None else f"{end[0]:04d}-{end[1]:02d}",
                            months=0, start=line.start + m.start(), end=line.start + m.end(),
                        )
                    )  # fmt: skip
            stripped = raw.strip().strip("#*_ ").strip()
            if stripped:
                previous = stripped[:160]
        return entries

    def _entry_kind(self, heading: str) -> tuple[str, float]:
        """The kind of a dated entry from its heading line: professional unless it names one
        of ``cv.entry_kinds`` (an internship, a working-student job, ...)."""
        folded = " ".join(fold(heading).split())
        for kind, regex in self._entry_kinds:
            if regex.search(folded):
                return kind.id, kind.weight
        return "professional", 1.0

    def _stated_years(self, text: str, sections: list[_Section]) -> float | None:
        """The years of experience the CV's summary claims ("six years of experience")."""
        if self._stated is None:
            return None
        for sec in sections:
            if sec.kind != "summary":
                continue
            folded = fold(text[sec.start : sec.end])
            for m in _STATED.finditer(folded):
                after = folded[m.end() : m.end() + 40]
                if self._stated.search(after) and not after.lstrip().startswith(("old", "ago")):
                    n = m.group("n")
                    value = _NUMBER_WORDS.get(n)
                    return float(value if value is not None else n)
        return None

    def _spoken(self, text: str, sections: list[_Section]) -> list[LanguageSkill]:
        """Spoken languages the CV names outside its jobs, each with a CEFR level if given."""
        if self._languages is None or self.facts is None:
            return []
        out: list[LanguageSkill] = []
        seen: set[str] = set()
        for sec in sections:
            if sec.kind in ("experience", "projects"):
                continue
            for lo, hi in segment.clauses(text, sec.start, sec.end, CV_CLAUSE):
                clause = text[lo:hi]
                folded = " ".join(fold(clause).split())
                for m in self._languages.finditer(folded):
                    name = m.group(0)
                    if name in seen:
                        continue
                    # the level is the words right after the name ("German (C1)", "German:
                    # native") or right before it ("fluent English")
                    around = folded[max(0, m.start() - 25) : m.end() + 30]
                    level = level_of(around, self.facts.level_words)
                    if level is None and sec.kind != "languages":
                        continue  # "German" in a job line names a market, not a skill
                    seen.add(name)
                    out.append(LanguageSkill(language=name, level=level, text=_clip160(clause)))
        return out

    def _degrees_named(self, text: str, sections: list[_Section]) -> list[Degree]:
        """Degrees the education section names, highest first."""
        out: list[Degree] = []
        for sec in sections:
            if sec.kind not in _STUDY_SECTIONS:
                continue
            for lo, hi in segment.clauses(text, sec.start, sec.end, CV_CLAUSE):
                folded = " ".join(fold(text[lo:hi]).split())
                for level, regex in self._degrees:
                    if regex.search(folded):
                        out.append(Degree(level=level, text=_clip160(text[lo:hi])))
                        break
        rank = {"phd": 0, "master": 1, "bachelor": 2}
        return sorted(out, key=lambda d: rank[d.level])

    def _seniority(self, years: float | None) -> str | None:
        if years is None:
            return None
        for min_years, lid in self._years:
            if years >= min_years:
                return lid
        return None


@dataclass(frozen=True, slots=True)
class _Section:
    section: CvSectionKind
    heading: str | None
    start: int
    end: int

    @property
    def kind(self) -> CvSectionKind:
        return self.section


#: What a CV opens with before its first heading.
_OPENING: tuple[CvSectionKind, str | None] = ("summary", None)
_PRESENT = {"present", "now", "current", "today", "ongoing", "date"}
_STACK_LEADS = {"stack", "tech", "tech stack", "tools", "technologies", "tools used", "built with",
                "environment", "technologies used", "skills used", "keywords"}  # fmt: skip


def _find_word(text: str, cue: str) -> int:
    """Where ``cue`` occurs in ``text`` on word boundaries, or -1."""
    start = text.find(cue)
    while start >= 0:
        end = start + len(cue)
        if is_whole_word(text, start, end):
            return start
        start = text.find(cue, start + 1)
    return -1


def _is_year(metric: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", metric.strip()))


def _parse_date(raw: str, *, end: bool) -> tuple[int, int] | None:
    """(year, month) of a CV date; a bare year is January (its start, or its end's start)."""
    raw = raw.strip().lower().replace(".", "")
    m = re.fullmatch(r"(0?[1-9]|1[0-2])\s*/\s*(\d{4})", raw)
    if m:
        return int(m.group(2)), int(m.group(1))
    m = re.fullmatch(r"([a-z]+)\s+(\d{4})", raw)
    if m:
        month = _MONTHS.get(m.group(1)[:3])
        return (int(m.group(2)), month) if month else None
    if re.fullmatch(r"\d{4}", raw):
        return int(raw), 1
    return None


def _entry_heading(line: str, start: int, end: int) -> str:
    """The line around a date range, without the range and its brackets or separators."""
    rest = (line[:start] + " " + line[end:]).strip()
    rest = re.sub(r"[()\[\]|·•*_#]+", " ", rest)
    rest = re.sub(r"\s*[-–—,]\s*$", "", " ".join(rest.split()))
    rest = re.sub(r"^\s*[-–—,]\s*", "", rest)
    return rest.strip()


def _years(entries: list[ExperienceEntry], today: date) -> tuple[float | None, float | None]:
    """(years of experience, years of early-career entries) from the dated entries; fills
    each ``months``.

    Professional months count once however many jobs overlap them; a month covered only by
    early-career entries (internship, working student, ...) counts at the highest weight
    among them, and all such months are also returned apart.
    """
    if not entries:
        return None, None
    now = today.year * 12 + today.month - 1
    professional: set[int] = set()
    early: dict[int, float] = {}
    for e in entries:
        y, m = map(int, e.start_date.split("-"))
        start = y * 12 + m - 1
        if e.end_date is None:
            end = now
        else:
            ey, em = map(int, e.end_date.split("-"))
            end = ey * 12 + em - 1
            if e.end_date.endswith("-01") and e.start_date[:4] == e.end_date[:4]:
                end += 11  # "2021 - 2021": the year itself
        end = min(end, now)
        e.months = max(0, end - start)
        months = range(start, end)
        if e.kind == "professional":
            professional.update(months)
        else:
            for month in months:
                early[month] = max(early.get(month, 0.0), e.weight)
    early = {m: w for m, w in early.items() if m not in professional}
    total = len(professional) + sum(early.values())
    return round(total / 12, 1), (round(len(early) / 12, 1) if early else None)


def _years_note(stated: float | None, years: float | None, early: float | None) -> str | None:
    """A note when the CV's own years and the dated entries differ by a year or more."""
    apart = f"; {early:g} years of internships or student jobs are shown apart" if early else ""
    if stated is None or years is None:
        return None
    if abs(stated - years) < 1.0:
        return None
    return f"the CV states {stated:g} years; its dated jobs give {years:g}{apart}"


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20,
}  # fmt: skip
_STATED = re.compile(
    r"(?<![a-z0-9.])(?P<n>\d{1,2}(?:\.\d)?|"
    + "|".join(_NUMBER_WORDS)
    + r")\s*+\+?\s*+(?:years?|yrs)\b"
)
_CEFR = re.compile(r"(?<![a-z0-9])([abc][12])(?![a-z0-9])")


def level_of(around: str, words: Mapping[str, CEFR]) -> CEFR | None:
    """The CEFR level stated next to a language name in folded text, if any: a code ("c1")
    first, else the longest level word ("business fluent" before "fluent")."""
    m = _CEFR.search(around)
    if m:
        return cast("CEFR", m.group(1).upper())
    best: tuple[int, CEFR] | None = None
    for word, level in words.items():
        w = " ".join(fold(word).split())
        if len(w) == 2 and w[0] in "abc":
            continue
        found = re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", around)
        if found and (best is None or len(w) > best[0]):
            best = (len(w), level)
    return best[1] if best else None


def _clip160(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:159].rstrip() + "…"
