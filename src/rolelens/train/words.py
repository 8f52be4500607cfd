"""Fit the word layer: points per role for the vocabulary's words.

A multinomial logistic regression without intercept on the unit-length word bags of the
labelled postings (:func:`rolelens.core.words.word_features`), L2-penalised, fitted by
L-BFGS. Each word's points are centred across the roles fitted (a softmax does not see a
shift shared by all roles); a role with fewer than 20 labelled rows gets 0 from every
word. The layer's
points are added to the evidence points scaled by ``scale``, which (with the penalty) is
chosen on the grouped out-of-fold log loss of the sum. Deterministic: zero start, no
randomness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize

Array = npt.NDArray[np.float64]

#: Penalties and scales the fit chooses among.
L2_GRID = (0.03, 0.1, 0.3)
SCALE_GRID = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class WordSettings:
    """The penalty and scale the fit chose."""

    l2: float
    scale: float


def bag_matrix(bags: Sequence[Mapping[str, float]], vocabulary: Sequence[str]) -> sparse.csr_matrix:
    """Rows of word bags over ``vocabulary`` (words outside it are left out)."""
    where = {w: j for j, w in enumerate(vocabulary)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, bag in enumerate(bags):
        for w, x in bag.items():
            j = where.get(w)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(x)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(bags), len(vocabulary)))


#: A role with fewer labelled rows than this gets no word points (its rows are left out of
#: the word fit): a handful of postings would teach it their employers' words.
MIN_ROWS = 20


def fitted_roles(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The roles with at least :data:`MIN_ROWS` rows: those the words are fitted for."""
    roles, counts = np.unique(labels, return_counts=True)
    return roles[counts >= MIN_ROWS]


def fit(x: sparse.csr_matrix, labels: npt.NDArray[np.int64], n_roles: int, l2: float) -> Array:
    """Points per (word, role), centred over the roles fitted; 0 for roles with fewer than
    :data:`MIN_ROWS` rows."""
    present = fitted_roles(labels)
    if len(present) < 2:  # nothing to tell apart
        return np.zeros((x.shape[1], n_roles))
    mine = np.isin(labels, present)
    x, labels = x[mine], labels[mine]
    k = len(present)
    col = {int(c): j for j, c in enumerate(present)}
    y = np.zeros((x.shape[0], k))
    y[np.arange(len(labels)), [col[int(c)] for c in labels]] = 1.0
    v = x.shape[1]
    xt = x.T.tocsr()

    def objective(theta: Array) -> tuple[float, Array]:
        w = theta.reshape(v, k)
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = float(-(y * (z - np.log(s))).sum() + 0.5 * l2 * (theta @ theta))
        grad = xt @ (e / s - y) + l2 * w
        return loss, np.asarray(grad).ravel()

    res = minimize(
        objective, np.zeros(v * k), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    )
    w = res.x.reshape(v, k)
    w = w - w.mean(axis=1, keepdims=True)
    full = np.zeros((v, n_roles))
    full[:, present] = w
    return full


def out_of_fold(
    x: sparse.csr_matrix,
    labels: npt.NDArray[np.int64],
    folds: npt.NDArray[np.int64],
    n_roles: int,
    l2: float,
) -> Array:
    """Each row's word points from a fit on the other folds."""
    pts = np.zeros((x.shape[0], n_roles))
    for k in range(int(folds.max()) + 1):
        train, test = folds != k, folds == k
        pts[test] = x[test] @ fit(x[train], labels[train], n_roles, l2)
    return pts


def kept(weights: Array, vocabulary: Sequence[str], scale: float) -> dict[str, list[float]]:
    """The scaled points of the words with any point of 0.0005 or more, rounded."""
    scaled = np.round(weights * scale, 4)
    return {
        vocabulary[j]: [float(p) for p in scaled[j]]
        for j in np.where(np.abs(scaled).max(axis=1) >= 5e-4)[0]
    }
