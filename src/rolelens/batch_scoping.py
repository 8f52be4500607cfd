"""Scope JSONL briefs one line at a time: one result per line, in order, errors included.

Rows hold ``id`` and ``brief`` (or ``text``); lines are checked by
:func:`rolelens.batch.parse_row`, so a bad line gets the same coded error record as in
``rolelens read --jsonl`` and never stops the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rolelens.batch import error_record, parse_row
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping
from rolelens.errors import InputError
from rolelens.inputs import BRIEF_TEXT_FIELDS

TEXT_FIELDS = BRIEF_TEXT_FIELDS  # the names rolelens.inputs.BriefInput takes


def scope_lines(scoper: Scoper, lines: Iterable[bytes | str]) -> Iterator[Scoping | dict[str, Any]]:
    """A scoping, or an error record, for each line in order; never raises for a bad line."""
    for line_no, line in enumerate(lines, start=1):
        try:
            row = parse_row(line, text_fields=TEXT_FIELDS)
            yield scoper.scope(row.text, id=row.id)
        except InputError as exc:
            yield error_record(line_no, exc, line)
