"""Fit the reader's numbers on labelled postings and cross-validate the real reader with them.

The steps, all seeded and deterministic:

1. Every labelled posting is read once with the hand-set numbers; its mentions are kept
   (:mod:`rolelens.train.features`).
2. Rows are split into k folds grouped by company, so no company is both fitted on and
   scored on.
3. The prior strength and the weight of low-confidence rows are chosen by the grouped
   out-of-fold log loss of the MAP fit (:mod:`rolelens.train.model`); then the mention-level
   factors (section weights, preferred / listed / company-clause factors, repeat decay,
   saturation) by one pass of coordinate search on the same loss.
4. The word layer (:mod:`rolelens.train.words`): its penalty and scale are chosen on the
   out-of-fold log loss of the evidence points plus the word points, both out of fold.
   The weights, role biases, title weight and specialisation shares, and the word points,
   are then fitted on all rows; the temperature on the out-of-fold points of the sum.
5. The real :class:`~rolelens.core.reader.PostingReader` is cross-validated with numbers
   fitted fold by fold, beside the hand-set reader on the same rows.

Settings chosen in steps 3 and 4 were chosen on the same folds that step 5 reports, a mild
optimism the provenance says in words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy import sparse

from rolelens.core.folds import grouped_folds
from rolelens.core.labelled import (
    PostingsEvaluation,
    evaluate_postings,
    score_postings,
    title_only,
)
from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.errors import InputError
from rolelens.taxonomy.loader import apply_fit
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.fit import (
    FitProvenance,
    FitScores,
    FittedScoring,
    FittedWeights,
)
from rolelens.taxonomy.models.words import FittedWords
from rolelens.train import model, words
from rolelens.train.features import (
    Factors,
    LabelledPosting,
    content_sha256,
    group_of,
    item_amounts,
    labelled_postings,
)

if TYPE_CHECKING:
    from rolelens.batch import Row

METHOD = (
    "MAP multinomial logistic regression of the reader's own scoring (saturated weighted "
    "sums, specialisation shares, role bias, title prior) with a Gaussian prior centred on "
    "the hand-set numbers, L-BFGS-B; mention factors by coordinate search and the "
    "temperature by out-of-fold log loss, folds grouped by company"
)
# Factors the coordinate search tries, each at these multiples of its current value.
_SECTIONS = ("summary", "requirements", "nice_to_have", "about_company", "other", "title")
_STEPS = (1.5, 0.6)
_MAX_STEPS = 3
# A factor moves from its hand-set value only for a clear gain in out-of-fold log loss.
_MIN_GAIN = 1e-3
_LEAD_MAX = 3.0  # the most a lead duty may count, as a multiple of any other duty
#: A role labelled on fewer rows than this is warned about: too few to fit or to score.
MIN_ROLE_ROWS = 5


@dataclass(frozen=True)
class TrainOptions:
    """How to fit: folds, seed, the grids the settings are chosen from."""

    folds: int = 5
    seed: int = 0
    strengths: tuple[float, ...] = (0.0003, 0.001, 0.003, 0.01)
    low_confidence: tuple[float, ...] = (0.5, 1.0)
    search_factors: bool = True
    words: bool = True  # fit the word layer (when the taxonomy has a vocabulary)
    resamples: int = 0  # > 0: the evaluations carry bootstrap intervals from this many sets


@dataclass(frozen=True)
class Settings:
    """What step 3 chose."""

    strength: float
    low_confidence: float
    factors: Factors
    log_loss: float


@dataclass
class TrainResult:
    """Fitted numbers, the settings they were fitted with and the out-of-fold evidence."""

    fitted: FittedWeights
    settings: Settings
    folds: list[int]
    fold_temperatures: list[float]
    trail: list[str] = field(default_factory=list)
    words: words.WordSettings | None = None  # the word layer's penalty and scale
    word_bags: sparse.csr_matrix | None = None  # every row's bag over ``vocabulary``
    vocabulary: list[str] = field(default_factory=list)


def prior_of(taxonomy: Taxonomy) -> model.Prior:
    """The hand-set numbers of a taxonomy as the fit's prior."""
    s = taxonomy.scoring
    return model.Prior(
        roles=taxonomy.role_ids,
        items=[e.id for e in taxonomy.evidence],
        weights={e.id: dict(e.weights) for e in taxonomy.evidence},
        bias=dict(s.role_bias),
        title_weight=s.title_weight,
        saturation=s.saturation,
        specialisations={c: (list(sp.parents), sp.share) for c, sp in s.specialisations.items()},
    )


