"""Lines of a binary stream read with a bound, so memory never follows the longest line.

Iterating a file object reads each line whole: one 200 MB line, or a small gzip file that
unpacks to gigabytes of one line, costs that much memory before any size check can run.
:func:`bounded_lines` reads at most ``limit + 1`` bytes of a line; the rest of an over-long
line is skipped in chunks and the line is yielded as a :class:`LongLine` (its first bytes and
its full size), which the row parsers turn into an ``input_too_large`` error record.

Batches may come gzip-compressed: :func:`open_path` and :func:`decompressed` know one by its
first bytes (the gzip magic) and decompress it as it is read, so the same bound holds for the
unpacked lines (a one-line gzip bomb included). A compressed stream that breaks part-way (corrupt,
truncated) ends :class:`BoundedStream`'s lines with an :class:`UnreadableRest` where it broke.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

_SKIP_CHUNK = 1 << 20
_ID_SCAN = 4096
GZIP_MAGIC = b"\x1f\x8b"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# what a gzip stream raises when its bytes are not gzip, are corrupt or stop too soon
_BROKEN_GZIP = (gzip.BadGzipFile, EOFError, zlib.error)
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


class UnreadableRest(bytes):
    """Stands, as the last line, for the rest of a stream that stopped being readable (a
    corrupt or truncated gzip); ``reason`` says where and why. The row parsers turn it into a
    ``corpus_unreadable`` error record, as the market does for a corpus file that breaks."""

    reason: str

    def __new__(cls, reason: str) -> UnreadableRest:
        line = super().__new__(cls, b"")
        line.reason = reason
        return line

    def __reduce__(self) -> tuple[type[UnreadableRest], tuple[str]]:
        # sent whole to a reader process, like LongLine
        return (UnreadableRest, (self.reason,))


def is_jsonl_name(name: str) -> bool:
    """True when a file name says JSON Lines: .jsonl or .ndjson, optionally gzipped (.gz)."""
    return name.lower().removesuffix(".gz").endswith(JSONL_SUFFIXES)


def open_path(path: Path) -> IO[bytes]:
    """A file's bytes, decompressed as they are read when it is gzip: by its first bytes (the
    gzip magic) whatever its name, or by a .gz name (one that is not gzip then fails on its
    first read, rather than passing its bytes off as text)."""
    with path.open("rb") as fh:
        head = fh.read(len(GZIP_MAGIC))
    if head == GZIP_MAGIC or path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def decompressed(stream: IO[bytes]) -> IO[bytes]:
    """``stream``, or a gzip reader over it when its first bytes are the gzip magic (looked at
    without consuming them: a peek on stdin, or a read and a seek back)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = bytes(peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)])
    elif stream.seekable():
        start = stream.tell()
        head = stream.read(len(GZIP_MAGIC))
        stream.seek(start)
    else:
        return stream
    if head != GZIP_MAGIC:
        return stream
    return cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))


class BoundedStream:
    """A binary stream whose iteration yields :func:`bounded_lines`, then an
    :class:`UnreadableRest` if a compressed stream breaks part-way; closes what it wraps."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        try:
            for line in bounded_lines(self.stream, self.limit):
                yield line
                read += 1
        except _BROKEN_GZIP as exc:
            where = f"after line {read:,}" if read else "from its start"
            yield UnreadableRest(
                f"the gzip input cannot be read {where}: it is not gzip, or corrupt, or cut "
                f"short ({type(exc).__name__}: {exc})"
            )

    def __enter__(self) -> BoundedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stream.close()
