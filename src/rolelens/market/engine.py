"""Run the market lens over a corpus: the output folder, resuming, and the local engine.

The output folder::

    DIR/readings.parquet/month=YYYY-MM/chunk-NNNNNN.parquet   one row per input row
    DIR/_state/run.json                  what this run reads and how (its fingerprint)
    DIR/_state/duplicates.json           row -> [row it copies, 'exact'|'near'] (found first)
    DIR/_state/chunk-NNNNNN.json         commit marker of a finished chunk, with its aggregate
    DIR/aggregate.json                   the merged aggregate
    DIR/market.duckdb                    aggregate tables and views, and a readings view
    DIR/report.html                      the report
    DIR/charts/*.svg, *.png              the report's charts as files
    DIR/tables/*.csv, DIR/market.xlsx    the report's tables (aggregates with intervals)
    DIR/manifest.json                    written last: the run is finished

Rows are cut into chunks of ``chunk_size`` in input order, so chunk *k* always holds the
same rows. A worker writes a chunk's Parquet files under temporary names, renames them,
then writes the chunk's marker the same way: a chunk counts as done only when its marker
exists. A run that starts over an unfinished one with the same fingerprint skips the
chunks with markers and deletes any files of chunks without one, so after ``kill -9`` the
next run finishes the job and every input row is in the output exactly once.

Duplicates (:mod:`rolelens.market.dedup`) are found in one pass over the corpus before any
chunk is read, and kept in ``_state/duplicates.json``: a resumed run uses the same list, so
a row is a duplicate in every chunk's records or in none.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rolelens.core.aggregate import MarketAggregate, aggregate, merge_all
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.errors import OutputUnwritable, ResumeConflict
from rolelens.io.atomic import write_atomic as write_atomic  # its old home
from rolelens.io.corpus import Columns, CorpusRow, count_rows, expand, iter_corpus
from rolelens.market.dedup import Duplicate, find_duplicates
from rolelens.market.models import RunSummary
from rolelens.market.records import arrow_schema, records
from rolelens.process import watch_parent
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models import Taxonomy

READINGS = "readings.parquet"
STATE = "_state"
RUN_ID = "run_id"
OUTPUTS = (
    READINGS, STATE, "aggregate.json", "market.duckdb", "report.html", "charts", "tables",
    "market.xlsx", "manifest.json",
)  # fmt: skip
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class RunOptions:
    """What to read, where to write, and how."""

    inputs: tuple[str, ...]
    out: Path
    columns: Columns = field(default_factory=Columns)
    jobs: int | None = None
    limit: int | None = None
    chunk_size: int = 1000
    taxonomy_files: tuple[str, ...] = ()
    fresh: bool = False
    min_support: int = 20
    min_n: int = 30
    keep_duplicates: bool = False


def fingerprint(
    opts: RunOptions, engine: str, files: Sequence[Path], taxonomy: Taxonomy
) -> dict[str, Any]:
    """What identifies a run: its inputs (path, size, mtime), columns, limit, chunking, taxonomy."""
    return {
        "engine": engine,
        "inputs": [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in files],
        "columns": asdict(opts.columns),
        "limit": opts.limit,
        "chunk_size": opts.chunk_size,
        "taxonomy_files": [str(Path(f).resolve()) for f in opts.taxonomy_files],
        "keep_duplicates": opts.keep_duplicates,
        "taxonomy_version": taxonomy.version,
        "scorer_version": SCORER_VERSION,
    }


def make_out_dir(out: Path) -> None:
    """Create the output folder, or raise OutputUnwritable saying why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".rolelens-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except FileExistsError as exc:
        raise OutputUnwritable(f"--out {out} is a file, not a folder") from exc
    except NotADirectoryError as exc:
        raise OutputUnwritable(f"--out {out} lies under a file, not a folder") from exc
    except PermissionError as exc:
        raise OutputUnwritable(f"--out {out} cannot be written: permission denied") from exc
    except OSError as exc:  # ENOSPC, EROFS, ENAMETOOLONG, ...
        raise OutputUnwritable(f"--out {out} cannot be written: {exc.strerror}") from exc


