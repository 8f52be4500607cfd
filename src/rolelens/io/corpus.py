"""Stream postings out of corpus files: JSONL (.gz), CSV/TSV (.gz), Parquet, JSON-LD, HTML.

:func:`iter_corpus` yields one :class:`CorpusRow` per input row, in file order, with a
coded error in place of the text when the row cannot be used: a batch never stops at a
bad row and never loses one. A file that breaks part-way (a truncated gzip, a corrupt
Parquet page) gives one ``corpus_unreadable`` row where it broke.

Columns are found by name: :class:`Columns` maps each field (title, text, date, salary,
company, location, id) to a column, or leaves it to the defaults in :data:`CANDIDATES`,
which cover common exports and schema.org ``JobPosting`` properties.

``line`` is the row's 1-based position in its file: the line for JSONL, the record after
the header for CSV, the row for Parquet, the posting's order for JSON-LD and HTML.
"""

from __future__ import annotations

import csv
import html
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

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
from rolelens.io.lines import JSONL_SUFFIXES, LongLine, bounded_lines, id_near_start, open_path
from rolelens.io.text import html_to_text, readable_text

Format = Literal["jsonl", "csv", "tsv", "parquet", "jsonld", "html"]
Field = Literal["id", "title", "text", "date", "salary", "company", "location", "origin"]
FIELDS: tuple[Field, ...] = (
    "id", "title", "text", "date", "salary", "company", "location", "origin",
)  # fmt: skip
MAX_ROW_BYTES = 2_000_000
_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*)[^<>]*>")

