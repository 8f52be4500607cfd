"""Uncertainty for the market's shares and changes, from statsmodels and scipy.

Pure functions of counts:

- :func:`interval`: the Wilson score interval of a share (``proportion_confint``);
- :func:`change_p`: the two-sided p-value that two shares differ (the pooled two-proportion
  z-test, ``proportions_ztest``; Fisher's exact test when any expected count is under 5);
- :func:`fdr`: Benjamini–Hochberg adjusted p-values (q-values) over a family of tests
  (``multipletests(method="fdr_bh")``), so that naming every change with q below
  :data:`ALPHA` keeps the expected share of false findings at or under it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

ALPHA = 0.05


def interval(k: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """The Wilson score interval (low, high) of the share k/n; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    # rounding can put a bound a hair past the share itself (k = 0 gives a low of ~1e-17)
    return max(0.0, min(float(low), k / n)), min(1.0, max(float(high), k / n))


def change_p(k0: int, n0: int, k1: int, n1: int) -> float:
    """Two-sided p-value for 'share k0/n0 differs from k1/n1' (1.0 when it cannot be told)."""
    if n0 <= 0 or n1 <= 0:
        return 1.0
    total = k0 + k1
    if total == 0 or total == n0 + n1:
        return 1.0  # no posting (or every posting) has it on both sides: no evidence of change
    pooled = total / (n0 + n1)
    expected = (n0 * pooled, n0 * (1 - pooled), n1 * pooled, n1 * (1 - pooled))
    if min(expected) < 5:
        from scipy.stats import fisher_exact

        result = fisher_exact([[k0, n0 - k0], [k1, n1 - k1]])
        return float(result.pvalue)
    from statsmodels.stats.proportion import proportions_ztest

    _, p = proportions_ztest([k0, k1], [n0, n1])
    value = float(p)
    return 1.0 if math.isnan(value) else value


def fdr(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg q-values for a family of p-values (same order)."""
    if not pvalues:
        return []
    from statsmodels.stats.multitest import multipletests

    _, q, _, _ = multipletests(list(pvalues), alpha=ALPHA, method="fdr_bh")
    return [float(v) for v in q]


def intervals(
    ks: Sequence[int], ns: Sequence[int], alpha: float = ALPHA
) -> list[tuple[float, float]]:
    """Wilson intervals for many shares at once (n of 0 gives (0, 1))."""
    if not ks:
        return []
    import numpy as np
    from statsmodels.stats.proportion import proportion_confint

    k = np.asarray(ks, dtype=float)
    n = np.asarray(ns, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    low, high = proportion_confint(np.minimum(k, safe), safe, alpha=alpha, method="wilson")
    return [
        (max(0.0, min(float(lo), share)), min(1.0, max(float(hi), share)))
        if size > 0
        else (0.0, 1.0)
        for lo, hi, size, share in zip(
            np.atleast_1d(low), np.atleast_1d(high), n, (k / safe).tolist(), strict=True
        )
    ]