def prepare(opts: RunOptions, engine: str, files: Sequence[Path], taxonomy: Taxonomy) -> bool:
    """Make the output folder ready; True when an unfinished run of the same job is resumed."""
    out = opts.out
    state = out / STATE
    wanted = fingerprint(opts, engine, files, taxonomy)
    run_file = state / "run.json"
    ours = [name for name in OUTPUTS if (out / name).exists()]
    resumed = False
    if run_file.exists():
        try:
            held = json.loads(run_file.read_text("utf-8"))
        except ValueError:
            held = None
        if held == wanted and not opts.fresh:
            resumed = not (out / "manifest.json").exists()
        elif not opts.fresh:
            raise ResumeConflict(
                f"{out} holds a market run over other inputs or settings; give --fresh to "
                "replace it, or another --out"
            )
        else:
            _clear(out)
    elif ours and not opts.fresh:
        raise ResumeConflict(f"{out} holds market output of unknown origin; give --fresh")
    elif ours:
        _clear(out)
    if not resumed:
        # a finished run is redone from scratch only with --fresh; otherwise it is re-finalised
        if (out / "manifest.json").exists() and not opts.fresh:
            (out / "manifest.json").unlink()
        state.mkdir(parents=True, exist_ok=True)
        (out / READINGS).mkdir(exist_ok=True)
        write_atomic(run_file, json.dumps(wanted, indent=1).encode())
        # a new id for every run that starts over: a worker of an older run (an orphan of a
        # killed parent, still finishing a chunk) sees it changed and commits nothing
        write_atomic(state / RUN_ID, uuid.uuid4().hex.encode())
    return resumed


def run_id(out: Path) -> str | None:
    """The id of the run that owns ``out`` (None before any run)."""
    try:
        return (out / STATE / RUN_ID).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _clear(out: Path) -> None:
    """Remove rolelens market output from a folder (and nothing else)."""
    for name in OUTPUTS:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def done_chunks(out: Path) -> dict[int, dict[str, Any]]:
    """Chunk number -> marker of every committed chunk."""
    done: dict[int, dict[str, Any]] = {}
    for marker in (out / STATE).glob("chunk-*.json"):
        try:
            done[int(marker.stem.split("-")[1])] = json.loads(marker.read_text("utf-8"))
        except (ValueError, IndexError):
            marker.unlink()  # only complete markers are ever renamed into place
    return done


def clean_orphans(out: Path, done: dict[int, Any]) -> None:
    """Delete temporary files and the files of chunks that have no marker."""
    for path in (out / READINGS).rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith("."):
            path.unlink()
            continue
        if path.name.startswith("chunk-"):
            number = int(path.name.split("-")[1].split(".")[0])
            if number not in done:
                path.unlink()
    for path in (out / STATE).glob(".*"):
        path.unlink()


# -- the work of one chunk ----------------------------------------------------------------
_READER: PostingReader | None = None


def _init_worker(taxonomy_files: tuple[str, ...], parent_pid: int) -> None:
    watch_parent(parent_pid)  # a killed run must not leave workers writing chunks
    global _READER
    _READER = PostingReader(load_taxonomy(taxonomy_files, scoping=False))  # reads only


def duplicates_for(opts: RunOptions, files: Sequence[Path]) -> dict[int, Duplicate]:
    """The run's duplicates: read from ``_state/duplicates.json``, else found and saved there."""
    if opts.keep_duplicates:
        return {}
    path = opts.out / STATE / "duplicates.json"
    if path.exists():
        try:
            held = json.loads(path.read_text("utf-8"))
            return {int(k): Duplicate(int(v[0]), str(v[1])) for k, v in held.items()}
        except (ValueError, TypeError, IndexError):
            path.unlink()  # only complete files are ever renamed into place
    found = find_duplicates(enumerate(iter_corpus(files, opts.columns, limit=opts.limit)))
    data = {str(k): [d.of, d.kind] for k, d in sorted(found.items())}
    write_atomic(path, json.dumps(data).encode())
    return found


