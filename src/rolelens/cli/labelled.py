"""Labelled JSONL files for ``rolelens eval`` and ``rolelens train``: rows with a known label,
and a coded error record for every line that is not one."""

from __future__ import annotations

from rolelens.batch import Row, parse_row
from rolelens.cli.common import open_binary
from rolelens.errors import InputError, LabelError


def alternatives(row: Row) -> list[str]:
    """A labelled row's acceptable alternative labels (checked by ``labelled_rows``)."""
    return list(row.extra.get("acceptable_alternatives") or [])


def labelled_rows(
    file: str, text_fields: tuple[str, ...], known: set[str]
) -> tuple[list[Row], list[dict[str, object]]]:
    """Rows with a known label, and a coded error record for every line that is not one."""
    rows: list[Row] = []
    skipped: list[dict[str, object]] = []
    with open_binary(file) as stream:
        for n, line in enumerate(stream, start=1):
            try:
                row = parse_row(line, text_fields=text_fields)
                label = row.extra.get("label")
                if not isinstance(label, str) or label not in known:
                    raise LabelError(f"'label' must be one of {', '.join(sorted(known))}")
                alts = row.extra.get("acceptable_alternatives") or []
                if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
                    raise LabelError("'acceptable_alternatives' must be a list of labels")
                rows.append(row)
            except (InputError, LabelError) as exc:
                skipped.append({"line": n, "error": exc.to_dict()})
    return rows, skipped
