"""The reader's scoring as a differentiable model, fitted by MAP multinomial regression.

For posting n with item amounts x (from :func:`~rolelens.train.features.item_amounts`)::

    raw_r    = Σ_i W_ir · x_i
    points_r = sat(raw_r) + share_r · max_{p ∈ parents(r)} sat(raw_p) + b_r + t·[title says r]
    p        = softmax(points / T)

``sat(p) = a·ln(1 + p/a)`` for p > 0. ``W`` (only the item-role pairs the hand weights set),
``b``, ``t`` and the specialisation shares are fitted together by L-BFGS on the row-weighted
mean negative log-likelihood plus a Gaussian prior centred on the hand-set numbers
(``λ·Σ(W − W₀)²``, ...): an item seen rarely, or a role with no rows (RPA), keeps its
hand weight. The fit sets how much an item counts for each role, not which role it speaks
for first: where the hand weights rank two of an item's roles, the fitted weights keep that
order (a stiff quadratic penalty on any reversal, then an exact projection), so "unit tests"
never ends up as evidence for AI engineering ahead of software engineering because the
labelled sample's AI postings happened to mention tests. ``T`` is fitted afterwards, on
out-of-fold points, for calibration.
Deterministic: no random start, the same rows give the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Prior:
    """The hand-set numbers the fit starts from and is pulled back to."""

    roles: Sequence[str]
    items: Sequence[str]
    weights: Mapping[str, Mapping[str, float]]  # item -> role -> hand weight
    bias: Mapping[str, float]
    title_weight: float
    saturation: float | None
    specialisations: Mapping[str, tuple[Sequence[str], float]]  # child -> (parents, share)


@dataclass(frozen=True)
class Strength:
    """How hard the prior pulls each family of numbers (larger: closer to hand-set)."""

    weights: float = 0.01
    bias: float = 0.01
    title: float = 0.01
    shares: float = 0.1
    order: float = 10.0  # against a fitted weight passing one the hand weights rank above it


@dataclass(frozen=True)
class Fit:
    """Fitted numbers, by name."""

    weights: dict[str, dict[str, float]]
    bias: dict[str, float]
    title_weight: float
    shares: dict[str, float]
    loss: float
    iterations: int


@dataclass(frozen=True)
class Design:
    """Rows as arrays: item amounts, title roles, labels, row weights."""

    amounts: sparse.csr_matrix  # n × items
    title: Array  # n × roles, one-hot of the title's role (zero row when none)
    labels: npt.NDArray[np.int64]
    row_weights: Array


def design(
    prior: Prior,
    amounts: Sequence[Mapping[str, float]],
    title_roles: Sequence[str | None],
    labels: Sequence[str],
    row_weights: Sequence[float],
) -> Design:
    """Arrays for :func:`fit` and :func:`points` (items the prior lacks are left out)."""
    item_at = {item: i for i, item in enumerate(prior.items)}
    role_at = {r: i for i, r in enumerate(prior.roles)}
    data: list[float] = []
    cols: list[int] = []
    ptr = [0]
    for row in amounts:
        for item, x in sorted(row.items()):
            j = item_at.get(item)
            if j is not None:
                cols.append(j)
                data.append(x)
        ptr.append(len(cols))
    x = sparse.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(cols, dtype=np.int64), np.array(ptr)),
        shape=(len(amounts), len(prior.items)),
    )
    title = np.zeros((len(amounts), len(prior.roles)))
    for n, role in enumerate(title_roles):
        if role in role_at:
            title[n, role_at[role]] = 1.0
    y = np.array([role_at[lab] for lab in labels], dtype=np.int64)
    return Design(x, title, y, np.asarray(row_weights, dtype=np.float64))


class _Layout:
    """Where each fitted number sits in the parameter vector."""

    def __init__(self, prior: Prior) -> None:
        self.roles = list(prior.roles)
        role_at = {r: i for i, r in enumerate(self.roles)}
        rows: list[int] = []
        cols: list[int] = []
        w0: list[float] = []
        for i, item in enumerate(prior.items):
            for role, w in sorted(prior.weights[item].items()):
                rows.append(i)
                cols.append(role_at[role])
                w0.append(w)
        self.entry_item = np.array(rows, dtype=np.int64)
        self.entry_role = np.array(cols, dtype=np.int64)
        self.n_items = len(prior.items)
        self.w0 = np.array(w0)
        # pairs of entries of one item whose hand weights rank the first above the second
        above: list[int] = []
        below: list[int] = []
        start = 0
        for end in [*np.flatnonzero(np.diff(self.entry_item)) + 1, len(rows)]:
            for a in range(start, end):
                for b in range(start, end):
                    if w0[a] > w0[b]:
                        above.append(a)
                        below.append(b)
            start = end
        self.above = np.array(above, dtype=np.int64)
        self.below = np.array(below, dtype=np.int64)
        self.b0 = np.array([prior.bias.get(r, 0.0) for r in self.roles])
        self.t0 = prior.title_weight
        self.spec_roles = list(prior.specialisations)
        self.specs = [
            (role_at[c], np.array([role_at[p] for p in prior.specialisations[c][0]]))
            for c in self.spec_roles
        ]
        self.s0 = np.array([prior.specialisations[c][1] for c in self.spec_roles])
        self.saturation = prior.saturation
        e, r, s = len(self.w0), len(self.roles), len(self.spec_roles)
        self.slices = (
            slice(0, e),
            slice(e, e + r),
            slice(e + r, e + r + 1),
            slice(e + r + 1, e + r + 1 + s),
        )
        self.size = e + r + 1 + s

    def start(self) -> Array:
        return np.concatenate([self.w0, self.b0, [self.t0], self.s0])

    def matrix(self, w: Array) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (w, (self.entry_item, self.entry_role)), shape=(self.n_items, len(self.roles))
        )


def _forward(
    layout: _Layout, theta: Array, d: Design
) -> tuple[Array, Array, Array, list[npt.NDArray[np.int64]]]:
    """(points, saturated raw, d sat/d raw, argmax parent per specialisation)."""
    ws, bs, ts, ss = layout.slices
    raw = np.asarray((d.amounts @ layout.matrix(theta[ws])).todense())
    a = layout.saturation
    if a is not None:
        pos = raw > 0
        sat = np.where(pos, a * np.log1p(np.where(pos, raw, 0.0) / a), raw)
        dsat = np.where(pos, 1.0 / (1.0 + np.where(pos, raw, 0.0) / a), 1.0)
    else:
        sat, dsat = raw, np.ones_like(raw)
    pts = sat.copy()
    best: list[npt.NDArray[np.int64]] = []
    for k, (child, parents) in enumerate(layout.specs):
        arg = np.argmax(sat[:, parents], axis=1)
        best.append(parents[arg])
        pts[:, child] += theta[ss][k] * sat[np.arange(len(arg)), parents[arg]]
    pts += theta[bs][None, :] + theta[ts][0] * d.title
    return pts, sat, dsat, best


def _softmax(z: Array) -> Array:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Array = e / e.sum(axis=1, keepdims=True)
    return out


def _objective(theta: Array, layout: _Layout, d: Design, strength: Strength) -> tuple[float, Array]:
    ws, bs, ts, ss = layout.slices
    pts, sat, dsat, best = _forward(layout, theta, d)
    p = _softmax(pts)
    n = len(d.labels)
    total = d.row_weights.sum()
    rows = np.arange(n)
    nll = -(d.row_weights * np.log(np.maximum(p[rows, d.labels], 1e-12))).sum() / total
    g_pts = p.copy()
    g_pts[rows, d.labels] -= 1.0
    g_pts *= (d.row_weights / total)[:, None]
    grad = np.zeros_like(theta)
    grad[bs] = g_pts.sum(axis=0)
    grad[ts] = (g_pts * d.title).sum()
    g_sat = g_pts.copy()
    for k, (child, _) in enumerate(layout.specs):
        share = theta[ss][k]
        idx = best[k]
        grad[ss.start + k] = (g_pts[:, child] * sat[rows, idx]).sum()
        np.add.at(g_sat, (rows, idx), share * g_pts[:, child])
    g_raw = g_sat * dsat
    g_m = np.asarray(d.amounts.T @ g_raw)
    grad[ws] = g_m[layout.entry_item, layout.entry_role]
    # the prior: a Gaussian around the hand-set numbers
    dw = theta[ws] - layout.w0
    db = theta[bs] - layout.b0
    dt = theta[ts][0] - layout.t0
    ds = theta[ss] - layout.s0
    penalty = (
        strength.weights * (dw @ dw)
        + strength.bias * (db @ db)
        + strength.title * dt * dt
        + strength.shares * (ds @ ds)
    )
    grad[ws] += 2 * strength.weights * dw
    grad[bs] += 2 * strength.bias * db
    # the curated order within an item: a reversal costs order·(w_below − w_above)²
    w = theta[ws]
    over = np.maximum(w[layout.below] - w[layout.above], 0.0)
    penalty += strength.order * float(over @ over)
    g_order = np.zeros(len(w))
    np.add.at(g_order, layout.below, 2 * strength.order * over)
    np.add.at(g_order, layout.above, -2 * strength.order * over)
    grad[ws] += g_order
    grad[ts] += 2 * strength.title * dt
    grad[ss] += 2 * strength.shares * ds
    return float(nll + penalty), grad


THIN_ROLE = 20  # a role with fewer labelled rows than this keeps its hand-set bias


def fit(prior: Prior, d: Design, strength: Strength, max_iter: int = 500) -> Fit:
    """The MAP numbers for these rows (L-BFGS-B; weights kept in [-5, 5], shares in [0, 1]).

    A role with fewer than :data:`THIN_ROLE` rows keeps its hand-set bias: a handful of
    rows says how rare the role is in this sample, not in the postings it will read.
    """
    layout = _Layout(prior)
    ws, bs, ts, ss = layout.slices
    counts = np.bincount(d.labels, minlength=len(layout.roles))
    bias_bounds = [
        (-5.0, 5.0) if counts[r] >= THIN_ROLE else (float(b0), float(b0))
        for r, b0 in enumerate(layout.b0)
    ]
    bounds = (
        [(-5.0, 5.0)] * len(layout.w0)
        + bias_bounds
        + [(-5.0, 10.0)]
        + [(0.0, 1.0)] * len(layout.spec_roles)
    )
    result = minimize(
        _objective,
        layout.start(),
        args=(layout, d, strength),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter, "ftol": 1e-10, "gtol": 1e-6},
    )
    theta = result.x
    weights: dict[str, dict[str, float]] = {}
    fitted = _in_order(layout, theta[ws]) if strength.order > 0 else theta[ws]
    for k, w in enumerate(fitted):
        item = prior.items[int(layout.entry_item[k])]
        weights.setdefault(item, {})[layout.roles[int(layout.entry_role[k])]] = float(w)
    return Fit(
        weights=weights,
        bias={r: float(b) for r, b in zip(layout.roles, theta[bs], strict=True)},
        title_weight=float(theta[ts][0]),
        shares={c: float(s) for c, s in zip(layout.spec_roles, theta[ss], strict=True)},
        loss=float(result.fun),
        iterations=int(result.nit),
    )


def _in_order(layout: _Layout, w: Array) -> Array:
    """The fitted weights with what the penalty left of any reversal removed: each weight is
    capped by every weight of its item that the hand weights rank above it (the entries of an
    item are visited from the highest hand weight down, so a cap is already final)."""
    out = w.copy()
    for k in np.argsort(-layout.w0, kind="stable"):
        caps = out[layout.above[layout.below == k]]
        if len(caps):
            out[k] = min(out[k], float(caps.min()))
    return out


def points(prior: Prior, fitted: Fit, d: Design) -> Array:
    """Points per role (before the temperature) of each row under fitted numbers."""
    layout = _Layout(prior)
    theta = np.concatenate(
        [
            np.array(
                [
                    fitted.weights[prior.items[int(i)]][layout.roles[int(r)]]
                    for i, r in zip(layout.entry_item, layout.entry_role, strict=True)
                ]
            ),
            np.array([fitted.bias[r] for r in layout.roles]),
            [fitted.title_weight],
            np.array([fitted.shares[c] for c in layout.spec_roles]),
        ]
    )
    return _forward(layout, theta, d)[0]


def log_loss(pts: Array, labels: npt.NDArray[np.int64], temperature: float) -> float:
    """Mean negative log-likelihood of the labels under softmax(points / temperature)."""
    p = _softmax(pts / temperature)
    return float(-np.log(np.maximum(p[np.arange(len(labels)), labels], 1e-12)).mean())


#: The range the temperature is searched in: a fit at either end did not find its best.
TEMPERATURE_RANGE = (0.3, 4.0)


def fit_temperature(pts: Array, labels: npt.NDArray[np.int64]) -> float:
    """The temperature that minimises log loss on (out-of-fold) points: a grid of 0.05 from
    0.3 to 4, refined to 0.01 around the best."""
    low, high = TEMPERATURE_RANGE
    grid = np.round(np.arange(low, high + 0.0001, 0.05), 2)
    best = min(grid, key=lambda t: log_loss(pts, labels, float(t)))
    fine = np.round(np.arange(max(0.05, best - 0.05), best + 0.0501, 0.01), 2)
    return float(min(fine, key=lambda t: log_loss(pts, labels, float(t))))
