"""The Spark engine: the same readings and aggregates as the local engine, on a Spark cluster.

The driver parses the corpus with :func:`rolelens.io.corpus.iter_corpus` (so rows, row
numbers and parse errors are exactly the local engine's) into staging Parquet files under
``DIR/_state/spark-input``; Spark reads them, runs :func:`rolelens.market.records.record`
over Arrow batches with ``mapInPandas`` (one :class:`PostingReader` per Python worker),
and writes ``readings.parquet`` partitioned by month. Duplicates are found on the driver
while staging, with the local engine's :func:`rolelens.market.dedup.find_duplicates` over
the same rows in the same order, so both engines leave out the same rows. Each
partition's records are then aggregated where they lie and the partial aggregates merged
on the driver.

On a real cluster (``--spark-master``), ``DIR`` must be on storage every executor sees,
and rolelens must be installed in the executors' Python. A Spark run is not resumed chunk
by chunk: Spark retries failed tasks itself, and a killed run starts again.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rolelens.core.aggregate import MarketAggregate, aggregate, merge_all
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.errors import ExtraMissing
from rolelens.io.corpus import CorpusRow, expand, iter_corpus
from rolelens.market.dedup import Duplicate
from rolelens.market.engine import (
    READINGS,
    STATE,
    RunOptions,
    duplicates_for,
    finalise,
    make_out_dir,
    prepare,
)
from rolelens.market.models import RunSummary
from rolelens.market.records import record, spark_ddl
from rolelens.taxonomy.loader import load_taxonomy

_STAGED = (
    "row", "source", "line", "id", "title", "text", "date", "salary", "company", "location",
    "error_code", "error_message", "origin", "duplicate_of", "duplicate_kind",
)  # fmt: skip
_READERS: dict[tuple[str, ...], PostingReader] = {}


def _reader(taxonomy_files: tuple[str, ...]) -> PostingReader:
    """One reader per Python worker process and taxonomy, built on first use."""
    if taxonomy_files not in _READERS:
        _READERS[taxonomy_files] = PostingReader(load_taxonomy(taxonomy_files, scoping=False))
    return _READERS[taxonomy_files]


def stage(opts: RunOptions, folder: Path) -> int:
    """Write the parsed corpus as Parquet files of ``chunk_size`` rows; returns the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            (name, pa.int64() if name in ("row", "line", "duplicate_of") else pa.string())
            for name in _STAGED
        ]
    )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    batch: list[dict[str, Any]] = []
    part = rows = 0

    def flush() -> None:
        nonlocal part, batch
        pq.write_table(
            pa.Table.from_pylist(batch, schema=schema), folder / f"part-{part:06d}.parquet"
        )
        part += 1
        batch = []

    files = expand(opts.inputs, exclude=opts.out)
    duplicates = duplicates_for(opts, files)
    for index, row in enumerate(iter_corpus(files, opts.columns, limit=opts.limit)):
        error = row.error or {}
        dup = duplicates.get(index)
        batch.append(
            {
                "row": index,
                "source": row.source,
                "line": row.line,
                "id": row.id,
                "title": row.title,
                "text": row.text,
                "date": row.date,
                "salary": row.salary,
                "company": row.company,
                "location": row.location,
                "error_code": error.get("code"),
                "error_message": error.get("message"),
                "origin": row.origin,
                "duplicate_of": dup.of if dup else None,
                "duplicate_kind": dup.kind if dup else None,
            }
        )
        rows += 1
        if len(batch) == opts.chunk_size:
            flush()
    if batch or not part:
        flush()
    return rows