def _design(
    prior: model.Prior,
    postings: Sequence[LabelledPosting],
    factors: Factors,
    low_confidence: float,
) -> model.Design:
    return model.design(
        prior,
        [item_amounts(p.mentions, factors) for p in postings],
        [p.title_role for p in postings],
        [p.label for p in postings],
        [low_confidence if p.confidence == "low" else 1.0 for p in postings],
    )


def _subset(d: model.Design, idx: np.ndarray) -> model.Design:
    return model.Design(d.amounts[idx], d.title[idx], d.labels[idx], d.row_weights[idx])


def _with_saturation(prior: model.Prior, factors_saturation: float | None) -> model.Prior:
    return replace(prior, saturation=factors_saturation)


def out_of_fold(
    prior: model.Prior, d: model.Design, folds: np.ndarray, strength: float
) -> tuple[np.ndarray, list[model.Fit]]:
    """Out-of-fold points of every row, and each fold's fit."""
    pts = np.zeros((len(d.labels), len(prior.roles)))
    fits = []
    for k in range(int(folds.max()) + 1):
        train, test = np.where(folds != k)[0], np.where(folds == k)[0]
        fit = model.fit(prior, _subset(d, train), _strength(strength))
        pts[test] = model.points(prior, fit, _subset(d, test))
        fits.append(fit)
    return pts, fits


def _strength(lam: float) -> model.Strength:
    # shares move less freely: a thin role (agentic, forward deployed) rests on them
    return model.Strength(weights=lam, bias=lam, title=lam, shares=10 * lam)


def _oof_loss(
    prior: model.Prior,
    postings: Sequence[LabelledPosting],
    folds: np.ndarray,
    factors: Factors,
    saturation: float | None,
    strength: float,
    low_confidence: float,
) -> float:
    d = _design(prior, postings, factors, low_confidence)
    pts, _ = out_of_fold(_with_saturation(prior, saturation), d, folds, strength)
    return model.log_loss(pts, d.labels, 1.0)


def choose_settings(
    prior: model.Prior,
    postings: Sequence[LabelledPosting],
    folds: np.ndarray,
    factors: Factors,
    opts: TrainOptions,
    trail: list[str],
) -> tuple[Settings, float | None]:
    """Step 3: prior strength and low-confidence row weight, then mention factors."""
    saturation = prior.saturation
    best: tuple[float, float, float] | None = None
    for lam in opts.strengths:
        for low in opts.low_confidence:
            loss = _oof_loss(prior, postings, folds, factors, saturation, lam, low)
            trail.append(f"strength {lam} low-confidence weight {low}: log loss {loss:.4f}")
            if best is None or loss < best[0]:
                best = (loss, lam, low)
    assert best is not None
    loss, lam, low = best
    if opts.search_factors:
        for name in [*(f"section:{s}" for s in _SECTIONS), "preferred_weight", "listed_weight",
                     "company_clause_weight", "lead_weight", "repeat_decay",
                     "saturation"]:  # fmt: skip
            for step in _STEPS:
                moved = False
                for _ in range(_MAX_STEPS):  # keep going while the loss falls
                    cand_factors, cand_sat = _step(factors, saturation, name, step)
                    if (cand_factors, cand_sat) == (factors, saturation):
                        break
                    cand = _oof_loss(prior, postings, folds, cand_factors, cand_sat, lam, low)
                    trail.append(f"{name} x{step}: log loss {cand:.4f} (best {loss:.4f})")
                    if cand >= loss - _MIN_GAIN:
                        break
                    loss, factors, saturation, moved = cand, cand_factors, cand_sat, True
                if moved:
                    break  # the other direction cannot help from here
    return Settings(lam, low, factors, loss), saturation


def _step(
    factors: Factors, saturation: float | None, name: str, step: float
) -> tuple[Factors, float | None]:
    """One factor moved by ``step`` (a multiple), kept in its range."""
    if name.startswith("section:"):
        section = name.split(":", 1)[1]
        weights = dict(factors.section_weights)
        weights[section] = round(min(1.5, weights.get(section, 0.7) * step), 3)
        return replace(factors, section_weights=weights), saturation
    if name == "saturation":
        return factors, None if saturation is None else round(saturation * step, 3)
    value = getattr(factors, name)
    top = _LEAD_MAX if name == "lead_weight" else 1.0  # a lead counts more; the rest, less
    return replace(factors, **{name: round(min(top, value * step), 3)}), saturation


