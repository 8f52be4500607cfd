"""``rolelens cv``, ``match`` and ``career``: a CV read for its shipped work, fit, and advice.

CV files may be PDF or DOCX (the ``cv`` extra), HTML, Markdown or text. The CV's text is
never logged or echoed in errors; ``--redact`` removes emails, phone numbers and street
addresses from the output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import typer
from pydantic import BaseModel

from rolelens.cli.common import TaxonomyOption, open_binary, taxonomy_from, write_records
from rolelens.cli.semantic import SemanticOption, semantic_matcher
from rolelens.errors import InputError, MissingField, WrongType
from rolelens.io.fields import CV_TEXT_FIELDS
from rolelens.taxonomy.models import Taxonomy

_FORMATS = ("text", "md", "json")

FormatOption = typer.Option(
    "text", "--format", "-f", help="text (terminal), md (Markdown) or json."
)
JsonOption = typer.Option(False, "--json", help="Same as --format json.")
RedactOption = typer.Option(
    False, "--redact", help="Remove emails, phone numbers and street addresses from the output."
)
TodayOption = typer.Option(
    None, "--today", help="The date 'present' means in date ranges (YYYY-MM-DD); default today."
)


def cv(
    file: str = typer.Argument(
        None,
        help="CV file (.pdf, .docx, .html, .md, .txt) or '-' for stdin.",
        show_default=False,
    ),
    fmt: str = FormatOption,
    as_json: bool = JsonOption,
    jsonl: str = typer.Option(
        None,
        "--jsonl",
        help="Read a JSONL file (or '-'; gzipped too) of {id, text|cv}; "
        "one JSON line out per line in.",
    ),
    redact: bool = RedactOption,
    today: str = TodayOption,
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Read a CV: the role its shipped work points to, evidence, claims, seniority."""
    from rolelens.core.cv import CvReader

    fmt = _format(fmt, as_json)
    tax = taxonomy_from(taxonomy)
    reader = CvReader(
        tax, semantic=semantic_matcher(tax, semantic, task="cv", many=jsonl is not None)
    )
    day = _today(today)
    if jsonl is not None:
        if file is not None:
            raise typer.BadParameter("give a FILE or --jsonl, not both")

        def one(row: Any) -> BaseModel:
            return reader.read(row.text, today=day, redact=redact, id=row.id)

        _batch(open_binary(jsonl), CV_TEXT_FIELDS, one, "reading CVs")
    if file is None:
        raise typer.BadParameter("give a CV FILE, '-' for stdin, or --jsonl FILE")
    reading = reader.read(_cv_text(file), today=day, redact=redact)
    from rolelens.cli.render_cv import cv_markdown

    _emit(reading, fmt, cv_markdown, tax)


