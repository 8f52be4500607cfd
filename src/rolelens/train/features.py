"""Labelled postings as mention records the fitter can re-weigh without reading again.

Pure Python, no numpy: reading a posting once gives every mention's item, section and
flags; the fitter then recomputes each item's amount (section factor × flags × repeat
decay) for any setting of the scorer's numbers, as the reader itself would.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.models import ScoringSettings

if TYPE_CHECKING:
    from rolelens.batch import Row


@dataclass(frozen=True, slots=True)
class Mention:
    """One counted mention: which item, where, and the flags that set its factor."""

    item: str
    section: str
    preferred: bool  # preferred outside a nice-to-have section: × preferred_weight
    listed: bool  # in a bare keyword list: × listed_weight
    company: bool  # a company clause in a summary / other section: × company_clause_weight
    lead: bool  # one of the responsibilities section's first mentions: × lead_weight
    fixed: float  # every multiplier the fit leaves alone (worked_with)


@dataclass(frozen=True, slots=True)
class LabelledPosting:
    """A labelled posting as the fitter sees it."""

    id: str | None
    label: str
    alternatives: tuple[str, ...]
    group: str  # what cross-validation keeps together (the company)
    confidence: str | None
    title_role: str | None  # what the reader reads from the title (None or 'ambiguous')
    mentions: tuple[Mention, ...]
    source: str = ""  # the labelled file it came from
    words: tuple[tuple[str, float], ...] = ()  # the word layer's bag (word, value)


def labelled_postings(
    reader: PostingReader, rows: Sequence[Row], source: str = ""
) -> list[LabelledPosting]:
    """Read each labelled row once and keep what the fitter needs."""
    scoring = reader.taxonomy.scoring
    out = []
    for index, row in enumerate(rows):
        reading = reader.read(row.text, title=row.title, id=row.id, company=row.company)
        confidence = row.extra.get("confidence")
        out.append(
            LabelledPosting(
                id=row.id,
                label=str(row.extra["label"]),
                alternatives=tuple(row.extra.get("acceptable_alternatives") or ()),
                group=group_of(row.company, row.id, f"{source}:{index}"),
                confidence=confidence if isinstance(confidence, str) else None,
                title_role=reading.title_role,
                mentions=mentions_of(reading, scoring),
                source=source,
                words=tuple(reader.word_bag(row.text, reading.evidence).items()),
            )
        )
    return out


def mentions_of(reading: Reading, scoring: ScoringSettings) -> tuple[Mention, ...]:
    """The alias mentions a reading counted, with the flags its factors came from.

    The reader stores each mention's factor, section, level and flags; whether a company
    clause lowered it is what remains of the factor once the rest is divided out.
    Negated mentions count for nothing whatever the numbers, so they are left out; so is
    semantic evidence (its weights are not item weights).
    """
    out: list[Mention] = []
    for ev in reading.evidence:
        if ev.negated or ev.similarity is not None or ev.factor <= 0:
            continue
        section = ev.section
        preferred = ev.level == "preferred" and section not in ("nice_to_have", "title")
        base = scoring.section_weights.get(section, 0.7)
        if base <= 0:
            continue  # a section that does not vote: no number can make it
        if preferred:
            base *= scoring.preferred_weight
        if ev.listed:
            base *= scoring.listed_weight
        if ev.lead:
            base *= scoring.lead_weight
        rest = ev.factor / base
        company = False
        cw = scoring.company_clause_weight
        if section in ("summary", "other") and cw != 1.0 and abs(rest - cw) < abs(rest - 1.0):
            company = True
            rest /= cw
        out.append(
            Mention(ev.item, section, preferred, ev.listed, company, ev.lead, round(rest, 3))
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Factors:
    """The scorer's mention-level numbers (a subset of :class:`ScoringSettings`)."""

    section_weights: Mapping[str, float]
    preferred_weight: float
    listed_weight: float
    company_clause_weight: float
    lead_weight: float
    repeat_decay: float
    max_repeats: int

    @classmethod
    def of(cls, scoring: ScoringSettings) -> Factors:
        return cls(
            {str(k): w for k, w in scoring.section_weights.items()},
            scoring.preferred_weight,
            scoring.listed_weight,
            scoring.company_clause_weight,
            scoring.lead_weight,
            scoring.repeat_decay,
            scoring.max_repeats,
        )

    def factor(self, m: Mention) -> float:
        """What one mention counts before role weights, as the reader computes it."""
        f = self.section_weights.get(m.section, 0.7)
        if m.preferred:
            f *= self.preferred_weight
        if m.listed:
            f *= self.listed_weight
        if m.company:
            f *= self.company_clause_weight
        if m.lead:
            f *= self.lead_weight
        return round(f * m.fixed, 3)


def item_amounts(mentions: Iterable[Mention], factors: Factors) -> dict[str, float]:
    """Each item's summed amount: its mentions' factors, strongest first, each repeat
    decayed, mentions past ``max_repeats`` dropped (the reader's ``attribute``)."""
    by_item: dict[str, list[float]] = defaultdict(list)
    for m in mentions:
        by_item[m.item].append(factors.factor(m))
    out: dict[str, float] = {}
    for item, fs in by_item.items():
        fs.sort(reverse=True)
        total = sum(
            f * factors.repeat_decay**rank for rank, f in enumerate(fs[: factors.max_repeats])
        )
        if total:
            out[item] = total
    return out


def group_of(company: object, row_id: str | None, index: int | str) -> str:
    """The cross-validation group of a row: its company, folded; a row without one is its
    own group."""
    if isinstance(company, str) and company.strip():
        return " ".join(company.lower().split())
    return f"~row:{row_id if row_id is not None else index}"


_FITTED_FIELDS = (
    "id",
    "title",
    "company",
    "description",
    "label",
    "acceptable_alternatives",
    "confidence",
)


def content_sha256(rows: Sequence[Mapping[str, object]]) -> str:
    """The sha256 of labelled rows as canonical JSON lines of everything a fit reads (id,
    title, company, description, label, acceptable alternatives, confidence: the company
    groups the folds, the confidence weighs the row), in order: what a fit's provenance
    records as 'fitted on'."""
    digest = hashlib.sha256()
    for row in rows:
        line = json.dumps(
            [row.get(k) for k in _FITTED_FIELDS],
            ensure_ascii=False,
            sort_keys=True,
        )
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
