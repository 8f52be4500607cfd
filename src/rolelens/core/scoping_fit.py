"""Fit the scoper's linear layer on labelled briefs, and cross-validate it, grouped by source.

The scoper turns a brief into features (each cue's activation, the labelled-volume
finding, optionally each fact's semantic strength); a multinomial logistic layer maps
features to outcomes. This module fits that layer with L2-penalised full-batch gradient
descent (deterministic: same rows, same seed, same numbers) and measures it by grouped
k-fold cross-validation, refitting inside every fold, so no brief is scored by a layer
that saw it or a brief from the same source.

Needs numpy (the ``semantic`` or ``train`` extra); *reading* a fitted layer does not.
Pure: rows in, numbers out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rolelens.core.evaluate import Intervals, bootstrap_intervals, classification
from rolelens.core.folds import grouped_folds
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_eval import LabelledBrief
from rolelens.core.text import words as wordbag
from rolelens.taxonomy.models.scoping import (
    HYBRID,
    VOLUME_FEATURES,
    ExtraTraining,
    FitScores,
    ScopingFit,
    ScopingFitProvenance,
    SentenceLayer,
    WordLayer,
)

L2_GRID = (0.003, 0.01, 0.03)
PRIOR_GRID = (0.0, 0.5, 1.0)
CHOICE_REPEATS = 3  # fold assignments the penalty and prior are chosen over
PROGRESS_EVERY = 100  # briefs between two progress notes while the design is built
Progress = Callable[[str], None]  # hears a line on how far a long fit has got
# hybrid has no hand weights of its own (a rule scored it from both sides): its prior is this
# share of the model-building plus the LLM-integration priors, so it leads where both sides do.
# Chosen by grouped CV between 0.5 and 0.6 on the dev briefs (a fitted number).
HYBRID_PRIOR_SHARE = 0.6
# the mean sentence vector's components are small (unit vectors over 384 dimensions): they
# are multiplied by this before fitting, so one L2 penalty suits them and the cue features.
# Chosen by grouped CV among 5, 10 and 20 on the dev briefs (a fitted number).
SENTENCE_SCALE = 10.0
# the word layer: L2 penalty of its fit and how many written briefs must hold a term. Chosen
# by grouped CV on the dev briefs (l2 among 3e-5, 1e-4 and 3e-4): fitted numbers.
WORD_L2 = 1e-4
WORD_MIN_DF = 2
WORD_METHOD = (
    "plus a second multinomial logistic layer on TF-IDF weights of words and word pairs "
    "(vocabulary and idf from the written briefs only), fitted on the same rows at l2 "
    f"{WORD_L2}; the two layers' points add"
)
METHOD = (
    "multinomial logistic regression on cue activations, volume findings and (semantic) fact "
    "similarities and the mean sentence vector; MAP with a Gaussian prior centred on "
    "prior_scale x the taxonomy's hand-set cue weights (zero for facts; intercepts "
    "unpenalised); full-batch Nesterov gradient descent, 3000 steps; the softmax temperature "
    "fitted on the grouped-CV out-of-fold points (least log loss)"
)


@dataclass(frozen=True, slots=True)
class Design:
    """The feature matrix of labelled briefs, with what each row and column is."""

    features: list[str]
    outcomes: list[str]
    x: NDArray[np.float64]
    y: NDArray[np.int64]
    alternatives: list[tuple[str, ...]]
    groups: list[str]
    prior: NDArray[np.float64]  # outcomes x features: the hand-set weights, per feature unit
    vector_model: str | None = None  # the embedding model of the ``vec:`` columns
    # the last ``extra`` rows only ever train: briefs written from general knowledge that join
    # every training fold (and the final fit) at ``extra_weight`` each, and are never scored
    extra: int = 0
    extra_weight: float = 1.0

    @property
    def scored(self) -> int:
        """How many leading rows are the labelled briefs that cross-validation scores."""
        return len(self.y) - self.extra

    def weights(self) -> NDArray[np.float64]:
        """Each row's weight in the fit: 1 for the labelled rows, ``extra_weight`` after."""
        w = np.ones(len(self.y))
        w[self.scored :] = self.extra_weight
        return w


def feature_names(scoper: Scoper) -> list[str]:
    """Every feature the scoper can produce, in a fixed order."""
    names = [f"cue:{c.id}" for c in scoper.cues.cues]
    names += list(VOLUME_FEATURES)
    if scoper.semantic is not None:
        names += [f"fact:{f.id}" for f in scoper.cues.facts]
        names += [f"vec:{i}" for i in range(scoper.semantic.embedder.dimensions)]
    return names


