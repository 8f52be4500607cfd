"""The market report: one self-contained HTML page built from the market DuckDB database.

:func:`load` reads the tables into plain Python data, :func:`findings` turns that data into
a few sentences (every number computed, none written in), and :func:`render` lays out the
charts (inline SVG) with the table behind each one. :func:`write_report` also writes each
chart as SVG and PNG under ``charts/`` and each table as CSV under ``tables/`` and as a
sheet of ``market.xlsx``.

The rules the report keeps, stated on the page:

- every share carries its 95% Wilson interval, in the chart and in the table;
- a month, row or bar with fewer postings than ``min_n`` is drawn faded, marked 'small',
  and never named in a finding;
- a change over time is measured only within one source (see
  :mod:`rolelens.market.analysis`) and named only when significant after the
  false-discovery control over all the changes tested.
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import Any

from rolelens.market import svg
from rolelens.market.store import DB_NAME, SHARES, VIEWS, attach_readings

# One exact salary range on at least this share of parsed salaries is taken as a placeholder.
PLACEHOLDER_SHARE = 0.05
# Values of a breakdown drawn (the table and the CSV hold them all).
TOP_VALUES = 15
LISTED = 50
MEASURES = {"ai_share": "AI-engineering work", "hybrid_share": "hybrid postings"}
BREAKDOWN_ORDER = ("source", "seniority", "company", "location")


def _sql_num(value: float | None) -> str:
    return "NULL" if value is None else repr(float(value))


def _fetch(con: Any, query: str) -> list[dict[str, Any]]:
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _try_fetch(con: Any, query: str) -> list[dict[str, Any]]:
    """Rows of a query over the readings view ([] when there are no readings files)."""
    import duckdb

    try:
        return _fetch(con, query)
    except duckdb.Error:
        return []


def load(out: Path) -> dict[str, Any]:
    """Everything the report shows, read from ``out/market.duckdb``."""
    import duckdb

    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    try:
        settings = {r["key"]: r["value"] for r in _fetch(con, "SELECT * FROM settings")}
        data: dict[str, Any] = {
            "settings": settings,
            "run": json.loads(settings.get("run", "{}")),
            "min_n": int(settings.get("min_n", 30)),
            "sources": json.loads(settings.get("sources", "[]")),
            "mix_changes": json.loads(settings.get("mix_changes", "false")),
            "mix_widest": json.loads(settings.get("mix_widest", "null")),
            "roles": _fetch(con, "SELECT * FROM roles ORDER BY position"),
            "ai_work_roles": [r["role"] for r in _fetch(con, "SELECT role FROM ai_work_roles")],
            "role_share_month": _fetch(con, "SELECT * FROM role_share_month"),
            "role_share_source_month": _fetch(con, "SELECT * FROM role_share_source_month"),
            "source_month": _fetch(con, "SELECT * FROM source_month"),
            "source_mix": _fetch(con, "SELECT * FROM source_mix"),
            "hybrid_source": _fetch(con, "SELECT * FROM hybrid_share_source"),
            "matrix": _fetch(con, "SELECT * FROM title_work_matrix"),
            "mismatch": _fetch(con, "SELECT * FROM mismatch_rate"),
            "hybrid": _fetch(con, "SELECT * FROM hybrid_share"),
            "top": _fetch(con, "SELECT * FROM top_evidence"),
            "comparisons": _fetch(
                con, "SELECT * FROM comparisons ORDER BY source, measure, q NULLS LAST, item"
            ),
            "rising": _fetch(con, "SELECT * FROM rising_evidence ORDER BY source, rank"),
            "breakdown": _fetch(con, "SELECT * FROM breakdown"),
            "duplicate_counts": _fetch(con, "SELECT * FROM duplicate_counts ORDER BY kind"),
            "multi_role": _fetch(con, "SELECT * FROM multi_role ORDER BY postings DESC, source"),
            "salary_pairs": _fetch(
                con,
                "SELECT currency, annual_min, annual_max, count(*) AS n FROM salary "
                "GROUP BY ALL ORDER BY n DESC, currency LIMIT 5",
            ),
            "errors": _fetch(con, "SELECT * FROM errors ORDER BY rows DESC, code"),
            "duplicates": _try_fetch(
                con,
                "SELECT d.row, d.id, d.company, d.title, d.duplicate_kind AS kind, "
                "d.duplicate_of, k.id AS kept_id, k.title AS kept_title FROM readings d "
                "LEFT JOIN readings k ON k.row = d.duplicate_of "
                f"WHERE d.duplicate_of IS NOT NULL ORDER BY d.row LIMIT {LISTED}",
            ),
            "duplicate_groups": _try_fetch(
                con,
                "SELECT k.company, k.title, count(*) AS copies FROM readings d "
                "JOIN readings k ON k.row = d.duplicate_of WHERE d.duplicate_of IS NOT NULL "
                "GROUP BY ALL ORDER BY copies DESC, k.company, k.title LIMIT 5",
            ),
            "multi_role_rows": _try_fetch(
                con,
                "SELECT row, id, origin AS source, title, role FROM readings "
                f"WHERE multi_role ORDER BY row LIMIT {LISTED}",
            ),
        }
        # One exact range on a large share of all salaries is an aggregator's placeholder,
        # not pay: the report's salary figures leave it out (and say so).
        parsed = int(settings.get("salary_parsed", 0)) + int(
            settings.get("salary_parsed_from_text", 0)
        )
        top = data["salary_pairs"][0] if data["salary_pairs"] else None
        data["placeholder"] = (
            top if top and parsed and top["n"] / parsed >= PLACEHOLDER_SHARE and top["n"] > 1
            else None
        )  # fmt: skip
        where = ""
        if data["placeholder"] is not None:
            p = data["placeholder"]
            where = (
                f"WHERE NOT (currency = '{p['currency']}' AND annual_min IS NOT DISTINCT FROM "
                f"{_sql_num(p['annual_min'])} AND annual_max IS NOT DISTINCT FROM "
                f"{_sql_num(p['annual_max'])})"
            )
        quant = (
            "count(*) AS n, count(*) FILTER (WHERE basis = 'text') AS from_text, "
            "quantile_cont(annual_mid, 0.1) AS p10, "
            "quantile_cont(annual_mid, 0.25) AS p25, quantile_cont(annual_mid, 0.5) AS median, "
            "quantile_cont(annual_mid, 0.75) AS p75, quantile_cont(annual_mid, 0.9) AS p90"
        )
        data["salary_role"] = _fetch(
            con, f"SELECT role, currency, {quant} FROM salary {where} GROUP BY ALL ORDER BY ALL"
        )
        data["salary"] = _fetch(
            con,
            f"SELECT role, seniority, currency, basis, {quant} FROM salary {where} "
            "GROUP BY ALL ORDER BY currency, role, seniority, basis",
        )
    finally:
        con.close()
    return data


def _label(data: dict[str, Any], role: str) -> str:
    for r in data["roles"]:
        if r["role"] == role:
            return str(r["label"])
    return {"none": "no role in title", "ambiguous": "ambiguous title"}.get(role, role)


def _sum(rows: list[dict[str, Any]], key: str = "postings") -> int:
    return int(sum(r[key] for r in rows))


def _ci(lo: float, hi: float, digits: int = 0) -> str:
    return f"[{lo:.{digits}%}–{hi:.{digits}%}]"


def _share(k: int, n: int, digits: int = 0) -> str:
    """'k/n = s% [lo–hi]' for a share with its Wilson interval."""
    from rolelens.market.stats import interval

    lo, hi = interval(k, n)
    return f"{k / n:.{digits}%} {_ci(lo, hi, digits)}"


def findings(data: dict[str, Any]) -> list[str]:
    """Sentences about the corpus, each computed from the data (none when it is too thin).

    Nothing resting on fewer than ``min_n`` postings is named, and a change over time only
    when it is measured within one source and significant after the false-discovery control.
    """
    out: list[str] = []
    min_n = data["min_n"]
    rows = int(data["settings"].get("rows", 0))
    read = int(data["settings"].get("readings", 0))
    if not read:
        return ["No posting could be read, so there is nothing to report."]
    titled = data["mismatch"]
    n_titled = _sum(titled)
    n_mis = _sum(titled, "mismatched")
    if n_titled >= min_n:
        out.append(
            f"{n_mis:,} of the {n_titled:,} postings whose title names a specific role "
            f"({_share(n_mis, n_titled, 1)}) describe other work in the text."
        )
    tw = data["matrix"]
    # the taxonomy's role groups, written by the run
    ai_work = data["ai_work_roles"]
    names = {r["role"]: r["label"] for r in data["roles"]}
    for model_role in json.loads(data["settings"].get("model_roles", "[]")):
        family = [r for r in tw if r["title_family"] == model_role]
        n_family = _sum(family)
        if n_family < min_n or not ai_work:
            continue
        ai = _sum([r for r in family if r["role"] in ai_work])
        same = _sum([r for r in family if r["role"] == model_role])
        out.append(
            f"Of {n_family:,} postings titled {names.get(model_role, model_role)}, "
            f"{_share(same, n_family)} describe model-building work and {_share(ai, n_family)} "
            "describe AI-engineering work (building on existing foundation models)."
        )
    amb = [r for r in tw if r["title_family"] == "ambiguous"]
    n_amb = _sum(amb)
    if n_amb >= min_n:
        ranked = sorted(amb, key=lambda r: -int(r["postings"]))[:3]
        out.append(
            f"{n_amb:,} postings carry titles the taxonomy reads as ambiguous (generic ones "
            "such as a bare 'Engineer', or 'AI Engineer', which firms use both ways); by the "
            "text they are "
            + ", ".join(
                f"{_label(data, r['role'])} {_share(int(r['postings']), n_amb)}" for r in ranked
            )
            + "."
        )
    big = [m for m in titled if not m["small"]]
    if len(big) >= 2 and any(m["mismatched"] for m in big):
        top = max(big, key=lambda m: (m["rate"], m["postings"]))
        out.append(
            f"Among title families with at least {min_n} postings, titles saying "
            f"{_label(data, top['title_family'])} are the least reliable: "
            f"{top['rate']:.0%} {_ci(top['lo'], top['hi'])} of {top['postings']:,} such "
            "postings describe other work."
        )
    if data["mix_changes"] and data["mix_widest"]:
        w = data["mix_widest"]
        out.append(
            f"The mix of sources changes from month to month ({w['source']} is "
            f"{w['low']:.0%} of {w['low_month']} and {w['high']:.0%} of {w['high_month']}), "
            "so month-to-month changes of the pooled corpus would compare sources, not time: "
            "changes are measured within each source only."
        )
    out.extend(_change_findings(data))
    hyb = data["hybrid"]
    n_h = _sum(hyb, "hybrid")
    if n_h and read >= min_n:
        out.append(
            f"Hybrid postings (model building and LLM integration both central): {n_h:,}, "
            f"{_share(n_h, read, 1)} of those read."
        )
    usd = {r["role"]: r for r in data["salary_role"] if r["currency"] == "USD" and r["n"] >= min_n}
    if usd:
        parts = [
            f"{_label(data, role)} {r['median']:,.0f} (n={r['n']}"
            + (f", {r['from_text']} from the text" if r["from_text"] else "")
            + ")"
            for role, r in sorted(usd.items(), key=lambda kv: -kv[1]["median"])
        ]
        out.append(
            f"Median yearly USD salary midpoint by the work (roles with at least {min_n} "
            "salaries): " + "; ".join(parts) + "."
        )
    p = data.get("placeholder")
    if p is not None:
        out.append(
            f"Caution on pay: one range, {p['annual_min']:,.0f}–{p['annual_max']:,.0f} "
            f"{p['currency']}, is attached to {p['n']:,} parsed salaries across all roles — "
            "a source placeholder, not pay; the salary figures here leave it out."
        )
    dups = {d["kind"]: int(d["rows"]) for d in data["duplicate_counts"]}
    if dups:
        total = sum(dups.values())
        group = data["duplicate_groups"][0] if data["duplicate_groups"] else None
        out.append(
            f"{total:,} postings were left out as duplicates of an earlier one "
            f"({dups.get('exact', 0):,} exact, {dups.get('near', 0):,} near-identical ads of "
            "the same employer)"
            + (
                f"; the largest group is {group['copies']} copies of "
                f"'{group['title']}' at {group['company'] or 'an unnamed employer'}"
                if group
                else ""
            )
            + "."
        )
    multi = _sum(data["multi_role"])
    if multi:
        where = data["multi_role"][0]
        out.append(
            f"{multi:,} postings advertise several roles at once ({where['postings']:,} of "
            f"them from {where['source']}); each is counted once, under the role its whole "
            "text reads as."
        )
    if rows - read - sum(dups.values()):
        out.append(
            f"{rows - read - sum(dups.values()):,} of {rows:,} input rows could not be read "
            "(see Errors)."
        )
    return out


def _change_findings(data: dict[str, Any]) -> list[str]:
    """Sentences on changes within a source: the significant ones, and a count of the rest."""
    out: list[str] = []
    tested = [c for c in data["comparisons"] if c["eligible"]]
    significant = [c for c in tested if c["significant"]]
    for c in tested:
        if c["measure"] not in MEASURES:
            continue
        what = MEASURES[c["measure"]]
        numbers = (
            f"{c['share_early']:.1%} {_ci(c['early_lo'], c['early_hi'], 1)} of "
            f"{c['early_n']:,} postings in {c['early_months']} and {c['share_late']:.1%} "
            f"{_ci(c['late_lo'], c['late_hi'], 1)} of {c['late_n']:,} in {c['late_months']}"
        )
        if c["significant"]:
            out.append(
                f"Within {c['source']}, the share of {what} changed: {numbers} (q = {c['q']:.3f})."
            )
        elif c["measure"] == "ai_share":
            out.append(
                f"Within {c['source']}, the share of {what} shows no significant change: "
                f"{numbers} (q = {c['q']:.3f})."
            )
    rising = [c for c in significant if c["measure"] == "item" and c["change"] > 0]
    rising.sort(key=lambda c: (-c["lift"], c["source"], c["item"]))
    for c in rising[:3]:
        out.append(
            f"Within {c['source']}, {c['label'] or c['item']} rose from "
            f"{c['share_early']:.1%} {_ci(c['early_lo'], c['early_hi'], 1)} to "
            f"{c['share_late']:.1%} {_ci(c['late_lo'], c['late_hi'], 1)} of postings "
            f"({c['early_months']} vs {c['late_months']}, q = {c['q']:.3f})."
        )
    if tested:
        out.append(
            f"{len(tested):,} changes were tested within sources (both halves with at least "
            f"{data['min_n']} postings); {len(significant):,} are significant with the "
            "false-discovery rate held at 5% (Benjamini–Hochberg)."
        )
    return out


def _span(months: list[str]) -> str:
    if not months:
        return "no months"
    return months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else ""
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return escape("" if v is None else str(v))


def _table(
    headers: list[str],
    rows: list[list[Any]],
    small: list[bool] | None = None,
    *,
    open_: bool = False,
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        ('<tr class="small">' if small and small[i] else "<tr>")
        + "".join(f"<td>{_cell(v)}</td>" for v in r)
        + "</tr>"
        for i, r in enumerate(rows)
    )
    opened = " open" if open_ else ""
    return (
        f"<details{opened}><summary>the numbers</summary><table><tr>{head}</tr>{body}</table>"
        "</details>"
    )


def _pct(share: float, lo: float, hi: float, digits: int = 1) -> str:
    return f"{share:.{digits}%} {_ci(lo, hi, digits)}"


class _Page:
    """Sections of HTML and the charts drawn in them (name -> SVG text, for the exports)."""

    def __init__(self) -> None:
        self.sections: list[str] = []
        self.charts: dict[str, str] = {}

    def chart(self, name: str, text: str) -> str:
        self.charts[name] = text
        return text


def render(data: dict[str, Any]) -> str:
    """The report page as HTML text."""
    return render_page(data)[0]


def render_page(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The report page as HTML text, and its charts (file stem -> SVG text)."""
    page = _Page()
    role_ids = [r["role"] for r in data["roles"]]
    labels = {r["role"]: r["label"] for r in data["roles"]}
    run = data["run"]
    settings = data["settings"]
    min_n = data["min_n"]
    dups = sum(int(d["rows"]) for d in data["duplicate_counts"])
    intro = (
        f"{int(settings.get('rows', 0)):,} input rows, {int(settings.get('readings', 0)):,} "
        f"read, {dups:,} left out as duplicates; {len(data['sources'])} source(s); "
        f"engine {escape(str(run.get('engine')))}, "
        f"taxonomy {escape(str(run.get('taxonomy_version')))}, "
        f"scorer {escape(str(run.get('scorer_version')))}."
    )
    rules = (
        "<p class=rules>How to read it: every share carries its 95% Wilson interval "
        "([low–high], drawn as a whisker). A month, row or bar with fewer than "
        f"<b>{min_n}</b> postings (the minimum n, <code>--min-n</code>) is drawn faded, "
        "marked 'small', and never named in a finding. Changes over time are measured only "
        "within one source, early half of its months against the late half, and named only "
        "when significant with the false-discovery rate held at 5% over every change tested "
        "(Benjamini–Hochberg). Duplicates are "
        + (
            "kept (<code>--keep-duplicates</code>)."
            if run.get("keep_duplicates")
            else "left out (exact copies, and near-identical ads of one employer)."
        )
        + "</p>"
    )
    page.sections.append(
        "<h2>Findings</h2><ul>" + "".join(f"<li>{escape(f)}</li>" for f in findings(data)) + "</ul>"
    )
    _sources_section(page, data)
    _time_sections(page, data, role_ids, labels)
    _comparison_section(page, data)
    _title_sections(page, data, role_ids, labels)
    _evidence_section(page, data, role_ids, labels)
    _breakdown_section(page, data, labels)
    _salary_section(page, data, labels)
    _duplicates_section(page, data)
    if data["errors"]:
        page.sections.append(
            "<h2>Errors</h2><p>Rows that could not be read; each is in readings.parquet with "
            "its code.</p>"
            + "<table><tr><th>code</th><th>rows</th></tr>"
            + "".join(
                f"<tr><td>{escape(e['code'])}</td><td>{e['rows']:,}</td></tr>"
                for e in data["errors"]
            )
            + "</table>"
        )
    page.sections.append(
        "<h2>Files</h2><p>Beside this page: <code>charts/</code> (each chart as SVG and PNG), "
        "<code>tables/</code> (each table as CSV, with intervals and the 'small' flag), "
        "<code>market.xlsx</code> (the same tables, one sheet each), "
        "<code>market.duckdb</code> and <code>readings.parquet</code>.</p>"
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>rolelens market report</title><style>"
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;font-size:12px;margin:.5em 0}"
        "td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
        "tr.small td{color:#999}.rules{background:#f6f6f6;padding:.6em;font-size:14px}"
        ".warn{background:#fff4e0;padding:.5em;border-left:4px solid #f28e2b}"
        "summary{cursor:pointer;color:#4e79a7;font-size:13px}h2{margin-top:2em}"
        "</style></head><body><h1>rolelens market report</h1>"
        f"<p>{intro}</p>{rules}" + "".join(page.sections) + "</body></html>\n"
    )
    return html, page.charts


