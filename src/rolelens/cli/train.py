"""``rolelens train``: fit the reader's numbers on labelled postings (needs the ``train`` extra)."""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rolelens.cli.common import TaxonomyOption
from rolelens.errors import ExtraMissing, InputError, OutputUnwritable

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from rolelens.batch import Row
    from rolelens.core.labelled import PostingsEvaluation, SliceScore
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
    files: list[str],
    taxonomy: list[Path] | None,
    folds: int,
    seed: int,
    search: bool,
    resamples: int = 0,
) -> tuple[Trained, list[dict[str, object]]]:
    """Read the labelled files and run the whole fit (shared by train and eval --cv): the
    finished fit, and a record of each line skipped (its file, line and error);
    ``resamples`` > 0: its out-of-fold and held-out evaluations carry bootstrap intervals."""
    load_training()
    from rolelens.cli.labelled import read_labelled
    from rolelens.core.labelled import check_posting_labels
    from rolelens.taxonomy.loader import load_taxonomy
    from rolelens.train.fitting import TrainOptions, run

    hand = load_taxonomy(taxonomy or [], fitted=False)
    sources: list[tuple[str, list[Row]]] = []
    skipped: list[dict[str, object]] = []
    known = set(hand.role_ids)
    for file in files:
        rows, bad = read_labelled(file, ("description", "text"), known, check_posting_labels)
        if bad:
            typer.echo(f"{file}: {len(bad)} row(s) skipped (named above)", err=True)
        skipped += [{"file": file, **b} for b in bad]
        sources.append((Path(file).name, rows))
    opts = TrainOptions(folds=folds, seed=seed, search_factors=search, resamples=resamples)
    try:
        trained = run(hand, sources, opts, dt.date.today())
    except ValueError as exc:  # too few groups for the folds
        raise InputError(str(exc)) from None
    for warning in trained.warnings:
        if warning not in _WARNED:  # eval --repeat fits several times: said once
            _WARNED.add(warning)
            typer.echo(f"warning: {warning}", err=True)
    return trained, skipped


_WARNED: set[str] = set()  # the fit's warnings already said by this process


FoldsOption = typer.Option(
    5,
    "--folds",
    min=2,
    help="Cross-validation folds (grouped by company; a row without one is its own group).",
)
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
_REPLACE_BUNDLED = typer.Option(
    False,
    "--replace-bundled",
    help="Allow --out to be the package's own fitted numbers (taxonomy/fitted/postings.yaml): "
    "how maintainers refit them (`make fit`).",
)


@app.command("postings")
def postings(
    files: list[str] = _FILES,
    out: Path = _OUT,
    taxonomy: list[Path] = TaxonomyOption,
    folds: int = FoldsOption,
    seed: int = SeedOption,
    search: bool = SearchOption,
    report: Path | None = _REPORT,
    replace_bundled: bool = _REPLACE_BUNDLED,
) -> None:
    """Fit item weights and scorer numbers on labelled postings; write them with provenance.

    The result layers over the hand-set numbers: `rolelens read --taxonomy weights.yaml`.
    With several files, the last is also held out once: fitted on the others, scored on it.
    """
    # said now, not after minutes of fitting
    check_outputs(out, report, [*files, *map(str, taxonomy or [])], replace_bundled)
    trained, skipped = fit_files(files, taxonomy, folds, seed, search)
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
    write_atomically(out, "--out", text)
    if report is not None:
        full = {**trained.model_dump(mode="json"), "skipped": skipped}
        write_atomically(report, "--report", json.dumps(full, indent=2) + "\n")
    from rich.console import Console

    print_comparison(trained, Console(stderr=True))
    typer.echo(f"wrote {out}", err=True)