def design(
    scoper: Scoper,
    rows: Sequence[LabelledBrief],
    extra: Sequence[LabelledBrief] = (),
    extra_weight: float = 1.0,
    progress: Progress | None = None,
) -> Design:
    """Feature values of each brief (the scoper's fit, if any, plays no part in them).

    ``extra`` rows (written briefs) follow the labelled ones: they join every training fold
    at ``extra_weight`` and are never scored. ``progress`` hears how far it has got."""
    if extra and not 0.0 < extra_weight <= 1.0:
        raise ValueError(f"extra_weight must be in (0, 1], not {extra_weight}")
    rows = [*rows, *extra]
    names = feature_names(scoper)
    index = {n: i for i, n in enumerate(names)}
    outcomes = list(scoper.outcomes)
    x = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for name, value in scoper.features(row.text).items():
            if name in index:
                x[r, index[name]] = value * (SENTENCE_SCALE if name.startswith("vec:") else 1.0)
        if progress is not None and ((r + 1) % PROGRESS_EVERY == 0 or r + 1 == len(rows)):
            progress(f"features of {r + 1} / {len(rows)} briefs")
    y = np.array([outcomes.index(row.label) for row in rows], dtype=np.int64)
    groups = [row.group or (row.id or str(i)) for i, row in enumerate(rows)]
    prior = hand_prior(scoper, names, outcomes)
    model = scoper.semantic.embedder.model_id if scoper.semantic is not None else None
    alternatives = [row.alternatives for row in rows]
    return Design(
        names, outcomes, x, y, alternatives, groups, prior, model, len(extra), extra_weight
    )


def hand_prior(
    scoper: Scoper, names: Sequence[str], outcomes: Sequence[str]
) -> NDArray[np.float64]:
    """The hand-set weights as coefficients: what one unit of each feature gave by hand."""
    cues = {c.id: c for c in scoper.cues.cues}
    weight = {s.id: s.weight for s in scoper.cues.steps}
    v = scoper.cues.volume
    by_kind = {
        "large": v.large,
        "small_labelled_text": v.small_text,
        "small_labelled": v.small_other,
        "labelled_no_count": v.unknown_labelled,
    }
    out = np.zeros((len(outcomes), len(names)))
    for j, name in enumerate(names):
        kind, _, key = name.partition(":")
        hand: dict[str, float] = {}
        unit = 1.0
        if kind == "cue" and key in cues:
            cue = cues[key]
            hand = cue.weights
            unit = weight[cue.step] * (3.0 if cue.per_term else 1.0)  # a term's value is 1/3
        elif kind == "volume":
            hand, unit = by_kind.get(key, {}), weight["volume"]
        for role, w in hand.items():
            if role in outcomes:
                out[list(outcomes).index(role), j] = w * unit
    h = scoper.cues.hybrid
    sides = [h.model_roles[0], h.llm_roles[0]]
    if HYBRID in outcomes and all(r in outcomes for r in sides):
        both = sum(out[list(outcomes).index(r)] for r in sides)
        out[list(outcomes).index(HYBRID)] += HYBRID_PRIOR_SHARE * both
    return out


@dataclass(frozen=True, slots=True)
class Words:
    """TF-IDF weights of a design's rows over a vocabulary taken from other texts."""

    terms: list[str]
    idf: list[float]
    matrix: Any  # scipy sparse, rows x terms, aligned with the design's rows
    vocabulary_from: str
    min_df: int


def word_data(
    rows: Sequence[LabelledBrief],
    vocabulary_texts: Sequence[str],
    vocabulary_from: str,
    min_df: int = WORD_MIN_DF,
) -> Words:
    """The rows' word weights over the terms that ``min_df`` of ``vocabulary_texts`` hold
    (with idf from those texts): labelled briefs add no term of their own."""
    from scipy import sparse

    df = wordbag.document_frequency(vocabulary_texts)
    terms = sorted(t for t, c in df.items() if c >= min_df)
    idf = [round(wordbag.idf(df[t], len(vocabulary_texts)), 4) for t in terms]
    index = {t: j for j, t in enumerate(terms)}
    data: list[float] = []
    cols: list[int] = []
    ptr = [0]
    for row in rows:
        w = wordbag.weights(wordbag.terms(row.text), index, idf)
        cols += list(w)
        data += list(w.values())
        ptr.append(len(cols))
    matrix = sparse.csr_matrix((data, cols, ptr), shape=(len(rows), len(terms)))
    return Words(terms, idf, matrix, vocabulary_from, min_df)


def word_logits(d: Design, words: Words, k: int, seed: int) -> NDArray[np.float64]:
    """Out-of-fold word-layer points of each labelled row (folds as ``cross_validate``)."""
    return _out_of_fold(d, words.matrix, WORD_L2, None, k, seed)