def fitted_numbers(
    prior: model.Prior,
    fit: model.Fit,
    factors: Factors,
    hand: Factors,
    saturation: float | None,
    temperature: float,
    provenance: FitProvenance,
) -> FittedWeights:
    """A ``fitted:`` block: every number that moved from its hand-set value, rounded."""
    weights: dict[str, dict[str, float]] = {}
    for item, roles in fit.weights.items():
        rounded = {r: round(w, 3) for r, w in roles.items()}
        if any(abs(rounded[r] - prior.weights[item][r]) >= 5e-4 for r in rounded):
            weights[item] = rounded
    sections = {
        s: w for s, w in factors.section_weights.items() if w != hand.section_weights.get(s)
    }
    scoring = FittedScoring(
        section_weights=sections,
        preferred_weight=factors.preferred_weight,
        listed_weight=factors.listed_weight,
        company_clause_weight=factors.company_clause_weight,
        lead_weight=factors.lead_weight,
        repeat_decay=factors.repeat_decay,
        saturation=saturation,
        title_weight=round(fit.title_weight, 3),
        role_bias={r: round(b, 3) for r, b in fit.bias.items()},
        temperature=round(temperature, 2),
        specialisation_shares={c: round(s, 3) for c, s in fit.shares.items()},
    )
    return FittedWeights(provenance=provenance, weights=weights, scoring=scoring)


def train(
    hand: Taxonomy,
    postings: Sequence[LabelledPosting],
    opts: TrainOptions,
    provenance: FitProvenance,
) -> TrainResult:
    """Steps 2–4: settings chosen by grouped CV, numbers fitted on every row."""
    prior = prior_of(hand)
    hand_factors = Factors.of(hand.scoring)
    folds = np.array(grouped_folds([p.group for p in postings], opts.folds, opts.seed))
    trail: list[str] = []
    settings, saturation = choose_settings(prior, postings, folds, hand_factors, opts, trail)
    prior = _with_saturation(prior, saturation)
    d = _design(prior, postings, settings.factors, settings.low_confidence)
    oof, _ = out_of_fold(prior, d, folds, settings.strength)
    word_settings, bags, vocabulary = None, None, []
    if opts.words and hand.words is not None and len(words.fitted_roles(d.labels)) < 2:
        trail.append(f"words: fewer than 2 roles with {words.MIN_ROWS} rows; no word layer")
    elif opts.words and hand.words is not None:
        vocabulary = sorted(hand.words.idf)
        bags = words.bag_matrix([dict(p.words) for p in postings], vocabulary)
        word_settings, word_oof = choose_words(oof, bags, d.labels, folds, trail)
        oof = oof + word_settings.scale * word_oof
    temperature = model.fit_temperature(oof, d.labels)
    # each fold's temperature from the other folds' out-of-fold points, for an honest ECE
    fold_t = [
        model.fit_temperature(oof[folds != k], d.labels[folds != k]) for k in range(opts.folds)
    ]
    trail.append(f"temperature {temperature} (per fold {fold_t})")
    fit = model.fit(prior, d, _strength(settings.strength))
    fitted = fitted_numbers(
        prior, fit, settings.factors, hand_factors, saturation, temperature, provenance
    )
    if word_settings is not None and bags is not None:
        every = np.arange(len(postings))
        layer = fitted_words(bags, d.labels, every, prior.roles, vocabulary, word_settings)
        fitted = fitted.model_copy(update={"words": layer})
    return TrainResult(
        fitted, settings, [int(f) for f in folds], fold_t, trail, word_settings, bags, vocabulary
    )


def choose_words(
    oof: np.ndarray,
    bags: sparse.csr_matrix,
    labels: np.ndarray,
    folds: np.ndarray,
    trail: list[str],
) -> tuple[words.WordSettings, np.ndarray]:
    """The word layer's penalty and scale with the lowest out-of-fold log loss of the
    evidence points plus the scaled word points (temperature refitted for each), and the
    word points out of fold with that penalty."""
    best: tuple[float, words.WordSettings, np.ndarray] | None = None
    for l2 in words.L2_GRID:
        word_oof = words.out_of_fold(bags, labels, folds, oof.shape[1], l2)
        for scale in words.SCALE_GRID:
            both = oof + scale * word_oof
            loss = model.log_loss(both, labels, model.fit_temperature(both, labels))
            trail.append(f"words l2 {l2} scale {scale}: log loss {loss:.4f}")
            if best is None or loss < best[0]:
                best = (loss, words.WordSettings(l2, scale), word_oof)
    assert best is not None
    return best[1], best[2]