def _sources_section(page: _Page, data: dict[str, Any]) -> None:
    rows = [b for b in data["breakdown"] if b["dimension"] == "source"]
    if not rows:
        return
    multi = {m["source"]: int(m["postings"]) for m in data["multi_role"]}
    months: dict[str, list[str]] = {}
    for r in data["source_month"]:
        if r["month"] != "unknown":
            months.setdefault(r["source"], []).append(r["month"])
    text = (
        "<h2>Sources</h2><p>Where the postings come from (the source column, else the file). "
        "Bars: share of AI-engineering work by the text, with its interval.</p>"
    )
    text += page.chart(
        "sources_ai_share",
        svg.hbars(
            [f"{r['value']} (n={r['postings']:,})" for r in rows],
            [float(r["share"]) for r in rows],
            "AI-engineering share per source",
            fmt="{:.0%}",
            intervals=[(r["lo"], r["hi"]) for r in rows],
            greyed=[bool(r["small"]) for r in rows],
        ),
    )
    text += _table(
        ["source", "postings", "months", "AI-engineering share", "several roles in one"],
        [
            [
                r["value"],
                r["postings"],
                _span(sorted(months.get(r["value"], []))),
                _pct(r["share"], r["lo"], r["hi"]),
                multi.get(r["value"], 0),
            ]
            for r in rows
        ],
        [bool(r["small"]) for r in rows],
        open_=True,
    )
    mix = [m for m in data["source_mix"] if m["month"] != "unknown"]
    if len(data["sources"]) > 1 and mix:
        month_list = sorted({m["month"] for m in mix})
        names = data["sources"]
        look = {(m["month"], m["source"]): float(m["share"]) for m in mix}
        totals = {m: 0 for m in month_list}
        for m in mix:
            totals[m["month"]] += int(m["postings"])
        warn = (
            "<p class=warn>The mix of sources changes across months: a change in the pooled "
            "corpus from one month to another would be a change of source. The charts over "
            "time below are drawn per source.</p>"
            if data["mix_changes"]
            else ""
        )
        text += (
            "<h3>Source mix per month</h3>"
            + warn
            + page.chart(
                "source_mix",
                svg.stacked_bars(
                    month_list,
                    [(s, [look.get((m, s), 0.0) for m in month_list]) for s in names],
                    [totals[m] for m in month_list],
                    "Share of each month's postings by source",
                    greyed=[totals[m] < data["min_n"] for m in month_list],
                ),
            )
        )
    page.sections.append(text)


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")
    return out[:60] or "source"


