"""Memory does not follow the longest line (issue 17): over-long lines are skipped, not held."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolelens.io.lines import (
    GZIP_MAGIC,
    BoundedStream,
    LongLine,
    UnreadableRest,
    bounded_lines,
    decompressed,
)

_MAIN = "import sys; from rolelens.cli import main; sys.argv[0] = 'rolelens'; main()"


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=20))
def test_bounded_lines_keep_short_lines_and_mark_long_ones(parts: list[bytes]) -> None:
    limit = 16
    data = b"\n".join(parts)
    out = list(bounded_lines(io.BytesIO(data), limit))
    expected = io.BytesIO(data).readlines()  # what plain iteration would give
    assert len(out) == len(expected)
    for got, want in zip(out, expected, strict=True):
        if len(want) <= limit or (len(want) == limit + 1 and want.endswith(b"\n")):
            assert got == want and not isinstance(got, LongLine)
        else:
            assert isinstance(got, LongLine)
            assert got.size == len(want)
            assert want.startswith(bytes(got)) and len(got) == limit + 1


def _peak_kb_of(cmd: list[str]) -> tuple[int, str, str]:
    """Run ``cmd`` under a child that reports its peak memory (kB), exit status and output."""
    wrapper = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
        "sys.exit(p.returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, timeout=300
    )
    *err, peak = done.stderr.strip().splitlines()
    return int(peak), done.stdout, "\n".join(err)


def _write_bomb(f: IO[bytes], megabytes: int) -> None:
    """A good row, a row of ``megabytes`` million bytes of one line, a good row."""
    good = json.dumps({"id": "ok", "description": "We fine-tune PyTorch models."}) + "\n"
    f.write(good.encode())
    f.write(b'{"id": "huge", "description": "')
    chunk = b"R " * 500_000
    for _ in range(megabytes):
        f.write(chunk)
    f.write(b'"}\n')
    f.write(good.encode())


def test_a_long_line_pickles_with_its_size() -> None:
    import pickle

    line = LongLine(b'{"id": "x", "description": "', 5_000_000)
    back = pickle.loads(pickle.dumps(line))
    assert isinstance(back, LongLine) and back == line and back.size == 5_000_000


def test_read_jsonl_a_200_mb_line_is_an_error_row_in_bounded_memory(tmp_path: Path) -> None:
    """One 200 MB line between two good rows: an error row in its place, memory bounded."""
    bomb = tmp_path / "rows.jsonl"
    with open(bomb, "wb") as f:
        _write_bomb(f, 200)
    peak_kb, out, err = _peak_kb_of(
        [sys.executable, "-c", _MAIN, "read", "--jsonl", str(bomb), "--jobs", "1"]
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in rows] == ["ok", "huge", "ok"], err
    assert rows[1]["error"]["code"] == "input_too_large"
    assert rows[1]["line"] == 2
    assert peak_kb < 600_000


def test_read_jsonl_gzip_bomb_line_is_an_error_row_in_bounded_memory(tmp_path: Path) -> None:
    """A 300 MB line packed into a small gzip batch, on a file and on stdin: an error row in
    its place, the rows around it read, memory bounded (the gzip used to be read as lines of
    compressed bytes)."""
    bomb = tmp_path / "rows.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as f:
        _write_bomb(f, 300)
    assert bomb.stat().st_size < 10_000_000
    for source in (str(bomb), "-"):
        cmd = [sys.executable, "-c", _MAIN, "read", "--jsonl", source, "--jobs", "1"]
        if source == "-":  # the wrapper's child reads the wrapper's stdin
            cmd = ["sh", "-c", 'exec "$0" "$@" < ' + str(bomb), *cmd]
        peak_kb, out, err = _peak_kb_of(cmd)
        rows = [json.loads(line) for line in out.splitlines()]
        assert [r.get("id") for r in rows] == ["ok", "huge", "ok"], err
        assert rows[1]["error"]["code"] == "input_too_large" and rows[1]["line"] == 2
        assert "300,000,034 bytes" in rows[1]["error"]["message"]
        assert peak_kb < 250_000, peak_kb  # holding the line would take 300 MB


def test_an_unreadable_rest_pickles_with_its_reason() -> None:
    import pickle

    rest = UnreadableRest("the gzip input cannot be read after line 7")
    back = pickle.loads(pickle.dumps(rest))
    assert isinstance(back, UnreadableRest) and back.reason == rest.reason


class _Pipe(io.RawIOBase):
    """A stream that can neither peek nor seek, as a pipe read without a buffer."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("wrap", ["bytesio", "buffered"])
def test_decompressed_knows_gzip_by_its_magic_without_eating_it(wrap: str) -> None:
    rows = b'{"id": 1}\n{"id": 2}\n'
    for data in (rows, gzip.compress(rows)):
        stream = io.BytesIO(data) if wrap == "bytesio" else io.BufferedReader(_Pipe(data))
        assert list(BoundedStream(decompressed(stream), 100)) == rows.splitlines(keepends=True)
    assert gzip.compress(rows).startswith(GZIP_MAGIC)


def test_bounded_stream_ends_a_cut_gzip_with_one_unreadable_rest() -> None:
    packed = gzip.compress(b"".join(b'{"id": %d}\n' % i for i in range(5000)))
    lines = list(BoundedStream(decompressed(io.BytesIO(packed[: len(packed) // 2])), 100))
    *good, last = lines
    assert good and all(not isinstance(line, UnreadableRest) for line in good)
    assert isinstance(last, UnreadableRest)
    assert f"after line {len(good):,}" in last.reason


def test_market_gzip_bomb_row_is_an_error_row(tmp_path: Path) -> None:
    from rolelens.io.corpus import Columns, iter_corpus

    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb") as f:
        f.write(b'{"id": "huge", "description": "' + b"R " * 3_000_000 + b'"}\n')
        f.write(json.dumps({"id": "ok", "description": "We build dbt models."}).encode() + b"\n")
    rows = list(iter_corpus([path], Columns()))
    assert rows[0].error is not None and rows[0].error["code"] == "input_too_large"
    assert rows[0].id == "huge"  # found in the line's first kB, not by parsing it whole
    assert rows[1].error is None and rows[1].id == "ok"


def test_market_csv_gzip_bomb_line_is_an_error_row(tmp_path: Path) -> None:
    from rolelens.io.corpus import Columns, iter_corpus

    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"id,description\n")
        f.write(b"huge," + b"R " * 3_000_000 + b"\n")
        f.write(b"ok,We build dbt models.\n")
    rows = list(iter_corpus([path], Columns()))
    assert rows[0].error is not None and rows[0].error["code"] == "input_too_large"
    assert "6,000,006 bytes" in rows[0].error["message"]
    assert rows[1].error is None and rows[1].id == "ok"
