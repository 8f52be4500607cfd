"""Scope JSONL briefs one line at a time: one result per line, in order, errors included.

Rows hold ``id`` and ``brief`` (or ``text``) and/or a ``form`` object (the scoping form's
fields, as ``/v1/scope`` takes them); lines are checked by :func:`rolelens.batch.parse_row`,
so a bad line gets the same coded error record as in ``rolelens read --jsonl`` and never
stops the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rolelens.batch import error_record, parse_row
from rolelens.core.scoping import Scoper
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.errors import InputError, MissingField
from rolelens.inputs import scoping_form
from rolelens.io.fields import BRIEF_TEXT_FIELDS

TEXT_FIELDS = BRIEF_TEXT_FIELDS  # the names rolelens.inputs.BriefInput takes


def scope_lines(scoper: Scoper, lines: Iterable[bytes | str]) -> Iterator[Scoping | dict[str, Any]]:
    """A scoping, or an error record, for each line in order; never raises for a bad line."""
    for line_no, line in enumerate(lines, start=1):
        try:
            text, form, row_id = _brief(line)
            yield scoper.scope(text, form=form, id=row_id)
        except InputError as exc:
            yield error_record(line_no, exc, line)


def _brief(line: bytes | str) -> tuple[str, ScopingForm | None, str | None]:
    """(free text, form, id) of one row: a text field, a ``form`` object, or both."""
    row = parse_row(line, text_fields=TEXT_FIELDS, text_optional=True)
    form = row.extra.get("form")
    if form is None:
        if not row.text:
            raise MissingField(
                f"the row has no {' or '.join(repr(f) for f in TEXT_FIELDS)} and no 'form'"
            )
        return row.text, None, row.id
    return row.text, scoping_form(form, alone=not row.text), row.id