def _time_sections(
    page: _Page, data: dict[str, Any], role_ids: list[str], labels: dict[str, str]
) -> None:
    share_rows = [r for r in data["role_share_source_month"] if r["month"] != "unknown"]
    blocks = []
    for source in data["sources"]:
        rows = [r for r in share_rows if r["source"] == source]
        months = sorted({r["month"] for r in rows})
        if len(months) < 2:
            continue
        lookup = {(r["month"], r["role"]): r for r in rows}
        totals = [int(next(r["total"] for r in rows if r["month"] == m)) for m in months]
        greyed = [t < data["min_n"] for t in totals]
        present = [rid for rid in role_ids if any((m, rid) in lookup for m in months)]
        series = [
            (
                labels[rid],
                [float(lookup[(m, rid)]["share"]) if (m, rid) in lookup else 0.0 for m in months],
            )
            for rid in present
        ]
        ai = {r["month"]: r for r in data["source_month"] if r["source"] == source}
        hyb = {r["month"]: r for r in data["hybrid_source"] if r["source"] == source}
        blocks.append(
            f"<h3>{escape(source)}</h3>"
            + page.chart(
                f"roles_over_time_{_slug(source)}",
                svg.stacked_bars(
                    months, series, totals, f"Role by the work per month: {source}", greyed
                ),
            )
            + page.chart(
                f"ai_share_over_time_{_slug(source)}",
                svg.points(
                    months,
                    [float(ai[m]["share"]) for m in months],
                    [(ai[m]["lo"], ai[m]["hi"]) for m in months],
                    totals,
                    f"AI-engineering share per month: {source}",
                    greyed,
                ),
            )
            + _table(
                [
                    "month",
                    "postings",
                    "AI-engineering share",
                    "hybrid share",
                    *[labels[r] for r in present],
                ],
                [
                    [
                        m,
                        t,
                        _pct(ai[m]["share"], ai[m]["lo"], ai[m]["hi"]),
                        _pct(hyb[m]["share"], hyb[m]["lo"], hyb[m]["hi"]) if m in hyb else "",
                        *[
                            _pct(
                                lookup[(m, r)]["share"], lookup[(m, r)]["lo"], lookup[(m, r)]["hi"]
                            )
                            if (m, r) in lookup
                            else "0%"
                            for r in present
                        ],
                    ]
                    for m, t in zip(months, totals, strict=True)
                ],
                greyed,
            )
        )
    if blocks:
        page.sections.append(
            "<h2>Role by the work over time, per source</h2><p>Each column is one month of "
            "one source's postings (n under it), split by the role the text describes; the "
            "dots are the AI-engineering share with its interval. Months with fewer than "
            f"{data['min_n']} postings are faded and marked 'small'. Sources are never pooled "
            "over time.</p>" + "".join(blocks)
        )


