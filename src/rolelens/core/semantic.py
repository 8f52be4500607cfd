"""Semantic matching: sentences → the taxonomy's activity statements, as evidence.

Pure: a :class:`SemanticMatcher` takes a taxonomy (its ``semantic:`` block) and a
:class:`~rolelens.core.embedding.TextEmbedder` (a backend's embedder); it reads no files, no
environment and no globals. The statement vectors are computed once per matcher (or handed in by an
adapter that cached them on disk under :attr:`SemanticMatcher.cache_key`).

How a text is matched:

1. it is split into sentences (sentence ends, line breaks, bullets, semicolons); sentences
   shorter than ``min_words`` words are dropped, long ones cut at ``max_chars``;
2. acronyms the model does not know are written out (``RAG`` → retrieval-augmented
   generation), from the taxonomy's ``expansions``;
3. each sentence is embedded and compared with every activity statement; its best activity
   counts when the cosine reaches ``threshold`` and beats every other role's best activity
   by ``margin``;
4. matches are capped (``max_per_activity`` with ``repeat_decay``, ``max_matches`` in all)
   and, in a posting, become :class:`~rolelens.core.models.Evidence` of kind ``semantic``
   with the cosine in ``similarity``. A sentence whose alias evidence already points to the
   matched role does not count again (``skip``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rolelens.core.embedding import TextEmbedder, Vector
from rolelens.core.models import Evidence, Level
from rolelens.core.scoring import LeadDuties
from rolelens.core.text import fold, whole_words
from rolelens.core.text.segment import EMBEDDED, Sentence, sentences
from rolelens.taxonomy.models import SectionKind, Taxonomy
from rolelens.taxonomy.models.semantic import Activity, SemanticCues

if TYPE_CHECKING:
    from rolelens.core.sections import Section

SEMANTIC_KIND = "semantic"
ITEM_PREFIX = "semantic."

_LEVEL: dict[str, Level] = {"nice_to_have": "preferred", "about_company": "context"}


@dataclass(frozen=True, slots=True)
class SemanticMatch:
    """A sentence that reads like one of the taxonomy's activities."""

    sentence: Sentence
    activity: Activity
    statement: str
    similarity: float
    strength: float  # 0..1: the ramp from threshold to full, times the repeat decay


def split_sentences(
    text: str, start: int = 0, end: int | None = None, *, min_words: int = 1, max_chars: int = 300
) -> list[Sentence]:
    """The sentences of ``text[start:end]`` with their offsets, bullets and markup trimmed
    (:data:`~rolelens.core.text.segment.EMBEDDED`, with these bounds)."""
    rule = replace(EMBEDDED, min_words=min_words, max_chars=max_chars)
    return sentences(text, start, end, rule=rule)


