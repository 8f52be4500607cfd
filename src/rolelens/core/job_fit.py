"""The job fit of a CV to a posting: each requirement covered, partly covered or missing; fit.

Pure: a :class:`FitMatcher` holds a posting reader and a CV reader over one taxonomy. The
posting's requirement lines are the lines of its duties, requirements and nice-to-have
sections that name at least one evidence item (the posting reader decides required vs
preferred and drops negated mentions). Each item is credited by the CV's strongest use
of it (shipped > described > listed > mentioned > only related work > absent); a line's
score is the mean over its items. The fit score blends requirement coverage with how
well the CV's *work* aligns with the posting's role, so a CV of LLM integration against
a posting of model training stays a weak fit whatever keywords they share.

With a :class:`~rolelens.core.semantic.SemanticMatcher` (``semantic=``), a requirement line
the CV does not fully cover by name is also compared with the sentences of the CV's work
sections: the closest one can lift the line (``semantic.fit`` in the taxonomy) and is quoted
with its similarity, so "answered customer questions from our help articles" meets "build
RAG over the support knowledge base".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date
from typing import TYPE_CHECKING, Literal

from rolelens.core.cv import CV_SCORER_VERSION, USE_RANK, CvReader
from rolelens.core.cv_facts import FactJudge
from rolelens.core.cv_models import (
    Alignment,
    Coverage,
    CvReading,
    FitReport,
    Probe,
    RequirementKind,
    RequirementMatch,
    SimilarWork,
)
from rolelens.core.models import Evidence, Reading
from rolelens.core.reader import PostingReader
from rolelens.core.reader import years_required as posting_years
from rolelens.core.redact import redact as redact_text
from rolelens.core.text import fold
from rolelens.core.text.segment import lines as text_lines
from rolelens.core.verdicts import UNDETERMINED
from rolelens.errors import EmptyInput
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.cv import FitBandId, MentionUse

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher

_SKIP_SECTIONS = {"title", "about_company", "benefits"}
_REQUIREMENT_SECTIONS = {"responsibilities", "requirements", "nice_to_have"}
_QUOTE = 180


class FitMatcher:
    """Matches CVs to postings with one taxonomy; build once, call :meth:`match` many times."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        posting_reader: PostingReader | None = None,
        cv_reader: CvReader | None = None,
        semantic: SemanticMatcher | None = None,
    ) -> None:
        self.cv_reader = cv_reader or CvReader(taxonomy, semantic=semantic)
        self.posting_reader = posting_reader or PostingReader(taxonomy, semantic=semantic)
        self.taxonomy = taxonomy
        self.semantic = semantic  # optional: requirement lines met by CV sentences in other words
        self.cues = self.cv_reader.cues
        self._adjacent = {frozenset(p) for p in self.cues.adjacent_roles if len(p) == 2}
        self.facts = FactJudge(self.cues.facts) if self.cues.facts is not None else None
        self._preferred = _phrases(taxonomy.reading.preferred_cues)

    def match(
        self,
        cv_text: str,
        posting_text: str,
        *,
        today: date,
        posting_title: str | None = None,
        redact: bool = False,
        id: str | None = None,
    ) -> FitReport:
        """How well the CV fits the posting, requirement by requirement."""
        if not posting_text.strip():
            raise EmptyInput("the posting has no text to read")
        if not cv_text.strip():
            raise EmptyInput("the CV has no text to read")
        counts: dict[str, int] = {}
        if redact:
            cv_text, counts = redact_text(cv_text)
        cv = self.cv_reader.read(cv_text, today=today)
        if redact:
            cv = cv.model_copy(update={"redacted": True, "redactions": counts})
        posting = self.posting_reader.read(posting_text, title=posting_title)
        return self.compare(cv, cv_text, posting, posting_text, id=id)

    def compare(
        self,
        cv: CvReading,
        cv_text: str,
        posting: Reading,
        posting_text: str,
        *,
        id: str | None = None,
    ) -> FitReport:
        """The fit report from a CV reading and a posting reading (and both texts, to quote)."""
        fit = self.cues.fit
        uses = self.cv_reader.uses(cv)
        quotes = _quotes(cv, cv_text)
        # the family each shown item stands for (same main role and kind, or same group),
        # and the first CV item that shows it
        shown_roles: dict[tuple[str | None, str], str] = {}
        shown_groups: dict[str, str] = {}
        for e in cv.evidence:
            if e.use not in ("shipped", "described"):
                continue
            shown_roles.setdefault((self.cv_reader.primary_role(e.item), e.kind), e.item)
            group = getattr(self.cv_reader.item(e.item), "group", None)
            if group:
                shown_groups.setdefault(group, e.item)
        requirements: list[RequirementMatch] = []
        asked: dict[str, str] = {}  # item -> level ("required" wins)
        gaps: list[str] = []
        for (start, end), level, section, mentions in self._lines(posting, posting_text):
            if len(requirements) >= fit.max_requirements:
                break
            line = posting_text[start:end]
            text = _clip(line.strip(" \t-*•#"))
            fact = self.facts.kind(line) if self.facts is not None else None
            if fact == "location" and any(m.kind != "domain" for m in mentions):
                fact = None  # "travel to customer sites for discovery": the work is the ask
            # a fact line is judged as a fact; a role's name on it ("5+ years as an ML
            # engineer") is not a skill to show
            skill_mentions = [m for m in mentions if fact is None or m.kind != "domain"]
            if fact is not None and fact != "years":
                skill_mentions = []
            items: list[str] = []
            for ev in skill_mentions:
                if ev.item not in items:
                    items.append(ev.item)
            credits: list[float] = []
            words: list[str] = []
            missing: list[str] = []
            for item_id in items:
                credit, how, via = self._credit(item_id, uses, shown_roles, shown_groups)
                credits.append(credit)
                label = next(ev.label for ev in skill_mentions if ev.item == item_id)
                quoted = [item_id, *sorted(self.cv_reader.kin.get(item_id, ()))]
                if how not in ("related", "absent"):
                    own = quotes.get(item_id) or [
                        q for k in quoted if k in quotes for q in quotes[k]
                    ]
                    q = _closest(own, line)
                    if q is not None and q not in words:
                        words.append(q)
                elif how == "related" and via in quotes:
                    # only the family is shown: say so, with the words that show it
                    q = _closest(quotes[via], line)
                    if q is not None and q not in words:
                        words.append(f"related work only: {q}")
                if how in ("related", "absent"):
                    missing.append(label)
                    if level == "required" and label not in gaps:
                        gaps.append(label)
                if asked.get(item_id) != "required":
                    asked[item_id] = level
            kind: RequirementKind = "skills"
            note: str | None = None
            score = sum(credits) / len(credits) if credits else 0.0
            status: Coverage = self._status(score)
            if fact is not None and self.facts is not None:
                verdict = self.facts.judge(fact, line, cv, cv_text)
                kind, note = fact, verdict.note
                words = [*verdict.evidence, *words]
                # a line asking for years and skills is as covered as the weaker of the two
                score = min(verdict.score, score) if credits else verdict.score
                status = "cannot_tell" if verdict.status == "cannot_tell" else self._status(score)
            elif not items:
                kind, status = "other", "cannot_tell"
                note = "the line names no skill, tool or fact rolelens knows to check"
            requirements.append(
                RequirementMatch(
                    text=text,
                    level=level,
                    section=section,
                    kind=kind,
                    items=items,
                    status=status,
                    score=round(score, 3),
                    evidence=words[:3],
                    missing=missing,
                    note=note,
                )
            )
        if self.semantic is not None:
            requirements = self._in_other_words(requirements, cv, cv_text)
            # a required label is no gap when its line is covered in other words
            gaps = list(
                dict.fromkeys(
                    label
                    for r in requirements
                    if r.level == "required" and not (r.similar and r.status == "covered")
                    for label in r.missing
                )
            )
        weights = {"required": fit.required_weight, "preferred": fit.preferred_weight}
        # a line a CV cannot settle does not count; years are checked by their own penalty
        counted = [r for r in requirements if r.status != "cannot_tell" and r.kind != "years"]
        total = sum(weights[r.level] for r in counted)
        coverage = sum(weights[r.level] * r.score for r in counted) / total if total > 0 else 0.0
        alignment, reason = self._alignment(cv, posting)
        years_required = posting_years(posting_text)
        penalties: dict[str, float] = {}
        if cv.keyword_stuffing:
            penalties["keyword_stuffing"] = fit.stuffing_penalty
        if (
            years_required is not None
            and cv.years_experience is not None
            and cv.years_experience + 0.5 < years_required
        ):
            short = (years_required - cv.years_experience) / years_required
            penalties["years"] = round(fit.years_penalty * min(1.0, 2 * short), 3)
        unmet = sum(
            r.level == "required"
            and r.kind in ("language", "degree", "certification")
            and r.status == "missing"
            for r in requirements
        )
        if unmet and fit.fact_penalty > 0:
            penalties["missing_facts"] = round(fit.fact_penalty * min(unmet, 2), 3)
        raw = (
            fit.coverage_share * coverage
            + (1 - fit.coverage_share)
            * (0.0 if alignment == "undetermined" else fit.alignment[alignment])
            - sum(penalties.values())
        )
        score = round(min(1.0, max(0.0, raw)), 3)
        band_id: FitBandId | Literal["undetermined"]
        if alignment == "undetermined":
            # no verdict without evidence on both sides: the rows stay, the band does not
            band_id, label = "undetermined", "cannot tell"
        else:
            band = next(b for b in fit.bands if score >= b.min)
            band_id, label = band.id, band.label
        return FitReport(
            id=id,
            fit_score=score,
            fit_band=band_id,
            fit_label=label,
            coverage=round(coverage, 3),
            alignment=alignment,
            alignment_reason=reason,
            cv_role=cv.role,
            posting_role=posting.role,
            posting_title=posting.title.text or None,
            requirements=requirements,
            covered=sum(r.status == "covered" for r in requirements),
            partly=sum(r.status == "partly" for r in requirements),
            missing=sum(r.status == "missing" for r in requirements),
            cannot_tell=sum(r.status == "cannot_tell" for r in requirements),
            gaps=gaps,
            probes=self._probes(cv, asked, uses, gaps, requirements),
            keyword_stuffing=cv.keyword_stuffing,
            years_experience=cv.years_experience,
            years_required=years_required,
            penalties=penalties,
            cv=cv,
            taxonomy_version=self.taxonomy.version,
            scorer_version=CV_SCORER_VERSION,
        )

    # -- parts --------------------------------------------------------------------------
    def _status(self, score: float) -> Coverage:
        fit = self.cues.fit
        if score >= fit.covered_min:
            return "covered"
        return "partly" if score >= fit.partly_min else "missing"

    def _in_other_words(
        self, requirements: list[RequirementMatch], cv: CvReading, cv_text: str
    ) -> list[RequirementMatch]:
        """Requirement lines lifted by the CV sentence closest to them, when close enough."""
        assert self.semantic is not None
        cues = self.semantic.cues.fit
        # facts (languages, degrees, work permits, ...) are stated or not: no paraphrase
        # settles them; a line naming no known item may still be met in other words
        open_lines = [
            i
            for i, r in enumerate(requirements)
            if r.status != "covered" and r.kind in ("skills", "other")
        ]
        wanted = set(cues.cv_sections)
        # a job's heading line ("ML Engineer, Acme — 2020 – present") names a title, not work
        headings = [_line_around(cv_text, e.start, e.end) for e in cv.entries]
        sentences = [
            s.text
            for sec in cv.sections
            if sec.kind in wanted
            for s in self.semantic.sentences(cv_text, sec.start, sec.end)
            if not any(lo <= s.start < hi for lo, hi in headings)
        ][: cues.max_cv_sentences]
        if not open_lines or not sentences:
            return requirements
        out = list(requirements)
        closest = self.semantic.closest([requirements[i].text for i in open_lines], sentences)
        for i, (j, sim) in zip(open_lines, closest, strict=True):
            if j < 0 or sim < cues.threshold:
                continue
            ramp = min(1.0, (sim - cues.threshold) / max(cues.full - cues.threshold, 1e-6))
            lifted = cues.credit * (0.5 + 0.5 * ramp)
            r = out[i]
            if lifted <= r.score:
                continue
            out[i] = r.model_copy(
                update={
                    "score": round(lifted, 3),
                    "status": self._status(lifted),
                    "similar": SimilarWork(text=_clip(sentences[j]), similarity=sim),
                    "note": None if r.kind == "other" else r.note,
                }
            )
        return out

    def _credit(
        self,
        item_id: str,
        uses: dict[str, MentionUse],
        shown_roles: dict[tuple[str | None, str], str],
        shown_groups: dict[str, str],
    ) -> tuple[float, MentionUse | str, str | None]:
        """(credit, how, the CV item that earned it) for one requirement item."""
        credit = self.cues.fit.credit
        use = uses.get(item_id)
        if use is not None:
            return credit[use], use, item_id
        kin = [(uses[k], k) for k in sorted(self.cv_reader.kin.get(item_id, ())) if k in uses]
        if kin:
            best, via = max(kin, key=lambda p: USE_RANK[p[0]])
            return credit[best] * self.cues.fit.kin_share, best, via
        item = self.cv_reader.item(item_id)
        if item is not None:
            family = shown_roles.get((self.cv_reader.primary_role(item_id), item.kind))
            if item.group and item.group in shown_groups:
                return credit["related"], "related", shown_groups[item.group]
            if family is not None:
                return credit["related"], "related", family
        return credit["absent"], "absent", None

    def _alignment(self, cv: CvReading, posting: Reading) -> tuple[Alignment, str]:
        name = {r.id: r.name for r in self.taxonomy.roles}
        cv_role, post_role = cv.role, posting.role
        if UNDETERMINED in (cv_role, post_role):
            why = [
                f"the {side} holds too little evidence ({reason})"
                for side, reason in (
                    ("CV", cv.undetermined_reason), ("posting", posting.undetermined_reason)
                )
                if reason is not None
            ]  # fmt: skip
            return "undetermined", "cannot tell: " + "; ".join(why)
        share = cv.scores.get(post_role, 0.0)
        cv_work = _top_labels(
            [(e.label, max(e.contributions.values(), default=0.0)) for e in cv.evidence
             if e.use in ("shipped", "described") and e.contributions.get(cv_role, 0) > 0]
        )  # fmt: skip
        post_work = _top_labels(
            [(e.label, e.contributions.get(post_role, 0.0)) for e in posting.evidence
             if e.contributions.get(post_role, 0) > 0]
        )  # fmt: skip
        cv_part = f"the CV's work reads as {name[cv_role]}" + (f" ({cv_work})" if cv_work else "")
        post_part = f"the posting's work is {name[post_role]}" + (
            f" ({post_work})" if post_work else ""
        )
        fit = self.cues.fit
        work_points = sum(
            e.contributions.get(post_role, 0.0)
            for e in cv.evidence
            if e.use in ("shipped", "described")
        )
        if cv_role == post_role or share >= 0.35:
            if work_points < fit.min_work_points:
                return "adjacent", (
                    f"{cv_part}; {post_part}: but no job or project shows that work "
                    f"({work_points:.1f} points from work)"
                )
            missing_side = self._hybrid_side_missing(cv, posting)
            if missing_side is not None:
                return "adjacent", (
                    f"{cv_part}; {post_part}: the posting needs {missing_side} as well, "
                    "which the CV's work does not show"
                )
            return "aligned", f"{cv_part}; {post_part}"
        hybrid_side = posting.hybrid and any(
            cv_role in members for members in self.taxonomy.scoring.hybrid_groups.values()
        )
        if frozenset((cv_role, post_role)) in self._adjacent or share >= 0.15 or hybrid_side:
            return "adjacent", f"{cv_part}; {post_part}: close enough to grow into"
        return "mismatch", f"{cv_part}; {post_part}: a different job, whatever words they share"

    def _lines(
        self, posting: Reading, text: str
    ) -> list[tuple[tuple[int, int], Literal["required", "preferred"], str, list[Evidence]]]:
        """Every line of the posting's duties, requirements and nice-to-have sections, in
        order, with the evidence it names (lines naming none are kept: a language, a degree,
        a work permit is asked there too)."""
        lines = _requirement_lines(posting, text)
        named = {line[0][0]: line for line in lines}
        out: list[
            tuple[tuple[int, int], Literal["required", "preferred"], str, list[Evidence]]
        ] = []
        seen: set[int] = set()
        for sec in self.posting_reader.splitter.split(text):
            if sec.kind not in _REQUIREMENT_SECTIONS:
                continue
            for start, _, raw in text_lines(text[sec.start : sec.end]):
                lo = sec.start + start
                hi = lo + len(raw.rstrip("\r\n"))
                body = raw.strip(" \t-*•#_:\r\n")
                if len(body) < 3 or (sec.heading and fold(body) == fold(sec.heading).strip()):
                    continue
                seen.add(lo)
                if lo in named:
                    out.append(named[lo])
                    continue
                preferred = sec.kind == "nice_to_have" or self._preferred.search(fold(body))
                level: Literal["required", "preferred"] = "preferred" if preferred else "required"
                out.append(((lo, hi), level, sec.kind, []))
        # lines with evidence outside those sections (a summary that asks for skills) stay
        out += [line for line in lines if line[0][0] not in seen]
        return sorted(out, key=lambda r: r[0])

    def _hybrid_side_missing(self, cv: CvReading, posting: Reading) -> str | None:
        """For a hybrid posting, the side (hybrid group) the CV's work barely touches."""
        if not posting.hybrid:
            return None
        for group, members in self.taxonomy.scoring.hybrid_groups.items():
            if sum(cv.scores.get(r, 0.0) for r in members) < self.cues.fit.hybrid_min_share:
                return group.replace("_", " ")
        return None

    def _probes(
        self,
        cv: CvReading,
        asked: dict[str, str],
        uses: dict[str, MentionUse],
        gaps: list[str],
        requirements: list[RequirementMatch],
    ) -> list[Probe]:
        fit = self.cues.fit
        unshown = [c for c in cv.claims if not c.shown]
        # the claims the posting asks for first, then the rest in CV order
        unshown.sort(key=lambda c: (0 if asked.get(c.item) == "required" else
                                    1 if c.item in asked else 2))  # fmt: skip
        probes = [
            Probe(item=c.item, label=c.label, reason="unshown_claim",
                  question=fit.probe_template.format(label=c.label).strip())
            for c in unshown
        ][: fit.max_probes]  # fmt: skip
        seen = {p.item for p in probes}
        for req in requirements:
            if len(probes) >= fit.max_probes:
                break
            if req.level != "required" or req.status != "missing":
                continue
            for item_id in req.items:
                item = self.cv_reader.item(item_id)
                if item is None or item_id in seen or item_id in uses or item.label not in gaps:
                    continue
                seen.add(item_id)
                probes.append(
                    Probe(item=item_id, label=item.label, reason="missing_requirement",
                          question=fit.missing_probe_template.format(label=item.label).strip())
                )  # fmt: skip
                break
        return probes[: fit.max_probes]


