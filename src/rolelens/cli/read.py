"""``rolelens read``: one posting (text, Markdown, HTML, PDF or DOCX) to a readable report,
Markdown or JSON; ``--jsonl`` for batches."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import typer

from rolelens.batch.parallel import ParallelLines, available_cores
from rolelens.cli.common import (
    TaxonomyOption,
    open_binary,
    refuse_batch_file,
    taxonomy_from,
    write_records,
)
from rolelens.cli.semantic import SemanticOption, semantic_matcher
from rolelens.core.reader import PostingReader
from rolelens.io.text import read_path, text_of

_FORMATS = ("text", "md", "json")
_DOCUMENTS = (".pdf", ".docx")


def read(
    file: str = typer.Argument(
        None,
        help="Posting file (.txt, .md, .html; .pdf, .docx with the 'cv' extra) or '-' for stdin.",
        show_default=False,
    ),
    title: str = typer.Option(None, "--title", help="The posting's title, if not its first line."),
    company: str = typer.Option(
        None,
        "--company",
        help="The employer's name: its words are never evidence (a company called Arize is "
        "not model monitoring).",
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text (terminal), md (Markdown) or json."
    ),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    jsonl: str = typer.Option(
        None,
        "--jsonl",
        help="Read a JSONL file (or '-'; gzipped too) of {id, title, company, "
        "description|text}; "
        "one JSON line out per line in. An HTML description is read as its text, as an "
        ".html file is, and evidence offsets refer to that text.",
    ),
    jobs: int = typer.Option(
        0, "--jobs", "-j", min=0, help="Processes for --jsonl (0: one per core)."
    ),
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Read a posting: the role its work describes, the evidence, the title's role, flags."""
    if fmt not in _FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(_FORMATS)}")
    if jsonl is not None:  # checked before the taxonomy loads
        if file is not None:
            raise typer.BadParameter("give a FILE or --jsonl, not both")
        # options for one posting would be ignored without a word: say so instead
        for option, value in (("--title", title), ("--company", company)):
            if value is not None:
                raise typer.BadParameter(
                    f"{option} is for one posting: each --jsonl row gives its own"
                )
        if fmt == "md":
            raise typer.BadParameter(
                "--jsonl writes one JSON line a row; --format md is for one posting"
            )
    tax = taxonomy_from(taxonomy, scoping=False)
    jobs = jobs or available_cores()
    # one model thread per reader process: more would fight over the same cores
    threads = 1 if jsonl is not None and jobs > 1 else None
    matcher = semantic_matcher(tax, semantic, task="read", many=jsonl is not None, threads=threads)
    reader = PostingReader(tax, semantic=matcher)
    if jsonl is not None:
        failed = _batch(reader, open_binary(jsonl), jobs)
        raise typer.Exit(1 if failed else 0)
    if file is None:
        raise typer.BadParameter("give a posting FILE, '-' for stdin, or --jsonl FILE")
    text = _stdin() if file == "-" else _read_file(file)
    reading = reader.read(text, title=title, company=company)
    if as_json or fmt == "json":
        typer.echo(reading.model_dump_json(indent=2))
        return
    if fmt == "md":
        from rolelens.render.reading import reading_markdown

        typer.echo(reading_markdown(reading, reader.taxonomy), nl=False)
        return
    from rolelens.cli.render import render_reading

    render_reading(reading, text, reader.taxonomy)


def _stdin() -> str:
    """The posting on stdin: a PDF or DOCX by its bytes, else text (or an HTML page)."""
    from rolelens.io.documents import MAX_DOCUMENT_BYTES, document_text

    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    if b"%PDF-" in data[:1024] or data.startswith(b"PK\x03\x04"):
        return document_text(data)
    return text_of(data)


def _read_file(file: str) -> str:
    """The text of a posting file; a missing or unreadable path is a usage error, not a crash."""
    path = Path(file)
    if path.is_dir():
        raise typer.BadParameter(
            f"{file} is a folder, not a posting file: give one file (.txt, .md, .html, .pdf, "
            ".docx), or many postings as JSONL with --jsonl FILE"
        )
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {file}")
    refuse_batch_file(file, "read", "posting")
    try:
        if path.suffix.lower() in _DOCUMENTS:
            from rolelens.io.documents import read_document

            return read_document(path)
        return read_path(path)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror or exc}") from exc


def _batch(reader: PostingReader, stream: BinaryIO, jobs: int) -> int:
    """Stream rows through the reader on ``jobs`` processes; returns how many rows failed."""
    with stream, ParallelLines(reader, jobs) as pool:
        return write_records(pool.results(stream), "reading", "could not be read")
