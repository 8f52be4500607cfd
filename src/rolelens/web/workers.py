"""Killable worker processes for the service's long reads.

A worker thread cannot be stopped: a read that runs past the time limit keeps its core (and
the GIL, stalling the event loop) after the client got its 503. Long texts and uploaded
documents therefore go to a small pool of worker processes, each holding its own
:class:`~rolelens.service.Service` built from the same settings. A request that runs past
its deadline gets 503 ``time_limit``; its worker is killed and a fresh one takes its place.

Workers are started from a fork server (never forked from the threaded server process),
watch their parent (they exit with it), and start on first use, so an app that never reads
a long text starts none.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import anyio
import anyio.to_thread

from rolelens.errors import InternalError, RolelensError, TimeLimitExceeded

_DIED = "a worker process died while reading (killed, or out of memory?)"


def _serve(conn: Connection, taxonomy_files: Sequence[str], semantic: bool | str | None) -> None:
    """Worker loop: build the service once, then answer ``(method, args, kwargs)`` calls."""
    from rolelens.process import serve_pipe, watch_parent

    # the parent is the fork server, which exits when the server process does
    watch_parent(os.getppid())
    from rolelens.service import Service

    try:
        service = Service.from_files(taxonomy_files, semantic=semantic, warm=True)
    except RolelensError as exc:  # the parent built the same service first: rare
        conn.send(("error", exc))
        return
    conn.send(("ready", None))

    def answer(task: tuple[str, tuple[Any, ...], dict[str, Any]]) -> tuple[str, Any]:
        method, args, kwargs = task
        try:
            return "ok", getattr(service, method)(*args, **kwargs)
        except RolelensError as exc:
            return "error", exc
        except Exception as exc:  # reported by type only: a message may quote the text
            return "crash", type(exc).__name__

    serve_pipe(conn, answer)


class _StillStarting(Exception):
    """A worker's service was not built within the request's time."""


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False  # its service is built (start-up never counts as a stuck read)


class WorkerPool:
    """``size`` worker processes over the service that ``taxonomy_files``/``semantic`` build."""

    def __init__(
        self, size: int, taxonomy_files: Sequence[str], semantic: bool | str | None
    ) -> None:
        self.size = size
        self._args = (tuple(taxonomy_files), semantic)
        self._ctx = multiprocessing.get_context("forkserver")
        self._idle: list[_Worker] = []
        self._started = False
        self._lock = threading.Lock()
        self._slots: anyio.Semaphore | None = None
        self.killed = 0  # workers killed at their deadline (for tests and /healthz-style checks)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, *self._args), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _start(self) -> None:
        with self._lock:
            if not self._started:
                self._idle = [self._spawn() for _ in range(self.size)]
                self._started = True

    async def call(self, deadline: float, method: str, *args: Any, **kwargs: Any) -> Any:
        """``service.<method>(*args, **kwargs)`` in a worker, within ``deadline`` seconds."""
        if self._slots is None:
            self._slots = anyio.Semaphore(self.size)
        started = time.monotonic()
        if not self._started:
            await anyio.to_thread.run_sync(self._start)
        async with self._slots:
            worker = self._idle.pop()
            keep = False  # a worker goes back only after a whole answer: never one still busy
            try:
                if not worker.ready:
                    await self._wait_ready(worker, deadline - (time.monotonic() - started))
                worker.conn.send((method, args, kwargs))
                left = deadline - (time.monotonic() - started)
                ready = left > 0 and await anyio.to_thread.run_sync(
                    worker.conn.poll, left, abandon_on_cancel=True
                )
                if not ready:
                    raise TimeLimitExceeded(
                        f"the work took longer than the {deadline:g} s limit"
                    ) from None
                status, value = worker.conn.recv()
                keep = True
            except _StillStarting:
                keep = True  # it holds no task: a later request will find it ready
                raise TimeLimitExceeded(
                    f"a worker was still starting after the {deadline:g} s limit; try again"
                ) from None
            except (EOFError, OSError):
                raise InternalError(_DIED) from None
            finally:
                if keep:
                    self._idle.append(worker)
                else:
                    self._replace(worker)
        if status == "ok":
            return value
        if status == "error":
            raise value
        raise InternalError(f"an unexpected {value} in a worker; the log has its type")

    async def _wait_ready(self, worker: _Worker, left: float) -> None:
        """Wait up to ``left`` seconds for a new worker's service to be built."""
        ready = left > 0 and await anyio.to_thread.run_sync(
            worker.conn.poll, left, abandon_on_cancel=True
        )
        if not ready:
            raise _StillStarting
        status, value = worker.conn.recv()
        if status == "error":
            raise value
        worker.ready = True

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (past its deadline, or dead) and put a fresh one in its place."""
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        self.killed += 1
        self._idle.append(self._spawn())

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        with self._lock:
            for worker in self._idle:
                worker.conn.close()
                worker.process.kill()
            for worker in self._idle:
                worker.process.join(timeout=5)
            self._idle = []
            self._started = False
