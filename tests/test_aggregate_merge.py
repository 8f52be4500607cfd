"""Market aggregates merge exactly, whatever the split; derived numbers; a golden aggregate."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from market_fixtures import synthetic_rows
from rolelens.core.aggregate import (
    MarketAggregate,
    aggregate,
    merge,
    merge_all,
    mismatch_rates,
    quantiles,
    rising_items,
    role_shares,
    split_months,
    title_work,
    top_items,
)
from rolelens.core.reader import PostingReader
from rolelens.io.corpus import CorpusRow
from rolelens.market.records import records

GOLDEN = Path(__file__).parent / "golden" / "market_aggregate_toy.json"

ROLES = ["ml_engineer", "ai_engineer", "software_engineer"]
amounts = st.one_of(st.none(), st.floats(min_value=1000, max_value=1e6, allow_nan=False))
ok_record = st.fixed_dictionaries(
    {
        "month": st.sampled_from(["2024-01", "2024-02", "2024-03", "unknown"]),
        "role": st.sampled_from(ROLES),
        "title_family": st.sampled_from([*ROLES, "ambiguous", "none"]),
        "mismatch": st.booleans(),
        "hybrid": st.booleans(),
        "seniority": st.sampled_from([None, "junior", "senior"]),
        "evidence_items": st.lists(st.sampled_from(["rag", "pytorch", "sql", "react"]), max_size=4),
        "salary_text": st.sampled_from([None, "some pay"]),
        "salary_currency": st.sampled_from([None, "USD", "EUR"]),
        "salary_annual_min": amounts,
        "salary_annual_max": amounts,
        "error_code": st.none(),
        "origin": st.sampled_from([None, "board-a", "board-b"]),
        "company": st.sampled_from([None, "Acme", "Initech"]),
        "location": st.sampled_from([None, "Remote", "Berlin"]),
        "salary_basis": st.sampled_from([None, "column", "text"]),
        "multi_role": st.booleans(),
    }
)
duplicate_record = st.fixed_dictionaries(
    {
        "duplicate_of": st.integers(min_value=0, max_value=40),
        "duplicate_kind": st.sampled_from(["exact", "near"]),
        "month": st.just("2024-01"),
    }
)
error_record = st.fixed_dictionaries(
    {"error_code": st.sampled_from(["row_not_json", "input_empty"]), "month": st.just("unknown")}
)
record_lists = st.lists(st.one_of(ok_record, error_record, duplicate_record), max_size=40)


@settings(max_examples=150, deadline=None)
@given(recs=record_lists, cut=st.integers(min_value=0, max_value=40))
def test_aggregate_merge_of_halves_equals_whole(recs: list[dict[str, Any]], cut: int) -> None:
    a, b = recs[:cut], recs[cut:]
    assert merge(aggregate(a), aggregate(b)) == aggregate(recs)


@settings(max_examples=60, deadline=None)
@given(recs=record_lists, cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=4))
def test_aggregate_merge_is_order_free(recs: list[dict[str, Any]], cuts: list[int]) -> None:
    bounds = sorted({0, len(recs), *(min(c, len(recs)) for c in cuts)})
    parts = [aggregate(recs[i:j]) for i, j in itertools.pairwise(bounds)]
    whole = aggregate(recs)
    assert merge_all(parts) == whole
    assert merge_all(reversed(parts)) == whole
    # and the JSON a chunk marker or a Spark partition carries round-trips exactly
    assert MarketAggregate.model_validate_json(whole.model_dump_json()) == whole


@given(recs=record_lists)
def test_aggregate_counts_every_row(recs: list[dict[str, Any]]) -> None:
    agg = aggregate(recs)
    assert agg.rows == len(recs)
    assert agg.readings + sum(agg.errors.values()) + sum(agg.duplicates.values()) == len(recs)
    assert sum(sum(r.values()) for r in agg.role_month.values()) == agg.readings
    assert sum(n for roles in title_work(agg).values() for n in roles.values()) == agg.readings
    # every source's months, and every breakdown dimension, add up to the postings read
    per_source = sum(
        n for months in agg.source_role_month.values() for r in months.values() for n in r.values()
    )
    assert per_source == agg.readings
    for values in agg.breakdown.values():
        assert sum(n for roles in values.values() for n in roles.values()) == agg.readings


def _rec(month: str, role: str, family: str, items: list[str], **extra: Any) -> dict[str, Any]:
    return {"month": month, "role": role, "title_family": family, "evidence_items": items, **extra}


def test_aggregate_derived_numbers() -> None:
    recs = [
        _rec("2024-01", "ml_engineer", "ml_engineer", ["pytorch"]),
        _rec("2024-01", "ai_engineer", "ml_engineer", ["rag"], mismatch=True),
        _rec("2024-02", "ai_engineer", "ai_engineer", ["rag"]),
        _rec("2024-02", "ai_engineer", "none", ["rag", "pytorch"], hybrid=True),
    ]
    agg = aggregate(recs)
    assert role_shares(agg)["2024-01"] == {"ml_engineer": 0.5, "ai_engineer": 0.5}
    assert mismatch_rates(agg)["ml_engineer"] == (2, 1, 0.5)
    assert split_months(agg) == (["2024-01"], ["2024-02"])
    assert top_items(agg, "ai_engineer") == [("rag", 3), ("pytorch", 1)]
    rising = rising_items(agg, min_support=1)
    assert [r["item"] for r in rising] == ["rag", "pytorch"]
    assert rising[0]["share_early"] == 0.5 and rising[0]["share_late"] == 1.0
    assert rising_items(agg, min_support=3) == []
    assert agg.hybrid_month == {"2024-02": 1}


def test_aggregate_quantiles() -> None:
    assert quantiles([4.0, 1.0, 3.0, 2.0, 5.0], (0.0, 0.5, 1.0)) == [1.0, 3.0, 5.0]
    assert quantiles([]) == []


def test_aggregate_golden_toy_corpus(toy_reader: PostingReader) -> None:
    rows = synthetic_rows(60, seed=3)
    pairs = [
        (i, CorpusRow("corpus.jsonl", i + 1, id=r["id"], title=r["title"], text=r["description"],
                      date=r["date"], salary=r["salary"], company=r["company"]))
        for i, r in enumerate(rows)
    ]  # fmt: skip
    pairs.append(
        (60, CorpusRow("corpus.jsonl", 61, error={"code": "row_not_json", "message": "x"}))
    )
    got = json.loads(aggregate(records(pairs, toy_reader)).model_dump_json(indent=1))
    if os.environ.get("ROLELENS_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with ROLELENS_UPDATE_GOLDEN=1"
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
