"""Read JSONL postings one line at a time: one result per line, in order, errors included.

:func:`parse_row` checks one line and :func:`read_lines` streams a whole file through a
reader; neither opens files, so the CLI, the HTTP API and the market engines share them.
The package's other rooms use them: :mod:`.parallel` spreads the reading over worker
processes, :mod:`.scoping` scopes briefs line by line the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.core.text.fold import has_surrogate
from rolelens.errors import (
    CorpusUnreadable,
    EmptyInput,
    EncodingError,
    InputError,
    InputTooLarge,
    MissingField,
    NotAnObject,
    NotJson,
    WrongType,
)
from rolelens.io.fields import POSTING_TEXT_FIELDS
from rolelens.io.lines import LongLine, UnreadableRest, id_near_start
from rolelens.io.text import readable_text

MAX_LINE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class Row:
    """A posting row that passed the checks."""

    id: str | None
    title: str | None
    text: str
    company: str | None
    extra: dict[str, Any]


def parse_row(
    line: bytes | str,
    *,
    text_fields: tuple[str, ...] = POSTING_TEXT_FIELDS,
    text_optional: bool = False,
) -> Row:
    """One JSONL line as a :class:`Row` (an :class:`InputError` subclass if it is not one).

    A text that is HTML (a page or a fragment) is its text, as a file's and the service's
    are (:func:`rolelens.io.text.readable_text`): offsets in a reading of the row refer to
    that text. ``text_optional``: a row without any text field is read with ``text == ""``
    (a brief row may be a form alone); a text field given empty is still an error."""
    if isinstance(line, LongLine):
        raise InputTooLarge(f"line is {line.size:,} bytes; the limit is {MAX_LINE_BYTES:,}")
    if isinstance(line, UnreadableRest):  # a gzip batch broke here: nothing after it is read
        raise CorpusUnreadable(line.reason)
    # a lone surrogate comes from a str line that holds one, or from a JSON escape: strict
    # UTF-8 has none, so a line read as bytes without "\\ud" can have none in its values
    may_hold_surrogates = not isinstance(line, bytes)
    if isinstance(line, bytes):
        if len(line) > MAX_LINE_BYTES:
            raise InputTooLarge(f"line is {len(line):,} bytes; the limit is {MAX_LINE_BYTES:,}")
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"line is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    elif len(line) > MAX_LINE_BYTES:
        raise InputTooLarge(f"line is {len(line):,} characters; the limit is {MAX_LINE_BYTES:,}")
    # a byte-order mark opens files saved by some editors; JSON does not allow it, CSV readers
    # drop it, and so do we (on any line: a file glued from several keeps one per part)
    line = line.removeprefix("\ufeff")
    if not line.strip():
        raise EmptyInput("blank line")
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:  # ValueError: also over-long int literals
        raise NotJson.of_row(exc) from exc
    if not isinstance(obj, dict):
        raise NotAnObject(f"expected a JSON object, got {type(obj).__name__}")
    row_id = obj.get("id")
    if isinstance(row_id, bool) or not isinstance(row_id, str | int | None):
        raise WrongType("'id' must be a string or an integer")
    for name in ("title", "company"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise WrongType(f"'{name}' must be a string")
    text = None
    for name in text_fields:
        value = obj.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise WrongType(f"'{name}' must be a string")
            text = value
            break
    if text is None and not text_optional:
        raise MissingField(f"the row has no {' or '.join(repr(f) for f in text_fields)}")
    if text is None:
        text = ""
    elif not text.strip():
        raise EmptyInput(f"'{text_fields[0]}' is empty")
    if may_hold_surrogates or "\\ud" in line or "\\uD" in line:
        for value in (row_id, obj.get("title"), obj.get("company"), text):
            if isinstance(value, str) and has_surrogate(value):
                raise EncodingError("the row holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
    if text:
        # scraped ATS descriptions are HTML: read as their text, as a file or the service is
        text = readable_text(text)
        if not text.strip():
            raise EmptyInput("the row's HTML holds no text")
    return Row(
        id=None if row_id is None else str(row_id),
        title=obj.get("title"),
        text=text,
        company=obj.get("company"),
        extra=obj,
    )


def error_record(line_no: int, error: InputError, line: bytes | str) -> dict[str, Any]:
    """The output record for a line that could not be read."""
    return {"line": line_no, "id": _id_if_known(line), "error": error.to_dict()}


def _id_if_known(line: bytes | str) -> str | None:
    if len(line) > MAX_LINE_BYTES or isinstance(line, LongLine):
        # parsing a line refused for its size would cost its size again (a 200 MB line took
        # 1.25 GB): look for an "id" among its first few kB instead
        found = id_near_start(line)
        if found is None or (isinstance(found, str) and has_surrogate(found)):
            return None
        return str(found)
    if isinstance(line, bytes):
        line = line.removeprefix(b"\xef\xbb\xbf")
    elif isinstance(line, str):
        line = line.removeprefix("\ufeff")
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    row_id = obj.get("id")
    if isinstance(row_id, bool) or not isinstance(row_id, str | int):
        return None
    if isinstance(row_id, str) and has_surrogate(row_id):
        return None  # it could not be written out as UTF-8
    return str(row_id)


def read_lines(
    reader: PostingReader, lines: Iterable[bytes | str]
) -> Iterator[Reading | dict[str, Any]]:
    """A reading, or an error record, for each line in order; never raises for a bad line."""
    for line_no, line in enumerate(lines, start=1):
        try:
            row = parse_row(line)
        except InputError as exc:
            yield error_record(line_no, exc, line)
            continue
        yield reader.read(row.text, title=row.title, id=row.id, company=row.company)