# Column names tried in order when a field is not mapped explicitly.
CANDIDATES: dict[Field, tuple[str, ...]] = {
    "id": ("id", "job_id", "jobId", "posting_id", "identifier", "uuid"),
    "title": ("title", "job_title", "jobTitle", "position", "name"),
    "text": ("description", "text", "body", "job_description", "content"),
    "date": ("date", "datePosted", "date_posted", "posted_at", "posted", "created_at", "month"),
    "salary": ("salary", "baseSalary", "salary_text", "compensation", "estimatedSalary", "pay"),
    "company": ("company", "hiringOrganization", "company_name", "employer", "organization"),
    "location": ("location", "jobLocation", "job_location", "city", "country"),
    # where the posting was published (a board, a site, a scrape): the market keeps sources apart
    "origin": ("source", "site", "board", "platform", "origin"),
}
_SUFFIXES: dict[str, Format] = {
    **{suffix: "jsonl" for suffix in JSONL_SUFFIXES},  # the suffixes batches go by too
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet",
    ".json": "jsonld", ".jsonld": "jsonld", ".html": "html", ".htm": "html",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds each field; None means try the names in :data:`CANDIDATES`."""

    id: str | None = None
    title: str | None = None
    text: str | None = None
    date: str | None = None
    salary: str | None = None
    company: str | None = None
    location: str | None = None
    origin: str | None = None

    def names(self, name: Field) -> tuple[str, ...]:
        """The column names to try for a field, in order."""
        explicit: str | None = getattr(self, name)
        return (explicit,) if explicit else CANDIDATES[name]


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One input row: its place, its fields, and an error when it cannot be read."""

    source: str
    line: int
    id: str | None = None
    title: str | None = None
    text: str | None = None
    date: str | None = None
    salary: str | None = None
    company: str | None = None
    location: str | None = None
    error: dict[str, str] | None = field(default=None)
    origin: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def format_of(path: Path) -> Format:
    """The corpus format a file's name says (``.gz`` allowed for JSONL, CSV, TSV, JSON)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in _SUFFIXES:
        raise CorpusUnreadable(
            f"{path}: unknown corpus format {suffix or '(no suffix)'!r}; give .jsonl, .csv, "
            ".tsv, .parquet, .json/.jsonld (JSON-LD) or .html files (optionally .gz)"
        )
    return _SUFFIXES[suffix]


def expand(paths: Sequence[str | Path], *, exclude: Path | None = None) -> list[Path]:
    """Corpus files named by ``paths``; a folder stands for its corpus files, sorted, except
    those under ``exclude`` (a run's own output folder inside its input folder)."""
    out: list[Path] = []
    skip = exclude.resolve() if exclude is not None else None
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and _known(p)
                and (skip is None or not p.resolve().is_relative_to(skip))
            )
            if not found:
                raise CorpusUnreadable(f"{path}: the folder holds no corpus files")
            out.extend(found)
        elif path.is_file():
            format_of(path)
            out.append(path)
        else:
            raise CorpusUnreadable(f"{path}: no such file or folder")
    return out


def _known(path: Path) -> bool:
    try:
        format_of(path)
    except CorpusUnreadable:
        return False
    return True


def iter_corpus(
    paths: Sequence[str | Path], columns: Columns | None = None, *, limit: int | None = None
) -> Iterator[CorpusRow]:
    """Every row of every file, in order (at most ``limit`` rows); never raises for a row."""
    columns = columns or Columns()
    count = 0
    for path in expand(paths):
        for row in iter_file(path, columns):
            if limit is not None and count >= limit:
                return
            yield row
            count += 1


def iter_file(path: Path, columns: Columns) -> Iterator[CorpusRow]:
    """The rows of one corpus file; a file that breaks part-way ends with an error row."""
    kind = format_of(path)
    source = str(path)
    line = 0
    try:
        for line, row in enumerate(_ROWS[kind](path, source, columns), start=1):
            yield replace(row, line=line)
    except (OSError, EOFError, zlib.error, csv.Error, ValueError) as exc:
        yield CorpusRow(source, line + 1, error=CorpusUnreadable(_why(path, exc)).to_dict())
    except _ArrowError as exc:  # pragma: no cover - depends on the corruption
        yield CorpusRow(source, line + 1, error=CorpusUnreadable(_why(path, exc)).to_dict())


class _ArrowError(Exception):
    """Stands in for pyarrow's errors, which are only importable with the market extra."""


def _why(path: Path, exc: BaseException) -> str:
    return f"{path.name}: the file stops being readable here ({type(exc).__name__}: {exc})"


# -- JSONL ---------------------------------------------------------------------------------
def _jsonl_rows(path: Path, source: str, columns: Columns) -> Iterator[CorpusRow]:
    with open_path(path) as fh:
        for raw in bounded_lines(fh, MAX_ROW_BYTES):
            yield _guard(source, lambda raw=raw: _jsonl_row(raw, source, columns), raw)


def _jsonl_row(raw: bytes, source: str, columns: Columns) -> CorpusRow:
    if isinstance(raw, LongLine):
        raise InputTooLarge(f"line is {raw.size:,} bytes; the limit is {MAX_ROW_BYTES:,}")
    if len(raw) > MAX_ROW_BYTES:
        raise InputTooLarge(f"line is {len(raw):,} bytes; the limit is {MAX_ROW_BYTES:,}")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"line is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if not line.strip():
        raise EmptyInput("blank line")
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise NotJson.of_row(exc) from exc
    if not isinstance(obj, dict):
        raise NotAnObject(f"expected a JSON object, got {type(obj).__name__}")
    return row_from_mapping(obj, source, columns)


def _guard(source: str, build: Any, raw: Any = None) -> CorpusRow:
    """A row from ``build()``, or the row's coded error (with its id when one can be found)."""
    try:
        row: CorpusRow = build()
        return row
    except InputError as exc:
        return CorpusRow(source, 0, id=_id_of(raw), error=exc.to_dict())


def _id_of(raw: Any) -> str | None:
    obj = raw
    if isinstance(raw, LongLine) or (isinstance(raw, bytes | str) and len(raw) > MAX_ROW_BYTES):
        # a second parse of an over-long line would cost its size again: its first kB only
        found = id_near_start(raw)
        if found is None or found == "" or (isinstance(found, str) and has_surrogate(found)):
            return None
        return str(found)
    if isinstance(raw, bytes | str):
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError, UnicodeDecodeError):
            return None
    if not isinstance(obj, Mapping):
        return None
    value = obj.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    text = str(value)
    return None if has_surrogate(text) else text


