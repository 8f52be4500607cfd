"""The market DuckDB database: aggregate tables, views over them, and a readings view.

Base tables hold the aggregate's counts as long tables; views turn them into shares and
rates; ``rising_evidence`` is computed by :func:`rolelens.core.aggregate.rising_items`.
``readings`` is a view over ``readings.parquet`` (absolute path; ``rolelens market report
DIR`` rebuilds it when the folder moves). The schema is in docs/market.md.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from rolelens.core.aggregate import MarketAggregate, midpoint, rising_items, split_months
from rolelens.core.verdicts import UNDETERMINED
from rolelens.taxonomy.schema import Taxonomy

DB_NAME = "market.duckdb"

VIEWS = {
    "role_share_month": """
        SELECT r.month, r.role, r.postings, t.total, r.postings / t.total AS share
        FROM role_month r
        JOIN (SELECT month, sum(postings) AS total FROM role_month GROUP BY month) t USING (month)
        ORDER BY r.month, r.role""",
    "title_work_matrix": """
        SELECT title_family, role, sum(postings) AS postings,
               sum(sum(postings)) OVER (PARTITION BY title_family) AS family_total,
               sum(postings) / sum(sum(postings)) OVER (PARTITION BY title_family) AS share
        FROM title_work GROUP BY title_family, role ORDER BY title_family, role""",
    "mismatch_rate": """
        SELECT w.title_family, w.postings, coalesce(m.mismatched, 0) AS mismatched,
               coalesce(m.mismatched, 0) / w.postings AS rate
        FROM (SELECT title_family, sum(postings) AS postings FROM title_work
              GROUP BY title_family) w
        LEFT JOIN (SELECT title_family, sum(mismatched) AS mismatched FROM title_mismatch
                   GROUP BY title_family) m USING (title_family)
        ORDER BY w.postings DESC, w.title_family""",
    "hybrid_share": """
        SELECT t.month, t.total AS postings, coalesce(h.hybrid, 0) AS hybrid,
               coalesce(h.hybrid, 0) / t.total AS share
        FROM (SELECT month, sum(postings) AS total FROM role_month GROUP BY month) t
        LEFT JOIN hybrid_month h USING (month) ORDER BY t.month""",
    "top_evidence": """
        SELECT * FROM (
            SELECT e.role, e.item, i.label, i.kind, e.postings, t.total AS role_postings,
                   e.postings / t.total AS share,
                   row_number() OVER (PARTITION BY e.role ORDER BY e.postings DESC, e.item) AS rank
            FROM evidence_role e
            JOIN (SELECT role, sum(postings) AS total FROM role_month GROUP BY role) t USING (role)
            LEFT JOIN items i USING (item)
            WHERE e.postings >= (SELECT CAST(value AS INTEGER) FROM settings
                                 WHERE key = 'min_support')
        ) WHERE rank <= 15 ORDER BY role, rank""",
    "salary_distribution": """
        SELECT role, seniority, currency, count(*) AS n,
               quantile_cont(annual_mid, 0.1) AS p10, quantile_cont(annual_mid, 0.25) AS p25,
               quantile_cont(annual_mid, 0.5) AS median, quantile_cont(annual_mid, 0.75) AS p75,
               quantile_cont(annual_mid, 0.9) AS p90
        FROM salary GROUP BY role, seniority, currency ORDER BY currency, role, seniority""",
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
            (*key.split("|"), low, high, midpoint((low, high)))
            for key, points in agg.salary.items()
            for low, high in points
        ],
    }
    return tables


SCHEMA = {
    "role_month": "month VARCHAR, role VARCHAR, postings BIGINT",
    "title_work": "month VARCHAR, title_family VARCHAR, role VARCHAR, postings BIGINT",
    "title_mismatch": "month VARCHAR, title_family VARCHAR, mismatched BIGINT",
    "hybrid_month": "month VARCHAR, hybrid BIGINT",
    "hybrid_role": "role VARCHAR, hybrid BIGINT",
    "evidence_role": "role VARCHAR, item VARCHAR, postings BIGINT",
    "evidence_month": "month VARCHAR, item VARCHAR, postings BIGINT",
    "errors": "code VARCHAR, rows BIGINT",
    "salary": "role VARCHAR, seniority VARCHAR, currency VARCHAR, annual_min DOUBLE, "
    "annual_max DOUBLE, annual_mid DOUBLE",
    "items": "item VARCHAR, label VARCHAR, kind VARCHAR",
    "roles": "role VARCHAR, label VARCHAR, position INTEGER",
    "settings": "key VARCHAR, value VARCHAR",
    "rising_evidence": "item VARCHAR, label VARCHAR, kind VARCHAR, early BIGINT, late BIGINT, "
    "share_early DOUBLE, share_late DOUBLE, change DOUBLE, lift DOUBLE, rank INTEGER",
}


def build_database(
    out: Path,
    agg: MarketAggregate,
    taxonomy: Taxonomy,
    run: dict[str, Any],
    min_support: int,
) -> Path:
    """Write ``out/market.duckdb`` from an aggregate (replacing it atomically)."""
    import duckdb

    final = out / DB_NAME
    tmp = out / f".{DB_NAME}.tmp"
    if tmp.exists():
        tmp.unlink()
    labels = {e.id: (e.label, e.kind) for e in taxonomy.evidence}
    early, late = split_months(agg)
    rising = rising_items(agg, min_support=min_support, n=25)
    tables = _rows(agg)
    tables["items"] = [(i, label, kind) for i, (label, kind) in sorted(labels.items())]
    tables["roles"] = [(r.id, r.name, n) for n, r in enumerate(taxonomy.roles)]
    # postings that hold too little to read a role from have their own row, last
    tables["roles"].append((UNDETERMINED, "Undetermined (too little text)", len(taxonomy.roles)))
    tables["settings"] = [
        ("min_support", str(min_support)),
        ("early_months", json.dumps(early)),
        ("late_months", json.dumps(late)),
        ("rows", str(agg.rows)),
        ("readings", str(agg.readings)),
        ("salary_with_text", str(agg.salary_rows.get("with_text", 0))),
        ("salary_parsed", str(agg.salary_rows.get("parsed", 0))),
        ("run", json.dumps(run)),
    ]
    tables["rising_evidence"] = [
        (
            r["item"],
            *labels.get(r["item"], (r["item"], "")),
            r["early"],
            r["late"],
            r["share_early"],
            r["share_late"],
            r["change"],
            r["lift"],
            rank,
        )
        for rank, r in enumerate(rising, start=1)
    ]
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
        with contextlib.suppress(duckdb.Error):  # no readings files (an empty corpus)
            attach_readings(con, out)
    finally:
        con.close()
    os.replace(tmp, final)
    return final


def _arrow(columns: str, rows: list[tuple[Any, ...]]) -> Any:
    """Rows as a pyarrow Table with the types of a column list ("name TYPE, ...")."""
    import pyarrow as pa

    kinds = {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
        "INTEGER": pa.int32(),
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
