"""The market DuckDB database: aggregate tables, views over them, and a readings view.

Base tables hold the aggregate's counts as long tables; share tables (:data:`SHARES`) turn
them into shares and rates, each with its Wilson interval and a ``small`` flag (fewer
postings than ``--min-n``); ``comparisons`` holds the early-vs-late tests within each source
(:mod:`rolelens.market.analysis`) and ``rising_evidence`` the items that grew.
``readings`` is a view over ``readings.parquet`` (absolute path; ``rolelens market report
DIR`` rebuilds it when the folder moves). The schema is in docs/market.md.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from rolelens.core.aggregate import MarketAggregate, midpoint, split_months
from rolelens.core.verdicts import UNDETERMINED
from rolelens.market import stats
from rolelens.taxonomy.models import Taxonomy

DB_NAME = "market.duckdb"

# Views: plain SQL over the base tables (no interval needed).
VIEWS = {
    "salary_distribution": """
        SELECT role, seniority, currency, basis, count(*) AS n,
               quantile_cont(annual_mid, 0.1) AS p10, quantile_cont(annual_mid, 0.25) AS p25,
               quantile_cont(annual_mid, 0.5) AS median, quantile_cont(annual_mid, 0.75) AS p75,
               quantile_cont(annual_mid, 0.9) AS p90
        FROM salary GROUP BY ALL ORDER BY currency, role, seniority, basis""",
    "source_mix": """
        SELECT month, source, sum(postings) AS postings,
               sum(postings) / sum(sum(postings)) OVER (PARTITION BY month) AS share
        FROM source_role_month GROUP BY month, source ORDER BY month, source""",
}
# Tables of shares, each with its Wilson interval (lo, hi) and ``small`` (n under --min-n):
# name -> (query, count column, total column).
SHARES: dict[str, tuple[str, str, str]] = {
    "role_share_month": (
        """SELECT r.month, r.role, r.postings, t.total, r.postings / t.total AS share
        FROM role_month r
        JOIN (SELECT month, sum(postings) AS total FROM role_month GROUP BY month) t USING (month)
        ORDER BY r.month, r.role""",
        "postings",
        "total",
    ),
    "role_share_source_month": (
        """SELECT r.source, r.month, r.role, r.postings, t.total, r.postings / t.total AS share
        FROM source_role_month r
        JOIN (SELECT source, month, sum(postings) AS total FROM source_role_month
              GROUP BY source, month) t USING (source, month)
        ORDER BY r.source, r.month, r.role""",
        "postings",
        "total",
    ),
    "source_month": (
        """SELECT source, month, sum(postings) AS postings,
               sum(CASE WHEN role IN (SELECT role FROM ai_work_roles) THEN postings
                        ELSE 0 END) AS ai,
               ai / sum(postings) AS share
        FROM source_role_month GROUP BY source, month ORDER BY source, month""",
        "ai",
        "postings",
    ),
    "hybrid_share_source": (
        """SELECT t.source, t.month, t.total AS postings, coalesce(h.hybrid, 0) AS hybrid,
               coalesce(h.hybrid, 0) / t.total AS share
        FROM (SELECT source, month, sum(postings) AS total FROM source_role_month
              GROUP BY source, month) t
        LEFT JOIN source_hybrid_month h USING (source, month) ORDER BY t.source, t.month""",
        "hybrid",
        "postings",
    ),
    "title_work_matrix": (
        """SELECT title_family, role, sum(postings) AS postings,
               sum(sum(postings)) OVER (PARTITION BY title_family) AS family_total,
               sum(postings) / sum(sum(postings)) OVER (PARTITION BY title_family) AS share
        FROM title_work GROUP BY title_family, role ORDER BY title_family, role""",
        "postings",
        "family_total",
    ),
    # a title naming no role, or an ambiguous one, cannot contradict its text: no rate
    "mismatch_rate": (
        """SELECT w.title_family, w.postings, coalesce(m.mismatched, 0) AS mismatched,
               coalesce(m.mismatched, 0) / w.postings AS rate
        FROM (SELECT title_family, sum(postings) AS postings FROM title_work
              WHERE title_family NOT IN ('none', 'ambiguous') GROUP BY title_family) w
        LEFT JOIN (SELECT title_family, sum(mismatched) AS mismatched FROM title_mismatch
                   GROUP BY title_family) m USING (title_family)
        ORDER BY w.postings DESC, w.title_family""",
        "mismatched",
        "postings",
    ),
    "hybrid_share": (
        """SELECT t.month, t.total AS postings, coalesce(h.hybrid, 0) AS hybrid,
               coalesce(h.hybrid, 0) / t.total AS share
        FROM (SELECT month, sum(postings) AS total FROM role_month GROUP BY month) t
        LEFT JOIN hybrid_month h USING (month) ORDER BY t.month""",
        "hybrid",
        "postings",
    ),
    "top_evidence": (
        """SELECT * FROM (
            SELECT e.role, e.item, i.label, i.kind, e.postings, t.total AS role_postings,
                   e.postings / t.total AS share,
                   row_number() OVER (PARTITION BY e.role ORDER BY e.postings DESC, e.item) AS rank
            FROM evidence_role e
            JOIN (SELECT role, sum(postings) AS total FROM role_month GROUP BY role) t USING (role)
            LEFT JOIN items i USING (item)
            WHERE e.postings >= (SELECT CAST(value AS INTEGER) FROM settings
                                 WHERE key = 'min_support')
        ) WHERE rank <= 15 ORDER BY role, rank""",
        "postings",
        "role_postings",
    ),
    # per value: its postings, its top role by the work, and its AI-engineering share
    "breakdown": (
        """WITH per AS (
            SELECT dimension, value, role, sum(postings) AS n FROM breakdown_counts GROUP BY ALL
        ), ranked AS (
            SELECT *, row_number() OVER w1 AS r, sum(n) OVER w2 AS postings,
                   sum(CASE WHEN role IN (SELECT role FROM ai_work_roles) THEN n
                            ELSE 0 END) OVER w2 AS ai
            FROM per
            WINDOW w1 AS (PARTITION BY dimension, value ORDER BY n DESC, role),
                   w2 AS (PARTITION BY dimension, value)
        )
        SELECT dimension, value, postings, role AS top_role, n AS top_postings,
               n / postings AS top_share, ai, ai / postings AS share
        FROM ranked WHERE r = 1 ORDER BY dimension, postings DESC, value""",
        "ai",
        "postings",
    ),
}


def _rows(agg: MarketAggregate) -> dict[str, list[tuple[Any, ...]]]:
    """The aggregate as rows of each base table."""
    tables: dict[str, list[tuple[Any, ...]]] = {
        "role_month": [(m, r, n) for m, roles in agg.role_month.items() for r, n in roles.items()],
        "title_work": [
            (m, f, r, n)
            for m, families in agg.title_work_month.items()
            for f, roles in families.items()
            for r, n in roles.items()
        ],
        "title_mismatch": [
            (m, f, n) for m, families in agg.mismatch_month.items() for f, n in families.items()
        ],
        "hybrid_month": list(agg.hybrid_month.items()),
        "hybrid_role": list(agg.hybrid_role.items()),
        "evidence_role": [
            (r, i, n) for r, items in agg.evidence_role.items() for i, n in items.items()
        ],
        "evidence_month": [
            (m, i, n) for m, items in agg.evidence_month.items() for i, n in items.items()
        ],
        "errors": list(agg.errors.items()),
        "salary": [
            (*_salary_key(key), low, high, midpoint((low, high)))
            for key, points in agg.salary.items()
            for low, high in points
        ],
        "source_role_month": [
            (s, m, r, n)
            for s, months in agg.source_role_month.items()
            for m, roles in months.items()
            for r, n in roles.items()
        ],
        "source_hybrid_month": [
            (s, m, n) for s, months in agg.source_hybrid_month.items() for m, n in months.items()
        ],
        "breakdown_counts": [
            (d, v, r, n)
            for d, values in agg.breakdown.items()
            for v, roles in values.items()
            for r, n in roles.items()
        ],
        "duplicate_counts": list(agg.duplicates.items()),
        "multi_role": list(agg.multi_role.items()),
    }
    return tables


def _salary_key(key: str) -> tuple[str, str, str, str]:
    """role, seniority, currency, basis of a salary key (older keys have no basis)."""
    parts = key.split("|")
    return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else "column"


SCHEMA = {
    "role_month": "month VARCHAR, role VARCHAR, postings BIGINT",
    "title_work": "month VARCHAR, title_family VARCHAR, role VARCHAR, postings BIGINT",
    "title_mismatch": "month VARCHAR, title_family VARCHAR, mismatched BIGINT",
    "hybrid_month": "month VARCHAR, hybrid BIGINT",
    "hybrid_role": "role VARCHAR, hybrid BIGINT",
    "evidence_role": "role VARCHAR, item VARCHAR, postings BIGINT",
    "evidence_month": "month VARCHAR, item VARCHAR, postings BIGINT",
    "errors": "code VARCHAR, rows BIGINT",
    "salary": "role VARCHAR, seniority VARCHAR, currency VARCHAR, basis VARCHAR, "
    "annual_min DOUBLE, annual_max DOUBLE, annual_mid DOUBLE",
    "source_role_month": "source VARCHAR, month VARCHAR, role VARCHAR, postings BIGINT",
    "source_hybrid_month": "source VARCHAR, month VARCHAR, hybrid BIGINT",
    "breakdown_counts": "dimension VARCHAR, value VARCHAR, role VARCHAR, postings BIGINT",
    "duplicate_counts": "kind VARCHAR, rows BIGINT",
    "multi_role": "source VARCHAR, postings BIGINT",
    "comparisons": "source VARCHAR, measure VARCHAR, item VARCHAR, label VARCHAR, "
    "early_months VARCHAR, late_months VARCHAR, early BIGINT, early_n BIGINT, "
    "share_early DOUBLE, early_lo DOUBLE, early_hi DOUBLE, late BIGINT, late_n BIGINT, "
    "share_late DOUBLE, late_lo DOUBLE, late_hi DOUBLE, change DOUBLE, lift DOUBLE, "
    "eligible BOOLEAN, p DOUBLE, q DOUBLE, significant BOOLEAN",
    "items": "item VARCHAR, label VARCHAR, kind VARCHAR",
    "roles": "role VARCHAR, label VARCHAR, position INTEGER",
    "settings": "key VARCHAR, value VARCHAR",
    # the taxonomy's LLM-integration roles: what "AI-engineering work" counts
    "ai_work_roles": "role VARCHAR",
}


def build_database(
    out: Path,
    agg: MarketAggregate,
    taxonomy: Taxonomy,
    run: dict[str, Any],
    min_support: int,
    min_n: int = 30,
) -> Path:
    """Write ``out/market.duckdb`` from an aggregate (replacing it atomically)."""
    import duckdb

    from rolelens.market import analysis

    final = out / DB_NAME
    tmp = out / f".{DB_NAME}.tmp"
    if tmp.exists():
        tmp.unlink()
    labels = {e.id: (e.label, e.kind) for e in taxonomy.evidence}
    early, late = split_months(agg)
    groups = taxonomy.scoring.hybrid_groups  # the role groups are data, never ids in code
    ai_roles = list(groups.get("llm_integration", []))
    model_roles = list(groups.get("model_building", []))
    compared = analysis.comparisons(agg, min_n=min_n, min_support=min_support, ai_roles=ai_roles)
    mix = analysis.source_mix(agg, min_n)
    tables = _rows(agg)
    tables["items"] = [(i, label, kind) for i, (label, kind) in sorted(labels.items())]
    tables["roles"] = [(r.id, r.name, n) for n, r in enumerate(taxonomy.roles)]
    # postings that hold too little to read a role from have their own row, last
    tables["roles"].append((UNDETERMINED, "Undetermined (too little text)", len(taxonomy.roles)))
    tables["ai_work_roles"] = [(r,) for r in ai_roles]
    tables["settings"] = [
        ("min_support", str(min_support)),
        ("min_n", str(min_n)),
        ("alpha", str(stats.ALPHA)),
        ("mix_changes", json.dumps(mix["changes"])),
        ("mix_widest", json.dumps(mix["widest"])),
        ("sources", json.dumps(analysis.sources(agg))),
        ("salary_parsed_from_text", str(agg.salary_rows.get("parsed_from_text", 0))),
        ("early_months", json.dumps(early)),
        ("late_months", json.dumps(late)),
        ("rows", str(agg.rows)),
        ("readings", str(agg.readings)),
        ("salary_with_text", str(agg.salary_rows.get("with_text", 0))),
        ("salary_parsed", str(agg.salary_rows.get("parsed", 0))),
        ("run", json.dumps(run)),
        ("model_roles", json.dumps(model_roles)),
    ]
    tables["comparisons"] = [
        (
            c["source"], c["measure"], c["item"],
            labels.get(c["item"], (c["item"], ""))[0] if c["item"] else None,
            c["early_months"], c["late_months"], c["early"], c["early_n"], c["share_early"],
            c["early_lo"], c["early_hi"], c["late"], c["late_n"], c["share_late"], c["late_lo"],
            c["late_hi"], c["change"], c["lift"], c["eligible"], c["p"], c["q"],
            c["significant"],
        )
        for c in compared
    ]  # fmt: skip
    con = duckdb.connect(str(tmp))
    try:
        for name, columns in SCHEMA.items():
            con.execute(f"CREATE TABLE {name} ({columns})")
            rows = tables[name]
            if rows:
                con.register("incoming", _arrow(columns, rows))
                con.execute(f"INSERT INTO {name} SELECT * FROM incoming")
                con.unregister("incoming")
        for name, query in VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {query}")
        for name, (query, k, n) in SHARES.items():
            _materialise(con, name, query, k, n, min_n)
        con.execute(f"CREATE VIEW rising_evidence AS {RISING}")
        with contextlib.suppress(duckdb.Error):  # no readings files (an empty corpus)
            attach_readings(con, out)
    finally:
        con.close()
    os.replace(tmp, final)
    return final


# Items whose share grew within a source, the significant ones first, then by lift.
RISING = """
    SELECT c.source, c.item, c.label, i.kind, c.early, c.late, c.early_n, c.late_n,
           c.share_early, c.early_lo, c.early_hi, c.share_late, c.late_lo, c.late_hi,
           c.change, c.lift, c.p, c.q, c.significant,
           row_number() OVER (PARTITION BY c.source
                              ORDER BY c.significant DESC, c.lift DESC, c.item) AS rank
    FROM comparisons c LEFT JOIN items i USING (item)
    WHERE c.measure = 'item' AND c.change > 0 AND c.eligible
    ORDER BY c.source, rank"""


def _materialise(con: Any, name: str, query: str, k: str, n: str, min_n: int) -> None:
    """Create table ``name`` from a query, adding each row's Wilson interval and ``small``."""
    import pyarrow as pa

    table = con.sql(query).to_arrow_table()
    ks = [int(v or 0) for v in table.column(k).to_pylist()]
    ns = [int(v or 0) for v in table.column(n).to_pylist()]
    bounds = stats.intervals(ks, ns)
    table = table.append_column("lo", pa.array([b[0] for b in bounds], pa.float64()))
    table = table.append_column("hi", pa.array([b[1] for b in bounds], pa.float64()))
    table = table.append_column("small", pa.array([v < min_n for v in ns], pa.bool_()))
    con.register("incoming", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
    con.unregister("incoming")


def _arrow(columns: str, rows: list[tuple[Any, ...]]) -> Any:
    """Rows as a pyarrow Table with the types of a column list ("name TYPE, ...")."""
    import pyarrow as pa

    kinds = {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
        "INTEGER": pa.int32(),
        "BOOLEAN": pa.bool_(),
    }
    fields = [c.split() for c in columns.split(",")]
    return pa.table(
        {
            name: pa.array([r[i] for r in rows], type=kinds[kind])
            for i, (name, kind) in enumerate(fields)
        }
    )


def attach_readings(con: Any, out: Path) -> None:
    """(Re)create the ``readings`` view over the folder's Parquet files."""
    glob = (out.resolve() / "readings.parquet" / "**" / "*.parquet").as_posix().replace("'", "''")
    con.execute(
        "CREATE OR REPLACE VIEW readings AS SELECT * FROM read_parquet("
        f"'{glob}', hive_partitioning = true, hive_types = {{'month': VARCHAR}}, "
        "union_by_name = true)"
    )