def write_chunk(
    out: Path,
    number: int,
    pairs: list[tuple[int, CorpusRow]],
    reader: PostingReader,
    owner: str | None = None,
    duplicates: dict[int, Duplicate] | None = None,
) -> tuple[int, int, int]:
    """Read a chunk's rows, write its Parquet files and then its marker; (number, rows, errors)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    recs = list(records(pairs, reader, duplicates))
    agg = aggregate(recs)
    table = pa.Table.from_pylist(recs, schema=arrow_schema())
    files = []
    month_col = table.column("month")
    for month in sorted(set(month_col.to_pylist())):
        part = table.filter(pc.equal(month_col, month)).drop_columns(["month"])
        folder = out / READINGS / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"chunk-{number:06d}.parquet"
        tmp = folder / f".chunk-{number:06d}.parquet.tmp"
        pq.write_table(part, tmp, compression="zstd")
        if owner is not None and run_id(out) != owner:
            tmp.unlink(missing_ok=True)  # a newer run owns the folder now
            return number, 0, 0
        os.replace(tmp, final)
        files.append(str(final.relative_to(out)))
    marker = {
        "chunk": number,
        "rows": len(recs),
        "first_row": pairs[0][0] if pairs else None,
        "files": files,
        "aggregate": agg.model_dump(mode="json"),
    }
    if owner is not None and run_id(out) != owner:
        return number, 0, 0
    write_atomic(out / STATE / f"chunk-{number:06d}.json", json.dumps(marker).encode())
    return number, len(recs), sum(agg.errors.values())


def _chunk_in_worker(
    out: Path,
    number: int,
    pairs: list[tuple[int, CorpusRow]],
    owner: str | None,
    duplicates: dict[int, Duplicate],
) -> tuple[int, int, int]:
    assert _READER is not None, "worker not initialised"
    return write_chunk(out, number, pairs, _READER, owner, duplicates)


def _of_chunk(
    duplicates: dict[int, Duplicate], pairs: list[tuple[int, CorpusRow]]
) -> dict[int, Duplicate]:
    return {i: duplicates[i] for i, _ in pairs if i in duplicates}


def chunks_of(
    opts: RunOptions, files: Sequence[Path]
) -> Iterator[tuple[int, list[tuple[int, CorpusRow]]]]:
    """(chunk number, [(row index, row)]) over the whole corpus, in order."""
    pairs: list[tuple[int, CorpusRow]] = []
    number = 0
    for index, row in enumerate(iter_corpus(files, opts.columns, limit=opts.limit)):
        pairs.append((index, row))
        if len(pairs) == opts.chunk_size:
            yield number, pairs
            number += 1
            pairs = []
    if pairs:
        yield number, pairs


def run_local(opts: RunOptions, progress: Progress | None = None) -> RunSummary:
    """Read a corpus on this machine with ``jobs`` processes; resumable; finalises the output."""
    from rolelens.extras import require_market

    require_market()
    started = time.perf_counter()
    files = expand(opts.inputs, exclude=opts.out)
    taxonomy = load_taxonomy(opts.taxonomy_files)
    make_out_dir(opts.out)
    prepare(opts, "local", files, taxonomy)
    owner = run_id(opts.out)
    done = done_chunks(opts.out)
    clean_orphans(opts.out, done)
    resumed = len(done)
    jobs = max(1, opts.jobs or os.cpu_count() or 1)
    total = count_rows(files, opts.limit)
    duplicates = duplicates_for(opts, files)
    completed = sum(int(m["rows"]) for m in done.values())
    if progress:
        progress(completed, total)

    def note(rows: int) -> None:
        nonlocal completed
        completed += rows
        if progress:
            progress(completed, total)

    todo = ((n, pairs) for n, pairs in chunks_of(opts, files) if n not in done)
    if jobs == 1:
        reader = PostingReader(taxonomy)
        for number, pairs in todo:
            note(
                write_chunk(opts.out, number, pairs, reader, None, _of_chunk(duplicates, pairs))[1]
            )
    else:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(opts.taxonomy_files, os.getpid()),
        ) as pool:
            pending: set[Future[tuple[int, int, int]]] = set()
            try:
                for number, pairs in todo:
                    pending.add(
                        pool.submit(
                            _chunk_in_worker,
                            opts.out,
                            number,
                            pairs,
                            owner,
                            _of_chunk(duplicates, pairs),
                        )
                    )
                    if len(pending) >= 2 * jobs:  # back-pressure: the corpus is streamed
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in finished:
                            note(fut.result()[1])
                for fut in pending:
                    note(fut.result()[1])
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    markers = done_chunks(opts.out)
    agg = merge_all(
        MarketAggregate.model_validate(markers[n]["aggregate"]) for n in sorted(markers)
    )
    seconds = time.perf_counter() - started
    summary = RunSummary(
        engine="local",
        out=str(opts.out),
        rows=agg.rows,
        readings=agg.readings,
        errors=agg.errors,
        duplicates=agg.duplicates,
        keep_duplicates=opts.keep_duplicates,
        chunks=len(markers),
        chunks_resumed=resumed,
        jobs=jobs,
        seconds=round(seconds, 3),
        rows_per_second=round((agg.rows - sum(int(done[n]["rows"]) for n in done)) / seconds, 1)
        if seconds
        else 0.0,
        taxonomy_version=taxonomy.version,
        scorer_version=SCORER_VERSION,
    )
    finalise(opts, agg, summary, taxonomy)
    return summary


def finalise(
    opts: RunOptions, agg: MarketAggregate, summary: RunSummary, taxonomy: Taxonomy
) -> None:
    """Write the aggregate, the DuckDB database, the report, then the manifest (last)."""
    from rolelens.market.report import write_report
    from rolelens.market.store import build_database

    out = opts.out
    write_atomic(out / "aggregate.json", agg.model_dump_json(indent=1).encode())
    build_database(
        out, agg, taxonomy, summary.model_dump(mode="json"), opts.min_support, opts.min_n
    )
    write_report(out)
    write_atomic(out / "manifest.json", summary.model_dump_json(indent=1).encode())
