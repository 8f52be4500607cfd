"""Grouped k-fold splits: every row of one group (a company, a source) lands in the same fold.

One implementation for every cross-validation in the package: the reader's fit, the scoping
layer and the verdict thresholds."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence


def grouped_folds(groups: Sequence[str], k: int, seed: int) -> list[int]:
    """A fold number (0..k-1) for each row; rows of one group share a fold.

    Groups are shuffled with ``seed`` and then, largest first, each goes to the fold with
    the fewest rows so far, so folds are balanced and the split is repeatable.
    """
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    sizes = Counter(groups)
    if len(sizes) < k:
        raise ValueError(f"{len(sizes)} groups cannot fill {k} folds")
    names = sorted(sizes)
    random.Random(seed).shuffle(names)
    names.sort(key=lambda g: -sizes[g])  # stable: ties keep the shuffled order
    load = [0] * k
    fold_of: dict[str, int] = {}
    for name in names:
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[name] = f
        load[f] += sizes[name]
    return [fold_of[g] for g in groups]