def _comparison_section(page: _Page, data: dict[str, Any]) -> None:
    comps = data["comparisons"]
    if not comps:
        return
    rising = [r for r in data["rising"] if r["significant"]] or data["rising"]
    rising = sorted(rising, key=lambda r: (not r["significant"], -r["lift"]))[:15]
    text = (
        "<h2>Changes within each source</h2><p>For each source, its dated months are cut into "
        "an early and a late half (by postings) and each share is compared between them. "
        "p: two-proportion z-test (Fisher's exact test for small counts); q: the "
        "Benjamini–Hochberg adjusted p over every comparison tested. Only comparisons whose "
        f"halves both hold at least {data['min_n']} postings are tested; 'significant' means "
        "q &lt; 0.05.</p>"
    )
    if rising:
        text += "<h3>Items that rose</h3>" + page.chart(
            "rising_items",
            svg.dumbbells(
                [
                    ("* " if r["significant"] else "")
                    + f"{str(r['label'] or r['item'])[:26]} · {str(r['source'])[:14]}"
                    for r in rising
                ],
                [float(r["share_early"]) for r in rising],
                [float(r["share_late"]) for r in rising],
                "Items that rose within a source (* significant)",
                intervals=[
                    ((r["early_lo"], r["early_hi"]), (r["late_lo"], r["late_hi"])) for r in rising
                ],
            ),
        )
    text += _table(
        ["source", "measure", "item", "early months", "early", "late months", "late", "lift",
         "p", "q", "significant"],
        [
            [
                c["source"],
                c["measure"],
                c["label"] or c["item"] or "",
                c["early_months"],
                f"{c['early']:,}/{c['early_n']:,} = "
                + _pct(c["share_early"], c["early_lo"], c["early_hi"]),
                c["late_months"],
                f"{c['late']:,}/{c['late_n']:,} = "
                + _pct(c["share_late"], c["late_lo"], c["late_hi"]),
                f"{c['lift']:.2f}",
                "" if c["p"] is None else f"{c['p']:.3g}",
                "" if c["q"] is None else f"{c['q']:.3g}",
                c["significant"],
            ]
            for c in comps
        ],
        [not c["eligible"] for c in comps],
    )  # fmt: skip
    page.sections.append(text)


