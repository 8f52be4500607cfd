"""``rolelens scope``: a business brief (text or form) to the right hire; ``--jsonl`` batches."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import typer

from rolelens.cli.common import (
    TaxonomyOption,
    open_binary,
    refuse_batch_file,
    taxonomy_from,
    write_records,
)
from rolelens.cli.semantic import (
    LlmModelOption,
    LlmUrlOption,
    SemanticOption,
    llm_assist,
    semantic_matcher,
)
from rolelens.io.text import read_path, text_of

if TYPE_CHECKING:  # imported when a brief is scoped, not on every `rolelens` start
    from rolelens.core.scoping import Scoper
    from rolelens.core.scoping_models import ScopingForm

_FORM_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_FORMATS = ("text", "md", "json")


def scope(
    file: str = typer.Argument(
        None,
        help="Brief: free text (.txt, .md, .html), a form (.yaml/.yml/.json with outcome, data, "
        "volumes, users, production, team_stage, budget, region), or '-' for stdin text.",
        show_default=False,
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text (terminal), md (Markdown) or json."
    ),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    jsonl: str = typer.Option(
        None,
        "--jsonl",
        help="Scope a JSONL file (or '-'; gzipped too) of {id, brief|text, form}: a JSON line "
        "out per line in.",
    ),
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
    llm_url: str = LlmUrlOption,
    llm_model: str = LlmModelOption,
) -> None:
    """Scope a business problem: the right hire, step by step from the brief's own words."""
    if fmt not in _FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(_FORMATS)}")
    tax = taxonomy_from(taxonomy)
    from rolelens.core.scoping import Scoper

    scoper = Scoper(
        tax, semantic=semantic_matcher(tax, semantic, task="scope", many=jsonl is not None)
    )
    if jsonl is not None:
        if file is not None:
            raise typer.BadParameter("give a FILE or --jsonl, not both")
        failed = _batch(scoper, open_binary(jsonl))
        raise typer.Exit(1 if failed else 0)
    if file is None:
        raise typer.BadParameter("give a brief FILE, '-' for stdin, or --jsonl FILE")
    text, form = _read_brief(file)
    result = scoper.scope(text, form=form)
    if llm_url and not result.undetermined:  # optional: form fields and JD prose from an
        # LLM (the hire stays deterministic); an undecided hire gets no JD to write
        facts = [(f.id, f.statement) for f in tax.scoping.facts] if tax.scoping else []
        llm_assist(llm_url, llm_model, text, result, "json" if as_json else fmt, facts)
        return
    if as_json or fmt == "json":
        typer.echo(result.model_dump_json(indent=2))
        return
    from rolelens.cli.render_scope import render_scoping
    from rolelens.render.scoping import scoping_markdown

    if fmt == "md":
        typer.echo(scoping_markdown(result), nl=False)
        return
    render_scoping(result)


def _read_brief(file: str) -> tuple[str, ScopingForm | None]:
    """The brief's text, or its form when the file is YAML/JSON."""
    if file == "-":
        return text_of(sys.stdin.buffer.read()), None
    path = Path(file)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {file}")
    refuse_batch_file(file, "scope", "brief")
    try:
        kind = _FORM_SUFFIXES.get(path.suffix.lower())
        if kind is not None:
            return "", parse_form(text_of(path.read_bytes()), kind)
        return read_path(path), None
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror or exc}") from exc


def _batch(scoper: Scoper, stream: BinaryIO) -> int:
    """Stream rows through the scoper; returns how many rows failed."""
    from rolelens.batch.scoping import scope_lines

    with stream:
        return write_records(scope_lines(scoper, stream), "scoping", "could not be scoped")


def parse_form(text: str, kind: str = "yaml") -> ScopingForm:
    """A form from YAML or JSON text (FormError when it is not one); reading it is the
    adapter's job, so the pure core only ever sees a :class:`ScopingForm`."""
    import json

    import yaml

    from rolelens.errors import FormError
    from rolelens.inputs import scoping_form

    try:
        raw = json.loads(text) if kind == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise FormError(f"the form is not valid {kind.upper()}: {exc}") from exc
    return scoping_form(raw)
