"""The parallel batch reader gives what the sequential one gives, in order, line for line."""

from __future__ import annotations

import json

import pytest

from rolelens.batch import read_lines
from rolelens.batch.parallel import ParallelLines, available_cores
from rolelens.core.reader import PostingReader

GOOD = {"id": "p", "title": "ML Engineer", "description": "Train models in PyTorch."}


def _lines(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        if i % 7 == 3:
            out.append(b"not json")
        elif i % 11 == 5:
            out.append(b"[1, 2]")
        else:
            row = dict(GOOD, id=f"p{i}", description=f"{GOOD['description']} Row {i}.")
            out.append(json.dumps(row).encode())
    return out


def _sequential(reader: PostingReader, lines: list[bytes]) -> list[object]:
    return [r if isinstance(r, dict) else r.model_dump_json() for r in read_lines(reader, lines)]


@pytest.mark.parametrize(("jobs", "chunk"), [(1, 4), (2, 1), (2, 3), (2, 50)])
def test_batch_parallel_matches_sequential_in_order(
    toy_reader: PostingReader, jobs: int, chunk: int
) -> None:
    lines = _lines(40)
    with ParallelLines(toy_reader, jobs, chunk=chunk) as pool:
        got = list(pool.results(lines))
    assert got == _sequential(toy_reader, lines)
    errors = [r for r in got if isinstance(r, dict)]
    assert [e["line"] for e in errors] == [i + 1 for i in range(40) if i % 7 == 3 or i % 11 == 5]


def test_batch_parallel_empty_input_and_reuse(toy_reader: PostingReader) -> None:
    with ParallelLines(toy_reader, 2, chunk=2) as pool:
        assert list(pool.results([])) == []
        assert len(list(pool.results(_lines(5)))) == 5  # a pool serves several batches


def test_batch_parallel_is_lazy(toy_reader: PostingReader) -> None:
    pulled = 0

    def lines() -> object:
        nonlocal pulled
        for line in _lines(10_000):
            pulled += 1
            yield line

    with ParallelLines(toy_reader, 2, chunk=4) as pool:
        first = next(iter(pool.results(lines())))  # type: ignore[arg-type]
    assert isinstance(first, str)
    assert pulled <= 4 * 2 * 4  # the window of chunks in flight, not the whole input


def test_batch_parallel_dead_worker_is_an_error_not_a_hang(toy_reader: PostingReader) -> None:
    with ParallelLines(toy_reader, 2, chunk=2) as pool:
        proc, _ = pool._workers[0]
        proc.kill()
        proc.join()
        with pytest.raises(RuntimeError, match="reader process died"):
            list(pool.results(_lines(20)))


def test_batch_parallel_cores_is_positive() -> None:
    assert available_cores() >= 1


def test_batch_parallel_an_over_long_line_is_an_error_row_and_the_batch_goes_on(
    toy_reader: PostingReader,
) -> None:
    """A line over the row limit reaches a worker as a LongLine (its head and its size):
    pickled without its size, it killed the worker and every row of the batch was lost."""
    from rolelens.io.lines import LongLine

    lines: list[bytes] = [*_lines(5), LongLine(b'{"id": "huge", "description": "', 3_000_000)]
    lines += _lines(5)
    with ParallelLines(toy_reader, 2, chunk=2) as pool:
        got = list(pool.results(lines))
    assert got == _sequential(toy_reader, lines)
    huge = got[5]
    assert isinstance(huge, dict) and huge["error"]["code"] == "input_too_large"
    assert huge["line"] == 6 and len(got) == 11