def _title_sections(
    page: _Page, data: dict[str, Any], role_ids: list[str], labels: dict[str, str]
) -> None:
    matrix = data["matrix"]
    min_n = data["min_n"]
    fam_totals: dict[str, int] = {}
    for r in matrix:
        fam_totals[r["title_family"]] = int(r["family_total"])
    families = [f for f, _ in sorted(fam_totals.items(), key=lambda kv: -kv[1])]
    cols = [rid for rid in role_ids if any(r["role"] == rid for r in matrix)]
    cellmap = {
        (r["title_family"], r["role"]): (int(r["postings"]), float(r["share"])) for r in matrix
    }
    cells = [[cellmap.get((f, c), (0, 0.0)) for c in cols] for f in families]
    if families and cols:
        page.sections.append(
            "<h2>What the title said vs what the work is</h2><p>Rows: the role a title names "
            "('ambiguous' for generic titles and ones firms use both ways, such as a bare "
            "'Engineer' or 'AI Engineer'; 'none' for titles no pattern matched), with n. "
            "Columns: the role by the text. Cells: share of the row; rows with fewer than "
            f"{min_n} postings are marked 'small' (their shares are shown, never named).</p>"
            + page.chart(
                "title_vs_work",
                svg.heatmap(
                    [
                        f"{_label(data, f)} (n={fam_totals[f]:,})"
                        + (" small" if fam_totals[f] < min_n else "")
                        for f in families
                    ],
                    [labels[c] for c in cols],
                    cells,
                    "Title vs work",
                ),
            )
            + _table(
                ["title family", "role by the work", "postings", "share of the title family"],
                [
                    [
                        _label(data, r["title_family"]),
                        labels.get(r["role"], r["role"]),
                        r["postings"],
                        _pct(r["share"], r["lo"], r["hi"]),
                    ]
                    for r in matrix
                ],
                [bool(r["small"]) for r in matrix],
            )
        )
    mis = data["mismatch"]
    if mis:
        page.sections.append(
            "<h2>Mismatch rate per title family</h2><p>Postings whose title names a specific "
            "role and whose text describes another, with the interval. Titles read as "
            "ambiguous, or naming no role, have no rate: they name no role to contradict. "
            f"Families with fewer than {min_n} postings are faded and never named.</p>"
            + page.chart(
                "mismatch_rate",
                svg.hbars(
                    [f"{_label(data, m['title_family'])} (n={m['postings']:,})" for m in mis],
                    [float(m["rate"]) for m in mis],
                    "Mismatch rate",
                    intervals=[(m["lo"], m["hi"]) for m in mis],
                    greyed=[bool(m["small"]) for m in mis],
                ),
            )
            + _table(
                ["title family", "postings", "mismatched", "rate"],
                [
                    [
                        _label(data, m["title_family"]),
                        m["postings"],
                        m["mismatched"],
                        _pct(m["rate"], m["lo"], m["hi"]),
                    ]
                    for m in mis
                ],
                [bool(m["small"]) for m in mis],
            )
        )


