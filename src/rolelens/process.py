"""Worker processes that end with the process that started them.

A worker blocked on its pipe or its task queue does not notice when its parent is killed
(`kill -9`): forked siblings hold copies of the pipe ends, and a pool's queue never closes.
Left alone, such orphans keep writing output chunks and keep the parent's stdout open, so
``rolelens market ... | cat`` never ends. A watcher thread in each worker ends it instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

POLL_SECONDS = 0.5


def watch_parent(parent_pid: int, interval: float = POLL_SECONDS) -> None:
    """End this process (exit status 1) once ``parent_pid`` is no longer its parent.

    Call it first thing in a worker, with the parent's pid taken before the worker started
    (a parent that died before the call is caught too: the worker is re-parented at once).
    """

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)  # no clean-up: the run that owned this work is gone
            time.sleep(interval)

    threading.Thread(target=watch, name="rolelens-parent-watch", daemon=True).start()


def serve_pipe(conn: Connection, answer: Callable[[Any], Any]) -> None:
    """A worker's loop: receive a task, send back ``answer(task)``; stop at None or when the
    pipe closes."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(answer(task))
