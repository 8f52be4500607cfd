"""The scoper: brief → the seeds' procedure → the right hire, traced and costed (or undetermined).

Pure: a :class:`Scoper` is built once from a taxonomy (its ``scoping:`` block holds every
cue, weight, failure mode, question, JD line and work sample) and then turns a brief, or
a form of optional fields, into a :class:`~rolelens.core.scoping_models.Scoping`, with no
I/O and no state between calls.

The procedure, step by step (seeds: durapid_2026, devlyn_nakrani_2026, production_ai_notes):
outcome and where the value comes from → the data held → labelled volume and language →
production needs → autonomy → customer-embedded delivery → team stage. Each step adds
points per outcome from the cues it found, each quoted with its offsets; the points
become a distribution by a softmax, and ``hybrid`` is scored from the model-building and
LLM-integration sides together.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rolelens.core.figures import FigureBook
from rolelens.core.scoping.budget import budget_check
from rolelens.core.scoping.form import compose, form_label_spans
from rolelens.core.scoping.hiring import interview_loop, job_description, lower_first, role_info
from rolelens.core.scoping.outcomes import is_ai_hire, outcome_name
from rolelens.core.scoping.pricing import Pricing
from rolelens.core.scoping.terms import (
    _FUNCTION_WORDS,
    CueTerms,
    _combine,
    _sequences,
)
from rolelens.core.scoping_models import (
    Alternative,
    Question,
    Quote,
    Scoping,
    ScopingForm,
    ScopingStep,
    ScopingWarning,
    Signal,
    SourcedFigure,
)
from rolelens.core.scoring import softmax
from rolelens.core.semantic import SemanticMatcher
from rolelens.core.text import NegationSinceBreak, collapsed_phrase_regex, fold, words
from rolelens.core.text.segment import BRIEF, Sentence, clause_end, clause_start, sentences
from rolelens.errors import EmptyInput, ScopingUnavailable
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.scoping import (
    HYBRID,
    STEP_ORDER,
    Condition,
    RoleProfile,
    ScopingCues,
    SentenceLayer,
    StepId,
    WordLayer,
)

SCOPER_VERSION = "2.0"
UNDETERMINED = "undetermined"

_NUMBER = re.compile(
    r"(?<![\w.,$€£])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(k|m|mn|bn|thousand|million|millions|billion)\b)?",
    re.I,
)
# what may follow a number and make it something other than a count of records
_NOT_A_COUNT = re.compile(
    r"^\s*(?:%|percent|per cent|x\b|dollars|euros|pounds|usd|eur|gbp|hours?|minutes?|"
    r"seconds?|days?|weeks?|months?|years?|person|people|staff|employees|stores|states|"
    r"countries|locations|columns|stages|steps|lines|km|miles)",
    re.I,
)
_MONEY_BEFORE = re.compile(r"[$€£]\s*$|(?:usd|eur|gbp|inr)\s*$", re.I)


@dataclass(slots=True)
class _Match:
    cue: int
    start: int
    end: int


@dataclass(slots=True)
class _Volume:
    count: float
    start: int
    end: int
    labelled: bool
    history: bool
    text: bool
    phrase: str = ""  # the count with its own words, as written
    vague: bool = False  # "thousands of": an order of magnitude, not a count


@dataclass(slots=True)
class _Trace:
    signals: dict[StepId, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    tags: dict[str, list[Quote]] = field(default_factory=lambda: defaultdict(list))
    volume: _Volume | None = None
    history: _Volume | None = None  # past records beside a labelled count
    # cue id -> activation (the fitted layer's feature value): repeats decay, and each
    # term of a per-term vocabulary counts a third
    activation: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    facts: dict[str, float] = field(default_factory=dict)  # fact id -> semantic strength
    # the brief's sentences and their vectors (semantic layer on), embedded once
    embedded: list[tuple[Sentence, Sequence[float]]] | None = None
    mean_vector: list[float] = field(default_factory=list)


class Scoper:
    """Scopes briefs against one taxonomy; build once, call :meth:`scope` many times."""

    def __init__(self, taxonomy: Taxonomy, semantic: SemanticMatcher | None = None) -> None:
        if taxonomy.scoping is None:
            raise ScopingUnavailable(
                f"taxonomy {taxonomy.name} {taxonomy.version} has no 'scoping:' block"
            )
        self.taxonomy = taxonomy
        self.cues: ScopingCues = taxonomy.scoping
        self.outcomes = list(self.cues.outcomes)
        self.book = FigureBook(taxonomy)
        self.steps = {s.id: s for s in self.cues.steps}
        self.profiles: dict[str, RoleProfile] = {p.role: p for p in self.cues.profiles}
        # the semantic layer brings fact similarities and sentence vectors, which only the
        # semantic fit weighs; its sentence weights belong to one embedding model, so another
        # model falls back to the cue-only fit
        self.fit = self.cues.semantic_fit if semantic is not None else None
        layer = self.fit.sentences if self.fit is not None else None
        if layer is not None and (semantic is None or layer.model != semantic.embedder.model_id):
            self.fit = None
            layer = None
        self.sentence_layer: SentenceLayer | None = layer
        self.fit = self.fit or self.cues.fit
        self.words: WordLayer | None = (
            self.cues.words if self.fit is not None and self.fit.with_words else None
        )
        words_layer = self.words
        self._word_index: dict[str, int] = (
            {t: j for j, t in enumerate(words_layer.terms)} if words_layer is not None else {}
        )
        self._fit_index: dict[str, int] = (
            {f: i for i, f in enumerate(self.fit.features)} if self.fit is not None else {}
        )
        self._cue_by_id = {c.id: c for c in self.cues.cues}
        self._cue_terms = CueTerms()
        for ci, cue in enumerate(self.cues.cues):
            for gi, group in enumerate(cue.groups()):
                for ti, term in enumerate(group):
                    self._cue_terms.add(term, (ci, gi, ti), inflect=cue.inflect)
        self._cue_terms.build()
        v = self.cues.volume
        self._vol_terms = CueTerms()
        for term in v.labelled_terms:
            self._vol_terms.add(term, "labelled")
        for term in v.history_terms:
            self._vol_terms.add(term, "history")
        for term in v.rate_terms:
            self._vol_terms.add(term, "rate")
        for phrase, amount in v.quantities.items():
            self._vol_terms.add(phrase, ("quantity", amount))
        self._vol_terms.build()
        self._negation = NegationSinceBreak(self.cues.negation_terms, self.cues.negation_window)
        people = collapsed_phrase_regex(v.population_terms)
        # "500,000 customers", "12,000 active members": a population, not a data volume
        self._population = (
            re.compile(r"\s{0,3}(?:[a-z]{1,30}\s{1,3})?" + people.pattern)
            if people is not None
            else None
        )
        self.pricing = Pricing(taxonomy, self.book)
        self._reader: Any = None
        if self.cues.reader_weight > 0:
            from rolelens.core.reader import PostingReader

            self._reader = PostingReader(taxonomy)
        self.semantic = semantic  # optional: brief sentences matched to facts (or activities)
        # the facts' example vectors, embedded on first use (a service that only reads
        # postings never pays for them) and kept: they depend on the taxonomy alone
        self._fact_vectors: list[tuple[Sequence[Any], Sequence[Any]]] | None = None

    # -- public -------------------------------------------------------------------------
    def scope(
        self, text: str = "", *, form: ScopingForm | None = None, id: str | None = None
    ) -> Scoping:
        """The right hire for one brief (free text, a form, or both)."""
        composed = compose(text, form)
        if not composed.strip():
            raise EmptyInput("the brief is empty")
        folded = fold(composed)
        trace = self._trace(composed, folded)
        points = self._points(trace)
        shifted = self._shifts(set(trace.tags)) if self.fit is None else {}
        for shift in shifted.values():
            for role, amount in shift.items():
                points[role] += amount
        temperature = self.fit.temperature if self.fit is not None else self.cues.temperature
        probs = softmax([points[o] for o in self.outcomes], temperature)
        scores = dict(zip(self.outcomes, probs, strict=True))
        order = sorted(self.outcomes, key=lambda o: (-scores[o], self.outcomes.index(o)))
        top = order[0]
        tags = set(trace.tags)
        steps = self._steps(trace, composed)
        region = self.pricing.region(form, folded)
        level = self.pricing.level(top, form)
        warnings = self._warnings(top, tags, trace, shifted)
        facts, _ = self._facts_found(trace)
        # thin is judged by the brief's wording alone: sentence similarities find some fact in
        # any sentence ("We want to use AI." reads a little like a first data hire), so they
        # never make a thin brief decided, and a brief is thin with or without the model
        worded, worded_stated = self._facts_found(trace, wording_only=True)
        thin = not worded_stated and len(worded) < self.cues.min_facts
        if thin or scores[top] < self.cues.min_confidence:
            # too thin to decide: say so, ask what would decide, name no hire
            return Scoping(
                id=id,
                role=UNDETERMINED,
                name="Undetermined: the brief does not say enough to choose a hire",
                ai_hire=False,
                no_ai_hire=None,
                undetermined=True,
                leading=top,
                facts=facts,
                confidence=round(scores[top], 4),
                level=level,
                region=region,
                scores={o: round(scores[o], 4) for o in self.outcomes},
                points={o: round(points[o], 3) for o in self.outcomes},
                steps=steps,
                alternatives=self._alternatives(["", *order], scores),
                warnings=warnings,
                questions=self._questions(steps, warnings, order[:2], scores[top], 0.0),
                stack=[], kpis=[], eval_metrics=[], core_skills=[],
                salary=[], comparisons=[], cost=[],
                job_description=None,
                interview_loop=None,
                form=form,
                text=composed if form is not None else None,
                taxonomy_version=self.taxonomy.version,
                scoper_version=SCOPER_VERSION,
            )  # fmt: skip
        questions = self._questions(steps, warnings, order[:2], scores[top], max(points.values()))
        info = role_info(self.taxonomy, top)
        salary, comparisons = self.pricing.salary(top, region, level)
        cost = self.pricing.cost(top, order, scores, region, level)
        return Scoping(
            id=id,
            role=top,
            name=self._name(top),
            ai_hire=self._ai_hire(top),
            no_ai_hire=self.profiles[top].no_ai_hire,
            confidence=round(scores[top], 4),
            level=level,
            region=region,
            scores={o: round(scores[o], 4) for o in self.outcomes},
            points={o: round(points[o], 3) for o in self.outcomes},
            facts=facts,
            steps=steps,
            alternatives=self._alternatives(order, scores),
            warnings=warnings,
            questions=questions,
            stack=info["stack"],
            kpis=info["kpis"],
            eval_metrics=info["eval_metrics"],
            core_skills=info["core_skills"],
            salary=salary,
            comparisons=comparisons,
            cost=cost,
            pay_note=self.pricing.pay_note(top, region),
            budget=budget_check(form, composed, cost[0] if cost else None),
            job_description=job_description(
                self.profiles[top], self._name(top), level, info, _first_project(trace, composed)
            ),
            interview_loop=interview_loop(self.profiles[top], self.cues.interview, info),
            form=form,
            text=composed if form is not None else None,
            taxonomy_version=self.taxonomy.version,
            scoper_version=SCOPER_VERSION,
        )

    # -- reading the brief --------------------------------------------------------------
    def _trace(self, text: str, folded: str, words: bool = True) -> _Trace:
        """Every signal of the brief (``words``: also the word layer's, which a fit's
        design does not use)."""
        trace = _Trace()
        by_cue: dict[int, list[list[tuple[int, int]]]] = {}
        distinct: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for (ci, gi, ti), start, end in self._cue_terms.find(folded):
            groups = by_cue.setdefault(ci, [[] for _ in self.cues.cues[ci].groups()])
            groups[gi].append((start, end))
            distinct[ci].append((start, end, ti))
        matches: list[_Match] = []
        vocab_terms: dict[int, dict[int, int]] = defaultdict(dict)  # cue -> term -> match start
        for ci, groups in by_cue.items():
            cue = self.cues.cues[ci]
            if cue.per_term:
                for start, end, ti in sorted(distinct[ci]):
                    if ti in vocab_terms[ci] or len(vocab_terms[ci]) >= cue.max_terms:
                        continue
                    if cue.negatable and self._negation.governs(folded, start):
                        continue
                    vocab_terms[ci][ti] = start
                    matches.append(_Match(ci, start, end))
                continue
            if cue.min_distinct is not None:
                spans = _sequences(distinct[ci], cue.min_distinct, cue.window, folded)
            else:
                spans = _combine(groups, cue.window, folded)
            for start, end in spans:
                if cue.negatable and self._negation.governs(folded, start):
                    continue
                matches.append(_Match(ci, start, end))
        labels = form_label_spans(text)
        if labels:  # a form's field labels ("Users: ") are our words, not the client's
            matches = [m for m in matches if not any(a <= m.start < b for a, b in labels)]
        matches.sort(key=lambda m: (m.start, -m.end))
        seen: dict[int, int] = defaultdict(int)
        taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for m in matches:
            if any(s < m.end and m.start < e for s, e in taken[m.cue]):
                continue  # one cue counts a stretch of text once
            taken[m.cue].append((m.start, m.end))
            cue = self.cues.cues[m.cue]
            rank = 0 if cue.per_term else seen[m.cue]
            seen[m.cue] += 1
            scale = self.cues.repeat_decay**rank if rank < self.cues.max_repeats else 0.0
            value = scale / 3 if cue.per_term else scale  # a vocabulary term counts a third
            trace.activation[cue.id] += value
            quote = Quote(text=text[m.start : m.end], start=m.start, end=m.end)
            for tag in cue.tags:
                trace.tags[tag].append(quote)
            if scale <= 0 and rank > 0:
                continue
            trace.signals[cue.step].append(
                Signal(
                    cue=cue.id,
                    label=cue.label,
                    quote=quote,
                    points=self._feature_points(
                        f"cue:{cue.id}", value, cue.weights, cue.step, hand_value=scale
                    ),
                    tags=list(cue.tags),
                )
            )
        self._volume(text, folded, trace)
        if self._reader is not None:
            self._reader_signals(text, trace)
        if words and self.words is not None:
            self._word_signals(text, trace)
        if self.semantic is not None:
            self._sentence_signals(text, trace)
        if self.semantic is not None and self.cues.facts:
            self._fact_signals(text, trace)
        elif self.semantic is not None:
            self._semantic_signals(text, trace)
        return trace

    def _embedded(self, text: str, trace: _Trace) -> list[tuple[Sentence, Sequence[float]]]:
        """The brief's sentences (as many as the semantic layer reads) and their vectors."""
        if trace.embedded is None:
            assert self.semantic is not None
            sentences = _unlabelled(
                self.semantic.sentences(text)[: self.semantic.cues.max_sentences], text
            )
            vectors = (
                self.semantic.embedder.embed_many([s.text for s in sentences]) if sentences else []
            )
            trace.embedded = list(zip(sentences, vectors, strict=True))
        return trace.embedded

    def _sentence_signals(self, text: str, trace: _Trace) -> None:
        """The mean of the brief's sentence vectors (a feature of the fit), and with a fitted
        sentence layer each sentence's exact share of its points, quoted as a signal."""
        pairs = self._embedded(text, trace)
        if not pairs:
            return
        n = len(pairs)
        rows = [[float(x) for x in v] for _, v in pairs]
        trace.mean_vector = [sum(col) / n for col in zip(*rows, strict=True)]
        layer = self.sentence_layer
        if layer is None:
            return
        for (sentence, _), vec in zip(pairs, rows, strict=True):
            pts = {
                o: round(layer.scale * sum(w * x for w, x in zip(ws, vec, strict=True)) / n, 3)
                for o, ws in layer.coef.items()
            }
            self._layer_signal(
                trace, "sentences", "reads as a whole like {} work (fitted sentence layer)",
                sentence, pts,
            )  # fmt: skip

    def _layer_signal(
        self,
        trace: _Trace,
        cue: str,
        label: str,
        sentence: Sentence,
        points: dict[str, float],
        because: dict[str, dict[str, float]] | None = None,
    ) -> None:
        """Quote one sentence with the points a fitted layer gave it, naming the outcome it
        leads to (and, with ``because``, the terms that gave that outcome the most)."""
        pts = {o: p for o, p in points.items() if p}
        if not pts:
            return
        lead = max(pts, key=lambda o: (pts[o], -self._index(o)))
        text = label.format(lower_first(self._name(lead)))
        if because:
            top = sorted(because, key=lambda t: -because[t].get(lead, 0.0))[:3]
            top = [t for t in top if because[t].get(lead, 0.0) > 0]
            if top:
                text += ": " + ", ".join(f"“{t}”" for t in top)
        trace.signals["outcome"].append(
            Signal(
                cue=cue,
                label=text,
                quote=Quote(text=sentence.text, start=sentence.start, end=sentence.end),
                points=pts,
                tags=[],
            )
        )

    def _word_signals(self, text: str, trace: _Trace) -> None:
        """With a fitted word layer, each sentence's points from its words and word pairs
        (each term's points split evenly over its occurrences), quoted as a signal."""
        assert self.words is not None
        layer = self.words
        found = [t for t in words.terms(text) if t.text in self._word_index]
        weight = words.weights(found, self._word_index, layer.idf)
        if not weight:
            return
        spans = sentences(text, rule=BRIEF)
        if not spans:
            return
        seen = Counter(t.text for t in found)
        starts = [sp.start for sp in spans]
        # sentence -> term -> outcome -> points of that term's occurrences in the sentence
        per: dict[int, dict[str, dict[str, float]]] = defaultdict(dict)
        for t in found:
            j = self._word_index[t.text]
            at = max(0, bisect_right(starts, t.start) - 1)
            share = weight[j] / seen[t.text]
            term = per[at].setdefault(t.text, defaultdict(float))
            for o, row in layer.coef.items():
                term[o] += row[j] * share
        for at, by_term in sorted(per.items()):
            pts: dict[str, float] = defaultdict(float)
            for contribution in by_term.values():
                for o, p in contribution.items():
                    pts[o] += p
            self._layer_signal(
                trace, "words", "its words read like {} work (fitted word layer)", spans[at],
                {o: round(p, 3) for o, p in pts.items()}, by_term,
            )  # fmt: skip

    def _facts_embedded(self) -> list[tuple[Sequence[Any], Sequence[Any]]]:
        """Each fact's (statement and examples, counter-examples) vectors."""
        if self._fact_vectors is None:
            assert self.semantic is not None
            emb = self.semantic.embedder
            self._fact_vectors = [
                (
                    emb.embed_many([f.statement, *f.examples]),
                    emb.embed_many(f.counter_examples) if f.counter_examples else [],
                )
                for f in self.cues.facts
            ]
        return self._fact_vectors

    def _fact_signals(self, text: str, trace: _Trace) -> None:
        """Each fact's strength: how far the sentence most like it (and more like it than
        like any counter-example) rises above the floor; quoted as a signal."""
        assert self.semantic is not None
        pairs = self._embedded(text, trace)
        if not pairs:
            return
        sentences = [s for s, _ in pairs]
        vectors = [v for _, v in pairs]
        emb = self.semantic.embedder
        floor, scale = self.cues.fact_floor, self.cues.fact_scale
        for fact, (pro, con) in zip(self.cues.facts, self._facts_embedded(), strict=True):
            sims = [max(row) for row in emb.similarities(vectors, pro)]
            against = (
                [max(row) for row in emb.similarities(vectors, con)]
                if len(con)
                else [-1.0] * len(sims)
            )
            # sentences that read more like a near miss than like the fact do not count
            fit = [i for i in range(len(sims)) if float(sims[i]) > float(against[i])]
            if not fit:
                continue
            best = max(fit, key=lambda i: (float(sims[i]), -i))
            value = scale * max(0.0, float(sims[best]) - floor)
            if value <= 0:
                continue
            trace.facts[fact.id] = round(value, 4)
            s = sentences[best]
            trace.signals[fact.step].append(
                Signal(
                    cue=f"fact:{fact.id}",
                    label=f"{fact.statement} (semantic, similarity {float(sims[best]):.2f})",
                    quote=Quote(text=s.text, start=s.start, end=s.end),
                    points=self._feature_points(f"fact:{fact.id}", value, {}, fact.step),
                    tags=[],
                )
            )

    def _facts_found(
        self, trace: _Trace, *, wording_only: bool = False
    ) -> tuple[list[str], list[str]]:
        """(facts the brief touches, facts it states): touched by any cue word; stated by a
        sentence's meaning, a phrase cue, or two different words of a vocabulary cue.
        ``wording_only``: by the cues alone, leaving sentence similarities out."""
        semantic = {} if wording_only else trace.facts

        def stated(cue_id: str) -> bool:
            cue = self._cue_by_id.get(cue_id)
            value = trace.activation.get(cue_id, 0.0)
            return bool(value) and (cue is None or not cue.per_term or value >= 2 / 3 - 1e-9)

        touched = [
            f.id
            for f in self.cues.facts
            if f.id in semantic or any(trace.activation.get(c) for c in f.cues)
        ]
        strong = [f.id for f in self.cues.facts if f.id in semantic or any(map(stated, f.cues))]
        return touched, strong

    def _feature_points(
        self,
        feature: str,
        value: float,
        hand: dict[str, float],
        step: StepId,
        hand_value: float | None = None,
    ) -> dict[str, float]:
        """Points one feature value gives: the fitted coefficients, or the hand weights."""
        if self.fit is not None:
            i = self._fit_index.get(feature)
            if i is None:
                return {}
            pts = {o: round(row[i] * value, 3) for o, row in self.fit.coef.items()}
            return {o: p for o, p in pts.items() if p}
        factor = self.steps[step].weight * (value if hand_value is None else hand_value)
        return {r: round(w * factor, 3) for r, w in hand.items()}

    def features(self, text: str) -> dict[str, float]:
        """The brief's feature values (cue activations, volume findings): what the fit weighs."""
        folded = fold(text)
        return self._features(self._trace(text, folded, words=False))

    def _features(self, trace: _Trace) -> dict[str, float]:
        out = {f"cue:{c}": round(a, 4) for c, a in trace.activation.items() if a}
        out.update({f"fact:{f}": round(v, 4) for f, v in trace.facts.items()})
        out.update({f"vec:{i}": x for i, x in enumerate(trace.mean_vector)})
        kind = self._volume_kind(trace)
        if kind is not None:
            out[f"volume:{kind}"] = 1.0
        return out

    def _reader_signals(self, text: str, trace: _Trace) -> None:
        """The posting reader's evidence (tools, techniques) as outcome-step signals."""
        reading = self._reader.read(text, title="")
        w = self.cues.reader_weight
        for ev in reading.evidence:
            pts = {r: round(a * w, 3) for r, a in ev.contributions.items() if r in self.outcomes}
            if not any(pts.values()):
                continue
            trace.signals["outcome"].append(
                Signal(
                    cue=f"evidence:{ev.item}",
                    label=f"{ev.label} (posting evidence)",
                    quote=Quote(text=ev.text, start=ev.start, end=ev.end),
                    points=pts,
                    tags=[],
                )
            )

    def _semantic_signals(self, text: str, trace: _Trace) -> None:
        """Sentences that read like an activity statement, as outcome-step signals."""
        assert self.semantic is not None
        w = self.steps["outcome"].weight * self.semantic.cues.weight
        for m in self.semantic.match(text):
            amount = w * m.strength
            weights = m.activity.weights.items()
            pts = {r: round(v * amount, 3) for r, v in weights if r in self.outcomes}
            if not any(pts.values()):
                continue
            quote = Quote(text=m.sentence.text, start=m.sentence.start, end=m.sentence.end)
            label = f"{m.activity.label} (semantic, similarity {m.similarity:.2f})"
            cue = f"semantic:{m.activity.id}"
            trace.signals["outcome"].append(
                Signal(cue=cue, label=label, quote=quote, points=pts, tags=[])
            )

    def _volume(self, text: str, folded: str, trace: _Trace) -> None:
        """The labelled volume: a count read with its own words (the clause around the number).

        A count is labelled only when a labelled word sits in its own phrase, so "2 billion
        sensor rows, 1,200 labelled failures" gives 1,200 labelled examples and calls the 2
        billion rows past records. A count of people or places ("500,000 customers") is no
        data volume. A labelled count wins over any count of unlabelled records; the largest
        history of records is kept beside it. Vague amounts ("thousands of") are quoted as
        written, never turned into a number in the finding.
        """
        v = self.cues.volume
        hits = self._vol_terms.find(folded)
        counts: list[tuple[float, int, int, bool]] = []
        for key, start, end in hits:
            if isinstance(key, tuple):
                counts.append((float(key[1]), start, end, True))
        for m in _NUMBER.finditer(text):
            raw, mult = m.group(1), (m.group(2) or "").lower()
            if _MONEY_BEFORE.search(text[max(0, m.start() - 5) : m.start()]):
                continue
            if not mult and _NOT_A_COUNT.match(text, m.end()):
                continue
            try:
                number = float(raw.replace(",", ""))
            except ValueError:  # pragma: no cover - the pattern only matches numbers
                continue
            if not mult and "," not in raw and 1900 <= number <= 2100:
                continue  # a year
            number *= v.multipliers.get(mult, 1.0)
            counts.append((number, m.start(), m.end(), False))
        counts.sort(key=lambda c: c[1])
        text_spans = [(q.start, q.end) for tag in v.text_tags for q in trace.tags.get(tag, [])]
        best: _Volume | None = None
        history: _Volume | None = None
        for i, (number, start, end, vague) in enumerate(counts):
            prev_end = counts[i - 1][2] if i else 0
            next_start = counts[i + 1][1] if i + 1 < len(counts) else len(folded)
            lo = max(prev_end, start - 30, clause_start(folded, start))
            hi = min(next_start, end + v.window, clause_end(folded, end))
            if self._population is not None and self._population.match(folded, end):
                continue  # people or places, not records
            near = [(k, s) for k, s, _ in hits if lo <= s < hi and not isinstance(k, tuple)]
            labelled = any(k == "labelled" for k, s in near)
            past = any(k == "history" for k, s in near)
            rate = any(k == "rate" and end <= s < end + 30 for k, s in near)
            if not labelled and not (past and number >= v.large_min):
                continue  # a count of unlabelled things is not a training history
            if rate and not labelled and number < v.large_min:
                continue  # a workload ("150 referrals a month"), not a history
            is_text = any(end <= s < hi for s, _ in text_spans)
            before = [s for k, s in near if k == "labelled" and s < start]
            words = text[min([start, *before]) : hi].split()
            words = words[: len(text[min([start, *before]) : end].split()) + 6]
            while len(words) > 1 and words[-1].strip(",;:").lower() in _FUNCTION_WORDS:
                words.pop()  # "... tagged by hand as" -> "... tagged by hand"
            phrase = " ".join(words)
            cand = _Volume(number, start, end, labelled, past, is_text, phrase.strip(" ,;:"), vague)
            if labelled:
                if best is None or cand.count > best.count:
                    best = cand
            elif history is None or cand.count > history.count:
                history = cand
        trace.volume = best or history
        trace.history = history if best is not None else None

    # -- scoring ------------------------------------------------------------------------
    def _volume_kind(self, trace: _Trace) -> str | None:
        """What the labelled-volume step found: large, small_labelled(_text), labelled_no_count."""
        v = self.cues.volume
        vol = trace.volume
        text_brief = bool(trace.tags.get("text_data") or trace.tags.get("language"))
        if vol is None:
            return "labelled_no_count" if trace.tags.get("labelled") else None
        if vol.count >= v.large_min:
            return "large"
        if vol.labelled and vol.count < v.small_max:
            if vol.text or (text_brief and not trace.tags.get("structured_history")):
                return "small_labelled_text"
            return "small_labelled"
        if vol.labelled:
            return "labelled_no_count"
        return None

    def _volume_points(self, trace: _Trace) -> dict[str, float]:
        kind = self._volume_kind(trace)
        if kind is None:
            return {}
        if self.fit is not None:
            return self._feature_points(f"volume:{kind}", 1.0, {}, "volume")
        v = self.cues.volume
        vol = trace.volume
        hand = {
            "large": v.large_text if vol and vol.text and v.large_text else v.large,
            "small_labelled_text": v.small_text,
            "small_labelled": v.small_other,
            "labelled_no_count": v.unknown_labelled,
        }[kind]
        return {r: w * self.steps["volume"].weight for r, w in hand.items()}

    def _step_points(self, trace: _Trace) -> dict[StepId, dict[str, float]]:
        """Each step's points per outcome; a step's support for one role saturates."""
        cap = self.cues.step_cap
        out: dict[StepId, dict[str, float]] = {}
        for sid in STEP_ORDER:
            raw: dict[str, float] = defaultdict(float)
            for sig in trace.signals.get(sid, []):
                for role, amount in sig.points.items():
                    raw[role] += amount
            if sid == "volume":
                for role, amount in self._volume_points(trace).items():
                    raw[role] += amount
            if self.fit is not None:  # a linear layer: points add up, nothing saturates
                out[sid] = {r: a for r, a in raw.items() if a}
                continue
            out[sid] = {
                r: (cap * (1 - math.exp(-a / cap)) if a > 0 else a) for r, a in raw.items() if a
            }
        return out

    def _points(self, trace: _Trace) -> dict[str, float]:
        if self.fit is not None:
            points = {o: self.fit.intercept.get(o, -20.0) for o in self.outcomes}
            if self.words is not None:
                for o in self.outcomes:
                    points[o] += self.words.intercept.get(o, 0.0)
            for step in self._step_points(trace).values():
                for role, amount in step.items():
                    points[role] += amount
            return points
        points = {o: self.cues.role_bias.get(o, 0.0) for o in self.outcomes}
        for step in self._step_points(trace).values():
            for role, amount in step.items():
                points[role] += amount
        steps = self._step_points(trace)
        base = dict(points)
        for sp in self.cues.specialisations:
            own = steps.get(sp.step, {}).get(sp.role, 0.0)
            if own >= sp.min_points:
                points[sp.role] += sp.inherit * max(0.0, base[sp.builds_on])
        h = self.cues.hybrid
        model = max(max(0.0, base[r]) for r in h.model_roles)
        llm = max(max(0.0, base[r]) for r in h.llm_roles)
        both = model + llm
        if min(model, llm) >= h.min_points and both > 0 and min(model, llm) / both >= h.min_share:
            points[HYBRID] = points.get(HYBRID, 0.0) + max(model, llm) + h.bonus
        else:
            points[HYBRID] = points.get(HYBRID, 0.0) + 0.5 * min(model, llm)
        return points

    # -- the trace ----------------------------------------------------------------------
    def _steps(self, trace: _Trace, text: str) -> list[ScopingStep]:
        out: list[ScopingStep] = []
        step_points = self._step_points(trace)
        for sid in STEP_ORDER:
            step = self.steps[sid]
            signals = list(trace.signals.get(sid, []))
            pts = step_points[sid]
            figures: list[SourcedFigure] = []
            if sid == "volume" and self.cues.volume.threshold_figure:
                figures.append(self.book.sourced(self.cues.volume.threshold_figure))
            leaning = None
            positive = {r: a for r, a in pts.items() if a > 0}
            if positive:
                leaning = max(positive, key=lambda r: (positive[r], -self._index(r)))
            # a brief that says it has no labels, or labels without a count, answered the
            # volume question already
            said = trace.volume is not None or bool(
                trace.tags.get("labelled") or trace.tags.get("little_data")
            )
            # the whole-text layers (sentences, words) weigh every brief: a step has found
            # something only when a cue, a fact or a volume answered its question
            found = any(g.cue not in WHOLE_TEXT_LAYERS for g in signals) or (
                sid == "volume" and said
            )
            if sid == "volume":
                finding = self._volume_finding(trace, text)
            elif signals:
                labels: list[str] = []
                quoted: set[tuple[int, int]] = set()

                # the finding explains its leaning: the signals that gave that role the most
                # (a sentence that mostly moved another role is still listed under the step)
                ranked = sorted(signals, key=lambda g: -_support(g, leaning))
                if leaning is not None and _support(ranked[0], leaning) > 0:
                    ranked = [g for g in ranked if _support(g, leaning) > 0]
                for sig in ranked:
                    span = (sig.quote.start, sig.quote.end)
                    if span in quoted or any(sig.label in x for x in labels):
                        continue
                    quoted.add(span)
                    labels.append(f"{sig.label} ('{_short(sig.quote.text)}')")
                    if len(labels) == 3:
                        break
                lead = f"Points to {self._name(leaning)}: " if leaning else "Noted: "
                finding = lead + "; ".join(labels) + "."
            else:
                finding = step.none_found
            out.append(
                ScopingStep(
                    id=sid,
                    title=step.title,
                    asks=" ".join(step.asks.split()),
                    finding=finding,
                    found=found,
                    leaning=leaning,
                    signals=signals,
                    points={r: round(a, 3) for r, a in pts.items() if a},
                    figures=figures,
                )
            )
        return out

    def _volume_finding(self, trace: _Trace, text: str) -> str:
        v = self.cues.volume
        vol = trace.volume
        if vol is None:
            if trace.tags.get("labelled"):
                q = trace.tags["labelled"][0]
                return (
                    f"Labelled history exists ('{_short(q.text)}') but the brief gives no count; "
                    "a model trained on it is plausible."
                )
            return self.steps["volume"].none_found
        kind = "labelled examples" if vol.labelled else "past records, not said to be labelled"
        what = " of free text" if vol.text else ""
        if vol.count >= v.large_min:
            verdict = "a large history: training a model on it is realistic"
        elif vol.labelled and vol.count < v.small_max and (vol.text or trace.tags.get("language")):
            verdict = (
                "few labels: on nuanced language a foundation model usually beats a model "
                "trained on them (threshold below)"
            )
        elif vol.labelled and vol.count < v.small_max:
            verdict = (
                "few labelled examples for training a model alone (threshold below): check how "
                "far the unlabelled records and a simpler baseline go"
            )
        else:
            verdict = "a moderate volume: either path is open; test both against an eval set"
        size = "an amount given only roughly" if vol.vague else "as written"
        out = f"'{_short(vol.phrase, 80)}' ({kind}{what}, {size}): {verdict}."
        if trace.history is not None:
            out += f" Beside it, '{_short(trace.history.phrase, 80)}' (not said to be labelled)."
        return out

    def _alternatives(self, order: list[str], scores: dict[str, float]) -> list[Alternative]:
        out: list[Alternative] = []
        for o in order[1:]:
            if scores[o] < self.cues.min_alternative_prob or len(out) >= self.cues.max_alternatives:
                break
            out.append(
                Alternative(
                    role=o,
                    name=self._name(o),
                    probability=round(scores[o], 4),
                    ai_hire=self._ai_hire(o),
                    wins_when=" ".join(self.profiles[o].wins_when.split()),
                )
            )
        return out

    def _shifts(self, tags: set[str]) -> dict[str, dict[str, float]]:
        """Failure modes that hold on the brief's facts alone move points before deciding."""
        out: dict[str, dict[str, float]] = {}
        for fm in self.cues.failure_modes:
            if fm.shift and any(not c.roles and _holds(c, tags) for c in fm.when):
                out[fm.id] = dict(fm.shift)
        return out

    def _warnings(
        self, top: str, tags: set[str], trace: _Trace, shifted: dict[str, dict[str, float]]
    ) -> list[ScopingWarning]:
        out: list[ScopingWarning] = []
        for fm in self.cues.failure_modes:
            fired = fm.id in shifted
            for cond in fm.when:
                if cond.roles and top not in cond.roles:
                    continue
                if _holds(cond, tags):
                    fired = True
                    break
            if not fired:
                continue
            because: list[Quote] = []
            for tag in fm.quote_tags:
                for q in trace.tags.get(tag, []):
                    if all(q.start != b.start for b in because):
                        because.append(q)
                    if len(because) >= 3:
                        break
                if len(because) >= 3:
                    break
            out.append(
                ScopingWarning(
                    id=fm.id,
                    title=fm.title,
                    message=" ".join(fm.message.split()),
                    because=sorted(because, key=lambda q: q.start),
                    figures=[self.book.sourced(f) for f in fm.figures],
                    points=shifted.get(fm.id, {}),
                )
            )
        return out

    def _questions(
        self,
        steps: list[ScopingStep],
        warnings: list[ScopingWarning],
        leaders: list[str],
        confidence: float,
        top_points: float,
    ) -> list[Question]:
        out: list[Question] = []
        seen: set[str] = set()

        def add(step: Any, q: str) -> None:
            if q not in seen:
                seen.add(q)
                out.append(Question(step=step, text=q))

        quiet = top_points < self.cues.quiet_points
        for w in warnings:
            for fm in self.cues.failure_modes:
                if fm.id == w.id:
                    for q in fm.questions:
                        add("warning", q)
        for st in steps:
            step = self.steps[st.id]
            relevant = quiet or not step.ask_when or any(o in step.ask_when for o in leaders)
            if not st.found and relevant:
                qs = step.questions
                for q in qs if quiet else qs[:1]:
                    add(st.id, q)
        if confidence < 0.4 and not quiet:
            for q in self.steps["outcome"].questions[1:2]:
                add("outcome", q)
        return out if quiet else out[: self.cues.max_questions]

    # -- what follows -------------------------------------------------------------------
    # -- small helpers ------------------------------------------------------------------
    def _index(self, outcome: str) -> int:
        return self.outcomes.index(outcome) if outcome in self.outcomes else len(self.outcomes)

    def _name(self, outcome: str | None) -> str:
        return outcome_name(self.taxonomy, outcome)

    def _ai_hire(self, outcome: str) -> bool:
        return is_ai_hire(self.taxonomy, outcome)


