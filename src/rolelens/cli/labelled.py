"""Labelled JSONL files for ``rolelens eval`` and ``rolelens train``: rows with a known label,
and a coded error record for every line that is not one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from typing import Any

import typer

from rolelens.batch import Row, parse_row
from rolelens.cli.common import open_binary
from rolelens.core.labelled import check_label
from rolelens.errors import InputError

#: How a row's labels are checked: nothing when they are usable, else an InputError.
LabelCheck = Callable[[Mapping[str, Any], Collection[str]], None]

# skipped lines named one by one on stderr; the rest are counted (all are in the reports)
_NAMED = 20


def alternatives(row: Row) -> list[str]:
    """A labelled row's acceptable alternative labels (checked by ``labelled_rows``)."""
    return list(row.extra.get("acceptable_alternatives") or [])


def labelled_rows(
    file: str, text_fields: tuple[str, ...], known: set[str], check: LabelCheck = check_label
) -> tuple[list[Row], list[dict[str, object]]]:
    """Rows with a known label, and a coded error record for every line that is not one
    (``check`` says which labels are usable: by default a known label and alternatives)."""
    rows: list[Row] = []
    skipped: list[dict[str, object]] = []
    with open_binary(file) as stream:
        for n, line in enumerate(stream, start=1):
            try:
                row = parse_row(line, text_fields=text_fields)
                check(row.extra, known)
                rows.append(row)
            except InputError as exc:
                skipped.append({"line": n, "error": exc.to_dict()})
    return rows, skipped


def say_skipped(file: str, skipped: list[dict[str, object]]) -> None:
    """Name each skipped line on stderr, ``FILE:LINE: CODE: message`` (the first 20)."""
    for record in skipped[:_NAMED]:
        error = _error(record)
        typer.echo(f"{file}:{record['line']}: {error['code']}: {error['message']}", err=True)
    if len(skipped) > _NAMED:
        typer.echo(f"{file}: ... and {len(skipped) - _NAMED} more line(s) skipped", err=True)


def _error(record: dict[str, object]) -> dict[str, object]:
    error = record["error"]
    return error if isinstance(error, dict) else {"code": "?", "message": str(error)}


def nothing_read(file: str, skipped: list[dict[str, object]]) -> InputError:
    """The error for a file none of whose lines is a usable labelled row."""
    if not skipped:
        return InputError(f"{file}: no labelled rows could be read: the file is empty")
    codes = Counter(str(_error(r)["code"]) for r in skipped)
    counted = ", ".join(f"{code} {n}" for code, n in codes.most_common())
    hint = ""
    if codes.most_common(1)[0][0] == "row_not_json":
        hint = "; is it CSV or one JSON array? Each line must be one JSON object (JSONL)"
    return InputError(
        f"{file}: no labelled rows could be read: {len(skipped)} line(s) skipped ({counted}){hint}"
    )


def read_labelled(
    file: str, text_fields: tuple[str, ...], known: set[str], check: LabelCheck = check_label
) -> tuple[list[Row], list[dict[str, object]]]:
    """:func:`labelled_rows`, with each skipped line named on stderr; an InputError when the
    file gives no row at all (a CSV, an empty file, every label misspelt)."""
    rows, skipped = labelled_rows(file, text_fields, known, check)
    say_skipped(file, skipped)
    if not rows:
        raise nothing_read(file, skipped)
    return rows, skipped
