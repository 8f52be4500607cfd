"""Benchmark the semantic path against the alias-only path, in the same run.

Run from the project root: ``.venv/bin/python bench/semantic.py --n 200``. It measures:

(a) postings/s of :meth:`PostingReader.read` alias-only (the baseline) and with the semantic
    matcher (the bundled model on ONE thread, i.e. per core; a fresh matcher, so no sentence
    is cached), over the first ``--n`` postings of each ../shared corpus (or the test postings
    without it), with how many postings the layer opened (``open_below``) and how many
    sentences it embedded; goal: >= 50 postings/s per core;
(b) cold start of ``rolelens read FILE --json`` as a child process (median of ``--repeat``
    runs, statement vectors already in the disk cache): ``--semantic off`` on
    examples/posting.md (the baseline), ``--semantic on`` on the same file (its body reads
    surely, so the model is not run) and on examples/plain_words_posting.md (the model is
    loaded and run); goal: < 1 s with the model.

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rolelens.backends.embeddings import MiniLMEmbedder, default_cache_dir, load_matcher
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [
    ROOT.parent / "shared" / "data" / "postings" / name
    for name in ("remotewlb.jsonl.gz", "recent_2025_26.jsonl.gz")
]
POSTINGS_GOAL = 50.0
COLD_GOAL = 1.0


def postings(corpus: Path, n: int) -> list[tuple[str, str | None]]:
    """(text, title) of the first ``n`` postings of a corpus with a description."""
    out: list[tuple[str, str | None]] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            text = obj.get("description") or ""
            if text.strip():
                out.append((text, obj.get("title")))
            if len(out) == n:
                break
    return out


def samples(n: int) -> dict[str, list[tuple[str, str | None]]]:
    """Rows to read per corpus, or the test postings when ../shared is missing."""
    found = {c.name: postings(c, n) for c in CORPORA if c.exists()}
    if found:
        return found
    files = sorted((ROOT / "tests" / "data" / "postings").glob("*.md"))
    return {"tests/data/postings": [(f.read_text(encoding="utf-8"), None) for f in files]}


class Counting(MiniLMEmbedder):
    """The bundled model, counting the sentences it embeds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.count = 0

    def embed_batch(self, texts: Sequence[str]) -> Any:
        self.count += len(texts)
        return super().embed_batch(texts)


def rate(reader: PostingReader, rows: list[tuple[str, str | None]]) -> tuple[float, int, int]:
    """Postings per second, semantic evidence records found, postings with any of them."""
    start = time.perf_counter()
    found = with_any = 0
    for text, title in rows:
        n = sum(e.kind == "semantic" for e in reader.read(text, title=title).evidence)
        found += n
        with_any += n > 0
    return len(rows) / (time.perf_counter() - start), found, with_any


def cold(path: str, flag: str, repeat: int) -> float:
    """Median wall time of ``rolelens read PATH --json --semantic FLAG``."""
    cmd = [sys.executable, "-m", "rolelens", "read", path, "--json", "--semantic", flag]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy()
    assert taxonomy.semantic is not None
    cues = taxonomy.semantic
    print(
        f"semantic path, one thread; open_below {cues.open_below}, "
        f"max_sentences {cues.max_sentences}"
    )
    for name, rows in samples(args.n).items():
        base, _, _ = rate(PostingReader(taxonomy), rows)
        embedder = Counting(threads=1)
        matcher = load_matcher(taxonomy, embedder, cache_dir=default_cache_dir())
        embedder.count = 0  # statement vectors come from the disk cache, or are not counted
        semantic, found, with_any = rate(PostingReader(taxonomy, semantic=matcher), rows)
        print(f"{name}: {len(rows)} postings")
        print(f"  alias-only    {base:9.1f} postings/s (baseline)")
        print(
            f"  semantic      {semantic:9.1f} postings/s ({semantic / base:.3f}x baseline; "
            f"goal >= {POSTINGS_GOAL:.0f}: {met(semantic >= POSTINGS_GOAL)})"
        )
        print(
            f"                {embedder.count / len(rows):9.1f} sentences embedded per posting; "
            f"{found} semantic evidence records in {with_any} postings"
        )
    plain = "examples/plain_words_posting.md"
    cold(plain, "on", 1)  # fills the statement-vector cache
    off = cold("examples/posting.md", "off", args.repeat)
    closed = cold("examples/posting.md", "on", args.repeat)
    on = cold(plain, "on", args.repeat)
    print(f"cold start of `rolelens read FILE --json` (median of {args.repeat})")
    print(f"  --semantic off, posting.md               {off:6.2f} s (baseline)")
    print(f"  --semantic on,  posting.md (model idle)  {closed:6.2f} s ({closed / off:.2f}x)")
    print(
        f"  --semantic on,  plain_words_posting.md   {on:6.2f} s ({on / off:.2f}x; "
        f"goal < {COLD_GOAL:.0f} s: {met(on < COLD_GOAL)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
