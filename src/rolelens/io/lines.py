"""Lines of a binary stream read with a bound, so memory never follows the longest line.

Iterating a file object reads each line whole: one 200 MB line, or a small gzip file that
unpacks to gigabytes of one line, costs that much memory before any size check can run.
:func:`bounded_lines` reads at most ``limit + 1`` bytes of a line; the rest of an over-long
line is skipped in chunks and the line is yielded as a :class:`LongLine` (its first bytes and
its full size), which the row parsers turn into an ``input_too_large`` error record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO

_SKIP_CHUNK = 1 << 20
_ID_SCAN = 4096
_ID_NEAR_START = re.compile(r'"id"\s*+:\s*+("(?:[^"\\]|\\.){0,512}+"|-?\d{1,30}+)')


def id_near_start(line: bytes | str) -> str | int | None:
    """The ``"id"`` of a JSON object line found among its first 4 kB, without parsing the
    whole line (a line refused for its size, or one too deep or broken to parse)."""
    head = line[:_ID_SCAN]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    found = _ID_NEAR_START.search(head)
    if found is None:
        return None
    try:
        value = json.loads(found.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str | int) else None


class LongLine(bytes):
    """The first bytes of a line longer than the limit; ``size`` is the whole line's length."""

    size: int

    def __new__(cls, head: bytes, size: int) -> LongLine:
        line = super().__new__(cls, head)
        line.size = size
        return line

    def __reduce__(self) -> tuple[type[LongLine], tuple[bytes, int]]:
        # sent whole to a reader process: bytes' own pickling would call LongLine(head)
        # without the size, and the worker died on the batch's over-long line
        return (LongLine, (bytes(self), self.size))


def bounded_lines(stream: IO[bytes], limit: int) -> Iterator[bytes]:
    """Each line of ``stream`` (newline kept); a line over ``limit`` bytes as a LongLine."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while True:  # skip to the end of the line without holding it
            rest = stream.readline(_SKIP_CHUNK)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                break
        yield LongLine(line, size)


class BoundedStream:
    """A binary stream whose iteration yields :func:`bounded_lines`; closes what it wraps."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit

    def __iter__(self) -> Iterator[bytes]:
        return bounded_lines(self.stream, self.limit)

    def __enter__(self) -> BoundedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stream.close()
