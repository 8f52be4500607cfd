"""``rolelens eval match``: fit bands of CV × posting pairs against the expected bands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from rolelens.cli.common import TaxonomyOption, taxonomy_from
from rolelens.cli.semantic import SemanticOption, semantic_matcher
from rolelens.errors import InputError, LabelError, MissingField, RolelensError, WrongType


def match(
    file: str = typer.Argument(
        ...,
        help="Labelled JSONL: id, cv (or cv_file), posting (or posting_file), band "
        "(strong, partial or weak), posting_title?; file paths are relative to FILE.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    errors: bool = typer.Option(False, "--errors", help="List the pairs banded wrongly."),
    today: str = typer.Option(
        None, "--today", help="The date 'present' means in CVs (YYYY-MM-DD); default today."
    ),
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Band accuracy, confusion and mean absolute score error of CV-posting fit."""
    from rolelens.core.job_fit import FitMatcher
    from rolelens.core.job_fit_eval import evaluate_fit

    tax = taxonomy_from(taxonomy)
    matcher = FitMatcher(tax, semantic=semantic_matcher(tax, semantic))
    bands: set[str] = {b.id for b in matcher.cues.fit.bands}
    pairs, skipped = load_pairs(Path(file), bands)
    day = date.fromisoformat(today) if today else date.today()
    report = evaluate_fit(matcher, pairs, today=day)
    if as_json:
        out = report.model_dump(mode="json")
        out["skipped"] = skipped
        typer.echo(json.dumps(out, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{report.n} labelled CV-posting pairs[/] (taxonomy "
                  f"{report.taxonomy_version}, scorer {report.scorer_version})")  # fmt: skip
    summary = Table("band accuracy", "within one band", "MAE vs band centre")
    summary.add_row(
        f"{report.band_accuracy:.3f}", f"{report.adjacent_accuracy:.3f}", f"{report.mae:.3f}"
    )
    console.print(summary)
    table = Table("expected \\ fit", *report.labels, title="confusion (rows: expected)")
    for label, row in zip(report.labels, report.confusion, strict=True):
        table.add_row(label, *(str(v) if v else "·" for v in row))
    console.print(table)
    if report.undetermined:
        console.print(f"{report.undetermined} pair(s) given no band (counted as wrong)")
    if skipped:
        console.print(f"[yellow]{len(skipped)} row(s) skipped as unreadable[/]")
    if errors:
        for p in report.pairs:
            if p.expected != p.predicted:
                console.print(
                    f"{p.id}: expected {p.expected}, fit {p.predicted} ({p.score:.2f}, "
                    f"{p.alignment}, coverage {p.coverage:.2f})"
                )


def load_pairs(path: Path, bands: set[str]) -> tuple[list[Any], list[dict[str, object]]]:
    """The labelled pairs of a JSONL file, and an error record for each unreadable line."""
    from rolelens.batch import parse_row
    from rolelens.core.job_fit_eval import LabelledPair

    if not path.is_file():
        raise typer.BadParameter(f"no such file: {path}")
    pairs: list[LabelledPair] = []
    skipped: list[dict[str, object]] = []
    with path.open("rb") as stream:
        for n, line in enumerate(stream, start=1):
            try:
                row = parse_row(line, text_fields=("cv", "cv_file"))
                data: dict[str, Any] = dict(row.extra)
                band = data.get("band")
                if band not in bands:
                    raise LabelError(f"'band' must be one of {', '.join(sorted(bands))}")
                cv = _text(data, "cv", path.parent, document=True)
                posting = _text(data, "posting", path.parent, document=False)
                title = data.get("posting_title")
                if title is not None and not isinstance(title, str):
                    raise WrongType("'posting_title' must be a string")
                pairs.append(LabelledPair(row.id, cv, posting, str(band), title))
            except (InputError, LabelError) as exc:
                skipped.append({"line": n, "error": exc.to_dict()})
    return pairs, skipped


def _text(data: dict[str, Any], name: str, base: Path, *, document: bool) -> str:
    """A row's text given inline (``name``) or as a file (``name_file``, relative to base)."""
    value = data.get(name)
    if isinstance(value, str):
        return value
    ref = data.get(f"{name}_file")
    if not isinstance(ref, str):
        raise MissingField(f"row needs '{name}' or '{name}_file'")
    path = (base / ref).resolve()
    if not path.is_file():
        raise MissingField(f"'{name}_file' {ref} is not a file")
    try:
        if document:
            from rolelens.io.documents import read_document

            return read_document(path)
        from rolelens.io.text import read_path

        return read_path(path)
    except (OSError, RolelensError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read {ref}: {exc}") from exc


def register(app: typer.Typer) -> None:
    """Add ``match`` to the ``rolelens eval`` group."""
    app.command("match")(match)