def _out_of_fold(
    d: Design, x: Any, l2: float, prior: NDArray[np.float64] | None, k: int, seed: int
) -> NDArray[np.float64]:
    """Each labelled row's points from a softmax layer on ``x`` (the design's features or
    its rows' word weights) fitted on the other folds, grouped by source; the extra rows join
    every training fold."""
    n = d.scored
    folds = np.array(grouped_folds(d.groups[:n], k, seed) + [-1] * d.extra)
    weights = d.weights()
    out = np.zeros((n, len(d.outcomes)))
    for f in range(k):
        test = folds == f
        if not test.any():
            continue
        train = np.where(~test)[0]
        coef, icpt = fit_softmax(
            x[train], d.y[train], len(d.outcomes), l2, prior, weights=weights[train]
        )
        out[test[:n]] = np.asarray(x[np.where(test)[0]] @ coef.T) + icpt
    return out


def fit_word_layer(d: Design, words: Words) -> WordLayer:
    """The word layer fitted on every row of the design (labelled and written, weighted)."""
    return fit_words(d.outcomes, d.y, d.weights(), words)


def fit_words(
    outcomes: Sequence[str], y: NDArray[np.int64], weights: NDArray[np.float64], words: Words
) -> WordLayer:
    """The word layer fitted on rows of ``words`` with these labels and row weights."""
    coef, icpt = fit_softmax(words.matrix, y, len(outcomes), WORD_L2, weights=weights)
    return WordLayer(
        vocabulary_from=words.vocabulary_from,
        min_df=words.min_df,
        l2=WORD_L2,
        terms=words.terms,
        idf=words.idf,
        intercept={o: round(float(icpt[i]), 4) for i, o in enumerate(outcomes)},
        coef={o: [round(float(c), 4) for c in coef[i]] for i, o in enumerate(outcomes)},
    )


def word_points(layer: WordLayer, words: Words, n: int) -> NDArray[np.float64]:
    """The layer's points on the first ``n`` rows of ``words`` (outcomes in layer order)."""
    coef = np.array(list(layer.coef.values()))
    icpt = np.array(list(layer.intercept.values()))
    points: NDArray[np.float64] = np.asarray(words.matrix[:n] @ coef.T, dtype=float) + icpt
    return points


def fit_softmax(
    x: NDArray[np.float64],
    y: NDArray[np.int64],
    n_classes: int,
    l2: float,
    prior: NDArray[np.float64] | None = None,
    steps: int = 3000,
    weights: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(coef [classes x features], intercept [classes]) minimising the (row-weighted) mean
    log loss + l2/2 |W - prior|^2 (prior: classes x features, zero when None)."""
    n, d = x.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0
    w_row = np.ones((n, 1)) if weights is None else np.asarray(weights, dtype=float)[:, None]
    w_row = w_row * (n / float(w_row.sum()))  # mean 1: the penalty means the same at any weight
    # step size from the gradient's Lipschitz bound: softmax curvature <= 1/2
    xb: Any
    if hasattr(x, "tocsr"):  # a scipy sparse matrix (word weights): bound by the Frobenius norm
        from scipy import sparse

        xb = sparse.hstack([x, np.ones((n, 1))]).tocsr()
        frobenius = float((np.asarray(xb.multiply(xb).sum(axis=1)) * w_row).sum())
        lipschitz = 0.5 * frobenius / n + l2
    else:
        xb = np.hstack([x, np.ones((n, 1))])
        lipschitz = 0.5 * float(np.linalg.norm(np.sqrt(w_row) * xb, 2)) ** 2 / n + l2
    lr = 1.0 / lipschitz
    centre = np.zeros((d + 1, n_classes))
    if prior is not None:
        centre[:-1] = prior.T
    w = centre.copy()
    v = w.copy()
    penalty = np.ones((d + 1, 1))
    penalty[-1] = 0.0
    for t in range(steps):
        look = w + (t / (t + 3)) * (w - v)
        z = np.asarray(xb @ look)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = np.asarray(xb.T @ (w_row * (p - onehot))) / n + l2 * penalty * (look - centre)
        v = w
        w = look - lr * grad
    return w[:-1].T.copy(), w[-1].copy()


def predict(
    coef: NDArray[np.float64], intercept: NDArray[np.float64], x: NDArray[np.float64]
) -> NDArray[np.int64]:
    """The index of the highest-scoring outcome for each row."""
    return np.asarray(np.argmax(x @ coef.T + intercept, axis=1), dtype=np.int64)


def scores(
    outcomes: list[str],
    gold: Sequence[int],
    predicted: Sequence[int],
    alternatives: Sequence[tuple[str, ...]],
) -> FitScores:
    """Strict and lenient accuracy, macro-F1 and per-role F1 of index predictions."""
    g = [outcomes[i] for i in gold]
    p = [outcomes[i] for i in predicted]
    report = classification(g, p, outcomes)
    lenient = sum(a == b or b in alts for a, b, alts in zip(g, p, alternatives, strict=True))
    n = len(g)
    return FitScores(
        n=n,
        strict_accuracy=report.accuracy,
        lenient_accuracy=round(lenient / n, 4) if n else 0.0,
        macro_f1=report.macro_f1,
        per_role_f1={o: m.f1 for o, m in report.per_role.items()},
    )


def cross_validated_points(
    d: Design,
    l2: float,
    k: int,
    seed: int,
    prior_scale: float = 0.0,
    plus: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Each labelled row's points from a layer fitted on the other folds (grouped by source),
    the extra rows joining every training fold; ``plus``: out-of-fold points of a second
    layer (:func:`word_logits`), added to them."""
    out = _out_of_fold(d, d.x, l2, prior_scale * d.prior, k, seed)
    return out + plus if plus is not None else out


def _argmax(points: NDArray[np.float64]) -> list[int]:
    return [int(i) for i in np.argmax(points, axis=1)]


def fit_temperature(points: NDArray[np.float64], y: NDArray[np.int64]) -> float:
    """The temperature (0.5 to 3 by 0.1) whose softmax of out-of-fold ``points`` gives the
    labels the least mean log loss: so that a 0.8 is right about 8 times in 10."""

    def loss(t: float) -> float:
        z = points / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y].mean())

    grid = [round(0.5 + 0.1 * i, 1) for i in range(26)]
    return min(grid, key=lambda t: (loss(t), t))


