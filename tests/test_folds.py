"""Grouped folds: the one split every cross-validation in the package uses."""

from __future__ import annotations

import pytest

from rolelens.core.folds import grouped_folds


def test_folds_keep_each_company_in_one_fold() -> None:
    groups = [f"c{i % 13}" for i in range(100)] + ["big"] * 20
    folds = grouped_folds(groups, 5, seed=3)
    for g in set(groups):
        assert len({f for f, gg in zip(folds, groups, strict=True) if gg == g}) == 1
    sizes = [folds.count(k) for k in range(5)]
    assert max(sizes) - min(sizes) <= 20  # balanced up to the largest group
    assert grouped_folds(groups, 5, seed=3) == folds  # repeatable
    assert grouped_folds(groups, 5, seed=4) != folds  # the seed matters


def test_folds_refuse_too_few_groups() -> None:
    with pytest.raises(ValueError, match="groups"):
        grouped_folds(["a", "b", "a"], 3, seed=0)
    with pytest.raises(ValueError, match="2 folds"):
        grouped_folds(["a", "b"], 1, seed=0)