def check_outputs(out: Path, report: Path | None, inputs: list[str], replace_bundled: bool) -> None:
    """Refuse, before any fitting, outputs that would overwrite an input, each other or the
    package's taxonomy (a usage error), and outputs that cannot be written (OutputUnwritable).

    The package's fitted numbers are replaced only with ``--replace-bundled``, whether the
    package is installed or a source checkout: an editable install is a checkout, so "only
    in site-packages" would not have saved a user's clone from a mistyped ``--out``.
    """
    from rolelens.taxonomy.loader import fitted_path, package_root

    outputs = [("--out", out), *([("--report", report)] if report is not None else [])]
    bundled = fitted_path()
    for flag, path in outputs:
        for given in inputs:
            if given != "-" and same_file(path, Path(given)):
                raise typer.BadParameter(
                    f"{path} is an input file: it would be overwritten", param_hint=flag
                )
        if flag == "--out" and same_file(path, bundled):
            if not replace_bundled:
                raise typer.BadParameter(
                    f"{path} is the package's own fitted numbers; give --replace-bundled to "
                    "replace them, or write yours elsewhere and layer them with --taxonomy",
                    param_hint=flag,
                )
        elif path.resolve().is_relative_to(package_root().resolve()):
            raise typer.BadParameter(
                f"{path} is inside the installed package's taxonomy folder "
                f"({package_root()}); write it elsewhere",
                param_hint=flag,
            )
        writable(flag, path)
    if replace_bundled and not same_file(out, bundled):
        raise typer.BadParameter(
            f"--replace-bundled is for --out {bundled}, not {out}", param_hint="--replace-bundled"
        )
    if report is not None and same_file(out, report):
        raise typer.BadParameter("--out and --report are the same file", param_hint="--report")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, relative parts, hard links)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return False


def writable(flag: str, path: Path) -> None:
    """Nothing when a file can be written at ``path``; else OutputUnwritable saying why."""
    if path.is_dir():
        raise OutputUnwritable(f"{flag} {path} is a folder: give a file name in it")
    parent = path.parent
    if not parent.is_dir():
        raise OutputUnwritable(f"{flag} {path}: no such folder: {parent}")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputUnwritable(f"{flag} {path} cannot be written: permission denied")


def write_atomically(path: Path, flag: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (:func:`rolelens.io.atomic.write_atomic`);
    OutputUnwritable when the disk says no."""
    from rolelens.io.atomic import write_atomic

    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise OutputUnwritable(f"{flag} {path} cannot be written: {exc.strerror or exc}") from exc


def _f1(role: str, evaluation: PostingsEvaluation) -> float:
    return evaluation.work.per_role[role].f1


def _confidences(evaluations: list[PostingsEvaluation]) -> list[str]:
    """The labeller confidences any of the evaluations reports, in the order first seen."""
    seen: list[str] = []
    for e in evaluations:
        seen += [s.confidence for s in e.by_confidence if s.confidence not in seen]
    return seen


def _slice_accuracy(s: SliceScore) -> str:
    return f"{s.accuracy:.3f} ({s.n})"


def _slice_ece(s: SliceScore) -> str | None:
    return None if s.ece is None else f"{s.ece:.3f}"


def _slice_cell(
    evaluation: PostingsEvaluation, confidence: str, show: Callable[[SliceScore], str | None]
) -> str:
    """One labeller confidence's number in one evaluation, or a dash when it has none."""
    for s in evaluation.by_confidence:
        if s.confidence == confidence:
            return show(s) or "–"
    return "–"


def print_comparison(trained: Trained, console: Console) -> None:
    """Hand-set vs fitted, cross-validated (and on the held-out file), as one table."""
    from rich.table import Table

    p = trained.fitted.provenance
    console.print(
        f"[bold]{p.rows} labelled postings[/] ({', '.join(p.fitted_on)}), "
        f"{int(p.settings.get('folds', 0))}-fold cross-validation grouped {trained.grouped_by}, "
        f"seed {p.seed}"
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
    confidences = _confidences([e for _, e in cols])
    for label, show in (("accuracy", _slice_accuracy), ("ECE", _slice_ece)):
        for confidence in confidences:
            table.add_row(
                f"{label}, labeller confidence {confidence}",
                *(_slice_cell(e, confidence, show) for _, e in cols),
            )
    console.print(table)
