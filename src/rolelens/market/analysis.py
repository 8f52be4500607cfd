"""What the report may say about change: comparisons within one source, tested together.

Pure (counts in, rows out). A change over time is only measured inside one source: each
source's dated months are cut into early and late halves (by postings), and the share of
AI-engineering work, of hybrid postings and of each evidence item is compared between the
halves. Every comparison whose two halves both hold at least ``min_n`` postings is tested
(:func:`rolelens.market.stats.change_p`), and the p-values of all of them, across sources
and measures, are adjusted together (Benjamini–Hochberg): a change is *significant* when
its q-value is under :data:`rolelens.market.stats.ALPHA`. Comparisons across sources are
never made, because a month of one source and a month of another differ by the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rolelens.core.aggregate import UNKNOWN, Counts, MarketAggregate, split_totals
from rolelens.market import stats

# A source's share of a month may move this much before the mix is said to change.
MIX_TOLERANCE = 0.2


def sources(agg: MarketAggregate) -> list[str]:
    """The sources, most postings first."""
    totals = {
        s: sum(sum(roles.values()) for roles in months.values())
        for s, months in agg.source_role_month.items()
    }
    return sorted(totals, key=lambda s: (-totals[s], s))


def source_month_totals(agg: MarketAggregate, source: str) -> Counts:
    """Month -> postings of one source."""
    return {m: sum(r.values()) for m, r in agg.source_role_month.get(source, {}).items()}


def _sum(counts: Counts, months: list[str]) -> int:
    return sum(counts.get(m, 0) for m in months)


def _compare(
    source: str,
    measure: str,
    item: str | None,
    early: list[str],
    late: list[str],
    k0: int,
    n0: int,
    k1: int,
    n1: int,
    min_n: int,
) -> dict[str, Any]:
    (lo0, hi0), (lo1, hi1) = stats.intervals([k0, k1], [n0, n1])
    s0 = k0 / n0 if n0 else 0.0
    s1 = k1 / n1 if n1 else 0.0
    return {
        "source": source,
        "measure": measure,
        "item": item,
        "early_months": f"{early[0]}..{early[-1]}" if len(early) > 1 else early[0],
        "late_months": f"{late[0]}..{late[-1]}" if len(late) > 1 else late[0],
        "early": k0,
        "early_n": n0,
        "share_early": s0,
        "early_lo": lo0,
        "early_hi": hi0,
        "late": k1,
        "late_n": n1,
        "share_late": s1,
        "late_lo": lo1,
        "late_hi": hi1,
        "change": s1 - s0,
        "lift": ((k1 + 0.5) / n1) / ((k0 + 0.5) / n0) if n0 and n1 else 1.0,
        "eligible": n0 >= min_n and n1 >= min_n,
        "p": None,
        "q": None,
        "significant": False,
    }


def comparisons(
    agg: MarketAggregate, *, min_n: int, min_support: int, ai_roles: Sequence[str]
) -> list[dict[str, Any]]:
    """Early-vs-late comparisons within each source, with p- and q-values.

    Measures: ``ai_share`` (AI-engineering work by the text: the roles in ``ai_roles``, the
    taxonomy's LLM-integration group), ``hybrid_share``, and
    ``item`` for each evidence item with at least ``min_support`` postings in either half.
    """
    out: list[dict[str, Any]] = []
    for source in sources(agg):
        by_month = agg.source_role_month[source]
        totals = source_month_totals(agg, source)
        early, late = split_totals(totals)
        if not early or not late:
            continue
        n0, n1 = _sum(totals, early), _sum(totals, late)
        ai = {m: sum(by_month[m].get(r, 0) for r in ai_roles) for m in by_month}
        out.append(
            _compare(source, "ai_share", None, early, late, _sum(ai, early), n0,
                     _sum(ai, late), n1, min_n)
        )  # fmt: skip
        hyb = agg.source_hybrid_month.get(source, {})
        out.append(
            _compare(source, "hybrid_share", None, early, late, _sum(hyb, early), n0,
                     _sum(hyb, late), n1, min_n)
        )  # fmt: skip
        items = agg.source_evidence_month.get(source, {})
        early_items: Counts = {}
        late_items: Counts = {}
        for months, into in ((early, early_items), (late, late_items)):
            for m in months:
                for item, n in items.get(m, {}).items():
                    into[item] = into.get(item, 0) + n
        for item in sorted(set(early_items) | set(late_items)):
            k0, k1 = early_items.get(item, 0), late_items.get(item, 0)
            if max(k0, k1) >= min_support:
                out.append(_compare(source, "item", item, early, late, k0, n0, k1, n1, min_n))
    tested = [c for c in out if c["eligible"]]
    for c in tested:
        c["p"] = stats.change_p(c["early"], c["early_n"], c["late"], c["late_n"])
    for c, q in zip(tested, stats.fdr([c["p"] for c in tested]), strict=True):
        c["q"] = q
        c["significant"] = q < stats.ALPHA
    return out


def source_mix(agg: MarketAggregate, min_n: int) -> dict[str, Any]:
    """How the sources share the dated months, and whether that mix changes.

    The mix changes when, across months with at least ``min_n`` postings, some source's
    share of a month moves by more than :data:`MIX_TOLERANCE`; then a month-to-month change
    in the pooled corpus may be a change of source, not of the market.
    """
    month_source: dict[str, Counts] = {}
    for source, months in agg.source_role_month.items():
        for month, roles in months.items():
            if month != UNKNOWN:
                month_source.setdefault(month, {})[source] = sum(roles.values())
    big = {m: c for m, c in month_source.items() if sum(c.values()) >= min_n}
    spread: dict[str, tuple[float, str, float, str]] = {}
    for source in agg.source_role_month:
        shares = sorted((c.get(source, 0) / sum(c.values()), m) for m, c in sorted(big.items()))
        if shares:
            (low, low_m), (high, high_m) = shares[0], shares[-1]
            spread[source] = (low, low_m, high, high_m)
    widest = max(spread.items(), key=lambda kv: kv[1][2] - kv[1][0], default=None)
    changes = bool(
        len(agg.source_role_month) > 1
        and widest is not None
        and widest[1][2] - widest[1][0] > MIX_TOLERANCE
    )
    return {
        "months": {m: dict(sorted(c.items())) for m, c in sorted(month_source.items())},
        "changes": changes,
        "widest": (
            {"source": widest[0], "low": widest[1][0], "low_month": widest[1][1],
             "high": widest[1][2], "high_month": widest[1][3]}
            if widest is not None else None
        ),
    }  # fmt: skip
