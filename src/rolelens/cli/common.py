"""Options and helpers shared by every command group."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from rolelens.batch import MAX_LINE_BYTES
from rolelens.core.reader import SCORER_VERSION, PostingReader
from rolelens.io.lines import BoundedStream, decompressed, is_jsonl_name, open_path
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models import Taxonomy

TaxonomyOption = typer.Option(
    None,
    "--taxonomy",
    "-t",
    help="A YAML file layered over the bundled taxonomy (repeatable).",
    exists=True,
    dir_okay=False,
)


def taxonomy_from(files: list[Path] | None, *, scoping: bool = True, warn: bool = True) -> Taxonomy:
    """The bundled taxonomy with the user's files on top (without the scoping part when
    ``scoping`` is False: a command that never scopes need not load it).

    With ``warn``, fitted numbers made by another scorer version are said on stderr, once a
    process (:func:`stale_fit`)."""
    taxonomy = load_taxonomy(files or [], scoping=scoping)
    if warn:
        warn_stale(taxonomy)
    return taxonomy


def warn_stale(taxonomy: Taxonomy) -> None:
    """Say on stderr, once a process, when the taxonomy's fitted numbers were fitted under
    another scorer version (:func:`stale_fit`): for the commands that build their taxonomy
    elsewhere (serve, mcp, market) as for those that call :func:`taxonomy_from`."""
    note = stale_fit(taxonomy)
    if note is not None and note not in _SAID:
        _SAID.add(note)
        typer.echo(f"rolelens: warning: {note}", err=True)


_SAID: set[str] = set()  # warnings already given by this process


def stale_fit(taxonomy: Taxonomy) -> str | None:
    """What to say when the taxonomy's fitted numbers were fitted under another scorer
    version than this one (its reading may have moved under them), else None."""
    fit = taxonomy.fitted
    if fit is None or fit.scorer_version == SCORER_VERSION:
        return None
    return (
        f"the fitted numbers in use (fitted on {', '.join(fit.fitted_on)}, {fit.date}) were "
        f"fitted under scorer {fit.scorer_version}; this is scorer {SCORER_VERSION}, whose "
        "reading may differ: refit them with `rolelens train postings`"
    )


def reader_from(files: list[Path] | None) -> PostingReader:
    """A posting reader over the bundled taxonomy with the user's files on top."""
    return PostingReader(taxonomy_from(files))


def open_binary(path: str) -> BoundedStream:
    """The lines of a path, or of stdin for '-', gunzipped as they are read when gzip (by
    the magic bytes); a line over the row limit (2 MB) is never held whole, unpacked or not
    (see rolelens.io.lines)."""
    if path == "-":
        return BoundedStream(decompressed(sys.stdin.buffer), MAX_LINE_BYTES)
    p = Path(path)
    if p.is_dir():
        raise typer.BadParameter(f"{path} is a folder: give a JSONL file (or '-' for stdin)")
    if not p.is_file():
        raise typer.BadParameter(f"no such file: {path}")
    return BoundedStream(open_path(p), MAX_LINE_BYTES)


def refuse_batch_file(file: str, command: str, one: str) -> None:
    """A usage error when ``rolelens COMMAND``, which reads ``one`` input, is given a JSONL
    batch (.jsonl, .ndjson, optionally .gz): it would read the whole batch as one text.
    Decided by the name alone, so the same file always gets the same answer."""
    if file != "-" and is_jsonl_name(file):
        raise typer.BadParameter(
            f"{file} looks like JSONL (one row a line), not a single {one}: give it with "
            f"--jsonl FILE (rolelens {command} --jsonl {file})"
        )


def write_records(
    records: Iterable[BaseModel | dict[str, Any] | str], verb: str, failure: str
) -> int:
    """Write one JSON line per record to stdout (a dict is a row's error record, a str a
    record already serialised).

    Shows a progress bar on stderr when it is a terminal; returns how many rows failed.
    """
    failed = 0
    out = sys.stdout
    progress = None
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn(verb),
            BarColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        progress.start()
        task = progress.add_task(verb, total=None)
    try:
        for record in records:
            if isinstance(record, dict):
                failed += 1
                out.write(json.dumps(record, ensure_ascii=False))
            elif isinstance(record, str):
                out.write(record)
            else:
                out.write(record.model_dump_json())
            out.write("\n")
            if progress is not None:
                progress.advance(task)
    finally:
        if progress is not None:
            progress.stop()
        out.flush()
    if failed:
        typer.echo(f"rolelens: {failed} row(s) {failure} (see their error records)", err=True)
    return failed
