"""``rolelens eval``: score readings against a labelled file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import BaseModel

if TYPE_CHECKING:
    from rich.console import Console

    from rolelens.core.evaluate import ClassificationReport, Intervals
    from rolelens.core.labelled import PostingsEvaluation
    from rolelens.train.fitting import Trained

from rolelens.batch import Row
from rolelens.cli import eval_match
from rolelens.cli.common import TaxonomyOption, taxonomy_from
from rolelens.cli.labelled import read_labelled
from rolelens.cli.semantic import SemanticOption, semantic_matcher
from rolelens.core.reader import PostingReader

app = typer.Typer(help="Measure rolelens on a labelled file.", no_args_is_help=True)


_POSTINGS_FILES = typer.Argument(
    ..., help="Labelled JSONL: id, title, description, label, ... (several are read as one)"
)


ResamplesOption = typer.Option(
    1000,
    "--resamples",
    min=0,
    help="95% bootstrap intervals of the scores from this many redrawn sets of the rows, "
    "seed 0 (0: none; `eval postings --repeat` reports each seed's numbers, their mean and "
    "sd instead): how far each score could move on another set of this size.",
)


@app.command("postings")
def postings(
    files: list[str] = _POSTINGS_FILES,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    taxonomy: list[Path] = TaxonomyOption,
    errors: bool = typer.Option(False, "--errors", help="List the postings read wrongly."),
    semantic: str = SemanticOption,
    cv: int = typer.Option(
        0,
        "--cv",
        help="Cross-validate instead: fit the numbers on k-1 folds (grouped by company) and "
        "read the k-th, beside the hand-set numbers on every row (needs the 'train' extra).",
    ),
    seed: int = typer.Option(0, "--seed", help="With --cv: seed of the fold split."),
    repeat: int = typer.Option(
        1,
        "--repeat",
        min=1,
        help="With --cv: run it R times, with fold seeds --seed, --seed + 1, ..., and report "
        "each run's headline numbers and their mean (one split of a few hundred rows moves "
        "accuracy by a point).",
    ),
    resamples: int = ResamplesOption,
) -> None:
    """Accuracy, macro-F1, per-role P/R/F1, confusion, mismatch P/R, and a title-only baseline."""
    if repeat > 1 and not cv:
        raise typer.BadParameter("--repeat needs --cv", param_hint="--repeat")
    if cv and repeat > 1:
        _repeated(files, taxonomy, cv, range(seed, seed + repeat), as_json)
        return
    if cv:
        _cross_validated(files, taxonomy, cv, seed, as_json, errors, resamples)
        return
    # the evaluation's models are built on import: not on every other command's start
    from rolelens.core.labelled import check_posting_labels, evaluate_postings

    tax = taxonomy_from(taxonomy)
    reader = PostingReader(tax, semantic=semantic_matcher(tax, semantic))
    rows: list[Row] = []
    skipped: list[dict[str, object]] = []
    for file in files:
        part, bad = read_labelled(
            file, ("description", "text"), set(reader.roles), check_posting_labels
        )
        rows += part
        skipped += [{"file": file, **b} for b in bad] if len(files) > 1 else bad
    report = evaluate_postings(reader, rows, resamples=resamples)
    if as_json:
        _echo_json(report, skipped)
        return
    from rich.console import Console

    _print_postings(Console(), report, skipped, errors)


#: The headline numbers ``--repeat`` reports of each run: (key, label).
_HEADLINE = (
    ("accuracy", "accuracy"),
    ("macro_f1", "macro-F1"),
    ("log_loss", "log loss"),
    ("ece", "ECE"),
)

#: The held-out file's mismatch numbers ``--repeat`` reports too: (key, label).
_MISMATCH = (("mismatch_precision", "mismatch precision"), ("mismatch_recall", "mismatch recall"))


def _headline(trained: Trained) -> dict[str, float | None]:
    """A run's cross-validated headline numbers, the accuracy, macro-F1 and ECE of each
    labeller confidence's rows inside the same cross-validation (``accuracy_not_given``:
    rows with no confidence, e.g. a file read twice), and its held-out file's numbers when
    there is one (``holdout_*``: fitted on every other file, read on the last)."""
    prov = trained.fitted.provenance
    out: dict[str, float | None] = {key: getattr(prov.cv, key, None) for key, _ in _HEADLINE}
    for part in trained.cross_validated.by_confidence:
        slug = part.confidence.replace(" ", "_")
        out |= {
            f"accuracy_{slug}": part.accuracy,
            f"macro_f1_{slug}": part.macro_f1,
            f"ece_{slug}": part.ece,
        }
    if prov.holdout is not None:
        out |= {f"holdout_{key}": getattr(prov.holdout, key) for key, _ in _HEADLINE}
        out |= {f"holdout_f1_{role}": f1 for role, f1 in prov.holdout.per_role_f1.items()}
        out |= {f"holdout_{key}": getattr(prov.holdout, key) for key, _ in _MISMATCH}
    return out


def _label(key: str, holdout: str | None) -> str:
    """How the table of ``--repeat`` names one of :func:`_headline`'s keys."""
    labels = dict(_HEADLINE) | dict(_MISMATCH)
    if key.startswith("holdout_f1_"):
        return f"{key.removeprefix('holdout_f1_')} F1 → {holdout}"
    if key.startswith("holdout_"):
        return f"{labels[key.removeprefix('holdout_')]} → {holdout}"
    for name in ("accuracy", "macro_f1", "ece"):
        if key.startswith(f"{name}_") and key not in labels:
            confidence = key.removeprefix(f"{name}_").replace("_", " ")
            return f"{labels[name]}, labeller confidence {confidence}"
    return labels[key]


