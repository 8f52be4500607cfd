"""``rolelens train``: fit the reader's numbers on labelled postings (needs the ``train`` extra)."""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rolelens.cli.common import TaxonomyOption
from rolelens.errors import ExtraMissing, InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from rolelens.batch import Row
    from rolelens.core.labelled import PostingsEvaluation
    from rolelens.train.fitting import Trained

app = typer.Typer(help="Fit the reader's numbers on labelled data.", no_args_is_help=True)

_HEADER = """\
# Numbers fitted by `rolelens train postings` on labelled postings: evidence items' role
# weights and scorer settings, layered over the hand-set ones (`--taxonomy THIS_FILE`).
# The vocabulary (items, aliases, cues) is not fitted. `provenance` says what the numbers
# were fitted on (rows, sha256 of the rows, date, seed), how, and how well the reader did
# with them under grouped cross-validation, beside the hand-set numbers on the same rows.
"""


def load_training() -> None:
    """Import the fitting code, or say which extra it needs."""
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as exc:
        raise ExtraMissing(
            f"fitting needs the 'train' extra ({exc.name} is missing): "
            "pip install 'rolelens[train]'"
        ) from None


def fit_files(
    files: list[str], taxonomy: list[Path] | None, folds: int, seed: int, search: bool
) -> Trained:
    """Read the labelled files and run the whole fit (shared by train and eval --cv)."""
    load_training()
    from rolelens.cli.labelled import labelled_rows
    from rolelens.taxonomy.loader import load_taxonomy
    from rolelens.train.fitting import TrainOptions, run

    hand = load_taxonomy(taxonomy or [], fitted=False)
    sources: list[tuple[str, list[Row]]] = []
    known = set(hand.role_ids)
    for file in files:
        rows, skipped = labelled_rows(file, ("description", "text"), known)
        if skipped:
            typer.echo(f"{file}: {len(skipped)} row(s) skipped as unreadable", err=True)
        sources.append((Path(file).name, rows))
    opts = TrainOptions(folds=folds, seed=seed, search_factors=search)
    try:
        return run(hand, sources, opts, dt.date.today())
    except ValueError as exc:  # too few groups for the folds
        raise InputError(str(exc)) from None


FoldsOption = typer.Option(5, "--folds", min=2, help="Cross-validation folds (grouped by company).")
SeedOption = typer.Option(0, "--seed", help="Seed of the fold split.")
SearchOption = typer.Option(
    True, "--search/--no-search", help="Search the mention factors (section weights, ...) too."
)


_FILES = typer.Argument(
    ..., help="Labelled JSONL files: id, title, company, description, label, ..."
)
_REPORT = typer.Option(
    None,
    "--report",
    help="Also write the full evaluations (cross-validated, hand-set, held-out) as JSON here.",
)
_OUT = typer.Option(..., "--out", "-o", help="Where to write the fitted numbers (YAML).")


@app.command("postings")
def postings(
    files: list[str] = _FILES,
    out: Path = _OUT,
    taxonomy: list[Path] = TaxonomyOption,
    folds: int = FoldsOption,
    seed: int = SeedOption,
    search: bool = SearchOption,
    report: Path | None = _REPORT,
) -> None:
    """Fit item weights and scorer numbers on labelled postings; write them with provenance.

    The result layers over the hand-set numbers: `rolelens read --taxonomy weights.yaml`.
    With several files, the last is also held out once: fitted on the others, scored on it.
    """
    if not out.parent.is_dir():  # say so now, not after minutes of fitting
        raise typer.BadParameter(f"no such folder: {out.parent}", param_hint="--out")
    trained = fit_files(files, taxonomy, folds, seed, search)
    import yaml

    class Dumper(yaml.SafeDumper):
        """Lists of numbers on one line: a word's points per role are one row."""

    def numbers_inline(dumper: yaml.SafeDumper, data: list[object]) -> yaml.Node:
        flow = bool(data) and all(isinstance(x, int | float) for x in data)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    Dumper.add_representer(list, numbers_inline)
    doc = {"fitted": trained.fitted.model_dump(mode="json", exclude_none=True)}
    made = " ".join(["rolelens train postings", *(Path(f).name for f in files)])
    flags = f"--folds {folds} --seed {seed}" + ("" if search else " --no-search")
    text = (
        _HEADER
        + f"# Made by: {made} {flags}\n"
        + yaml.dump(doc, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    )
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    if report is not None:
        report.write_text(trained.model_dump_json(indent=2) + "\n", encoding="utf-8")
    from rich.console import Console

    print_comparison(trained, Console(stderr=True))
    typer.echo(f"wrote {out}", err=True)


def _f1(role: str, evaluation: PostingsEvaluation) -> float:
    return evaluation.work.per_role[role].f1


def _confidences(evaluations: list[PostingsEvaluation]) -> list[str]:
    """The labeller confidences any of the evaluations reports, in the order first seen."""
    seen: list[str] = []
    for e in evaluations:
        seen += [s.confidence for s in e.by_confidence if s.confidence not in seen]
    return seen


def _slice_accuracy(evaluation: PostingsEvaluation, confidence: str) -> str:
    for s in evaluation.by_confidence:
        if s.confidence == confidence:
            return f"{s.accuracy:.3f} ({s.n})"
    return "–"


def print_comparison(trained: Trained, console: Console) -> None:
    """Hand-set vs fitted, cross-validated (and on the held-out file), as one table."""
    from rich.table import Table

    p = trained.fitted.provenance
    console.print(
        f"[bold]{p.rows} labelled postings[/] ({', '.join(p.fitted_on)}), "
        f"{int(p.settings.get('folds', 0))}-fold cross-validation grouped by company, seed {p.seed}"
    )
    cols = [("hand-set, all rows", trained.hand), ("fitted, out of fold", trained.cross_validated)]
    if trained.holdout is not None and trained.hand_holdout is not None:
        cols += [
            (f"hand-set, {p.holdout_file}", trained.hand_holdout),
            (f"fitted on the rest, {p.holdout_file}", trained.holdout),
        ]
    table = Table("", *(name for name, _ in cols))
    rows: list[tuple[str, Callable[[PostingsEvaluation], float]]] = [
        ("accuracy", lambda e: e.work.accuracy),
        ("lenient accuracy", lambda e: e.lenient_accuracy),
        ("macro-F1", lambda e: e.work.macro_f1),
        *(
            (f"F1 {role}", partial(_f1, role))
            for role in trained.hand.work.labels
            if trained.hand.work.per_role[role].support
        ),
        ("log loss", lambda e: e.calibration.log_loss),
        ("ECE", lambda e: e.calibration.ece),
        ("mismatch precision", lambda e: e.mismatch.precision),
        ("mismatch recall", lambda e: e.mismatch.recall),
        ("title-role accuracy", lambda e: e.title_role_accuracy),
    ]
    for name, get in rows:
        table.add_row(name, *(f"{get(e):.3f}" for _, e in cols))
    for confidence in _confidences([e for _, e in cols]):
        table.add_row(
            f"accuracy, labeller confidence {confidence}",
            *(_slice_accuracy(e, confidence) for _, e in cols),
        )
    console.print(table)
