"""Benchmark the semantic path against the alias-only path, in the same run.

Run from the project root: ``.venv/bin/python bench/semantic.py --n 200``. It measures:

(a) postings/s of :meth:`PostingReader.read` alias-only (the baseline) and with the semantic
    matcher (the bundled model on ONE thread, i.e. per core; a fresh matcher, so no sentence
    is cached), over the first ``--n`` postings of the ../shared corpus (or the test postings
    without it); goal: >= 50 postings/s per core;
(b) cold start of ``rolelens read FILE --json`` with ``--semantic on`` and ``off`` as a child
    process (median of ``--repeat`` runs, statement vectors already in the disk cache);
    goal: < 1 s with the model.

A benchmark, not a test: it prints ratios and asserts nothing. Needs the ``semantic`` extra.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rolelens.backends.embeddings import MiniLMEmbedder, default_cache_dir, load_matcher
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "postings" / "remotewlb.jsonl.gz"
POSTINGS_GOAL = 50.0
COLD_GOAL = 1.0


def postings(n: int) -> list[tuple[str, str | None]]:
    """(text, title) of the first ``n`` corpus postings, or the test postings."""
    out: list[tuple[str, str | None]] = []
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                text = obj.get("description") or ""
                if text.strip():
                    out.append((text, obj.get("title")))
                if len(out) == n:
                    break
        return out
    files = sorted((ROOT / "tests" / "data" / "postings").glob("*.md"))
    return [(f.read_text(encoding="utf-8"), None) for f in files]


def rate(reader: PostingReader, rows: list[tuple[str, str | None]]) -> tuple[float, int]:
    """Postings per second, and how many semantic evidence records were found."""
    start = time.perf_counter()
    found = 0
    for text, title in rows:
        found += sum(e.kind == "semantic" for e in reader.read(text, title=title).evidence)
    return len(rows) / (time.perf_counter() - start), found


def cold(flag: str, repeat: int) -> float:
    """Median wall time of ``rolelens read examples/posting.md --json --semantic FLAG``."""
    cmd = [sys.executable, "-m", "rolelens", "read", "examples/posting.md", "--json"]
    cmd += ["--semantic", flag]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = postings(args.n)
    taxonomy = load_taxonomy()
    base, _ = rate(PostingReader(taxonomy), rows)
    matcher = load_matcher(taxonomy, MiniLMEmbedder(threads=1), cache_dir=default_cache_dir())
    semantic, found = rate(PostingReader(taxonomy, semantic=matcher), rows)
    print(f"{len(rows)} postings, one thread")
    print(f"  alias-only    {base:9.1f} postings/s (baseline)")
    print(
        f"  semantic      {semantic:9.1f} postings/s ({semantic / base:.3f}x baseline; "
        f"goal >= {POSTINGS_GOAL:.0f}: {'met' if semantic >= POSTINGS_GOAL else 'NOT met'}); "
        f"{found} semantic evidence records"
    )
    cold(  # fills the statement-vector cache
        "on", 1
    )
    off, on = cold("off", args.repeat), cold("on", args.repeat)
    print(f"cold start of `rolelens read` (median of {args.repeat})")
    print(f"  --semantic off {off:6.2f} s (baseline)")
    print(
        f"  --semantic on  {on:6.2f} s ({on / off:.2f}x; goal < {COLD_GOAL:.0f} s: "
        f"{'met' if on < COLD_GOAL else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
