"""Workers die with their parent (issue 17): after `kill -9` of the process that started them,
no reader or market worker keeps running, writing chunks or holding the parent's pipes open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

_BATCH_PARENT = """
import os, sys, time
from rolelens.batch_parallel import ParallelLines
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
