"""Mergeable market aggregates over reading records: counts and exact salary values.

Pure. :func:`aggregate` folds flat reading records (the rows of ``readings.parquet``, see
:data:`RECORD_FIELDS`) into a :class:`MarketAggregate`; :func:`merge` adds two of them.
Every field is a count or a sorted list of values, so merging is exact and order-free:
``merge(aggregate(a), aggregate(b)) == aggregate(a + b)`` for any split, which is what
lets chunks, processes and Spark partitions each aggregate their share.

Derived numbers (shares, rates, rising items) come from :func:`role_shares`,
:func:`mismatch_rates`, :func:`top_items` and :func:`rising_items`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

UNKNOWN = "unknown"
NO_TITLE_ROLE = "none"
# The record fields aggregation looks at.
RECORD_FIELDS = (
    "month", "role", "title_family", "mismatch", "hybrid", "seniority", "evidence_items",
    "salary_currency", "salary_annual_min", "salary_annual_max", "salary_text", "error_code",
    "origin", "company", "location", "salary_basis", "duplicate_of", "duplicate_kind",
    "multi_role",
)  # fmt: skip
# The dimensions a breakdown counts roles by (record field -> breakdown name).
BREAKDOWNS = {"origin": "source", "company": "company", "location": "location",
              "seniority": "seniority"}  # fmt: skip

Counts = dict[str, int]
SalaryPoint = tuple[float | None, float | None]


class MarketAggregate(BaseModel):
    """Counts over a set of readings; every field merges by adding (lists: by sorted union)."""

    model_config = ConfigDict(extra="forbid")

    rows: int = Field(0, description="input rows, readings and errors together")
    readings: int = Field(0, description="rows read")
    errors: Counts = Field(default_factory=dict, description="error code -> rows")
    role_month: dict[str, Counts] = Field(
        default_factory=dict, description="month -> role by the work -> postings"
    )
    title_work_month: dict[str, dict[str, Counts]] = Field(
        default_factory=dict,
        description="month -> title family (title role, 'ambiguous' or 'none') -> role -> postings",
    )
    mismatch_month: dict[str, Counts] = Field(
        default_factory=dict, description="month -> title family -> mismatched postings"
    )
    hybrid_month: Counts = Field(default_factory=dict, description="month -> hybrid postings")
    hybrid_role: Counts = Field(default_factory=dict, description="role -> hybrid postings")
    evidence_role: dict[str, Counts] = Field(
        default_factory=dict, description="role -> evidence item -> postings mentioning it"
    )
    evidence_month: dict[str, Counts] = Field(
        default_factory=dict, description="month -> evidence item -> postings mentioning it"
    )
    salary_rows: Counts = Field(
        default_factory=dict, description="'with_text' and 'parsed' -> rows (parse coverage)"
    )
    salary: dict[str, list[SalaryPoint]] = Field(
        default_factory=dict,
        description="'role|seniority|currency|basis' -> sorted yearly (min, max) pairs; basis "
        "'column' (a salary field) or 'text' (parsed from the description)",
    )
    duplicates: Counts = Field(
        default_factory=dict,
        description="'exact' or 'near' -> rows left out as copies of an earlier posting",
    )
    multi_role: Counts = Field(
        default_factory=dict,
        description="source -> postings that advertise several roles (counted once each)",
    )
    source_role_month: dict[str, dict[str, Counts]] = Field(
        default_factory=dict, description="source -> month -> role by the work -> postings"
    )
    source_evidence_month: dict[str, dict[str, Counts]] = Field(
        default_factory=dict, description="source -> month -> evidence item -> postings"
    )
    source_hybrid_month: dict[str, Counts] = Field(
        default_factory=dict, description="source -> month -> hybrid postings"
    )
    breakdown: dict[str, dict[str, Counts]] = Field(
        default_factory=dict,
        description="dimension (source, company, location, seniority) -> value -> role -> postings",
    )


def salary_key(
    role: str, seniority: str | None, currency: str | None, basis: str | None = None
) -> str:
    """The key of a salary list: role, seniority, currency and basis joined by '|'."""
    return f"{role}|{seniority or UNKNOWN}|{currency or UNKNOWN}|{basis or 'column'}"


def _value(raw: Any) -> str:
    """A breakdown value: the text trimmed, 'unknown' when there is none."""
    text = " ".join(str(raw).split()) if raw is not None else ""
    return text[:120] or UNKNOWN


def _bump(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


def _point_key(point: SalaryPoint) -> tuple[float, float]:
    low, high = point
    return (-1.0 if low is None else low, -1.0 if high is None else high)


def aggregate(records: Iterable[Mapping[str, Any]]) -> MarketAggregate:
    """The aggregate of reading records (error records count only as rows and errors)."""
    agg = MarketAggregate()
    for rec in records:
        agg.rows += 1
        code = rec.get("error_code")
        if code:
            _bump(agg.errors, str(code))
            continue
        if rec.get("duplicate_of") is not None:
            _bump(agg.duplicates, str(rec.get("duplicate_kind") or "exact"))
            continue
        agg.readings += 1
        month = rec.get("month") or UNKNOWN
        role = str(rec["role"])
        family = rec.get("title_family") or NO_TITLE_ROLE
        origin = _value(rec.get("origin"))
        _bump(agg.role_month.setdefault(month, {}), role)
        _bump(agg.source_role_month.setdefault(origin, {}).setdefault(month, {}), role)
        for field, dimension in BREAKDOWNS.items():
            by_value = agg.breakdown.setdefault(dimension, {})
            _bump(by_value.setdefault(_value(rec.get(field)), {}), role)
        if rec.get("multi_role"):
            _bump(agg.multi_role, origin)
        _bump(agg.title_work_month.setdefault(month, {}).setdefault(family, {}), role)
        if rec.get("mismatch"):
            _bump(agg.mismatch_month.setdefault(month, {}), family)
        if rec.get("hybrid"):
            _bump(agg.hybrid_month, month)
            _bump(agg.hybrid_role, role)
            _bump(agg.source_hybrid_month.setdefault(origin, {}), month)
        items = sorted(set(rec.get("evidence_items") or ()))
        if items:
            by_role = agg.evidence_role.setdefault(role, {})
            by_month = agg.evidence_month.setdefault(month, {})
            by_source = agg.source_evidence_month.setdefault(origin, {}).setdefault(month, {})
            for item in items:
                _bump(by_role, item)
                _bump(by_month, item)
                _bump(by_source, item)
        basis = rec.get("salary_basis") or "column"
        if rec.get("salary_text") and basis == "column":
            _bump(agg.salary_rows, "with_text")
        low, high = rec.get("salary_annual_min"), rec.get("salary_annual_max")
        if low is not None or high is not None:
            _bump(agg.salary_rows, "parsed" if basis == "column" else "parsed_from_text")
            key = salary_key(role, rec.get("seniority"), rec.get("salary_currency"), basis)
            agg.salary.setdefault(key, []).append(
                (None if low is None else float(low), None if high is None else float(high))
            )
    for values in agg.salary.values():
        values.sort(key=_point_key)
    return agg


def _add(a: Counts, b: Counts) -> Counts:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def _add2(a: dict[str, Counts], b: dict[str, Counts]) -> dict[str, Counts]:
    out = dict(a)
    for key, value in b.items():
        out[key] = _add(out.get(key, {}), value)
    return out


def _add3(
    a: dict[str, dict[str, Counts]], b: dict[str, dict[str, Counts]]
) -> dict[str, dict[str, Counts]]:
    out = dict(a)
    for key, value in b.items():
        out[key] = _add2(out.get(key, {}), value)
    return out


def merge(a: MarketAggregate, b: MarketAggregate) -> MarketAggregate:
    """The aggregate of the union of the two aggregates' records."""
    title_work = _add3(a.title_work_month, b.title_work_month)
    salary = {key: list(values) for key, values in a.salary.items()}
    for key, values in b.salary.items():
        salary[key] = sorted([*salary.get(key, []), *values], key=_point_key)
    return MarketAggregate(
        rows=a.rows + b.rows,
        readings=a.readings + b.readings,
        errors=_add(a.errors, b.errors),
        role_month=_add2(a.role_month, b.role_month),
        title_work_month=title_work,
        mismatch_month=_add2(a.mismatch_month, b.mismatch_month),
        hybrid_month=_add(a.hybrid_month, b.hybrid_month),
        hybrid_role=_add(a.hybrid_role, b.hybrid_role),
        evidence_role=_add2(a.evidence_role, b.evidence_role),
        evidence_month=_add2(a.evidence_month, b.evidence_month),
        salary_rows=_add(a.salary_rows, b.salary_rows),
        salary=salary,
        duplicates=_add(a.duplicates, b.duplicates),
        multi_role=_add(a.multi_role, b.multi_role),
        source_role_month=_add3(a.source_role_month, b.source_role_month),
        source_evidence_month=_add3(a.source_evidence_month, b.source_evidence_month),
        source_hybrid_month=_add2(a.source_hybrid_month, b.source_hybrid_month),
        breakdown=_add3(a.breakdown, b.breakdown),
    )


