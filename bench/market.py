"""Benchmark `rolelens market` end to end on the RemoteWLB corpus (15k real postings).

Run from the project root: ``.venv/bin/python bench/market.py [--limit N] [--no-spark]``.
In one run, over the same rows, it measures:

(a) the bare reader: :meth:`PostingReader.read` in-process on one core (the floor);
(b) ``rolelens market --jobs 1`` and ``--jobs 2`` as child processes, start-up and the
    DuckDB/report finalisation included: wall time, postings/s, and the peak memory of the
    whole process tree (RSS summed over the CLI and its workers, sampled every 0.1 s);
(c) ``rolelens market --engine spark`` on ``local[2]``, the same way.

It prints the scaling from 1 to 2 processes (time with 1 / time with 2), the local engine's
overhead over the bare reader, and the Spark-local overhead as a ratio to the local engine
with the same number of cores. Timings on a shared machine are noisy: run it twice.
This is a benchmark, not a test: it asserts nothing and exits 0 when ../shared is missing.

``--scale N`` measures scale instead: it builds an N-row corpus by cycling through every
shared posting file (ids made unique), times the duplicate pass alone, then runs the local
engine on both cores and Spark ``local[2]`` over it with ``--keep-duplicates`` (the copies
would otherwise be left out unread), and prints rows/s, peak memory, whether the two
engines' aggregates are equal, and the projected time for one million rows.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "postings" / "remotewlb.jsonl.gz"


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rfind(")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run_cli(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak tree RSS and stderr of one `rolelens` child process."""
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rolelens", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"rolelens {' '.join(args)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return seconds, peak, stderr


def bare_reader(corpus: Path, limit: int | None) -> tuple[int, float]:
    """Rows and seconds for PostingReader.read over the corpus in-process (reader built first)."""
    from rolelens.core.reader import PostingReader
    from rolelens.taxonomy.loader import load_taxonomy

    reader = PostingReader(load_taxonomy())
    rows = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            rows.append((obj.get("description") or "", obj.get("title")))
            if limit and len(rows) >= limit:
                break
    started = time.perf_counter()
    for text, title in rows:
        if text.strip():
            reader.read(text, title=title)
    return len(rows), time.perf_counter() - started


def build_scaled(folder: Path, rows: int) -> Path:
    """An N-row JSONL corpus cycling through the shared postings, each id made unique."""
    sources = sorted(CORPUS.parent.glob("*.jsonl.gz"))
    path = folder / f"scaled-{rows}.jsonl"
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < rows:
            for source in sources:
                with gzip.open(source, "rt", encoding="utf-8") as fh:
                    for line in fh:
                        obj = json.loads(line)
                        obj["id"] = f"{obj.get('id')}#{written}"
                        out.write(json.dumps(obj) + "\n")
                        written += 1
                        if written >= rows:
                            return path
    return path


def scale(rows: int, no_spark: bool) -> int:
    """The --scale run: duplicate pass, local on 2 cores, Spark local[2], projected 1M time."""
    from rolelens.io.corpus import iter_corpus
    from rolelens.market.dedup import find_duplicates

    million = 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_scaled(Path(tmp), rows)
        print(f"corpus: {rows:,} rows cycled from {CORPUS.parent} (ids made unique)")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (shared)")
        started = time.perf_counter()
        found = find_duplicates(enumerate(iter_corpus([corpus])))
        dedup = time.perf_counter() - started
        print(
            f"duplicate pass (one core, before reading): {rows / dedup:,.0f} rows/s, "
            f"{len(found):,} copies found; 1M rows: {million / (rows / dedup) / 60:.1f} min"
        )
        runs = [("local, 2 processes", ["--jobs", "2"])]
        if not no_spark:
            runs.append(("spark local[2]", ["--engine", "spark", "--spark-master", "local[2]"]))
        aggregates = {}
        for i, (name, extra) in enumerate(runs):
            out = Path(tmp) / f"out{i}"
            seconds, peak, _ = run_cli(
                ["market", str(corpus), "--out", str(out), "--keep-duplicates", *extra]
            )
            aggregates[name] = json.loads((out / "aggregate.json").read_text())
            rate = rows / seconds
            print(
                f"{name:>20}: {rows:,} rows in {seconds:6.1f} s = {rate:7,.0f} rows/s, peak "
                f"memory {peak / 2**20:,.0f} MiB; 1M rows: {million / rate / 60:.1f} min "
                f"(+ {million / (rows / dedup) / 60:.1f} min duplicate pass without "
                "--keep-duplicates)"
            )
        if len(aggregates) == 2:
            same = aggregates["local, 2 processes"] == aggregates["spark local[2]"]
            print(f"aggregates of the two engines equal: {same}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N postings")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark run")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--scale", type=int, default=0, help="build an N-row corpus and measure scale instead"
    )
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} is missing (../shared is not beside this clone)")
        return 0
    if args.scale:
        return scale(args.scale, args.no_spark)
    limit = ["--limit", str(args.limit)] if args.limit else []
    print(f"corpus: {args.corpus.name}{f', first {args.limit:,} rows' if args.limit else ''}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (shared: noisy)")
    n, bare = bare_reader(args.corpus, args.limit or None)
    print(f"bare reader, 1 core, in-process: {n:,} postings in {bare:.1f} s = {n / bare:,.0f}/s")
    results: dict[str, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = [("local, 1 process", ["--jobs", "1"]), ("local, 2 processes", ["--jobs", "2"])]
        if not args.no_spark:
            runs.append(("spark local[2]", ["--engine", "spark", "--spark-master", "local[2]"]))
        for i, (name, extra) in enumerate(runs):
            out = Path(tmp) / f"out{i}"
            seconds, peak, _ = run_cli(
                ["market", str(args.corpus), "--out", str(out), *limit, *extra]
            )
            rows = json.loads((out / "manifest.json").read_text())["rows"]
            results[name] = (seconds, peak)
            print(
                f"{name:>20}: {rows:,} rows in {seconds:6.1f} s = "
                f"{rows / seconds:7,.0f} postings/s, "
                f"peak memory {peak / 2**20:,.0f} MiB (process tree)"
            )
    one, two = results["local, 1 process"][0], results["local, 2 processes"][0]
    print(f"scaling 1 -> 2 processes: {one / two:.2f}x (2.00x would be linear)")
    print(f"local engine (1 process) over the bare reader: {one / bare:.2f}x the time")
    if "spark local[2]" in results:
        spark = results["spark local[2]"][0]
        print(f"spark local[2] / local 2 processes: {spark / two:.2f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