# -- mapping a row's fields ----------------------------------------------------------------
def row_from_mapping(obj: Mapping[str, Any], source: str, columns: Columns) -> CorpusRow:
    """A row's fields picked out of a mapping by name (coded errors for bad values)."""
    values: dict[str, str | None] = {}
    for name in FIELDS:
        values[name] = _field(obj, name, columns)
    text = values["text"]
    if text is None:
        wanted = " or ".join(repr(n) for n in columns.names("text"))
        raise MissingField(f"the row has no text column ({wanted})")
    if not text.strip():
        raise EmptyInput("the row's text is empty")
    if len(text) > MAX_ROW_BYTES:
        raise InputTooLarge(f"the text is {len(text):,} characters; the limit is {MAX_ROW_BYTES:,}")
    for key, value in values.items():
        if value is not None and has_surrogate(value):
            raise EncodingError(f"'{key}' holds bytes that are not valid text")
    text = readable_text(text)
    if not text.strip():
        raise EmptyInput("the row's HTML holds no text")
    return CorpusRow(
        source,
        0,
        id=values["id"],
        title=values["title"],
        text=text,
        date=values["date"],
        salary=values["salary"],
        company=values["company"],
        location=values["location"],
        origin=values["origin"],
    )


def _field(obj: Mapping[str, Any], name: Field, columns: Columns) -> str | None:
    for column in columns.names(name):
        if column not in obj or obj[column] is None:
            continue
        value = obj[column]
        if isinstance(value, str):
            return value if value.strip() or name == "text" else None
        if name == "id":
            if isinstance(value, bool) or not isinstance(value, int | Mapping):
                raise WrongType(f"'{column}' must be a string or an integer")
            return str(value) if isinstance(value, int) else _flatten_id(value)
        if name in ("title", "text"):
            raise WrongType(f"'{column}' must be a string")
        if name == "salary":
            return _salary_text(value)
        if name == "date" and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        flat = _flatten(value)
        if flat is None:
            raise WrongType(f"'{column}' must be text")
        return flat or None
    return None


def _flatten_id(value: Mapping[str, Any]) -> str | None:
    inner = value.get("value") or value.get("@id") or value.get("name")
    return str(inner) if isinstance(inner, str | int) and not isinstance(inner, bool) else None


