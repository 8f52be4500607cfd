"""The local market engine: outputs, row accounting, DuckDB tables, report, resuming, CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, needs_shared
from market_fixtures import synthetic_rows, write_jsonl

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from rolelens.cli import app  # noqa: E402
from rolelens.core.aggregate import MarketAggregate  # noqa: E402
from rolelens.errors import ResumeConflict  # noqa: E402
from rolelens.market.engine import RunOptions, run_local  # noqa: E402

GLOB = "{}/readings.parquet/**/*.parquet"


def _readings(out: Path) -> list[tuple]:
    return duckdb.sql(
        f"SELECT row, id, month, role, error_code FROM read_parquet('{GLOB.format(out)}', "
        "hive_partitioning = true, hive_types = {'month': VARCHAR}, union_by_name = true) ORDER BY row"
    ).fetchall()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    return write_jsonl(folder / "postings.jsonl", synthetic_rows(300), bad_every=37)


@pytest.fixture(scope="module")
def finished(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("market") / "out"
    run_local(RunOptions(inputs=(str(corpus),), out=out, jobs=1, chunk_size=64, min_support=3))
    return out


def test_market_engine_writes_every_output(finished: Path) -> None:
    for name in (
        "readings.parquet",
        "market.duckdb",
        "report.html",
        "aggregate.json",
        "manifest.json",
    ):
        assert (finished / name).exists(), name
    manifest = json.loads((finished / "manifest.json").read_text())
    assert manifest["rows"] == 300 and manifest["chunks"] == 5
    assert manifest["errors"] == {"row_not_json": 8}


def test_market_engine_every_row_exactly_once(finished: Path) -> None:
    rows = _readings(finished)
    assert [r[0] for r in rows] == list(range(300))
    bad = [r for r in rows if r[4] is not None]
    assert [r[0] + 1 for r in bad] == list(range(37, 301, 37))  # line numbers of the broken lines
    assert all(r[3] is None for r in bad) and all(r[3] for r in rows if r[4] is None)
    assert {r[2] for r in rows} >= {"2024-01", "2024-03", "unknown"}


def test_market_engine_duckdb_tables_agree_with_aggregate(finished: Path) -> None:
    agg = MarketAggregate.model_validate_json((finished / "aggregate.json").read_text())
    con = duckdb.connect(str(finished / "market.duckdb"), read_only=True)
    try:
        total = con.execute("SELECT sum(postings) FROM role_share_month").fetchone()[0]
        assert total == agg.readings == 300 - 8
        shares = con.execute(
            "SELECT month, sum(share) FROM role_share_month GROUP BY month"
        ).fetchall()
        assert all(abs(s - 1) < 1e-9 for _, s in shares)
        assert con.execute("SELECT count(*) FROM readings").fetchone()[0] == 300
        # ambiguous titles and titles naming no role have no mismatch rate (no 0% filler row)
        fam = con.execute("SELECT sum(postings) FROM mismatch_rate").fetchone()[0]
        untitled = con.execute(
            "SELECT sum(postings) FROM title_work WHERE title_family IN ('none', 'ambiguous')"
        ).fetchone()[0]
        assert fam + (untitled or 0) == agg.readings
        assert (
            con.execute(
                "SELECT count(*) FROM mismatch_rate WHERE title_family IN ('none', 'ambiguous')"
            ).fetchone()[0]
            == 0
        )
        for view in (
            "title_work_matrix",
            "hybrid_share",
            "top_evidence",
            "rising_evidence",
            "salary_distribution",
            "comparisons",
            "breakdown",
        ):
            con.execute(f"SELECT * FROM {view}").fetchall()
        n_salary = con.execute("SELECT sum(n) FROM salary_distribution").fetchone()[0]
        assert n_salary == agg.salary_rows["parsed"] + agg.salary_rows.get("parsed_from_text", 0)
        # every share table carries its interval around the share, and the small flag
        for name in ("role_share_month", "mismatch_rate", "breakdown", "source_month"):
            bad = con.execute(
                f"SELECT count(*) FROM {name} WHERE NOT (lo <= share + 1e-12 AND "
                "share <= hi + 1e-12)"
                if name != "mismatch_rate"
                else f"SELECT count(*) FROM {name} WHERE NOT (lo <= rate + 1e-12 AND rate <= hi + 1e-12)"
            ).fetchone()[0]
            assert bad == 0, name
        assert con.execute("SELECT count(*) FROM breakdown WHERE small").fetchone()[0] > 0
    finally:
        con.close()


def test_market_engine_report_is_self_contained(finished: Path) -> None:
    html = (finished / "report.html").read_text(encoding="utf-8")
    for heading in (
        "Findings",
        "Role by the work over time",
        "What the title said",
        "<h2>Pay",
        "How to read it",
        "Duplicates and multi-role postings",
        "Breakdowns",
    ):
        assert heading in html
    assert "<svg" in html and "<script" not in html and "<link" not in html
    assert "src=" not in html
    assert "postings titled ML engineer" in html  # a computed finding


def test_market_engine_rerun_is_a_no_op_and_report_rerenders(finished: Path, corpus: Path) -> None:
    before = (finished / "aggregate.json").read_text()
    summary = run_local(
        RunOptions(inputs=(str(corpus),), out=finished, jobs=1, chunk_size=64, min_support=3)
    )
    assert summary.chunks_resumed == 5 and summary.rows == 300
    assert (finished / "aggregate.json").read_text() == before
    (finished / "report.html").unlink()
    result = CliRunner().invoke(app, ["market", "report", str(finished)])
    assert result.exit_code == 0, result.output
    assert (finished / "report.html").exists()


def test_market_engine_refuses_other_inputs_without_fresh(finished: Path, tmp_path: Path) -> None:
    other = write_jsonl(tmp_path / "other.jsonl", synthetic_rows(10))
    with pytest.raises(ResumeConflict):
        run_local(RunOptions(inputs=(str(other),), out=finished, jobs=1))


def test_market_engine_two_processes_match_one(
    corpus: Path, finished: Path, tmp_path: Path
) -> None:
    out = tmp_path / "two"
    run_local(RunOptions(inputs=(str(corpus),), out=out, jobs=2, chunk_size=64, min_support=3))
    one = MarketAggregate.model_validate_json((finished / "aggregate.json").read_text())
    two = MarketAggregate.model_validate_json((out / "aggregate.json").read_text())
    assert one == two
    assert _readings(out) == _readings(finished)


def test_market_cli_runs_with_mapping_and_fresh(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "job,body,when\nML Engineer,Train models with PyTorch on our data.,2024-02-01\n"
        "AI Engineer,,2024-02-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["market", str(path), "--out", str(out), "--title-col", "job", "--text-col", "body",
            "--date-col", "when", "--jobs", "1"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["errors"] == {"row_missing_field": 1}
    other = tmp_path / "d.csv"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["market", str(other), "--out", str(out), "--text-col", "body", "-j", "1"]
    )
    assert isinstance(result.exception, ResumeConflict)
    result = CliRunner().invoke(
        app,
        [
            "market",
            "run",
            str(other),
            "--out",
            str(out),
            "--text-col",
            "body",
            "--fresh",
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output


def test_market_cli_spark_flag_without_pyspark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from rolelens.errors import ExtraMissing

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a)
    )
    path = write_jsonl(tmp_path / "c.jsonl", synthetic_rows(3))
    result = CliRunner().invoke(
        app, ["market", str(path), "--out", str(tmp_path / "o"), "--engine", "spark"]
    )
    assert isinstance(result.exception, ExtraMissing)
    assert "pip install 'rolelens[spark]'" in result.exception.message


def test_market_kill_and_resume_accounts_for_every_row(tmp_path: Path) -> None:
    n = 2000
    corpus = write_jsonl(tmp_path / "big.jsonl", synthetic_rows(n, seed=11), bad_every=101)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "rolelens", "market", str(corpus), "--out", str(out),
           "--jobs", "2", "--chunk-size", "100"]  # fmt: skip
    log = tmp_path / "first-run.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=sink, start_new_session=True)
    state = out / "_state"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if len(list(state.glob("chunk-*.json"))) >= 3:
                break
            assert proc.poll() is None, log.read_text(errors="replace")
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-write
    finally:
        proc.wait()
    assert not (out / "manifest.json").exists(), "the run finished before it could be killed"
    committed = len(list(state.glob("chunk-*.json")))
    assert 3 <= committed < 40
    rerun = subprocess.run(cmd, capture_output=True, check=True, timeout=300)
    assert b"resumed" in rerun.stderr
    rows = _readings(out)
    assert [r[0] for r in rows] == list(range(n))
    assert [r[1] for r in rows if r[4] is None] == [f"p{i}" for i in range(n) if (i + 1) % 101]
    assert sum(1 for r in rows if r[4] == "row_not_json") == n // 101
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rows"] == n and manifest["chunks_resumed"] >= committed


@needs_shared(CORPUS)
def test_market_shared_corpus_sample(tmp_path: Path) -> None:
    # the RemoteWLB export's own field names (title, description, month, salary, company,
    # location, id) are picked up by the default column mapping
    out = tmp_path / "out"
    summary = run_local(RunOptions(inputs=(str(CORPUS),), out=out, jobs=1, limit=150))
    assert summary.rows == 150 and summary.errors == {}
    agg = MarketAggregate.model_validate_json((out / "aggregate.json").read_text())
    assert "unknown" not in agg.role_month
    assert agg.salary_rows["parsed"] > 0


def test_market_engine_outputs_validate_against_published_schemas(finished: Path) -> None:
    import jsonschema

    from rolelens.schemas import schema_text

    for name, file in (
        ("market-aggregate", "aggregate.json"),
        ("market-manifest", "manifest.json"),
    ):
        schema = json.loads(schema_text(name))
        jsonschema.validate(json.loads((finished / file).read_text()), schema)


def test_market_engine_undetermined_postings_have_their_own_row(tmp_path: Path) -> None:
    rows = synthetic_rows(12)
    rows += [
        {"id": "junk-1", "title": "", "description": "hello", "date": "2024-01"},
        {"id": "junk-2", "title": "", "description": "Lorem ipsum dolor sit amet."},
    ]
    corpus = write_jsonl(tmp_path / "postings.jsonl", rows)
    out = tmp_path / "out"
    run_local(RunOptions(inputs=(str(corpus),), out=out, jobs=1, chunk_size=64, min_support=1))
    con = duckdb.connect(str(out / "market.duckdb"), read_only=True)
    try:
        roles = [r[0] for r in con.execute("SELECT role FROM roles ORDER BY position").fetchall()]
    finally:
        con.close()
    assert roles[-1] == "undetermined" and roles.count("undetermined") == 1
    agg = MarketAggregate.model_validate_json((out / "aggregate.json").read_text())
    counted = sum(by_role.get("undetermined", 0) for by_role in agg.role_month.values())
    read = [r[1] for r in _readings(out) if r[3] == "undetermined"]
    assert counted == len(read) and set(read) == {"junk-1", "junk-2"}
    assert "Undetermined" in (out / "report.html").read_text(encoding="utf-8")


# -- engines behind one base ------------------------------------------------------------------
def test_market_engines_are_picked_by_name_behind_one_base() -> None:
    from rolelens.market.engines import (
        ENGINE_NAMES,
        Engine,
        LocalEngine,
        SparkEngine,
        engine_named,
    )

    assert ENGINE_NAMES == ("local", "spark")
    local = engine_named("local")
    spark = engine_named("spark", spark_master="local[1]")
    assert isinstance(local, LocalEngine) and isinstance(local, Engine)
    assert isinstance(spark, SparkEngine) and spark.master == "local[1]"
    assert local.reports_progress and not spark.reports_progress
    with pytest.raises(ValueError, match="local, spark"):
        engine_named("dask")


def test_market_cli_names_the_engines_for_an_unknown_one(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["market", str(corpus), "--out", str(tmp_path / "o"), "--engine", "dask"]
    )
    assert result.exit_code == 2
    assert "unknown market engine 'dask'" in result.output
    assert not (tmp_path / "o").exists()  # refused before anything is written


def test_market_local_engine_runs_the_local_reader(corpus: Path, tmp_path: Path) -> None:
    from rolelens.market.engines import engine_named

    seen: list[int] = []
    summary = engine_named("local").run(
        RunOptions(inputs=(str(corpus),), out=tmp_path / "o", jobs=1, chunk_size=100),
        progress=lambda done, total: seen.append(done),
    )
    assert summary.engine == "local" and summary.rows == 300
    assert seen and seen[-1] == 300
    assert (tmp_path / "o" / "report.html").is_file()