def _read_batches(taxonomy_files: tuple[str, ...]) -> Any:
    """The mapInPandas function: staged rows in, reading records out."""

    def read(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from rolelens.market.records import arrow_schema

        reader = _reader(taxonomy_files)
        schema = arrow_schema()
        for frame in batches:
            recs = []
            for item in pa.Table.from_pandas(frame, preserve_index=False).to_pylist():
                error = None
                if item["error_code"]:
                    error = {"code": item["error_code"], "message": item["error_message"] or ""}
                row = CorpusRow(
                    source=item["source"],
                    line=item["line"],
                    id=item["id"],
                    title=item["title"],
                    text=item["text"],
                    date=item["date"],
                    salary=item["salary"],
                    company=item["company"],
                    location=item["location"],
                    error=error,
                    origin=item["origin"],
                )
                dup = None
                if item["duplicate_kind"]:
                    dup = Duplicate(int(item["duplicate_of"]), item["duplicate_kind"])
                recs.append(record(item["row"], row, reader, dup))
            yield pa.Table.from_pylist(recs, schema=schema).to_pandas()

    return read


def _aggregate_batches(batches: Iterator[Any]) -> Iterator[Any]:
    """The mapInPandas function that aggregates one partition's records into one JSON row."""
    import pandas as pd
    import pyarrow as pa

    partial = merge_all(
        aggregate(pa.Table.from_pandas(frame, preserve_index=False).to_pylist())
        for frame in batches
    )
    yield pd.DataFrame({"aggregate": [partial.model_dump_json()]})


def session(master: str | None) -> Any:
    """A Spark session on ``master`` (default ``local[*]``)."""
    from rolelens.extras import require_spark

    require_spark()
    from pyspark.sql import SparkSession

    master = master or "local[*]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        return (
            SparkSession.builder.master(master)
            .appName("rolelens market")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .config("spark.sql.parquet.compression.codec", "zstd")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
    except Exception as exc:  # Java missing, or the master unreachable
        raise ExtraMissing(
            f"could not start Spark on {master} ({type(exc).__name__}: {exc}); --engine spark "
            "needs Java 17+ and pip install 'rolelens[spark]'"
        ) from exc


def run_spark(opts: RunOptions, master: str | None = None) -> RunSummary:
    """Read a corpus with Spark; writes the same output folder as the local engine."""
    from rolelens.extras import require_market, require_spark

    require_market()
    require_spark()
    started = time.perf_counter()
    files = expand(opts.inputs, exclude=opts.out)
    taxonomy = load_taxonomy(opts.taxonomy_files)
    make_out_dir(opts.out)
    prepare(opts, "spark", files, taxonomy)
    readings_dir = opts.out / READINGS
    if readings_dir.exists():
        shutil.rmtree(readings_dir)  # Spark writes the whole folder; a killed run starts again
    staged = opts.out / STATE / "spark-input"
    stage(opts, staged)
    spark = session(master)
    try:
        spark.sparkContext.setLogLevel("ERROR")
        parallelism = int(spark.sparkContext.defaultParallelism)
        size = sum(p.stat().st_size for p in staged.glob("*.parquet"))
        spark.conf.set(
            "spark.sql.files.maxPartitionBytes", str(max(1 << 16, size // max(1, 2 * parallelism)))
        )
        spark.conf.set("spark.sql.files.openCostInBytes", "0")
        source = spark.read.parquet(str(staged))
        readings = source.mapInPandas(_read_batches(opts.taxonomy_files), schema=spark_ddl())
        readings.write.mode("overwrite").partitionBy("month").parquet(str(readings_dir))
        written = spark.read.parquet(str(readings_dir))
        partials = written.mapInPandas(_aggregate_batches, schema="aggregate string").collect()
    finally:
        spark.stop()
    agg = merge_all(MarketAggregate.model_validate_json(r["aggregate"]) for r in partials)
    shutil.rmtree(staged, ignore_errors=True)
    seconds = time.perf_counter() - started
    summary = RunSummary(
        engine="spark",
        out=str(opts.out),
        rows=agg.rows,
        readings=agg.readings,
        errors=agg.errors,
        duplicates=agg.duplicates,
        keep_duplicates=opts.keep_duplicates,
        chunks=0,
        chunks_resumed=0,
        jobs=parallelism,
        seconds=round(seconds, 3),
        rows_per_second=round(agg.rows / seconds, 1) if seconds else 0.0,
        taxonomy_version=taxonomy.version,
        scorer_version=SCORER_VERSION,
    )
    finalise(opts, agg, summary, taxonomy)
    return summary