def merge_all(aggregates: Iterable[MarketAggregate]) -> MarketAggregate:
    """The merge of any number of aggregates (an empty one for none)."""
    out = MarketAggregate()
    for agg in aggregates:
        out = merge(out, agg)
    return out


# -- derived numbers -----------------------------------------------------------------------
def months(agg: MarketAggregate) -> list[str]:
    """The dated months with readings, in order ('unknown' left out)."""
    return sorted(m for m in agg.role_month if m != UNKNOWN)


def month_totals(agg: MarketAggregate) -> Counts:
    """Month -> postings read."""
    return {m: sum(roles.values()) for m, roles in agg.role_month.items()}


def role_shares(agg: MarketAggregate) -> dict[str, dict[str, float]]:
    """Month -> role -> share of that month's postings."""
    totals = month_totals(agg)
    return {
        month: {role: n / totals[month] for role, n in roles.items()}
        for month, roles in agg.role_month.items()
    }


def title_work(agg: MarketAggregate, months_in: Sequence[str] | None = None) -> dict[str, Counts]:
    """Title family -> role by the work -> postings, over all months or the given ones."""
    out: dict[str, Counts] = {}
    for month, families in agg.title_work_month.items():
        if months_in is None or month in months_in:
            out = _add2(out, families)
    return out