def cross_validate(
    d: Design,
    l2: float,
    k: int = 5,
    seed: int = 0,
    prior_scale: float = 0.0,
    words: Words | None = None,
) -> FitScores:
    """Grouped k-fold cross-validated scores of the layer at one L2 penalty and prior (with
    the word layer refit in each fold beside it, when given)."""
    return cross_validate_with_intervals(d, l2, k, seed, prior_scale, words, 0)[0]


def cross_validate_with_intervals(
    d: Design,
    l2: float,
    k: int,
    seed: int,
    prior_scale: float,
    words: Words | None,
    resamples: int,
) -> tuple[FitScores, Intervals | None]:
    """:func:`cross_validate`, and 95% bootstrap intervals of the out-of-fold scores
    (``resamples`` redrawn sets of the labelled rows, seed 0; None when 0)."""
    points = _with_words_cv(d, l2, k, seed, prior_scale, words)
    n = d.scored
    gold = [d.outcomes[int(i)] for i in d.y[:n]]
    read = [d.outcomes[i] for i in _argmax(points)]
    rights = [
        g == r or r in alts for g, r, alts in zip(gold, read, d.alternatives[:n], strict=True)
    ]
    intervals = (
        bootstrap_intervals(gold, read, None, resamples, labels=d.outcomes, lenient=rights)
        if resamples
        else None
    )
    return _scored(d, points), intervals


def _with_words_cv(
    d: Design, l2: float, k: int, seed: int, prior_scale: float, words: Words | None
) -> NDArray[np.float64]:
    """Out-of-fold points of the layer, plus the word layer's when given."""
    plus = word_logits(d, words, k, seed) if words is not None else None
    return cross_validated_points(d, l2, k, seed, prior_scale, plus)


def _scored(d: Design, points: NDArray[np.float64]) -> FitScores:
    """Scores of the labelled rows read by their highest points."""
    n = d.scored
    return scores(d.outcomes, [int(i) for i in d.y[:n]], _argmax(points), d.alternatives[:n])


