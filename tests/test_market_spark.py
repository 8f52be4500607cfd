"""The Spark engine gives the same readings and aggregates as the local engine.

One Spark session on local[2] over ~2,000 synthetic rows (with broken lines); slow-ish
(~20 s with the JVM start), so it runs once and compares everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from market_fixtures import synthetic_rows, write_jsonl

pytest.importorskip("pyspark")
duckdb = pytest.importorskip("duckdb")

from rolelens.core.aggregate import MarketAggregate  # noqa: E402
from rolelens.market.engine import RunOptions, run_local  # noqa: E402
from rolelens.market.spark import run_spark  # noqa: E402

COLUMNS = "* EXCLUDE (reading)"


def _readings(out: Path) -> list[tuple]:
    return duckdb.sql(
        f"SELECT {COLUMNS}, md5(reading) AS reading_md5 FROM read_parquet("
        f"'{out}/readings.parquet/**/*.parquet', hive_partitioning = true, "
        "hive_types = {'month': VARCHAR}, union_by_name = true) ORDER BY row"
    ).fetchall()


def test_market_spark_matches_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    rows = synthetic_rows(2000, seed=5)
    # twenty exact copies of earlier ads: both engines leave out the same rows
    rows[1500:1520] = [dict(r, id=f"copy{i}") for i, r in enumerate(rows[:20])]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows, bad_every=97)
    local_out, spark_out = tmp_path / "local", tmp_path / "spark"
    run_local(
        RunOptions(inputs=(str(corpus),), out=local_out, jobs=1, chunk_size=500, min_support=5)
    )
    summary = run_spark(
        RunOptions(inputs=(str(corpus),), out=spark_out, chunk_size=500, min_support=5),
        master="local[2]",
    )
    assert summary.engine == "spark" and summary.rows == 2000
    local = MarketAggregate.model_validate_json((local_out / "aggregate.json").read_text())
    spark = MarketAggregate.model_validate_json((spark_out / "aggregate.json").read_text())
    assert spark == local
    assert spark.errors == {"row_not_json": 2000 // 97}
    assert spark.duplicates == local.duplicates == {"exact": 20}
    a, b = _readings(local_out), _readings(spark_out)
    assert len(a) == len(b) == 2000
    assert a == b
    assert [r[0] for r in b] == list(range(2000))
    # the database and report are built from the aggregate the same way
    for out in (local_out, spark_out):
        assert (out / "report.html").exists() and (out / "market.duckdb").exists()
    assert not (spark_out / "_state" / "spark-input").exists()
    assert os.environ["SPARK_LOCAL_IP"] == "127.0.0.1"