def _flatten(value: Any) -> str | None:
    """Text of a nested value (schema.org Organization / Place / PostalAddress), or None."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [p for p in (_flatten(v) for v in value) if p]
        return "; ".join(parts) if len(parts) == len(value) or parts else ""
    if isinstance(value, Mapping):
        if isinstance(value.get("name"), str):
            return str(value["name"]).strip()
        address = value.get("address", value)
        if isinstance(address, str):
            return address.strip()
        if isinstance(address, Mapping):
            keys = ("addressLocality", "addressRegion", "addressCountry")
            found = [_flatten(address.get(k)) for k in keys if address.get(k)]
            return ", ".join(p for p in found if p)
        return ""
    return None


_UNITS = {"HOUR": "per hour", "DAY": "per day", "WEEK": "per week", "MONTH": "per month",
          "YEAR": "per year", "ANNUAL": "per year"}  # fmt: skip


def _salary_text(value: Any) -> str | None:
    """Salary text from a number or a schema.org MonetaryAmount."""
    if isinstance(value, bool):
        raise WrongType("the salary must be text, a number or a MonetaryAmount")
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, Mapping):
        raise WrongType("the salary must be text, a number or a MonetaryAmount")
    currency = value.get("currency") if isinstance(value.get("currency"), str) else ""
    inner = value.get("value", value)
    unit = ""
    if isinstance(inner, Mapping):
        unit = _UNITS.get(str(inner.get("unitText", "")).upper(), "")
        low, high, single = inner.get("minValue"), inner.get("maxValue"), inner.get("value")
    else:
        low = high = None
        single = inner
    nums = [v for v in (low, high) if isinstance(v, int | float | str) and str(v).strip()]
    if nums:
        amount = " - ".join(str(v) for v in nums)
    elif isinstance(single, int | float | str) and str(single).strip():
        amount = str(single)
    else:
        return None
    return " ".join(p for p in (currency, amount, unit) if p)


# -- CSV / TSV -----------------------------------------------------------------------------
def _csv_rows(
    path: Path, source: str, columns: Columns, delimiter: str = ","
) -> Iterator[CorpusRow]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open_path(path) as raw:
        # physical lines are read with a bound (a gzip bomb of one line must not be held
        # whole); an over-long one stands in as a one-cell record the loop reports
        text = (
            _LONG_CSV_LINE + str(line.size) + "\n"
            if isinstance(line, LongLine)
            else line.decode("utf-8-sig" if n == 0 else "utf-8", "surrogateescape")
            for n, line in enumerate(bounded_lines(raw, MAX_ROW_BYTES))
        )
        # strict: a quote left open is an error at the end of the file, not a silent merge
        # of every later record into one field
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        while True:
            first = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                spanned = reader.line_num - first + 1
                why = f"bad CSV record at line {first}: {exc}"
                if "unexpected end of data" in str(exc) and spanned > 1:
                    why = (
                        f"a quote opened at line {first} is never closed: lines {first}-"
                        f"{reader.line_num} ({spanned} lines, every record after it) could not "
                        "be read"
                    )
                yield CorpusRow(source, 0, error=WrongType(why).to_dict())
                continue
            if not any(cell.strip() for cell in record):
                yield CorpusRow(source, 0, error=EmptyInput("blank record").to_dict())
                continue
            if len(record) == 1 and record[0].startswith(_LONG_CSV_LINE):
                size = int(record[0].removeprefix(_LONG_CSV_LINE))
                too_large = InputTooLarge(f"line is {size:,} bytes; the limit is {MAX_ROW_BYTES:,}")
                yield CorpusRow(source, 0, error=too_large.to_dict())
                continue
            obj = {name: value for name, value in zip(header, record, strict=False) if value != ""}
            yield _guard(source, lambda obj=obj: row_from_mapping(obj, source, columns), obj)


_LONG_CSV_LINE = "\x00rolelens:long-line:"


def _tsv_rows(path: Path, source: str, columns: Columns) -> Iterator[CorpusRow]:
    return _csv_rows(path, source, columns, delimiter="\t")


# -- Parquet -------------------------------------------------------------------------------
def _parquet_rows(path: Path, source: str, columns: Columns) -> Iterator[CorpusRow]:
    from rolelens.extras import require_pyarrow

    require_pyarrow()
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        names = set(parquet.schema_arrow.names)
        wanted = [n for f in FIELDS for n in columns.names(f) if n in names]
        for batch in parquet.iter_batches(batch_size=1024, columns=sorted(set(wanted))):
            for obj in batch.to_pylist():
                yield _guard(source, lambda obj=obj: row_from_mapping(obj, source, columns), obj)
    except pa.ArrowException as exc:
        raise _ArrowError(str(exc)) from exc


# -- JSON-LD and HTML ----------------------------------------------------------------------
def _jsonld_rows(path: Path, source: str, columns: Columns) -> Iterator[CorpusRow]:
    with open_path(path) as fh:
        data = fh.read()
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield CorpusRow(source, 0, error=EncodingError(f"not UTF-8: {exc.reason}").to_dict())
        return
    except (ValueError, RecursionError) as exc:
        yield CorpusRow(source, 0, error=NotJson(f"not JSON: {exc}").to_dict())
        return
    yield from _postings_in(doc, source, columns, plain_ok=True)


def _html_rows(path: Path, source: str, columns: Columns) -> Iterator[CorpusRow]:
    from selectolax.lexbor import LexborHTMLParser

    with open_path(path) as fh:
        data = fh.read()
    page = data.decode("utf-8", errors="replace")
    scripts = LexborHTMLParser(page).css('script[type="application/ld+json"]')
    found = False
    for script in scripts:
        try:
            doc = json.loads(script.text(deep=True) or "")
        except (ValueError, RecursionError) as exc:
            yield CorpusRow(
                source, 0, error=NotJson(f"a JSON-LD block is not JSON: {exc}").to_dict()
            )
            found = True
            continue
        for row in _postings_in(doc, source, columns, plain_ok=False):
            found = True
            yield row
    if not found:
        yield CorpusRow(
            source, 0, error=MissingField("the page carries no schema.org JobPosting").to_dict()
        )


def _postings_in(doc: Any, source: str, columns: Columns, *, plain_ok: bool) -> Iterator[CorpusRow]:
    postings = list(_job_postings(doc))
    if postings:
        for obj in postings:
            yield _guard(source, lambda obj=obj: _jsonld_posting(obj, source, columns), obj)
        return
    items = doc if isinstance(doc, list) else [doc]
    if plain_ok and items and all(isinstance(i, Mapping) and "@type" not in i for i in items):
        for obj in items:  # a JSON array of plain posting objects
            yield _guard(source, lambda obj=obj: row_from_mapping(obj, source, columns), obj)
        return
    if plain_ok:
        yield CorpusRow(
            source, 0, error=MissingField("the file holds no schema.org JobPosting").to_dict()
        )


def _job_postings(doc: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """JobPosting objects in a JSON-LD document: top level, arrays, @graph, nesting."""
    if depth > 20:
        return
    if isinstance(doc, list):
        for item in doc:
            yield from _job_postings(item, depth + 1)
    elif isinstance(doc, Mapping):
        kind = doc.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds):
            yield doc
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in doc:
                yield from _job_postings(doc[key], depth + 1)


def _jsonld_posting(obj: Mapping[str, Any], source: str, columns: Columns) -> CorpusRow:
    text = obj.get(columns.text or "description")
    if isinstance(text, str) and ("&lt;" in text or _TAG.search(text)):
        obj = {**obj, columns.text or "description": html_to_text(html.unescape(text))}
    if columns.id is None and "identifier" in obj and "id" not in obj:
        obj = {**obj, "id": obj["identifier"]}
    return row_from_mapping(obj, source, columns)


_ROWS = {
    "jsonl": _jsonl_rows,
    "csv": _csv_rows,
    "tsv": _tsv_rows,
    "parquet": _parquet_rows,
    "jsonld": _jsonld_rows,
    "html": _html_rows,
}


def count_rows(paths: Iterable[Path], limit: int | None = None) -> int | None:
    """How many rows the files hold (at most ``limit``), cheaply where the format allows.

    None when a file's format does not allow a cheap count (CSV, JSON-LD, HTML).
    """
    total = 0
    for path in paths:
        kind = format_of(path)
        if kind == "jsonl":
            try:
                with open_path(path) as fh:
                    while (limit is None or total < limit) and (chunk := fh.read(1 << 20)):
                        total += chunk.count(b"\n")
            except (OSError, EOFError, zlib.error):
                return None
        elif kind == "parquet":
            import pyarrow.parquet as pq

            try:
                total += pq.ParquetFile(path).metadata.num_rows
            except (OSError, ValueError):  # a truncated file: its rows report it as they go
                return None
        else:
            return None
    return total if limit is None else min(total, limit)


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_ISO = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?!\d)")
_NAMED = re.compile(
    r"\b([a-z]{3})[a-z]*\.?\s+(?:\d{1,2},?\s+)?(\d{4})\b"
    r"|\b\d{1,2}\s+([a-z]{3})[a-z]*\.?\s+(\d{4})\b",
    re.I,
)


def month_of(date: str | None) -> str | None:
    """'YYYY-MM' from a date ('2024-03-15', '2024-03', 'March 15, 2024', '15 Mar 2024')."""
    if not date:
        return None
    m = _ISO.match(date)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    else:
        n = _NAMED.search(date)
        if not n:
            return None
        name = (n.group(1) or n.group(3)).lower()
        if name not in _MONTHS:
            return None
        year, month = int(n.group(2) or n.group(4)), _MONTHS[name]
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return f"{year:04d}-{month:02d}"