def _repeated(files: list[str], taxonomy: list[Path], k: int, seeds: range, as_json: bool) -> None:
    """``eval postings --cv K --repeat R``: the cross-validation with R fold seeds, each
    run's headline numbers, their mean and standard deviation."""
    import statistics

    from rolelens.cli.train import fit_files

    runs: list[tuple[int, Trained]] = []
    skipped: list[dict[str, object]] = []
    for seed in seeds:
        trained, skipped = fit_files(files, taxonomy, k, seed, search=True)
        runs.append((seed, trained))
    rows = [{"seed": seed, **_headline(trained)} for seed, trained in runs]
    keys = [key for key in rows[0] if key != "seed"]
    mean: dict[str, float | None] = {}
    sd: dict[str, float | None] = {}
    for key in keys:
        values = [v for r in rows if isinstance(v := r[key], float | int)]
        mean[key] = round(statistics.fmean(values), 4) if values else None
        sd[key] = round(statistics.stdev(values), 4) if len(values) > 1 else None
    holdout = runs[0][1].fitted.provenance.holdout_file
    if as_json:
        out = {
            "folds": k,
            "seeds": list(seeds),
            "holdout_file": holdout,
            "runs": rows,
            "mean": mean,
            "sd": sd,
            "skipped": skipped,
        }
        typer.echo(json.dumps(out, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]fitted numbers, out of fold ({k} folds grouped "
        f"{runs[0][1].grouped_by}), fold seeds {seeds.start}-{seeds.stop - 1}[/]"
    )
    # one row a number, one column a run: a few seeds fit a terminal, eight numbers do not
    table = Table("", *(f"seed {r['seed']}" for r in rows), "mean", "sd")
    for key in keys:
        table.add_row(_label(key, holdout), *(_cell(v.get(key)) for v in (*rows, mean, sd)))
    console.print(table)


def _cell(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float | int) else "–"


def _cross_validated(
    files: list[str],
    taxonomy: list[Path],
    k: int,
    seed: int,
    as_json: bool,
    errors: bool,
    resamples: int,
) -> None:
    """``eval postings --cv K``: the fitting procedure cross-validated, hand-set beside it
    (the fitted columns with bootstrap intervals when ``resamples`` > 0)."""
    from rolelens.cli.train import fit_files, print_comparison

    trained, skipped = fit_files(files, taxonomy, k, seed, search=True, resamples=resamples)
    if as_json:
        out = {
            "folds": k,
            "seed": seed,
            "provenance": trained.fitted.provenance.model_dump(mode="json"),
            "cross_validated": trained.cross_validated.model_dump(mode="json"),
            "hand": trained.hand.model_dump(mode="json"),
            "holdout": trained.holdout.model_dump(mode="json") if trained.holdout else None,
            "warnings": trained.warnings,
            "skipped": skipped,
        }
        typer.echo(json.dumps(out, indent=2))
        return
    from rich.console import Console

    console = Console()
    console.print(f"[bold]fitted numbers, out of fold ({k} folds grouped {trained.grouped_by})[/]")
    _print_postings(console, trained.cross_validated, skipped, errors)
    print_comparison(trained, console)
    if trained.holdout is not None and trained.holdout.intervals is not None:
        holdout = trained.fitted.provenance.holdout_file
        _print_intervals(
            console, f"fitted on the rest, read on {holdout}", trained.holdout.intervals
        )


def _print_postings(
    console: Console, report: PostingsEvaluation, skipped: list[dict[str, object]], errors: bool
) -> None:
    from rich.table import Table

    console.print(f"[bold]{report.n} labelled postings[/] (taxonomy {report.taxonomy_version})")
    summary = Table("reading", "accuracy", "lenient acc.", "macro-F1")
    summary.add_row(
        "by the work", f"{report.work.accuracy:.3f}", f"{report.lenient_accuracy:.3f}",
        f"{report.work.macro_f1:.3f}",
    )  # fmt: skip
    summary.add_row(
        "title only", f"{report.title_only.accuracy:.3f}", "", f"{report.title_only.macro_f1:.3f}"
    )
    console.print(summary)
    _per_role(console, report.work)
    _confusion(console, report.work)
    flags = Table("flag", "precision", "recall", "F1", "TP", "FP", "FN")
    for name, f in (("mismatch", report.mismatch), ("hybrid", report.hybrid)):
        flags.add_row(
            name, f"{f.precision:.3f}", f"{f.recall:.3f}", f"{f.f1:.3f}",
            str(f.true_positive), str(f.false_positive), str(f.false_negative),
        )  # fmt: skip
    console.print(flags)
    c = report.calibration
    console.print(
        f"title role accuracy {report.title_role_accuracy:.3f} · "
        f"calibration: log loss {c.log_loss:.3f}, Brier {c.brier:.3f}, ECE {c.ece:.3f}"
    )
    reliability = Table("top probability", "postings", "mean probability", "right")
    for b in c.reliability:
        reliability.add_row(
            f"{b.low:.1f}–{b.high:.1f}", str(b.n), f"{b.confidence:.3f}", f"{b.accuracy:.3f}"
        )
    console.print(reliability)
    if report.by_confidence:
        slices = Table(
            "labeller confidence", "postings", "accuracy", "lenient acc.", "macro-F1", "ECE"
        )
        for sl in report.by_confidence:
            slices.add_row(
                sl.confidence,
                str(sl.n),
                f"{sl.accuracy:.3f}",
                f"{sl.lenient_accuracy:.3f}",
                f"{sl.macro_f1:.3f}",
                "–" if sl.ece is None else f"{sl.ece:.3f}",
            )
        console.print(slices)
    if report.intervals is not None:
        _print_intervals(console, "these rows", report.intervals)
    for sl in report.by_confidence:
        if sl.intervals is not None:
            _print_intervals(console, f"labeller confidence {sl.confidence}", sl.intervals)
    if skipped:
        console.print(f"[yellow]{len(skipped)} row(s) skipped (each named on stderr)[/]")
    if errors:
        for e in report.errors:
            console.print(
                f"{e.id}: gold {e.gold}, read {e.predicted} ({e.confidence:.2f}) — {e.title}"
            )


EvalExtraOption = typer.Option(
    None,
    "--extra",
    exists=True,
    dir_okay=False,
    help="With --cv: written briefs added to every training fold, never scored, at the "
    "weight the shipped layer was fitted with (as `train scope --extra`); repeatable.",
)


@app.command("scope")
def scope(
    file: str = typer.Argument(
        ..., help="Labelled JSONL: id, brief (or text), label, acceptable_alternatives."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    taxonomy: list[Path] = TaxonomyOption,
    errors: bool = typer.Option(False, "--errors", help="List the briefs scoped wrongly."),
    semantic: str = SemanticOption,
    cv: int = typer.Option(
        0,
        "--cv",
        min=0,
        help="Also refit the scoper's linear layer in K-fold cross-validation "
        "grouped by source (source_url domain) and report it beside the plain score (needs numpy).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the --cv fold assignment."),
    extra: list[Path] = EvalExtraOption,
    resamples: int = ResamplesOption,
) -> None:
    """Strict and lenient accuracy of scoping, per-role P/R/F1 and the confusion matrix."""
    from rolelens.cli.train_scope import EXTRA_WEIGHT, Written, fit_module, labelled_briefs
    from rolelens.core.scoping import Scoper
    from rolelens.core.scoping_eval import evaluate_scoping

    if cv == 1:
        raise typer.BadParameter("--cv needs at least 2 folds")
    tax = taxonomy_from(taxonomy)
    scoper = Scoper(tax, semantic=semantic_matcher(tax, semantic, task="scope"))
    rows, skipped = labelled_briefs(file, set(scoper.outcomes))
    report = evaluate_scoping(scoper, rows, resamples=resamples)
    if cv:
        fit = fit_module()
        layer = scoper.fit
        l2 = layer.provenance.l2 if layer is not None else 0.01
        ps = layer.provenance.prior_scale if layer is not None else 0.0
        shipped = layer.provenance.also_trained_on if layer is not None else []
        weight = shipped[0].weight if shipped else EXTRA_WEIGHT
        if shipped and not extra:
            names = " ".join(f"--extra data/train/{e.file}" for e in shipped)
            typer.echo(
                f"note: the layer in use was also trained on written briefs; this CV refits "
                f"without them (and without its word layer). To refit as it was: {names}",
                err=True,
            )
        written = Written.read(extra or [], set(scoper.outcomes), weight)
        d = fit.design(scoper, rows, written.rows, weight)
        # the word layer is refit too when the shipped one has one and its written briefs
        # are given (its vocabulary comes from them)
        words = written.words(fit, rows) if layer is not None and layer.with_words else None
        scored, intervals = fit.cross_validate_with_intervals(d, l2, cv, seed, ps, words, resamples)
        report = report.model_copy(update={"cv": scored, "cv_intervals": intervals})
    if as_json:
        _echo_json(report, skipped)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{report.n} labelled briefs[/] (taxonomy {report.taxonomy_version}, "
        f"scoper {report.scoper_version})"
    )
    summary = Table("scored", "strict accuracy", "lenient accuracy", "macro-F1")
    import hashlib

    seen = (
        scoper.fit is not None
        and scoper.fit.provenance.sha256
        == hashlib.sha256(Path(file).read_bytes() if file != "-" else b"").hexdigest()
    )
    summary.add_row(
        "as shipped (fitted on these very rows: not a held-out score)" if seen else "as shipped",
        f"{report.strict_accuracy:.3f}",
        f"{report.lenient_accuracy:.3f}",
        f"{report.report.macro_f1:.3f}",
    )
    if report.cv is not None:
        summary.add_row(
            f"grouped {cv}-fold CV (refit per fold)",
            f"{report.cv.strict_accuracy:.3f}",
            f"{report.cv.lenient_accuracy:.3f}",
            f"{report.cv.macro_f1:.3f}",
        )
    console.print(summary)
    _per_role(console, report.report)
    if report.cv is not None:
        per = Table("role", "CV F1", title=f"grouped {cv}-fold CV, per role")
        for role, f1 in report.cv.per_role_f1.items():
            per.add_row(role, f"{f1:.3f}")
        console.print(per)
    _confusion(console, report.report)
    if report.intervals is not None:
        _print_intervals(console, "these briefs", report.intervals)
    if report.cv_intervals is not None:
        _print_intervals(console, f"grouped {cv}-fold CV", report.cv_intervals)
    if report.undetermined:
        console.print(f"{report.undetermined} brief(s) left undetermined (counted as wrong)")
    if skipped:
        console.print(f"[yellow]{len(skipped)} row(s) skipped as unreadable[/]")
    if errors:
        for e in report.errors:
            ok = " (an acceptable alternative)" if e.lenient_ok else ""
            console.print(f"{e.id}: gold {e.gold}, scoped {e.predicted} ({e.confidence:.2f}){ok}")


def _echo_json(report: BaseModel, skipped: list[dict[str, object]]) -> None:
    """Print a report as JSON with the unreadable lines listed under ``skipped``."""
    out = report.model_dump(mode="json")
    out["skipped"] = skipped
    typer.echo(json.dumps(out, indent=2))


def _print_intervals(console: Console, rows: str, intervals: Intervals) -> None:
    """A table of 95% intervals: accuracy, macro-F1, mismatch, each role's F1."""
    from rich.table import Table

    scores = [("accuracy", intervals.accuracy)]
    if intervals.lenient_accuracy is not None:
        scores.append(("lenient accuracy", intervals.lenient_accuracy))
    scores.append(("macro-F1", intervals.macro_f1))
    if intervals.mismatch_precision is not None:
        scores.append(("mismatch precision", intervals.mismatch_precision))
    if intervals.mismatch_recall is not None:
        scores.append(("mismatch recall", intervals.mismatch_recall))
    scores += [(f"F1 {role}", i) for role, i in intervals.per_role_f1.items()]
    table = Table(
        "score",
        "low",
        "high",
        title=f"95% intervals, {rows} ({intervals.resamples} bootstrap resamples, "
        f"seed {intervals.seed})",
    )
    for name, i in scores:
        table.add_row(name, f"{i.low:.3f}", f"{i.high:.3f}")
    console.print(table)


def _per_role(console: Console, report: ClassificationReport) -> None:
    from rich.table import Table

    table = Table("role", "precision", "recall", "F1", "support", "predicted")
    for role, m in report.per_role.items():
        table.add_row(
            role,
            f"{m.precision:.3f}",
            f"{m.recall:.3f}",
            f"{m.f1:.3f}",
            str(m.support),
            str(m.predicted),
        )
    console.print(table)


def _confusion(console: Console, report: ClassificationReport) -> None:
    from rich.table import Table

    short = [_abbrev(lab) for lab in report.labels]
    table = Table("gold \\ read", *short, title="confusion (rows: gold, columns: read)")
    for lab, row in zip(report.labels, report.confusion, strict=True):
        table.add_row(f"{_abbrev(lab)} {lab}", *(str(v) if v else "·" for v in row))
    console.print(table)


def _abbrev(label: str) -> str:
    """A short column header for a role id: initials of its words ("ml_engineer" -> "ME")."""
    return "".join(word[0] for word in label.split("_")).upper()


eval_match.register(app)
