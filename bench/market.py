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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N postings")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark run")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} is missing (../shared is not beside this clone)")
        return 0
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
