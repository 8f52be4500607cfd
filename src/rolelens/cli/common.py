"""Options and helpers shared by every command group."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.schema import Taxonomy

TaxonomyOption = typer.Option(
    None,
    "--taxonomy",
    "-t",
    help="A YAML file layered over the bundled taxonomy (repeatable).",
    exists=True,
    dir_okay=False,
)


def taxonomy_from(files: list[Path] | None) -> Taxonomy:
    """The bundled taxonomy with the user's files on top."""
    return load_taxonomy(files or [])


def reader_from(files: list[Path] | None) -> PostingReader:
    """A posting reader over the bundled taxonomy with the user's files on top."""
    return PostingReader(taxonomy_from(files))


def open_binary(path: str) -> typer.FileBinaryRead:
    """A binary stream for a path, or stdin for '-'."""
    if path == "-":
        return sys.stdin.buffer  # type: ignore[return-value]
    p = Path(path)
    if not p.is_file():
        raise typer.BadParameter(f"no such file: {path}")
    return p.open("rb")  # type: ignore[return-value]
