"""Salary text -> yearly range: a table of real-world shapes, refusals, and invariants."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolelens.core.salary import ANNUAL_FACTOR, parse_salary

GOLDEN = Path(__file__).parent / "golden" / "salary_table.json"

# text -> (currency, period, period_stated, annual_min, annual_max)
TABLE = {
    "$120k–$150k": ("USD", "year", False, 120_000, 150_000),
    "£50,000 - £60,000 per annum": ("GBP", "year", True, 50_000, 60_000),
    "€45/hour": ("EUR", "hour", True, 93_600, 93_600),
    "120-150K USD": ("USD", "year", False, 120_000, 150_000),
    "up to $200,000": ("USD", "year", False, None, 200_000),
    "from $90,000": ("USD", "year", False, 90_000, None),
    "$120,000+": ("USD", "year", False, 120_000, None),
    "$8,000 - $10,000 per month": ("USD", "month", True, 96_000, 120_000),
    "€400 daily": ("EUR", "day", True, 104_000, 104_000),
    "£400 - £500 per day": ("GBP", "day", True, 104_000, 130_000),
    "$50 - $70 per hour": ("USD", "hour", True, 104_000, 145_600),
    "$45.50–$60.25 an hour": ("USD", "hour", True, 94_640, 125_320),
    "$60/hr": ("USD", "hour", True, 124_800, 124_800),
    "$174,000/yr - $235,000/yr": ("USD", "year", True, 174_000, 235_000),
    "USD $190,800~$267,100": ("USD", "year", False, 190_800, 267_100),
    "USD 110k~190k": ("USD", "year", False, 110_000, 190_000),
    "CAD $90,000~$120,000": ("CAD", "year", False, 90_000, 120_000),
    "A$120,000": ("AUD", "year", False, 120_000, 120_000),
    "Salary: 5,000-6,000 EUR/month": ("EUR", "month", True, 60_000, 72_000),
    "15 000 - 20 000 PLN gross/monthly": ("PLN", "month", True, 180_000, 240_000),
    "€45.000 - €55.000": ("EUR", "year", False, 45_000, 55_000),
    "between $100k and $120k": ("USD", "year", False, 100_000, 120_000),
    "eur 80k - 100k (plus bonus & equity)": ("EUR", "year", False, 80_000, 100_000),
    "$100,000 USD - $150,000+ USD per year": ("USD", "year", True, 100_000, 150_000),
    "p60,000 - p80,000 (monthly package)": ("PHP", "month", True, 720_000, 960_000),
    "~185k": (None, "year", False, 185_000, 185_000),
    "65k-95k USD": ("USD", "year", False, 65_000, 95_000),
    "$120k + equity + benefits": ("USD", "year", False, 120_000, 120_000),
}

REFUSED = [
    None,
    "",
    "competitive",
    "$Competitive",
    "$",
    "~0k",
    "0",
    "$0",
    "negotiable",
    "competitive, 401k, health",
    # two ranges for two levels: which one?
    "senior level: $150,000 - $180,000 usd/year, mid level: $120,000 - $140,000 usd/year",
    # two amounts that are not a range
    "$150,000 base salary, $200,000 total annual earnings with variable pay",
    # small number, no period: hourly? daily? monthly?
    "USD 2500.0~3500.0",
    "45",
    # a monthly-pay currency with no period stated
    "PLN 15 000 zł~20 000 zł",
    # two currencies
    "$100,000 or €90,000",
    # top ten times the bottom: not one salary
    "$10,000 - $200,000",
    # bottom above top
    "$150k - $120k",
]


@pytest.mark.parametrize("text", list(TABLE))
def test_salary_parse_table(text: str) -> None:
    got = parse_salary(text)
    assert got is not None, text
    currency, period, stated, low, high = TABLE[text]
    assert (got.currency, got.period, got.period_stated) == (currency, period, stated)
    assert got.annual_min == low
    assert got.annual_max == high


@pytest.mark.parametrize("text", REFUSED)
def test_salary_parse_refuses_unclear_text(text: str | None) -> None:
    assert parse_salary(text) is None


def test_salary_parse_golden() -> None:
    got = {
        t: (None if (s := parse_salary(t)) is None else s.model_dump())
        for t in [*TABLE, *REFUSED[1:]]
    }
    if os.environ.get("ROLELENS_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with ROLELENS_UPDATE_GOLDEN=1"
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_salary_parse_annual_is_stated_amount_times_period() -> None:
    got = parse_salary("$8,000 - $10,000 per month")
    assert got is not None and got.amount_min == 8000 and got.amount_max == 10000
    assert got.annual_mid == 108_000


@given(
    low=st.integers(min_value=10, max_value=400),
    spread=st.integers(min_value=0, max_value=200),
    period=st.sampled_from(["hour", "day", "week", "month", "year"]),
)
def test_salary_parse_round_trips_written_ranges(low: int, spread: int, period: str) -> None:
    high = low + spread
    scale = 1000 if period == "year" else 1
    text = f"${low * scale:,} - ${high * scale:,} per {period}"
    got = parse_salary(text)
    if high > low * 10:
        assert got is None
        return
    assert got is not None
    assert got.currency == "USD" and got.period == period and got.period_stated
    assert got.annual_min == low * scale * ANNUAL_FACTOR[period]
    assert got.annual_max == high * scale * ANNUAL_FACTOR[period]


@given(st.text(max_size=80))
def test_salary_parse_never_raises(text: str) -> None:
    got = parse_salary(text)
    if got is not None:
        bounds = [b for b in (got.annual_min, got.annual_max) if b is not None]
        assert bounds and all(b > 0 for b in bounds)
