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
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from rolelens.batch import read_lines
from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.process import serve_pipe, watch_parent

Result = str | dict[str, Any]
_DIED = "a reader process died (killed, or out of memory?)"

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


def _serve(conn: Connection, parent_pid: int) -> None:
    """Worker loop: read a chunk, send its results back; stop at None, a closed pipe, or when
    the parent is gone (a sibling's copy of the pipe would keep it open)."""
    watch_parent(parent_pid)
    serve_pipe(conn, lambda task: _read_chunk(*task))


class ParallelLines:
    """A pool of reader processes for one batch; use as a context manager.

    Build it before any thread starts (a progress bar, say): the workers are forked at once.
    Each worker has its own pipe and at most one chunk at a time, so the parent only ever
    writes to a worker that is waiting to read: nothing can deadlock, and stopping early
    kills the workers without waiting on a shared queue's lock.
    """

    def __init__(self, reader: PostingReader, jobs: int, chunk: int = 32) -> None:
        self.reader = reader
        self.jobs = max(1, jobs)
        self.chunk = max(1, chunk)
        self._workers: list[tuple[BaseProcess, Connection]] = []
        if self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _WORKER_READER
            _WORKER_READER = reader
            ctx = multiprocessing.get_context("fork")
            me = os.getpid()
            for _ in range(self.jobs):
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=_serve, args=(child, me), daemon=True)
                proc.start()
                child.close()
                self._workers.append((proc, parent))

    def __enter__(self) -> ParallelLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        global _WORKER_READER
        for proc, conn in self._workers:
            conn.close()
            proc.kill()
        for proc, _ in self._workers:
            proc.join(timeout=5)
        self._workers = []
        _WORKER_READER = None

    def results(self, lines: Iterable[bytes]) -> Iterator[Result]:
        """One result per line, in input order; at most ``4 x jobs`` chunks held at once."""
        if not self._workers:
            for r in read_lines(self.reader, lines):
                yield _serialise(r)
            return
        window = 4 * self.jobs
        source = iter(lines)
        idle = [conn for _, conn in self._workers]
        busy: dict[Connection, int] = {}  # worker pipe -> chunk number it is reading
        done: dict[int, list[Result]] = {}  # finished chunks not yet yielded
        sent = emitted = 0
        next_line = 1
        exhausted = False
        while True:
            while idle and not exhausted and sent - emitted < window:
                chunk = list(islice(source, self.chunk))
                if not chunk:
                    exhausted = True
                    break
                conn = idle.pop()
                try:
                    conn.send((next_line, chunk))
                except OSError as exc:  # BrokenPipeError: the worker is gone
                    raise RuntimeError(_DIED) from exc
                busy[conn] = sent
                sent += 1
                next_line += len(chunk)
            if emitted in done:
                yield from done.pop(emitted)
                emitted += 1
                continue
            if not busy:
                return
            for ready in wait(list(busy)):
                conn = ready  # type: ignore[assignment]
                try:
                    done[busy.pop(conn)] = conn.recv()
                except (EOFError, OSError) as exc:
                    raise RuntimeError(_DIED) from exc
                idle.append(conn)