def _evidence_section(
    page: _Page, data: dict[str, Any], role_ids: list[str], labels: dict[str, str]
) -> None:
    top = data["top"]
    if not top:
        return
    blocks = []
    for rid in role_ids:
        items = [t for t in top if t["role"] == rid][:8]
        if items:
            note = " (small: fewer postings than the minimum n)" if items[0]["small"] else ""
            blocks.append(
                f"<h3>{escape(labels[rid])} (n={items[0]['role_postings']:,}){note}</h3><p>"
                + ", ".join(
                    f"{escape(str(t['label']))} {_pct(t['share'], t['lo'], t['hi'], 0)}"
                    for t in items
                )
                + "</p>"
            )
    page.sections.append(
        "<h2>Top evidence per role</h2><p>Share of the role's postings that mention each item "
        "in the duties or requirements, with its interval.</p>"
        + "".join(blocks)
        + _table(
            ["role", "rank", "item", "postings", "share"],
            [
                [
                    labels.get(t["role"], t["role"]),
                    t["rank"],
                    t["label"],
                    t["postings"],
                    _pct(t["share"], t["lo"], t["hi"]),
                ]
                for t in top
            ],
            [bool(t["small"]) for t in top],
        )
    )


def _breakdown_section(page: _Page, data: dict[str, Any], labels: dict[str, str]) -> None:
    blocks = []
    for dimension in BREAKDOWN_ORDER:
        rows = [b for b in data["breakdown"] if b["dimension"] == dimension]
        if len(rows) < 2:
            continue
        shown = rows[:TOP_VALUES]
        blocks.append(
            f"<h3>By {dimension}</h3>"
            + (
                f"<p>The {TOP_VALUES} {dimension} values with the most postings of "
                f"{len(rows):,} (all in tables/breakdown.csv).</p>"
                if len(rows) > TOP_VALUES
                else ""
            )
            + page.chart(
                f"breakdown_{dimension}",
                svg.hbars(
                    [f"{str(b['value'])[:40]} (n={b['postings']:,})" for b in shown],
                    [float(b["share"]) for b in shown],
                    f"AI-engineering share by {dimension}",
                    intervals=[(b["lo"], b["hi"]) for b in shown],
                    greyed=[bool(b["small"]) for b in shown],
                ),
            )
            + _table(
                [
                    dimension,
                    "postings",
                    "AI-engineering share",
                    "top role by the work",
                    "its share",
                ],
                [
                    [
                        b["value"],
                        b["postings"],
                        _pct(b["share"], b["lo"], b["hi"]),
                        labels.get(b["top_role"], b["top_role"]),
                        f"{b['top_share']:.0%}",
                    ]
                    for b in shown
                ],
                [bool(b["small"]) for b in shown],
            )
        )
    if blocks:
        page.sections.append(
            "<h2>Breakdowns</h2><p>The share of AI-engineering work by the text for each "
            "value, with its interval; values with fewer than "
            f"{data['min_n']} postings are faded.</p>" + "".join(blocks)
        )


