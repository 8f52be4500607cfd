"""One flat record per corpus row: the reading's key facts, or the row's coded error.

The same function builds records in every engine, so the local engine and Spark write the
same rows. :data:`COLUMNS` lists the columns in order with their Arrow types as text
(``readings.parquet`` holds them all but ``month``, which names the partition folder).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePath
from typing import Any

from rolelens.core.aggregate import NO_TITLE_ROLE, UNKNOWN
from rolelens.core.models import Reading
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.core.salary import parse_salary, salary_in_text
from rolelens.errors import InputError, RowReadFailed
from rolelens.io.corpus import CorpusRow, month_of
from rolelens.market.dedup import Duplicate
from rolelens.market.multirole import several_roles

# Body sections whose evidence counts towards item tallies (not the title, about-us, perks).
_COUNTED_SECTIONS = {"summary", "responsibilities", "requirements", "nice_to_have", "other"}

COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "int64"),
    ("source", "string"),
    ("line", "int64"),
    ("id", "string"),
    ("month", "string"),
    ("date", "string"),
    ("title", "string"),
    ("company", "string"),
    ("location", "string"),
    ("role", "string"),
    ("confidence", "double"),
    ("secondary", "string"),
    ("title_role", "string"),
    ("title_family", "string"),
    ("mismatch", "bool"),
    ("hybrid", "bool"),
    ("seniority", "string"),
    ("evidence_items", "list<string>"),
    ("salary_text", "string"),
    ("salary_currency", "string"),
    ("salary_period", "string"),
    ("salary_annual_min", "double"),
    ("salary_annual_max", "double"),
    ("reading", "string"),
    ("error_code", "string"),
    ("error_message", "string"),
    ("taxonomy_version", "string"),
    ("scorer_version", "string"),
    ("origin", "string"),
    ("salary_basis", "string"),
    ("duplicate_of", "int64"),
    ("duplicate_kind", "string"),
    ("multi_role", "bool"),
)
# "owner/repo@<commit>:path" and "name@1.2.3" name one source: the revision is cut off.
_REVISION = re.compile(r"@(?:[0-9a-f]{7,40}|v?\d[\w.]*)(?::.*)?$")
NAMES = tuple(name for name, _ in COLUMNS)


def evidence_items(reading: Reading) -> list[str]:
    """The distinct evidence items a reading found in the posting's body, not negated."""
    return sorted(
        {e.item for e in reading.evidence if not e.negated and e.section in _COUNTED_SECTIONS}
    )


def source_of(row: CorpusRow) -> str:
    """The source a row is counted under: its source column (without a revision suffix),
    else the name of the file it came from."""
    if row.origin and row.origin.strip():
        return _REVISION.sub("", row.origin.strip()) or row.origin.strip()
    return PurePath(row.source).name


def record(
    index: int,
    row: CorpusRow,
    reader: PostingReader,
    duplicate: Duplicate | None = None,
) -> dict[str, Any]:
    """The record of one row: read when it has text, else (or on failure) its error.

    A ``duplicate`` (a copy of an earlier row, see :mod:`rolelens.market.dedup`) is not read:
    its record names the row it copies.
    """
    out: dict[str, Any] = dict.fromkeys(NAMES)
    month = month_of(row.date)
    out.update(
        row=index,
        source=row.source,
        line=row.line,
        id=row.id,
        month=month or UNKNOWN,
        date=row.date,
        title=row.title,
        company=row.company,
        location=row.location,
        salary_text=row.salary,
        taxonomy_version=reader.taxonomy.version,
        scorer_version=SCORER_VERSION,
        origin=source_of(row),
    )
    if duplicate is not None and row.error is None:
        out.update(duplicate_of=duplicate.of, duplicate_kind=duplicate.kind)
        return out
    error = row.error
    reading: Reading | None = None
    if error is None:
        assert row.text is not None
        try:
            reading = reader.read(row.text, title=row.title, id=row.id, company=row.company)
        except InputError as exc:
            error = exc.to_dict()
        except Exception as exc:  # one bad row must not end a batch of millions
            error = RowReadFailed(f"{type(exc).__name__}: {exc}").to_dict()
    if error is not None:
        out.update(error_code=error["code"], error_message=error["message"])
        return out
    assert reading is not None
    assert row.text is not None
    salary = parse_salary(row.salary)
    basis = "column" if row.salary else None
    if row.salary is None:
        # no salary field: the pay the description states, marked as read from the text
        found = salary_in_text(row.text)
        if found is not None:
            salary, words = found
            basis = "text"
            out.update(salary_text=words[:300])
    out.update(
        role=reading.role,
        confidence=reading.confidence,
        secondary=reading.secondary,
        title_role=reading.title_role,
        title_family=reading.title_role or NO_TITLE_ROLE,
        mismatch=reading.mismatch,
        hybrid=reading.hybrid,
        seniority=reading.seniority,
        evidence_items=evidence_items(reading),
        reading=reading.model_dump_json(),
        multi_role=several_roles(row.text, row.title),
        salary_basis=basis,
    )
    if salary is not None:
        out.update(
            salary_currency=salary.currency,
            salary_period=salary.period,
            salary_annual_min=salary.annual_min,
            salary_annual_max=salary.annual_max,
        )
    return out


def records(
    rows: Iterable[tuple[int, CorpusRow]],
    reader: PostingReader,
    duplicates: Mapping[int, Duplicate] | None = None,
) -> Iterator[dict[str, Any]]:
    """Records for (index, row) pairs, in order (``duplicates``: row index -> the row it copies)."""
    found = duplicates or {}
    for index, row in rows:
        yield record(index, row, reader, found.get(index))


def arrow_schema(*, with_month: bool = True) -> Any:
    """The records' Arrow schema (pyarrow.Schema); without ``month`` for partition files."""
    import pyarrow as pa

    types = {
        "int64": pa.int64(),
        "string": pa.string(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "list<string>": pa.list_(pa.string()),
    }
    return pa.schema(
        [(name, types[kind]) for name, kind in COLUMNS if with_month or name != "month"]
    )


def spark_ddl() -> str:
    """The records' schema as a Spark DDL string."""
    kinds = {
        "int64": "bigint",
        "string": "string",
        "double": "double",
        "bool": "boolean",
        "list<string>": "array<string>",
    }
    return ", ".join(f"`{name}` {kinds[kind]}" for name, kind in COLUMNS)