def choose_l2(
    d: Design,
    k: int,
    seed: int,
    grid: Sequence[float] = L2_GRID,
    priors: Sequence[float] = PRIOR_GRID,
    repeats: int = CHOICE_REPEATS,
    words: Words | None = None,
    progress: Progress | None = None,
) -> tuple[float, float]:
    """(penalty, prior scale) with the best grouped-CV strict accuracy averaged over
    ``repeats`` fold assignments (seeds ``seed``, ``seed + 1``, ...), ties broken by lenient
    accuracy, then the larger penalty and prior: the more conservative fit.

    One assignment of a few hundred rows to folds moves the accuracy by about two points, as
    much as the grid's steps; averaging over repeats keeps the choice from following one
    split's luck."""

    plus = [word_logits(d, words, k, seed + r) if words else None for r in range(repeats)]
    gold = [int(i) for i in d.y[: d.scored]]
    alternatives = d.alternatives[: d.scored]

    tried = 0

    def mean_scores(l2: float, prior_scale: float) -> tuple[float, float]:
        nonlocal tried
        runs = [
            scores(
                d.outcomes,
                gold,
                _argmax(cross_validated_points(d, l2, k, seed + r, prior_scale, plus[r])),
                alternatives,
            )
            for r in range(repeats)
        ]
        strict = sum(s.strict_accuracy for s in runs) / repeats
        lenient = sum(s.lenient_accuracy for s in runs) / repeats
        tried += 1
        if progress is not None:
            progress(
                f"penalty {tried} / {len(grid) * len(priors)}: l2 {l2}, prior scale "
                f"{prior_scale}: CV strict {strict:.3f}, lenient {lenient:.3f}"
            )
        return strict, lenient

    best = max(
        ((l2, ps) for l2 in grid for ps in priors),
        key=lambda c: (*mean_scores(*c), c),
    )
    return float(best[0]), float(best[1])


def fit_layer(
    d: Design,
    *,
    file_name: str,
    file_bytes: bytes,
    date: str,
    seed: int = 0,
    k: int = 5,
    l2: float | None = None,
    prior_scale: float = 0.0,
    hand_dev: FitScores | None = None,
    extra_files: Sequence[tuple[str, bytes, int]] = (),
    words: Words | None = None,
    word_layer: WordLayer | None = None,
    progress: Progress | None = None,
) -> ScopingFit:
    """Fit the layer on every row, with provenance and grouped-CV scores beside it.

    ``extra_files`` names the files of the design's extra rows: (name, bytes, rows);
    ``word_layer``: the word layer already fitted on ``words`` (fitted here when not given)."""
    chosen_by = "given"
    if l2 is None:
        l2, prior_scale = choose_l2(d, k, seed, words=words, progress=progress)
        chosen_by = (
            f"grouped {k}-fold CV strict accuracy (mean of {CHOICE_REPEATS} fold seeds from "
            f"{seed}) on the same rows over l2 {list(L2_GRID)} x "
            f"prior scale {list(PRIOR_GRID)} (numbers chosen by looking at these rows: the CV "
            "scores are slightly optimistic)"
        )
    coef, icpt = fit_softmax(
        d.x, d.y, len(d.outcomes), l2, prior_scale * d.prior, weights=d.weights()
    )
    z = d.x[: d.scored] @ coef.T + icpt
    if words is not None:
        z = z + word_points(word_layer or fit_word_layer(d, words), words, d.scored)
    dev = _scored(d, z)
    oof = _with_words_cv(d, l2, k, seed, prior_scale, words)
    cv, temperature = _scored(d, oof), fit_temperature(oof, d.y[: d.scored])
    vec = [j for j, f in enumerate(d.features) if f.startswith("vec:")]
    keep = [
        j
        for j, f in enumerate(d.features)
        if not f.startswith("vec:") and np.any(np.abs(coef[:, j]) >= 5e-4)
    ]
    sentences = None
    if vec:
        assert d.vector_model is not None
        sentences = SentenceLayer(
            model=d.vector_model,
            dims=len(vec),
            scale=SENTENCE_SCALE,
            coef={o: [round(float(coef[i, j]), 4) for j in vec] for i, o in enumerate(d.outcomes)},
        )
    return ScopingFit(
        features=[d.features[j] for j in keep],
        intercept={o: round(float(icpt[i]), 4) for i, o in enumerate(d.outcomes)},
        coef={o: [round(float(coef[i, j]), 4) for j in keep] for i, o in enumerate(d.outcomes)},
        sentences=sentences,
        with_words=words is not None,
        temperature=temperature,
        provenance=ScopingFitProvenance(
            fitted_on=file_name,
            rows=d.scored,
            sha256=hashlib.sha256(file_bytes).hexdigest(),
            also_trained_on=[
                ExtraTraining(
                    file=name,
                    rows=rows,
                    sha256=hashlib.sha256(raw).hexdigest(),
                    weight=d.extra_weight,
                )
                for name, raw, rows in extra_files
            ],
            date=date,
            seed=seed,
            method=METHOD + ("; " + WORD_METHOD if words is not None else ""),
            l2=l2,
            prior_scale=prior_scale,
            l2_chosen_by=chosen_by,
            semantic=any(f.startswith("fact:") for f in d.features),
            folds=k,
            grouped_by="source_url domain",
            cv=cv,
            dev=dev,
            hand_dev=hand_dev,
        ),
    )
