"""Read JSONL postings on several cores, in order, with bounded memory.

:class:`ParallelLines` forks worker processes that inherit one already-built reader (no
taxonomy load per worker), sends them chunks of raw lines and yields each line's result in
input order: a reading already serialised as a JSON line (``str``) or a row's error record
(``dict``), exactly as :func:`rolelens.batch.read_lines` would give them, one per line.

At most ``window`` chunks are in flight, so a 10 GB file streams in constant memory. Where
``fork`` is not available (Windows) or ``jobs`` is 1, it reads in this process instead.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from rolelens.batch import read_lines
from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader

Result = str | dict[str, Any]

# The reader the forked workers inherit: set in the parent just before the fork. Adapter
# state for one batch, never read by the core.
_WORKER_READER: PostingReader | None = None


def available_cores() -> int:
    """Cores this process may run on (respects CPU affinity and container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _serialise(result: Reading | dict[str, Any]) -> Result:
    return result if isinstance(result, dict) else result.model_dump_json()


def _read_chunk(first_line: int, lines: list[bytes]) -> list[Result]:
    """Worker: the results for one chunk, line numbers counted from ``first_line``."""
    assert _WORKER_READER is not None, "worker started without a reader"
    out = [_serialise(r) for r in read_lines(_WORKER_READER, lines)]
    for r in out:
        if isinstance(r, dict):
            r["line"] += first_line - 1
    return out


class ParallelLines:
    """A pool of reader processes for one batch; use as a context manager.

    Build it before any thread starts (a progress bar, say): the workers are forked at once.
    """

    def __init__(self, reader: PostingReader, jobs: int, chunk: int = 32) -> None:
        self.reader = reader
        self.jobs = max(1, jobs)
        self.chunk = max(1, chunk)
        self._pool: Pool | None = None
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _WORKER_READER
            _WORKER_READER = reader
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)

    def __enter__(self) -> ParallelLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        global _WORKER_READER
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _WORKER_READER = None

    def results(self, lines: Iterable[bytes]) -> Iterator[Result]:
        """One result per line, in input order."""
        if self._pool is None:
            for r in read_lines(self.reader, lines):
                yield _serialise(r)
            return
        pool = self._pool
        window = 4 * self.jobs
        pending: deque[AsyncResult[list[Result]]] = deque()
        source = iter(lines)
        next_line = 1
        while True:
            while len(pending) < window:
                chunk = list(islice(source, self.chunk))
                if not chunk:
                    break
                pending.append(pool.apply_async(_read_chunk, (next_line, chunk)))
                next_line += len(chunk)
            if not pending:
                return
            yield from pending.popleft().get()