def match(
    cv_file: str = typer.Argument(
        None, help="CV file (.pdf, .docx, .html, .md, .txt).", show_default=False
    ),
    posting_file: str = typer.Argument(
        None, help="Posting file (.txt, .md, .html).", show_default=False
    ),
    title: str = typer.Option(None, "--title", help="The posting's title, if not its first line."),
    fmt: str = FormatOption,
    as_json: bool = JsonOption,
    jsonl: str = typer.Option(
        None,
        "--jsonl",
        help="Match a JSONL file (or '-'; gzipped too) of {id, cv, posting, posting_title?}; "
        "one JSON line out per line in.",
    ),
    redact: bool = RedactOption,
    today: str = TodayOption,
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Match a CV to a posting: each requirement covered or not, role alignment, fit, probes."""
    from rolelens.core.job_fit import FitMatcher

    fmt = _format(fmt, as_json)
    tax = taxonomy_from(taxonomy)
    matcher = FitMatcher(
        tax, semantic=semantic_matcher(tax, semantic, task="cv", many=jsonl is not None)
    )
    day = _today(today)
    if jsonl is not None:
        if cv_file is not None or posting_file is not None:
            raise typer.BadParameter("give CV_FILE POSTING_FILE or --jsonl, not both")

        def one(row: Any) -> BaseModel:
            posting = _field(row.extra, "posting", required=True)
            posting_title = _field(row.extra, "posting_title", required=False)
            return matcher.match(
                row.text, posting or "", today=day, posting_title=posting_title,
                redact=redact, id=row.id,
            )  # fmt: skip

        _batch(open_binary(jsonl), ("cv", "text"), one, "matching")
    if cv_file is None or posting_file is None:
        raise typer.BadParameter("give CV_FILE and POSTING_FILE, or --jsonl FILE")
    from rolelens.io.text import read_path

    cv_text = _cv_text(cv_file)
    path = Path(posting_file)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {posting_file}")
    report = matcher.match(cv_text, read_path(path), today=day, posting_title=title, redact=redact)
    from rolelens.cli.render_cv import fit_markdown

    _emit(report, fmt, fit_markdown, tax)


def career(
    file: str = typer.Argument(
        None, help="CV file (.pdf, .docx, .html, .md, .txt) or '-' for stdin.", show_default=False
    ),
    likes: str = typer.Option(
        "", "--likes", help="What you enjoy, in your own words (e.g. 'maths and research')."
    ),
    fmt: str = FormatOption,
    as_json: bool = JsonOption,
    jsonl: str = typer.Option(
        None,
        "--jsonl",
        help="Advise on a JSONL file (or '-'; gzipped too) of {id, text|cv, likes?}; "
        "one JSON line out per line in.",
    ),
    redact: bool = RedactOption,
    today: str = TodayOption,
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Career advice from a CV: the role to target, the gaps, and a learning path in order."""
    from rolelens.core.career import CareerAdvisor
    from rolelens.core.cv import CvReader

    fmt = _format(fmt, as_json)
    tax = taxonomy_from(taxonomy)
    matcher = semantic_matcher(tax, semantic, task="cv", many=jsonl is not None)
    advisor = CareerAdvisor(tax, cv_reader=CvReader(tax, semantic=matcher))
    day = _today(today)
    if jsonl is not None:
        if file is not None:
            raise typer.BadParameter("give a FILE or --jsonl, not both")

        def one(row: Any) -> BaseModel:
            row_likes = _field(row.extra, "likes", required=False) or ""
            return advisor.advise(row.text, today=day, likes=row_likes, redact=redact, id=row.id)

        _batch(open_binary(jsonl), CV_TEXT_FIELDS, one, "advising")
    if file is None:
        raise typer.BadParameter("give a CV FILE, '-' for stdin, or --jsonl FILE")
    advice = advisor.advise(_cv_text(file), today=day, likes=likes, redact=redact)
    from rolelens.cli.render_cv import career_markdown

    _emit(advice, fmt, career_markdown, tax)


# -- helpers --------------------------------------------------------------------------------
def _format(fmt: str, as_json: bool) -> str:
    if fmt not in _FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(_FORMATS)}")
    return "json" if as_json else fmt


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--today must be a date like 2026-01-31, not {value!r}") from exc


def _cv_text(file: str) -> str:
    """The text of a CV file (or stdin); unreadable documents raise coded errors."""
    from rolelens.io.documents import MAX_DOCUMENT_BYTES, document_text, read_document

    if file == "-":
        return document_text(sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1))
    path = Path(file)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {file}")
    try:
        return read_document(path)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror or exc}") from exc


def _emit(result: BaseModel, fmt: str, markdown: Callable[..., str], taxonomy: Taxonomy) -> None:
    if fmt == "json":
        typer.echo(result.model_dump_json(indent=2))
    elif fmt == "md":
        typer.echo(markdown(result, taxonomy), nl=False)
    else:
        from rolelens.cli.render_cv import show

        show(markdown(result, taxonomy))


def _field(extra: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = extra.get(name)
    if value is None:
        if required:
            raise MissingField(f"row has no '{name}'")
        return None
    if not isinstance(value, str):
        raise WrongType(f"'{name}' must be a string")
    return value


def _batch(
    stream: BinaryIO,
    text_fields: tuple[str, ...],
    one: Callable[[Any], BaseModel],
    verb: str,
) -> None:
    """One JSON line out per JSONL line in; a bad row becomes its error record. Exits."""
    from rolelens.batch import parse_row

    def records() -> Iterator[BaseModel | dict[str, Any]]:
        for n, line in enumerate(stream, start=1):
            row_id = None
            try:
                row = parse_row(line, text_fields=text_fields)
                row_id = row.id
                yield one(row)
            except InputError as exc:
                yield {"line": n, "id": row_id, "error": exc.to_dict()}

    with stream:
        failed = write_records(records(), verb, "could not be read")
    raise typer.Exit(1 if failed else 0)


def register(app: typer.Typer) -> None:
    """Add ``cv``, ``match`` and ``career`` to the ``rolelens`` app."""
    app.command("cv")(cv)
    app.command("match")(match)
    app.command("career")(career)