def _salary_section(page: _Page, data: dict[str, Any], labels: dict[str, str]) -> None:
    settings = data["settings"]
    min_n = data["min_n"]
    from_column = int(settings.get("salary_parsed", 0))
    from_text = int(settings.get("salary_parsed_from_text", 0))
    with_text = int(settings.get("salary_with_text", 0))
    basis = (
        f"{from_column:,} of {with_text:,} salary fields parsed; {from_text:,} salaries read "
        "from the description text of postings with no salary field (marked 'text': the "
        "first sentence stating a plausible pay range)."
    )
    sal = [s for s in data["salary_role"] if s["n"] >= min_n and s["currency"] != "unknown"]
    if not sal:
        page.sections.append(
            "<h2>Pay</h2><p>No role has "
            f"{min_n} or more parsed salaries in one currency, so no distribution is drawn. "
            + basis
            + "</p>"
        )
        return
    currency = max(
        {s["currency"] for s in sal},
        key=lambda c: sum(s["n"] for s in sal if s["currency"] == c),
    )
    shown = sorted([s for s in sal if s["currency"] == currency], key=lambda s: -s["median"])
    page.sections.append(
        f"<h2>Pay: salary distributions ({escape(currency)}, yearly)</h2><p>Salary parsed "
        "to a yearly range; each posting counts at its midpoint. Boxes: 25th–75th "
        f"percentile; whiskers: 10th–90th; roles with at least {min_n} values. {basis}"
        + (
            " One range found on a large share of all salaries (a source placeholder) is left out."
            if data.get("placeholder")
            else ""
        )
        + "</p>"
        + page.chart(
            "salary",
            svg.boxplots(
                [
                    f"{labels.get(s['role'], s['role'])} (n={s['n']}"
                    + (f", {s['from_text']} text" if s["from_text"] else "")
                    + ")"
                    for s in shown
                ],
                [[float(s[k]) for k in ("p10", "p25", "median", "p75", "p90")] for s in shown],
                f"Salary {currency}",
            ),
        )
        + _table(
            ["role", "seniority", "currency", "basis", "n", "p10", "p25", "median", "p75", "p90"],
            [
                [
                    labels.get(s["role"], s["role"]),
                    s["seniority"],
                    s["currency"],
                    s["basis"],
                    s["n"],
                    s["p10"],
                    s["p25"],
                    s["median"],
                    s["p75"],
                    s["p90"],
                ]
                for s in data["salary"]
            ],
            [s["n"] < min_n for s in data["salary"]],
        )
    )