def fitted_words(
    bags: sparse.csr_matrix,
    labels: np.ndarray,
    rows: np.ndarray,
    roles: Sequence[str],
    vocabulary: Sequence[str],
    settings: words.WordSettings,
) -> FittedWords:
    """The word layer fitted on ``rows``, scaled, as a taxonomy block."""
    fit = words.fit(bags[rows], labels[rows], len(roles), settings.l2)
    return FittedWords(
        roles=list(roles),
        scale=settings.scale,
        l2=settings.l2,
        weights=words.kept(fit, vocabulary, settings.scale),
    )


def fold_fits(
    hand: Taxonomy,
    postings: Sequence[LabelledPosting],
    result: TrainResult,
    train_on: Callable[[int], bool],
    temperature: float,
) -> FittedWeights:
    """Numbers fitted (with the chosen settings) on the rows ``train_on`` accepts."""
    prior = _with_saturation(prior_of(hand), result.fitted.scoring.saturation)
    idx = np.array([i for i in range(len(postings)) if train_on(i)])
    d = _design(prior, postings, result.settings.factors, result.settings.low_confidence)
    fit = model.fit(prior, _subset(d, idx), _strength(result.settings.strength))
    out = fitted_numbers(
        prior,
        fit,
        result.settings.factors,
        Factors.of(hand.scoring),
        result.fitted.scoring.saturation,
        temperature,
        result.fitted.provenance,
    )
    if result.words is not None and result.word_bags is not None:
        layer = fitted_words(
            result.word_bags, d.labels, idx, prior.roles, result.vocabulary, result.words
        )
        out = out.model_copy(update={"words": layer})
    return out


def _outside(folds: Sequence[int], fold: int, i: int) -> bool:
    return folds[i] != fold


class CrossValidated(NamedTuple):
    """What step 5 gives: the fitted and hand-set evaluations, each one's accuracy fold by
    fold, the out-of-fold readings, and the title weight and temperature each was read with."""

    fitted: PostingsEvaluation
    hand: PostingsEvaluation
    fitted_folds: list[float]
    hand_folds: list[float]
    readings: list[Reading]
    read_with: list[tuple[float, float]]


def cross_validate(
    hand: Taxonomy,
    rows: Sequence[Row],
    postings: Sequence[LabelledPosting],
    result: TrainResult,
    resamples: int = 0,
) -> CrossValidated:
    """Step 5: (fitted, hand-set) evaluations of the real reader, out of fold, and each
    one's accuracy fold by fold (how much the headline number moves between folds).

    For each fold the numbers are refitted on the other folds (same settings) and the
    temperature taken from the other folds' out-of-fold points; the fold's postings are
    then read by a reader built on those numbers. ``resamples`` > 0: the fitted evaluation
    carries bootstrap intervals.
    """
    k = max(result.folds) + 1
    readings: dict[int, Reading] = {}
    read_with: list[tuple[float, float]] = [(0.0, 1.0)] * len(rows)
    by_title: list[str] = [""] * len(rows)
    for fold in range(k):
        fitted = fold_fits(
            hand,
            postings,
            result,
            partial(_outside, result.folds, fold),
            result.fold_temperatures[fold],
        )
        reader = PostingReader(apply_fit(hand, fitted))
        scoring = reader.taxonomy.scoring
        for i, row in enumerate(rows):
            if result.folds[i] == fold:
                readings[i] = reader.read(row.text, title=row.title, id=row.id, company=row.company)
                read_with[i] = (scoring.title_weight, scoring.temperature)
                by_title[i] = title_only(reader, row.title)
    hand_reader = PostingReader(hand)
    hand_readings = [
        hand_reader.read(r.text, title=r.title, id=r.id, company=r.company) for r in rows
    ]
    hand_title = [title_only(hand_reader, r.title) for r in rows]
    version = hand.version
    fitted_eval = score_postings(
        rows,
        [readings[i] for i in range(len(rows))],
        by_title,
        hand.role_ids,
        version,
        SCORER_VERSION,
        resamples=resamples,
    )
    hand_eval = score_postings(
        rows, hand_readings, hand_title, hand.role_ids, version, SCORER_VERSION
    )
    labels = [str(r.extra["label"]) for r in rows]
    fitted_roles = [readings[i].role for i in range(len(rows))]
    hand_roles = [r.role for r in hand_readings]
    return CrossValidated(
        fitted_eval,
        hand_eval,
        _by_fold(labels, fitted_roles, result.folds, k),
        _by_fold(labels, hand_roles, result.folds, k),
        [readings[i] for i in range(len(rows))],
        read_with,
    )