class Expander:
    """Writes out the acronyms of the taxonomy's ``expansions`` (whole words only)."""

    def __init__(self, cues: SemanticCues) -> None:
        self._long: dict[str, str] = {}
        parts = []
        for e in sorted(cues.expansions, key=lambda e: -len(e.short)):
            key = e.short if e.case_sensitive else e.short.lower()
            self._long.setdefault(key, e.long)
            body = re.escape(e.short)
            parts.append(body if e.case_sensitive else f"(?i:{body})")
        self._pattern = (
            re.compile(r"(?<![\w/])(?:" + "|".join(parts) + r")(?![\w/])") if parts else None
        )

    def expand(self, text: str) -> str:
        """``text`` with every known acronym replaced by its words."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, m: re.Match[str]) -> str:
        word = m.group(0)
        return self._long.get(word) or self._long.get(word.lower(), word)


class SemanticMatcher:
    """Matches sentences to activity statements; build once per taxonomy and embedder."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: TextEmbedder,
        *,
        statement_vectors: Sequence[Vector] | None = None,
        cache_size: int = 4096,
    ) -> None:
        if taxonomy.semantic is None:
            raise ValueError(f"taxonomy {taxonomy.name} has no 'semantic:' block")
        self.taxonomy = taxonomy
        self.cues: SemanticCues = taxonomy.semantic
        self.embedder = embedder
        self.expander = Expander(self.cues)
        self._statements: list[tuple[Activity, str]] = [
            (a, s) for a in self.cues.activities for s in a.statements
        ]
        self._primary_role = {
            a.id: max(a.weights, key=lambda r: a.weights[r]) if a.weights else ""
            for a in self.cues.activities
        }
        if statement_vectors is not None and len(statement_vectors) != len(self._statements):
            raise ValueError("statement_vectors do not fit this taxonomy's statements")
        self._vectors = statement_vectors
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()
        self._cache_size = cache_size
        # a sentence with a negation cue anywhere in it is left out (text/negation.py); the
        # cues are folded but not trimmed, unlike text.cue_regex's keys
        negation = sorted({fold(c) for c in taxonomy.reading.negation_cues if c.strip()}, key=len)
        self._negation = whole_words(negation) if negation else None
        self._section_weight = taxonomy.scoring.section_weights
        self._rule = replace(EMBEDDED, min_words=self.cues.min_words, max_chars=self.cues.max_chars)

    # -- statement vectors --------------------------------------------------------------
    @property
    def cache_key(self) -> str:
        """Names the statement vectors: model, taxonomy version and every statement's words."""
        h = hashlib.sha256(self.embedder.model_id.encode())
        h.update(self.taxonomy.version.encode())
        for _, s in self._statements:
            h.update(b"\0" + self.expander.expand(s).encode())
        return h.hexdigest()[:24]

    @property
    def statement_vectors(self) -> Sequence[Vector]:
        """Every statement's vector, embedded on first use and kept."""
        if self._vectors is None:
            texts = [self.expander.expand(s) for _, s in self._statements]
            self._vectors = self.embedder.embed_many(texts)
        return self._vectors

    @property
    def primary_roles(self) -> dict[str, str]:
        """Evidence item id of each activity → the role it points to most."""
        return {ITEM_PREFIX + a: r for a, r in self._primary_role.items() if r}

    # -- matching -----------------------------------------------------------------------
    def sentences(self, text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
        """The sentences of ``text[start:end]`` the matcher would consider."""
        found = sentences(text, start, end, rule=self._rule)
        if self._negation is None:
            return found
        return [s for s in found if not self._negation.search(fold(s.text))]

    def match_sentences(
        self, sentences: Sequence[Sentence], exclude: Sequence[set[str]] | None = None
    ) -> list[SemanticMatch | None]:
        """Each sentence's best activity, or None (below threshold, too close to another
        role, or its role is in ``exclude[i]``). No caps are applied here."""
        if not sentences:
            return []
        vectors = self._embed([self.expander.expand(s.text) for s in sentences])
        sims = self.embedder.similarities(vectors, self.statement_vectors)
        c = self.cues
        out: list[SemanticMatch | None] = []
        for i, row in enumerate(sims):
            best_by_role: dict[str, tuple[float, int]] = {}
            for j, sim in enumerate(row):
                role = self._primary_role[self._statements[j][0].id]
                if role not in best_by_role or sim > best_by_role[role][0]:
                    best_by_role[role] = (sim, j)
            ranked = sorted(best_by_role.items(), key=lambda kv: -kv[1][0])
            role, (sim, j) = ranked[0]
            runner_up = ranked[1][1][0] if len(ranked) > 1 else -1.0
            skip = exclude[i] if exclude is not None else set()
            activity, statement = self._statements[j]
            least = c.threshold if activity.threshold is None else activity.threshold
            # background (role "") and unclear or already-counted sentences match nothing
            if not role or sim < least or sim - runner_up < c.margin or role in skip:
                out.append(None)
                continue
            span = max(c.full - least, 1e-6)
            strength = min(1.0, max(0.0, (sim - least) / span))
            out.append(SemanticMatch(sentences[i], activity, statement, round(sim, 4), strength))
        return out

    def match(self, text: str) -> list[SemanticMatch]:
        """The counted matches of a whole text (a brief): capped and decayed."""
        return self.counted(self.sentences(text)[: self.cues.max_sentences])

    def counted(
        self, sentences: Sequence[Sentence], exclude: Sequence[set[str]] | None = None
    ) -> list[SemanticMatch]:
        """The matches of these sentences that count, within the caps, in text order."""
        return self._cap([m for m in self.match_sentences(sentences, exclude) if m is not None])

    def closest(self, queries: Sequence[str], candidates: Sequence[str]) -> list[tuple[int, float]]:
        """For each query, the index of the most similar candidate and its cosine
        (``(-1, 0.0)`` when there are no candidates). Acronyms are written out first."""
        if not queries:
            return []
        if not candidates:
            return [(-1, 0.0)] * len(queries)
        q = self._embed([self.expander.expand(t) for t in queries])
        k = self._embed([self.expander.expand(t) for t in candidates])
        out: list[tuple[int, float]] = []
        for row in self.embedder.similarities(q, k):
            j = max(range(len(row)), key=row.__getitem__)
            out.append((j, round(float(row[j]), 4)))
        return out

    def evidence(
        self, text: str, sections: Sequence[Section], alias_evidence: Sequence[Evidence] = ()
    ) -> list[Evidence]:
        """A posting's semantic evidence, given its sections and the alias evidence found."""
        c = self.cues
        wanted = set(c.sections)
        picked: list[tuple[Sentence, SectionKind]] = []
        for sec in sections:
            if sec.kind in wanted:
                picked.extend((s, sec.kind) for s in self.sentences(text, sec.start, sec.end))
        if not picked:
            return []
        mentions = [
            (e.start, e.end, e.contributions) for e in alias_evidence if e.section != "title"
        ]
        roles_at = self.alias_roles([sentence for sentence, _ in picked], mentions)
        if c.skip == "sentence":
            keep = [k for k, roles in enumerate(roles_at) if roles is None]
        else:
            keep = list(range(len(picked)))
        keep.sort(key=lambda k: -self._section_weight.get(picked[k][1], 0.7))
        keep = sorted(keep[: c.max_sentences])
        sentences = [picked[k][0] for k in keep]
        exclude = [roles_at[k] or set() for k in keep]
        found = self.match_sentences(sentences, exclude)
        section_of = {picked[k][0].start: picked[k][1] for k in keep}
        out: list[Evidence] = []
        scoring = self.taxonomy.scoring
        leads = LeadDuties(scoring.lead_mentions, scoring.lead_weight)  # plain words lead too
        for m in self._cap([m for m in found if m is not None]):
            section = section_of[m.sentence.start]
            factor = self._section_weight.get(section, 0.7) * m.strength
            lead = leads.take(section)
            if lead:
                factor *= leads.weight
            out.append(
                Evidence(
                    item=ITEM_PREFIX + m.activity.id,
                    label=m.activity.label,
                    kind=SEMANTIC_KIND,
                    text=m.sentence.text,
                    start=m.sentence.start,
                    end=m.sentence.end,
                    section=section,
                    level=_LEVEL.get(section, "required"),
                    negated=False,
                    listed=False,
                    worked_with=False,
                    factor=round(factor, 3),
                    contributions=self.points(m, factor),
                    similarity=m.similarity,
                    lead=lead,
                )
            )
        return out

    # -- helpers ------------------------------------------------------------------------
    def _cap(self, found: list[SemanticMatch]) -> list[SemanticMatch]:
        """The strongest matches within the caps, decayed per activity, in text order."""
        c = self.cues
        per_activity: dict[str, int] = defaultdict(int)
        kept: list[SemanticMatch] = []
        for m in sorted(found, key=lambda m: (-m.similarity, m.sentence.start)):
            rank = per_activity[m.activity.id]
            if rank >= c.max_per_activity or len(kept) >= c.max_matches:
                continue
            per_activity[m.activity.id] += 1
            decayed = m.strength * c.repeat_decay**rank
            kept.append(SemanticMatch(m.sentence, m.activity, m.statement, m.similarity, decayed))
        return sorted(kept, key=lambda m: m.sentence.start)

    @staticmethod
    def alias_roles(
        sentences: Sequence[Sentence], mentions: Sequence[tuple[int, int, Mapping[str, float]]]
    ) -> list[set[str] | None]:
        """Per sentence: the roles its alias mentions ``(start, end, contributions)`` are
        mainly about (None: no mention in it). Postings and CVs both use it for ``skip``."""
        spans = sorted(mentions, key=lambda span: span[:2])
        out: list[set[str] | None] = []
        for sentence in sentences:
            roles: set[str] | None = None
            for start, end, contributions in spans:
                if start >= sentence.end:
                    break
                if end > sentence.start:
                    roles = roles or set()
                    # the role the mention is mainly about: a generic "API" that hints at
                    # several roles does not stop an agentic paraphrase from counting
                    top = max(contributions.items(), key=lambda kv: kv[1], default=("", 0.0))
                    if top[1] > 0:
                        roles.add(top[0])
            out.append(roles)
        return out

    def points(self, match: SemanticMatch, factor: float) -> dict[str, float]:
        """What a match adds per role: its activity's weights times ``factor`` (section or
        use weight, times the match's strength) times the layer's ``weight``."""
        amount = factor * self.cues.weight
        return {r: round(w * amount, 3) for r, w in match.activity.weights.items()}

    def _embed(self, texts: list[str]) -> list[Vector]:
        """Vectors for texts, from the matcher's cache where it has them. Safe to call from
        several threads (a web server's): the cache is touched under the matcher's lock,
        the model runs outside it."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        fresh: dict[str, Vector] = {}
        if missing:
            fresh = dict(zip(missing, self.embedder.embed_many(missing), strict=True))
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return [known[t] if t in known else fresh[t] for t in texts]