def _requirement_lines(
    posting: Reading, text: str
) -> list[tuple[tuple[int, int], Literal["required", "preferred"], str, list[Evidence]]]:
    """The posting's lines that ask for something: (span, level, section, mentions)."""
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    by_line: dict[int, list[Evidence]] = {}
    for ev in posting.evidence:
        # semantic evidence names an activity, not something a CV can list: not a requirement
        if ev.section in _SKIP_SECTIONS or ev.negated or ev.level == "context":
            continue
        if ev.similarity is not None:
            continue
        if ev.factor <= 0:
            continue
        line = bisect_right(starts, ev.start) - 1
        by_line.setdefault(line, []).append(ev)
    out: list[tuple[tuple[int, int], Literal["required", "preferred"], str, list[Evidence]]] = []
    for line in sorted(by_line):
        mentions = by_line[line]
        start = starts[line]
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        level: Literal["required", "preferred"] = (
            "required" if any(e.level == "required" for e in mentions) else "preferred"
        )
        out.append(((start, end), level, mentions[0].section, mentions))
    return out


def _phrases(terms: list[str]) -> re.Pattern[str]:
    """One regex for cue phrases over folded text, on word boundaries."""
    parts = [re.escape(" ".join(fold(t).split())).replace(r"\ ", r"\s+") for t in terms]
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole line(s) holding ``text[start:end]``."""
    stop = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if stop < 0 else stop


def _quotes(cv: CvReading, text: str) -> dict[str, list[str]]:
    """Per item, the CV's words that show it: outcome statements first, then work lines."""
    outcome_at = [(o.start, o.end, o.text) for o in cv.outcomes]
    best: dict[str, list[tuple[int, str]]] = {}
    for ev in cv.evidence:
        quote = None
        if ev.use == "shipped":
            quote = next((t for s, e, t in outcome_at if s <= ev.start < e), None)
        if quote is None:
            ls, le = _line_around(text, ev.start, ev.end)
            line = text[ls:le].strip(" \t-*•#")
            quote = line if ev.use != "listed" else f"listed: {ev.text}"
        best.setdefault(ev.item, []).append((-USE_RANK[ev.use], _clip(quote)))
    return {k: [q for _, q in sorted(v, key=lambda x: x[0])] for k, v in best.items()}


def _closest(candidates: list[str], line: str) -> str | None:
    """Of an item's quotes (strongest use first), the one of the strongest use that shares
    most words with the requirement line."""
    if not candidates:
        return None
    want = set(re.findall(r"[a-z]{3,}", fold(line)))
    best = candidates[0]
    best_overlap = len(want & set(re.findall(r"[a-z]{3,}", fold(best))))
    for q in candidates[1:]:
        if q.startswith("listed: ") and not best.startswith("listed: "):
            break  # a weaker use
        overlap = len(want & set(re.findall(r"[a-z]{3,}", fold(q))))
        if overlap > best_overlap:
            best, best_overlap = q, overlap
    return best


def _top_labels(pairs: list[tuple[str, float]], n: int = 3) -> str:
    labels: list[str] = []
    for label, _ in sorted(pairs, key=lambda p: -p[1]):
        if label not in labels:
            labels.append(label)
        if len(labels) == n:
            break
    return ", ".join(labels)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1].rstrip() + "…"