def _duplicates_section(page: _Page, data: dict[str, Any]) -> None:
    counts = {d["kind"]: int(d["rows"]) for d in data["duplicate_counts"]}
    text = "<h2>Duplicates and multi-role postings</h2>"
    if data["run"].get("keep_duplicates"):
        text += "<p>Duplicates were kept (<code>--keep-duplicates</code>).</p>"
    elif counts:
        text += (
            f"<p>{sum(counts.values()):,} postings left out as copies of an earlier one: "
            f"{counts.get('exact', 0):,} exact (same employer, same text) and "
            f"{counts.get('near', 0):,} near-identical (same employer, text ≥ 90% alike by "
            "MinHash). The first posting of each group is kept. The first "
            f"{LISTED} (all in tables/duplicates.csv):</p>"
            + _table(
                ["row", "id", "company", "title", "kind", "copy of row", "kept id", "kept title"],
                [
                    [
                        d["row"],
                        d["id"],
                        d["company"],
                        d["title"],
                        d["kind"],
                        d["duplicate_of"],
                        d["kept_id"],
                        d["kept_title"],
                    ]
                    for d in data["duplicates"]
                ],
            )
        )
    else:
        text += "<p>No duplicates found.</p>"
    multi = data["multi_role"]
    if multi:
        text += (
            f"<p>{_sum(multi):,} postings advertise several roles in one text (a 'Who is "
            "hiring?' comment listing roles, or 'multiple roles'): each is counted once, under "
            "the role its whole text reads as. Per source: "
            + ", ".join(f"{escape(m['source'])} {int(m['postings']):,}" for m in multi)
            + ".</p>"
            + _table(
                ["row", "id", "source", "title", "read as"],
                [
                    [r["row"], r["id"], r["source"], r["title"], r["role"]]
                    for r in data["multi_role_rows"]
                ],
            )
        )
    page.sections.append(text)


# -- files ---------------------------------------------------------------------------------
EXPORT_TABLES = (
    *SHARES, *VIEWS, "comparisons", "rising_evidence", "duplicate_counts", "multi_role",
    "errors", "role_month", "title_work", "source_role_month",
)  # fmt: skip


def write_exports(out: Path, charts: dict[str, str]) -> None:
    """Charts as SVG and PNG under ``charts/``; tables as CSV under ``tables/`` and XLSX."""
    import shutil

    import duckdb

    from rolelens.io.atomic import write_atomic

    for name in ("charts", "tables"):
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
    for stem, text in charts.items():
        write_atomic(out / "charts" / f"{stem}.svg", text.encode("utf-8"))
        write_atomic(out / "charts" / f"{stem}.png", _png(text))
    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    try:
        sheets: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        queries = {name: f"SELECT * FROM {name}" for name in EXPORT_TABLES}
        queries["duplicates"] = (
            "SELECT d.row, d.id, d.company, d.title, d.duplicate_kind AS kind, d.duplicate_of, "
            "k.id AS kept_id, k.title AS kept_title FROM readings d LEFT JOIN readings k "
            "ON k.row = d.duplicate_of WHERE d.duplicate_of IS NOT NULL ORDER BY d.row"
        )
        for name, query in queries.items():
            try:
                cur = con.execute(query)
            except duckdb.Error:
                continue  # no readings files (an empty corpus)
            headers = [d[0] for d in cur.description]
            sheets[name] = (headers, cur.fetchall())
    finally:
        con.close()
    for name, (headers, rows) in sheets.items():
        write_atomic(out / "tables" / f"{name}.csv", _csv(headers, rows))
    _xlsx(out / "market.xlsx", sheets)


def _csv(headers: list[str], rows: list[tuple[Any, ...]]) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx(path: Path, sheets: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> None:
    import xlsxwriter

    tmp = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
    try:
        for name, (headers, rows) in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, headers)
            for i, row in enumerate(rows, start=1):
                sheet.write_row(i, 0, [v if not isinstance(v, list) else str(v) for v in row])
    finally:
        book.close()
    os.replace(tmp, path)


def _png(svg_text: str) -> bytes:
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg_text, background="#ffffff", zoom=2.0))


def write_report(out: Path) -> Path:
    """Render ``out/report.html`` and its exports from ``out/market.duckdb`` (refreshing its
    readings view)."""
    import duckdb

    from rolelens.io.atomic import write_atomic

    con = duckdb.connect(str(out / DB_NAME))
    try:
        attach_readings(con, out)
    except duckdb.Error:
        pass  # no readings files (an empty corpus): the report needs only the aggregate tables
    finally:
        con.close()
    html, charts = render_page(load(out))
    write_exports(out, charts)
    path = out / "report.html"
    write_atomic(path, html.encode("utf-8"))
    return path