def mismatch_rates(agg: MarketAggregate) -> dict[str, tuple[int, int, float]]:
    """Title family -> (postings, mismatched, rate)."""
    totals = {family: sum(roles.values()) for family, roles in title_work(agg).items()}
    mismatched: Counts = {}
    for families in agg.mismatch_month.values():
        mismatched = _add(mismatched, families)
    return {
        family: (n, mismatched.get(family, 0), mismatched.get(family, 0) / n)
        for family, n in totals.items()
        if n
    }


def split_months(agg: MarketAggregate) -> tuple[list[str], list[str]]:
    """The dated months cut in two, early and late, as near half the dated postings as can be."""
    return split_totals(month_totals(agg))


def split_totals(totals: Counts) -> tuple[list[str], list[str]]:
    """Months (month -> postings) cut in two, early and late, near half the dated postings each."""
    ordered = sorted(m for m in totals if m != UNKNOWN)
    if len(ordered) < 2:
        return ordered, []
    whole = sum(totals[m] for m in ordered)
    best_k, best_gap, seen = 1, float("inf"), 0
    for k in range(1, len(ordered)):
        seen += totals[ordered[k - 1]]
        gap = abs(seen - whole / 2)
        if gap < best_gap:
            best_k, best_gap = k, gap
    return ordered[:best_k], ordered[best_k:]


def top_items(
    agg: MarketAggregate, role: str, n: int = 10, min_support: int = 1
) -> list[tuple[str, int]]:
    """The items most often evidenced in postings of a role: (item, postings), at most n."""
    counts = agg.evidence_role.get(role, {})
    ranked = sorted(
        ((item, c) for item, c in counts.items() if c >= min_support), key=lambda x: (-x[1], x[0])
    )
    return ranked[:n]


def rising_items(
    agg: MarketAggregate, *, min_support: int = 20, n: int = 15
) -> list[dict[str, Any]]:
    """Items whose share of postings grew most from the early months to the late ones.

    Each has at least ``min_support`` postings in the late months. The lift is the ratio of
    shares, smoothed by half a posting so an item absent early does not divide by zero.
    """
    early, late = split_months(agg)
    if not early or not late:
        return []
    totals = month_totals(agg)
    n_early = sum(totals[m] for m in early)
    n_late = sum(totals[m] for m in late)
    early_counts: Counts = {}
    late_counts: Counts = {}
    for month in early:
        early_counts = _add(early_counts, agg.evidence_month.get(month, {}))
    for month in late:
        late_counts = _add(late_counts, agg.evidence_month.get(month, {}))
    out: list[dict[str, Any]] = []
    for item, late_n in late_counts.items():
        if late_n < min_support:
            continue
        early_n = early_counts.get(item, 0)
        share_early = early_n / n_early
        share_late = late_n / n_late
        lift = ((late_n + 0.5) / n_late) / ((early_n + 0.5) / n_early)
        out.append(
            {
                "item": item,
                "early": early_n,
                "late": late_n,
                "share_early": share_early,
                "share_late": share_late,
                "change": share_late - share_early,
                "lift": lift,
            }
        )
    out.sort(key=lambda r: (-float(r["lift"]), str(r["item"])))
    return out[:n]


def quantiles(
    values: Sequence[float], qs: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9)
) -> list[float]:
    """Linear-interpolated quantiles of sorted or unsorted values (empty input: empty list)."""
    ordered = sorted(values)
    if not ordered:
        return []
    out = []
    for q in qs:
        pos = q * (len(ordered) - 1)
        lo = int(pos)
        hi = min(lo + 1, len(ordered) - 1)
        out.append(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo))
    return out


def midpoint(point: SalaryPoint) -> float:
    """The middle of a yearly (min, max) pair (its one bound when only one is known)."""
    low, high = point
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None and high is not None
    return (low + high) / 2
