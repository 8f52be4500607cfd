"""Workers die with their parent (issue 17): after `kill -9` of the process that started them,
no reader or market worker keeps running, writing chunks or holding the parent's pipes open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_BATCH_PARENT = """
import os, sys, time
from rolelens.batch.parallel import ParallelLines
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy
pool = ParallelLines(PostingReader(load_taxonomy()), jobs=2)
print(" ".join(str(proc.pid) for proc, _ in pool._workers), flush=True)
time.sleep(600)
"""

_MARKET_PARENT = """
import os, time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from rolelens.market.engine import _init_worker
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(2, mp_context=ctx, initializer=_init_worker,
                               initargs=((), os.getpid()))
    pids = {pool.submit(os.getpid).result() for _ in range(8)}
    # both workers busy, as mid-chunk: an idle worker would end anyway when its queue closes
    busy = [pool.submit(time.sleep, 120) for _ in range(2)]
    time.sleep(1)
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead but not yet reaped by its new parent
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _workers_outlive_a_killed_parent(script: str) -> list[int]:
    """Start ``script``, read its workers' pids, kill it with SIGKILL; the pids still alive
    10 s later."""
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert pids, "the parent started no workers"
        assert all(_alive(p) for p in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leave them to the rest of the suite
        os.kill(p, signal.SIGKILL)
    return left


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; forks workers")
def test_batch_reader_workers_die_with_their_parent() -> None:
    assert _workers_outlive_a_killed_parent(_BATCH_PARENT) == []


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_market_workers_die_with_their_parent() -> None:
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    assert _workers_outlive_a_killed_parent(_MARKET_PARENT) == []


def test_market_a_chunk_of_an_older_run_is_never_committed(tmp_path: Path) -> None:
    """A worker still finishing a chunk for a run that was replaced (--fresh after a kill)
    writes neither its Parquet file nor its marker into the new run."""
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    import json

    from rolelens.core.reader import PostingReader
    from rolelens.io.corpus import Columns, iter_corpus
    from rolelens.market.engine import READINGS, STATE, RunOptions, prepare, run_id, write_chunk
    from rolelens.taxonomy.loader import load_taxonomy

    corpus = tmp_path / "rows.jsonl"
    rows = [
        {"id": str(i), "description": "We build dbt models and Airflow DAGs."} for i in range(3)
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    taxonomy = load_taxonomy()
    out = tmp_path / "out"
    out.mkdir()
    opts = RunOptions(inputs=(str(corpus),), out=out)
    prepare(opts, "local", [corpus], taxonomy)
    old = run_id(out)
    prepare(RunOptions(inputs=(str(corpus),), out=out, fresh=True), "local", [corpus], taxonomy)
    assert run_id(out) not in (None, old)
    pairs = list(enumerate(iter_corpus([corpus], Columns())))
    number, count, _ = write_chunk(out, 0, pairs, PostingReader(taxonomy), owner=old)
    assert (number, count) == (0, 0)
    assert not list((out / STATE).glob("chunk-*.json"))
    assert not list((out / READINGS).rglob("*.parquet"))
    # the run that owns the folder commits as usual
    assert write_chunk(out, 0, pairs, PostingReader(taxonomy), owner=run_id(out))[1] == 3
    assert list((out / STATE).glob("chunk-*.json"))