# signals of the fitted layers that read the whole brief, not one fact
WHOLE_TEXT_LAYERS = frozenset({"sentences", "words"})


def _holds(cond: Condition, tags: set[str]) -> bool:
    """Whether a failure-mode condition's tag parts hold (its roles are checked apart)."""
    if any(t not in tags for t in cond.all_tags):
        return False
    if cond.any_tags and not any(t in tags for t in cond.any_tags):
        return False
    return not any(t in tags for t in cond.none_tags)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _support(sig: Signal, role: str | None) -> float:
    """The points a signal gave ``role`` (None: its largest gift to any role)."""
    return sig.points.get(role, 0.0) if role is not None else max(sig.points.values(), default=0.0)


def _unlabelled(sentences: list[Sentence], text: str) -> list[Sentence]:
    """The sentences without the form's field labels ("Data: "): those are our words, and a
    sentence's meaning is the client's words alone."""
    labels = form_label_spans(text)
    if not labels:
        return sentences
    out = []
    for s in sentences:
        start = s.start
        for a, b in labels:
            if s.start <= a < s.end:
                start = max(start, b)
        while start < s.end and text[start].isspace():
            start += 1
        if start < s.end:
            out.append(Sentence(start=start, end=s.end, text=text[start : s.end]))
    return out


def _first_project(trace: _Trace, text: str) -> str | None:
    """The brief's sentence that carries its strongest outcome cue, in the brief's words."""
    found = sentences(text, rule=BRIEF)
    signals = trace.signals.get("outcome", [])
    if not signals:
        return _short(found[0].text, 300) if found else None
    best = max(signals, key=lambda s: max((abs(v) for v in s.points.values()), default=0))
    for sentence in found:
        if sentence.start <= best.quote.start < sentence.end:
            return _short(sentence.text.strip(), 300)
    return None