def _by_fold(gold: Sequence[str], read: Sequence[str], folds: Sequence[int], k: int) -> list[float]:
    right = [0] * k
    size = [0] * k
    for g, r, f in zip(gold, read, folds, strict=True):
        size[f] += 1
        right[f] += g == r
    return [round(right[f] / size[f], 4) if size[f] else 0.0 for f in range(k)]


def scores(evaluation: PostingsEvaluation, fold_accuracy: Sequence[float] = ()) -> FitScores:
    """The headline numbers of an evaluation, for a provenance block."""
    w = evaluation.work
    return FitScores(
        n=evaluation.n,
        fold_accuracy=list(fold_accuracy),
        accuracy=w.accuracy,
        lenient_accuracy=evaluation.lenient_accuracy,
        macro_f1=w.macro_f1,
        log_loss=evaluation.calibration.log_loss,
        ece=evaluation.calibration.ece,
        per_role_f1={r: m.f1 for r, m in w.per_role.items() if m.support},
        mismatch_precision=evaluation.mismatch.precision,
        mismatch_recall=evaluation.mismatch.recall,
        title_role_accuracy=evaluation.title_role_accuracy,
    )


class Trained(BaseModel):
    """A finished fit: the numbers with their provenance, and the evaluations behind it."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    fitted: FittedWeights
    cross_validated: PostingsEvaluation
    hand: PostingsEvaluation
    holdout: PostingsEvaluation | None = None
    hand_holdout: PostingsEvaluation | None = None
    trail: list[str]
    grouped_by: str = Field(
        default="by company", description="what the cross-validation folds kept together"
    )
    warnings: list[str] = Field(
        default=[],
        description="what makes the fit or its scores doubtful (thin roles, a temperature at "
        "the edge of its range)",
    )
    out_of_fold: list[Reading] = Field(
        default=[],
        exclude=True,
        description="each row's reading by numbers fitted without its fold",
    )
    read_with: list[tuple[float, float]] = Field(
        default=[],
        exclude=True,
        description="the title weight and temperature of the numbers that made each "
        "out-of-fold reading (what its points would be without the title's prior)",
    )


def run(
    hand: Taxonomy,
    sources: Sequence[tuple[str, Sequence[Row]]],
    opts: TrainOptions,
    date: dt.date,
) -> Trained:
    """Everything ``rolelens train postings`` does between reading files and writing one:
    read, choose settings, fit, cross-validate, and (with several files) fit on all but the
    last and score on the last."""
    rows = [row for _, part in sources for row in part]
    counts = Counter(str(r.extra["label"]) for r in rows)
    if len(counts) < 2:
        only = f": all {len(rows)} are labelled {next(iter(counts))}" if counts else ""
        raise InputError(f"fitting needs labelled rows of at least 2 roles{only}")
    reader = PostingReader(hand)
    postings: list[LabelledPosting] = []
    for name, part in sources:
        postings.extend(labelled_postings(reader, part, source=name))
    digest = content_sha256(
        [
            {
                "id": r.id,
                "title": r.title,
                "company": r.company,
                "description": r.text,
                "label": r.extra["label"],
                "acceptable_alternatives": r.extra.get("acceptable_alternatives"),
                "confidence": r.extra.get("confidence"),
            }
            for r in rows
        ]
    )
    provenance = FitProvenance(
        fitted_on=[name for name, _ in sources],
        rows=len(rows),
        sha256=digest,
        date=date,
        seed=opts.seed,
        scorer_version=SCORER_VERSION,
        taxonomy_version=hand.version,
        method=METHOD,
    )
    result = train(hand, postings, opts, provenance)
    fitted_eval, hand_eval, fitted_folds, hand_folds, oof, read_with = cross_validate(
        hand, rows, postings, result, opts.resamples
    )
    holdout = hand_holdout = None
    if len(sources) > 1:
        last = sources[-1][0]
        at = [i for i, p in enumerate(postings) if p.source == last]
        mine = set(at)
        fitted = fold_fits(
            hand,
            postings,
            result,
            lambda i: i not in mine,
            result.fitted.scoring.temperature or 1.0,
        )
        held = [rows[i] for i in at]
        holdout = evaluate_postings(
            PostingReader(apply_fit(hand, fitted)), held, resamples=opts.resamples
        )
        hand_holdout = evaluate_postings(PostingReader(hand), held)
    s = result.settings
    provenance = provenance.model_copy(
        update={
            "settings": {
                "folds": float(opts.folds),
                "prior_strength": s.strength,
                "low_confidence_row_weight": s.low_confidence,
                "out_of_fold_log_loss": round(s.log_loss, 4),
                **(
                    {"word_l2": result.words.l2, "word_scale": result.words.scale}
                    if result.words is not None
                    else {}
                ),
            },
            "fitted_how": FITTED_HOW,
            "cv": scores(fitted_eval, fitted_folds),
            "hand_cv": scores(hand_eval, hand_folds),
            "holdout_file": sources[-1][0] if holdout is not None else None,
            "holdout": scores(holdout) if holdout is not None else None,
            "hand_holdout": scores(hand_holdout) if hand_holdout is not None else None,
        }
    )
    fitted = result.fitted.model_copy(update={"provenance": provenance})
    return Trained(
        fitted=fitted,
        cross_validated=fitted_eval,
        hand=hand_eval,
        holdout=holdout,
        hand_holdout=hand_holdout,
        trail=result.trail,
        grouped_by=grouped_by(rows),
        warnings=doubts(counts, fitted.scoring.temperature),
        out_of_fold=oof,
        read_with=read_with,
    )


def grouped_by(rows: Sequence[Row]) -> str:
    """What the folds kept together, in words: companies, rows without one alone."""
    given = [r.company for r in rows if isinstance(r.company, str) and r.company.strip()]
    alone = len(rows) - len(given)
    if not given:
        return "by row (no row gives a company)"
    companies = len({group_of(c, None, 0) for c in given})
    rest = f"; {alone} row(s) without one, each its own group" if alone else ""
    return f"by company ({companies} companies{rest})"


def doubts(counts: Counter[str], temperature: float | None) -> list[str]:
    """Warnings about a finished fit: roles too thin to fit or score, a temperature that
    stopped at the edge of the range searched."""
    out = []
    thin = sorted((n, role) for role, n in counts.items() if n < MIN_ROLE_ROWS)
    if thin:
        named = ", ".join(f"{role} ({n})" for n, role in thin)
        out.append(
            f"role(s) with fewer than {MIN_ROLE_ROWS} labelled rows: {named}; their numbers "
            "stay near the hand-set ones and their cross-validated scores are noise"
        )
    low, high = model.TEMPERATURE_RANGE
    if temperature is not None and not low < temperature < high:
        out.append(
            f"the temperature stopped at the edge of its range ({temperature}, searched "
            f"{low} to {high}): the rows do not say how sure the reader should be (too few, "
            "or too easy), so the confidences of this fit are not calibrated"
        )
    return out


FITTED_HOW = {
    "weights": "MAP fit (L-BFGS-B), prior centred on the hand weights; only the item-role "
    "pairs the hand weights set; an item never seen keeps its hand weight; where the hand "
    "weights rank two of an item's roles, the fitted weights keep that order",
    "role_bias": "MAP fit with the weights; a role with fewer than 20 rows keeps its hand bias",
    "title_weight": "MAP fit with the weights",
    "specialisation_shares": "MAP fit with the weights (prior 10x stronger)",
    "section_weights, preferred_weight, listed_weight, company_clause_weight, lead_weight, "
    "repeat_decay, saturation": "one pass of coordinate search (steps of x1.5 or x0.6, up to 3 "
    "while the loss falls by 0.001 or more) on grouped out-of-fold log loss",
    "words": "multinomial logistic regression without intercept on unit-length tf-idf bags of "
    "the responsibilities and requirements (vocabulary and idf from unlabelled postings), L2 "
    "penalty and the scale it is added at chosen on grouped out-of-fold log loss of the sum; "
    "a role with fewer than 20 rows gets no word points",
    "temperature": "grid search on the out-of-fold points' log loss (word points included)",
    "prior_strength, low_confidence_row_weight": "grid search on grouped out-of-fold log loss",
}
