"""The market report: one self-contained HTML page built from the market DuckDB database.

:func:`load` reads the views into plain Python data, :func:`findings` turns that data into
a few sentences (every number computed, none written in), and :func:`render` lays out the
charts (inline SVG) with the table behind each one.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from rolelens.market import svg
from rolelens.market.store import DB_NAME, attach_readings

# Title families with at least this many postings get a sentence or a heatmap row.
MIN_FAMILY = 20
MIN_SALARY_N = 10
AI_WORK = ("ai_engineer", "agentic_ai_engineer")
# One exact salary range on at least this share of parsed salaries is taken as a placeholder.
PLACEHOLDER_SHARE = 0.05


def _sql_num(value: float | None) -> str:
    return "NULL" if value is None else repr(float(value))


def _fetch(con: Any, query: str) -> list[dict[str, Any]]:
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def load(out: Path) -> dict[str, Any]:
    """Everything the report shows, read from ``out/market.duckdb``."""
    import duckdb

    con = duckdb.connect(str(out / DB_NAME), read_only=True)
    try:
        settings = {r["key"]: r["value"] for r in _fetch(con, "SELECT * FROM settings")}
        data: dict[str, Any] = {
            "settings": settings,
            "run": json.loads(settings.get("run", "{}")),
            "early": json.loads(settings.get("early_months", "[]")),
            "late": json.loads(settings.get("late_months", "[]")),
            "roles": _fetch(con, "SELECT * FROM roles ORDER BY position"),
            "role_share_month": _fetch(con, "SELECT * FROM role_share_month"),
            "matrix": _fetch(con, "SELECT * FROM title_work_matrix"),
            "title_work": _fetch(con, "SELECT * FROM title_work"),
            "mismatch": _fetch(con, "SELECT * FROM mismatch_rate"),
            "hybrid": _fetch(con, "SELECT * FROM hybrid_share"),
            "top": _fetch(con, "SELECT * FROM top_evidence"),
            "rising": _fetch(con, "SELECT * FROM rising_evidence ORDER BY rank"),
            "salary_pairs": _fetch(
                con,
                "SELECT currency, annual_min, annual_max, count(*) AS n FROM salary "
                "GROUP BY ALL ORDER BY n DESC, currency LIMIT 5",
            ),
            "errors": _fetch(con, "SELECT * FROM errors ORDER BY rows DESC, code"),
        }
        # One exact range on a large share of all salaries is an aggregator's placeholder,
        # not pay: the report's salary figures leave it out (and say so).
        parsed = int(settings.get("salary_parsed", 0))
        top = data["salary_pairs"][0] if data["salary_pairs"] else None
        data["placeholder"] = (
            top if top and parsed and top["n"] / parsed >= PLACEHOLDER_SHARE else None
        )
        where = ""
        if data["placeholder"] is not None:
            p = data["placeholder"]
            where = (
                f"WHERE NOT (currency = '{p['currency']}' AND annual_min IS NOT DISTINCT FROM "
                f"{_sql_num(p['annual_min'])} AND annual_max IS NOT DISTINCT FROM "
                f"{_sql_num(p['annual_max'])})"
            )
        quant = (
            "count(*) AS n, quantile_cont(annual_mid, 0.1) AS p10, "
            "quantile_cont(annual_mid, 0.25) AS p25, quantile_cont(annual_mid, 0.5) AS median, "
            "quantile_cont(annual_mid, 0.75) AS p75, quantile_cont(annual_mid, 0.9) AS p90"
        )
        data["salary_role"] = _fetch(
            con, f"SELECT role, currency, {quant} FROM salary {where} GROUP BY ALL ORDER BY ALL"
        )
        data["salary"] = _fetch(
            con,
            f"SELECT role, seniority, currency, {quant} FROM salary {where} "
            "GROUP BY ALL ORDER BY currency, role, seniority",
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


def findings(data: dict[str, Any]) -> list[str]:
    """Sentences about the corpus, each computed from the data (none when it is too thin)."""
    out: list[str] = []
    early, late = data["early"], data["late"]
    rows = int(data["settings"].get("rows", 0))
    read = int(data["settings"].get("readings", 0))
    if not read:
        return ["No posting could be read, so there is nothing to report."]
    titled = [m for m in data["mismatch"] if m["title_family"] not in ("none", "ambiguous")]
    n_titled = _sum(titled)
    n_mis = _sum(titled, "mismatched")
    if n_titled:
        out.append(
            f"{n_mis:,} of the {n_titled:,} postings whose title names a specific role "
            f"({n_mis / n_titled:.1%}) describe other work in the text."
        )
    tw = data["title_work"]
    ml = [r for r in tw if r["title_family"] == "ml_engineer"]
    n_ml = _sum(ml)
    if n_ml >= MIN_FAMILY:
        ai = _sum([r for r in ml if r["role"] in AI_WORK])
        same = _sum([r for r in ml if r["role"] == "ml_engineer"])
        sentence = (
            f"Of {n_ml:,} postings titled ML engineer, {same / n_ml:.0%} describe model-building "
            f"ML work and {ai / n_ml:.0%} describe AI-engineering work (building on existing "
            "foundation models)"
        )
        shares = []
        for months in (early, late):
            part = [r for r in ml if r["month"] in months]
            n = _sum(part)
            if n >= MIN_FAMILY // 2:
                shares.append((months, n, _sum([r for r in part if r["role"] in AI_WORK]) / n))
        if len(shares) == 2:
            (m0, n0, s0), (m1, n1, s1) = shares
            sentence += (
                f"; that AI-engineering share went from {s0:.0%} ({_span(m0)}, n={n0}) to "
                f"{s1:.0%} ({_span(m1)}, n={n1})"
            )
        out.append(sentence + ".")
    amb = [r for r in tw if r["title_family"] == "ambiguous"]
    n_amb = _sum(amb)
    if n_amb >= MIN_FAMILY:
        split: dict[str, int] = {}
        for r in amb:
            split[r["role"]] = split.get(r["role"], 0) + int(r["postings"])
        ranked = sorted(split.items(), key=lambda kv: -kv[1])[:3]
        out.append(
            f"{n_amb:,} postings carry titles the taxonomy reads as ambiguous (generic ones "
            "such as a bare 'Engineer', or 'AI Engineer', which firms use both ways); by the "
            "text they are "
            + ", ".join(f"{_label(data, role)} {n / n_amb:.0%}" for role, n in ranked)
            + "."
        )
    worst = [m for m in titled if m["postings"] >= MIN_FAMILY]
    if worst:
        top = max(worst, key=lambda m: (m["rate"], m["postings"]))
        out.append(
            f"Titles saying {_label(data, top['title_family'])} are the least reliable: "
            f"{top['rate']:.0%} of {top['postings']:,} such postings describe other work."
        )
    by_month: dict[str, dict[str, int]] = {}
    for r in data["role_share_month"]:
        by_month.setdefault(r["month"], {})[r["role"]] = int(r["postings"])
    if early and late:

        def ai_share(months: list[str]) -> tuple[int, float]:
            total = sum(sum(by_month.get(m, {}).values()) for m in months)
            ai = sum(by_month.get(m, {}).get(role, 0) for m in months for role in AI_WORK)
            return total, (ai / total if total else 0.0)

        (n0, s0), (n1, s1) = ai_share(early), ai_share(late)
        out.append(
            f"AI-engineering work (AI engineer and agentic AI engineer by the text) was "
            f"{s0:.1%} of postings in {_span(early)} (n={n0:,}) and {s1:.1%} in {_span(late)} "
            f"(n={n1:,})."
        )
    if data["rising"]:
        r = data["rising"][0]
        out.append(
            f"The fastest-rising evidence item is {r['label']}: in {r['share_early']:.1%} of "
            f"early postings and {r['share_late']:.1%} of late ones ({r['late']:,} postings; "
            f"items need {data['settings'].get('min_support')} late postings to be ranked)."
        )
    hyb = data["hybrid"]
    n_h = _sum(hyb, "hybrid")
    if n_h:
        out.append(
            f"Hybrid postings (model building and LLM integration both central): {n_h:,}, "
            f"{n_h / read:.1%} of those read."
        )
    usd = {
        r["role"]: r
        for r in data["salary_role"]
        if r["currency"] == "USD" and r["n"] >= MIN_SALARY_N
    }
    if usd:
        parts = [
            f"{_label(data, role)} {r['median']:,.0f} (n={r['n']})"
            for role, r in sorted(usd.items(), key=lambda kv: -kv[1]["median"])
        ]
        out.append("Median yearly USD salary midpoint by the work: " + "; ".join(parts) + ".")
    p = data.get("placeholder")
    if p is not None:
        parsed = int(data["settings"].get("salary_parsed", 0))
        out.append(
            f"Caution on pay: one range, {p['annual_min']:,.0f}–{p['annual_max']:,.0f} "
            f"{p['currency']}, is attached to {p['n']:,} of {parsed:,} parsed salaries "
            f"({p['n'] / parsed:.0%}) across all roles — a source placeholder, not pay; the "
            "salary figures here leave it out."
        )
    if rows - read:
        out.append(f"{rows - read:,} of {rows:,} input rows could not be read (see Errors).")
    return out


def _span(months: list[str]) -> str:
    if not months:
        return "no months"
    return months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
        if isinstance(v, int):
            return f"{v:,}"
        return escape("" if v is None else str(v))

    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<details><summary>the numbers</summary><table><tr>{head}</tr>{body}</table></details>"


def render(data: dict[str, Any]) -> str:
    """The report page as HTML text."""
    role_ids = [r["role"] for r in data["roles"]]
    labels = {r["role"]: r["label"] for r in data["roles"]}
    sections: list[str] = []
    run = data["run"]
    settings = data["settings"]
    intro = (
        f"{int(settings.get('rows', 0)):,} input rows, {int(settings.get('readings', 0)):,} read; "
        f"engine {escape(str(run.get('engine')))}, "
        f"taxonomy {escape(str(run.get('taxonomy_version')))}, "
        f"scorer {escape(str(run.get('scorer_version')))}."
    )
    sections.append(
        "<h2>Findings</h2><ul>" + "".join(f"<li>{escape(f)}</li>" for f in findings(data)) + "</ul>"
    )

    # role shares over time
    share_rows = [r for r in data["role_share_month"] if r["month"] != "unknown"]
    months = sorted({r["month"] for r in share_rows})
    if months:
        lookup = {(r["month"], r["role"]): r for r in share_rows}
        totals = [int(next(r["total"] for r in share_rows if r["month"] == m)) for m in months]
        present = [rid for rid in role_ids if any((m, rid) in lookup for m in months)]
        series = [
            (
                labels[rid],
                [float(lookup[(m, rid)]["share"]) if (m, rid) in lookup else 0.0 for m in months],
            )
            for rid in present
        ]
        chart = svg.stacked_bars(
            months, series, totals, "Role by the work, share of postings per month"
        )
        table = _table(
            ["month", "postings", *[labels[r] for r in present]],
            [
                [m, t, *[f"{s[i]:.1%}" for _, s in series]]
                for i, (m, t) in enumerate(zip(months, totals, strict=True))
            ],
        )
        sections.append(
            "<h2>Role by the work over time</h2><p>Each column is one month of postings "
            "(n under it), split by the role the text describes. Small months are noisy.</p>"
            + chart
            + table
        )

    # title vs work
    matrix = data["matrix"]
    fam_totals: dict[str, int] = {}
    for r in matrix:
        fam_totals[r["title_family"]] = int(r["family_total"])
    families = [
        f for f, n in sorted(fam_totals.items(), key=lambda kv: -kv[1]) if n >= MIN_FAMILY
    ] or list(fam_totals)
    cols = [rid for rid in role_ids if any(r["role"] == rid for r in matrix)]
    cellmap = {
        (r["title_family"], r["role"]): (int(r["postings"]), float(r["share"])) for r in matrix
    }
    cells = [[cellmap.get((f, c), (0, 0.0)) for c in cols] for f in families]
    if families and cols:
        sections.append(
            "<h2>What the title said vs what the work is</h2><p>Rows: the role a title names "
            f"(title families with at least {MIN_FAMILY} postings; 'ambiguous' for generic titles "
            "and ones firms use both ways, such as a bare 'Engineer' or 'AI Engineer'; 'none' "
            "for titles no pattern matched). Columns: the role by the "
            "text. Cells: share of the row.</p>"
            + svg.heatmap(
                [_label(data, f) for f in families],
                [labels[c] for c in cols],
                cells,
                "Title vs work",
            )
            + _table(
                ["title family", "role by the work", "postings", "share of the title family"],
                [
                    [
                        _label(data, r["title_family"]),
                        labels.get(r["role"], r["role"]),
                        r["postings"],
                        f"{r['share']:.1%}",
                    ]
                    for r in matrix
                ],
            )
        )
    mis = [m for m in data["mismatch"] if m["title_family"] not in ("none", "ambiguous")]
    if mis:
        sections.append(
            "<h2>Mismatch rate per title family</h2><p>Postings whose title names a specific "
            "role and whose text describes another.</p>"
            + svg.hbars(
                [f"{_label(data, m['title_family'])} (n={m['postings']})" for m in mis],
                [float(m["rate"]) for m in mis],
                "Mismatch rate",
            )
            + _table(
                ["title family", "postings", "mismatched", "rate"],
                [
                    [
                        _label(data, m["title_family"]),
                        m["postings"],
                        m["mismatched"],
                        f"{m['rate']:.1%}",
                    ]
                    for m in data["mismatch"]
                ],
            )
        )
    hyb = [h for h in data["hybrid"] if h["month"] != "unknown"]
    if hyb:
        sections.append(
            "<h2>Hybrid share</h2><p>Postings where model building and LLM integration are both "
            "central, per month.</p>"
            + svg.hbars(
                [f"{h['month']} (n={h['postings']})" for h in hyb],
                [float(h["share"]) for h in hyb],
                "Hybrid share",
                fmt="{:.1%}",
            )
            + _table(
                ["month", "postings", "hybrid", "share"],
                [
                    [h["month"], h["postings"], h["hybrid"], f"{h['share']:.1%}"]
                    for h in data["hybrid"]
                ],
            )
        )
    rising = data["rising"]
    if rising:
        sections.append(
            f"<h2>Rising skills and activities</h2><p>Share of postings mentioning each item in "
            f"the early months ({escape(_span(data['early']))}) and the late months "
            f"({escape(_span(data['late']))}); ranked by lift, each with at least "
            f"{escape(str(data['settings'].get('min_support')))} late postings.</p>"
            + svg.dumbbells(
                [r["label"] for r in rising[:15]],
                [float(r["share_early"]) for r in rising[:15]],
                [float(r["share_late"]) for r in rising[:15]],
                "Rising items",
            )
            + _table(
                [
                    "rank",
                    "item",
                    "kind",
                    "early postings",
                    "late postings",
                    "early share",
                    "late share",
                    "lift",
                ],
                [
                    [
                        r["rank"],
                        r["label"],
                        r["kind"],
                        r["early"],
                        r["late"],
                        f"{r['share_early']:.2%}",
                        f"{r['share_late']:.2%}",
                        f"{r['lift']:.2f}",
                    ]
                    for r in rising
                ],
            )
        )
    top = data["top"]
    if top:
        blocks = []
        for rid in role_ids:
            items = [t for t in top if t["role"] == rid][:8]
            if items:
                blocks.append(
                    f"<h3>{escape(labels[rid])}</h3><p>"
                    + ", ".join(f"{escape(str(t['label']))} ({t['share']:.0%})" for t in items)
                    + "</p>"
                )
        sections.append(
            "<h2>Top evidence per role</h2><p>Share of the role's postings that mention each item "
            "in the duties or requirements.</p>"
            + "".join(blocks)
            + _table(
                ["role", "rank", "item", "postings", "share"],
                [
                    [
                        labels.get(t["role"], t["role"]),
                        t["rank"],
                        t["label"],
                        t["postings"],
                        f"{t['share']:.1%}",
                    ]
                    for t in top
                ],
            )
        )
    sal = [s for s in data["salary_role"] if s["n"] >= MIN_SALARY_N and s["currency"] != "unknown"]
    if sal:
        currency = max(
            {s["currency"] for s in sal},
            key=lambda c: sum(s["n"] for s in sal if s["currency"] == c),
        )
        shown = sorted([s for s in sal if s["currency"] == currency], key=lambda s: -s["median"])
        sections.append(
            f"<h2>Salary distributions ({escape(currency)}, yearly)</h2><p>Salary text parsed "
            f"to a yearly range; each posting counts at its midpoint. Boxes: 25th–75th "
            f"percentile; whiskers: 10th–90th. {int(settings.get('salary_parsed', 0)):,} of "
            f"{int(settings.get('salary_with_text', 0)):,} salary texts parsed; roles "
            f"with at least {MIN_SALARY_N} values."
            + (
                " One range found on a large share of all salaries (a source placeholder) is "
                "left out."
                if data.get("placeholder")
                else ""
            )
            + "</p>"
            + svg.boxplots(
                [f"{labels.get(s['role'], s['role'])} (n={s['n']})" for s in shown],
                [[float(s[k]) for k in ("p10", "p25", "median", "p75", "p90")] for s in shown],
                f"Salary {currency}",
            )
            + _table(
                ["role", "seniority", "currency", "n", "p10", "p25", "median", "p75", "p90"],
                [
                    [
                        labels.get(s["role"], s["role"]),
                        s["seniority"],
                        s["currency"],
                        s["n"],
                        s["p10"],
                        s["p25"],
                        s["median"],
                        s["p75"],
                        s["p90"],
                    ]
                    for s in data["salary"]
                ],
            )
        )
    if data["errors"]:
        sections.append(
            "<h2>Errors</h2><p>Rows that could not be read; each is in readings.parquet with its "
            "code.</p>"
            + "<table><tr><th>code</th><th>rows</th></tr>"
            + "".join(
                f"<tr><td>{escape(e['code'])}</td><td>{e['rows']:,}</td></tr>"
                for e in data["errors"]
            )
            + "</table>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>rolelens market report</title><style>"
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;font-size:12px;margin:.5em 0}"
        "td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}"
        "summary{cursor:pointer;color:#4e79a7;font-size:13px}h2{margin-top:2em}"
        "</style></head><body><h1>rolelens market report</h1>"
        f"<p>{intro}</p>" + "".join(sections) + "</body></html>\n"
    )


def write_report(out: Path) -> Path:
    """Render ``out/report.html`` from ``out/market.duckdb`` (refreshing its readings view)."""
    import duckdb

    from rolelens.market.engine import write_atomic

    con = duckdb.connect(str(out / DB_NAME))
    try:
        attach_readings(con, out)
    except duckdb.Error:
        pass  # no readings files (an empty corpus): the report needs only the aggregate tables
    finally:
        con.close()
    path = out / "report.html"
    write_atomic(path, render(load(out)).encode("utf-8"))
    return path
