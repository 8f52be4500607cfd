"""``rolelens train scope``: refit the scoper's linear layer on labelled briefs.

Writes a taxonomy file (``--out``) whose ``scoping:`` patch holds only the new fitted layers,
which ``--taxonomy`` layers over the bundled block (cues, facts and the rest stay the bundled
ones, or those of the user's own files below it); ``--splice`` writes the layers
into an existing scoping YAML file instead (how the bundled layers are refreshed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import yaml

from rolelens.cli.common import TaxonomyOption, taxonomy_from
from rolelens.cli.semantic import semantic_matcher
from rolelens.errors import ExtraMissing

if TYPE_CHECKING:
    from rolelens.core.scoping import Scoper
    from rolelens.core.scoping_eval import LabelledBrief
    from rolelens.taxonomy.models.scoping import FitScores, ScopingFit


# a written brief's weight in the fit against a real labelled brief's 1. Chosen by grouped CV
# (mean strict accuracy over three fold seeds) on the dev briefs among 0.25, 0.5 and 1: a
# fitted number; see docs/scoper_model_card.md.
EXTRA_WEIGHT = 1.0

# the fitted layers sit last in scoping.yaml, after this line
SPLICE_MARK = (
    "  # -- fitted layers: written by `rolelens train scope --splice`; do not edit by hand"
)

FoldsOption = typer.Option(5, "--folds", min=2, help="Folds of the grouped cross-validation.")
SeedOption = typer.Option(0, "--seed", help="Seed of the fold assignment.")
FileArgument = typer.Argument(
    ..., exists=True, dir_okay=False, help="Labelled briefs JSONL (id, brief, label, ...)."
)
OutOption = typer.Option(
    None,
    "--out",
    "-o",
    help="Write a taxonomy file holding only the refit layers (a scoping patch) here.",
)
SpliceOption = typer.Option(
    None,
    "--splice",
    exists=True,
    dir_okay=False,
    help="Write the fitted layers into this scoping YAML file (after its marker line).",
)
SemanticFitOption = typer.Option(
    "on",
    "--semantic",
    help="on: also fit the layer with fact similarities (needs the 'semantic' extra); "
    "off: the cue-only layer alone.",
)
ExtraOption = typer.Option(
    None,
    "--extra",
    exists=True,
    dir_okay=False,
    help="Written briefs (same JSONL fields) that join every training fold and the final "
    "fit but are never scored; repeatable. The bundled layers use data/train/*.jsonl.",
)
ExtraWeightOption = typer.Option(
    EXTRA_WEIGHT,
    "--extra-weight",
    min=0.01,
    max=1.0,
    help="Each --extra row's weight in the fit (a labelled row weighs 1).",
)
WordsOption = typer.Option(
    "on",
    "--words",
    help="on: with --extra, also fit a word layer (TF-IDF of words and word pairs, vocabulary "
    "from the --extra briefs only) whose points add to the main layer's; off: the main layer "
    "alone.",
)
L2Option = typer.Option(
    None, "--l2", help="L2 penalty; default: chosen (with the prior scale) by grouped CV."
)
PriorOption = typer.Option(
    0.0, "--prior-scale", help="With --l2: centre the prior on this times the hand-set weights."
)


def labelled_briefs(file: str, known: set[str]) -> tuple[list[LabelledBrief], list[dict[str, Any]]]:
    """Labelled briefs of a JSONL file, grouped by source domain, and the skipped lines (each
    named on stderr); an InputError when the file gives none (empty, CSV, every label
    misspelt), as for postings: a report of zeros, or a fit of nothing, helps no one."""
    from rolelens.batch.scoping import TEXT_FIELDS
    from rolelens.cli.labelled import alternatives, read_labelled
    from rolelens.core.scoping_eval import LabelledBrief, source_group

    labelled, skipped = read_labelled(file, TEXT_FIELDS, known)
    rows = []
    for i, row in enumerate(labelled):
        url = row.extra.get("source_url") or row.extra.get("source")
        rows.append(
            LabelledBrief(
                row.id,
                row.text,
                str(row.extra["label"]),
                tuple(alternatives(row)),
                source_group(url if isinstance(url, str) else None, row.id or f"row-{i}"),
            )
        )
    return rows, skipped


def fit_module() -> Any:
    """:mod:`rolelens.core.scoping_fit`, or an install hint when numpy is missing."""
    try:
        from rolelens.core import scoping_fit
    except ImportError as exc:  # pragma: no cover - numpy comes with the dev install
        raise ExtraMissing(
            "fitting and cross-validating the scoper needs numpy: "
            "pip install 'rolelens[train]' (or [semantic])"
        ) from exc
    return scoping_fit


def register(app: typer.Typer) -> None:
    """Add ``scope`` to the ``rolelens train`` group."""
    app.command("scope")(scope)


def scope(
    file: Path = FileArgument,
    out: Path = OutOption,
    splice: Path = SpliceOption,
    semantic: str = SemanticFitOption,
    l2: float = L2Option,
    prior_scale: float = PriorOption,
    folds: int = FoldsOption,
    seed: int = SeedOption,
    extra: list[Path] = ExtraOption,
    extra_weight: float = ExtraWeightOption,
    words: str = WordsOption,
    taxonomy: list[Path] = TaxonomyOption,
) -> None:
    """Fit the scoper's linear layer (cue-only, and with facts) and report grouped-CV scores."""
    from rolelens.core.scoping import Scoper

    if out is None and splice is None:
        raise typer.BadParameter("give --out FILE or --splice FILE")
    fit = fit_module()
    tax = taxonomy_from(taxonomy)
    assert tax.scoping is not None
    plain = Scoper(tax)
    rows, skipped = labelled_briefs(str(file), set(plain.outcomes))
    written = Written.read(extra or [], set(plain.outcomes), extra_weight)
    if words == "on" and not written.rows:
        typer.echo("no --extra briefs: no word layer (its vocabulary comes from them)", err=True)
    word_data = written.words(fit, rows) if words == "on" else None
    # fitted once, here: the same rows and weights for either layer
    word_layer = None
    if word_data is not None:
        labels = [plain.outcomes.index(r.label) for r in [*rows, *written.rows]]
        weights = [1.0] * len(rows) + [extra_weight] * len(written.rows)
        word_layer = fit.fit_words(
            plain.outcomes, fit.np.array(labels), fit.np.array(weights), word_data
        )
    raw = file.read_bytes()
    today = dt.date.today().isoformat()
    hand = _hand_scores(tax, rows)
    layers: dict[str, ScopingFit] = {}
    penalty = (l2, prior_scale)
    run = (written, (word_data, word_layer), file, raw, today, seed, folds, penalty, hand)
    how = "at the given L2" if l2 is not None else "choosing L2 and prior by grouped CV"
    typer.echo(f"fitting the cue-only layer ({how}) ...", err=True)
    layers["fit"] = _fit(fit, plain, rows, *run)
    if semantic == "on":
        typer.echo(f"fitting the semantic layer ({how}; the slower one) ...", err=True)
        layers["semantic_fit"] = _fit(
            fit, Scoper(tax, semantic=semantic_matcher(tax, "on")), rows, *run
        )
    for name, layer in layers.items():
        p = layer.provenance
        words_note = " + the word layer" if layer.with_words else ""
        typer.echo(
            f"{name}: {p.rows} briefs, l2 {p.l2}{words_note}; grouped {p.folds}-fold CV strict "
            f"{p.cv.strict_accuracy:.3f}, lenient {p.cv.lenient_accuracy:.3f}, macro-F1 "
            f"{p.cv.macro_f1:.3f}; on the rows fitted: strict {p.dev.strict_accuracy:.3f}"
        )
    if written.rows:
        typer.echo(
            f"also trained on {len(written.rows)} written briefs at weight {extra_weight} "
            f"({', '.join(name for name, _, _ in written.files)}), never scored"
        )
    for name, lines in [(str(file), skipped), *written.skipped]:
        if lines:
            typer.echo(f"{name}: {len(lines)} line(s) skipped as unreadable", err=True)
    dumped = {k: v.model_dump(mode="json") for k, v in layers.items()}
    if word_layer is not None:
        dumped["words"] = word_layer.model_dump(mode="json")
        typer.echo(
            f"words: a layer of {len(word_layer.terms)} terms from {word_layer.vocabulary_from}"
        )
    if out is not None:  # a patch: only the layers; cues and the rest merge from below by id
        out.write_text(yaml.safe_dump({"scoping": dumped}, sort_keys=False), encoding="utf-8")
    if splice is not None:
        splice.write_text(spliced(splice.read_text(encoding="utf-8"), dumped), encoding="utf-8")


def spliced(text: str, layers: dict[str, Any]) -> str:
    """A scoping YAML text with everything after the marker line replaced by ``layers``."""
    head = text.split(SPLICE_MARK, 1)[0].rstrip("\n")
    body = yaml.safe_dump(layers, sort_keys=False, width=100, default_flow_style=None)
    indented = "\n".join(("  " + line) if line else line for line in body.splitlines())
    return f"{head}\n\n{SPLICE_MARK}\n{indented}\n"


def _hand_scores(tax: Any, rows: list[LabelledBrief]) -> FitScores:
    """The hand-set cue weights on the same rows (the scoping block without its layers)."""
    from rolelens.core.scoping import Scoper
    from rolelens.core.scoping_eval import evaluate_scoping
    from rolelens.taxonomy.models.scoping import FitScores

    assert tax.scoping is not None
    bare = tax.model_copy(
        update={"scoping": tax.scoping.model_copy(update={"fit": None, "semantic_fit": None})}
    )
    report = evaluate_scoping(Scoper(bare), rows)
    return FitScores(
        n=report.n,
        strict_accuracy=report.strict_accuracy,
        lenient_accuracy=report.lenient_accuracy,
        macro_f1=report.report.macro_f1,
        per_role_f1={o: m.f1 for o, m in report.report.per_role.items()},
    )


@dataclass(frozen=True, slots=True)
class Written:
    """Written briefs that only ever train: their rows, files and skipped lines."""

    rows: list[LabelledBrief]
    files: list[tuple[str, bytes, int]]  # (name, bytes, rows read)
    skipped: list[tuple[str, list[dict[str, Any]]]]
    weight: float = EXTRA_WEIGHT

    @classmethod
    def read(cls, paths: list[Path], known: set[str], weight: float) -> Written:
        """The rows of each file (each row its own group: it is never scored)."""
        rows: list[LabelledBrief] = []
        files: list[tuple[str, bytes, int]] = []
        skipped: list[tuple[str, list[dict[str, Any]]]] = []
        for path in paths:
            got, bad = labelled_briefs(str(path), known)
            rows += got
            files.append((path.name, path.read_bytes(), len(got)))
            skipped.append((str(path), bad))
        return cls(rows, files, skipped, weight)

    def words(self, fit: Any, rows: list[LabelledBrief]) -> Any:
        """Word weights of the labelled rows then these, over a vocabulary from these alone
        (None without written briefs: labelled briefs never bring a term)."""
        if not self.rows:
            return None
        names = ", ".join(name for name, _, _ in self.files)
        return fit.word_data([*rows, *self.rows], [r.text for r in self.rows], names)


def _progress(line: str) -> None:
    """A long refit says how far it has got (on stderr, so --out to stdout stays clean)."""
    typer.echo(f"  {line}", err=True)


def _fit(
    fit: Any, scoper: Scoper, rows: list[LabelledBrief], written: Written,
    words: tuple[Any, Any],
    file: Path, raw: bytes, today: str, seed: int, folds: int,
    penalty: tuple[float | None, float], hand: Any,
) -> ScopingFit:  # fmt: skip
    d = fit.design(scoper, rows, written.rows, written.weight, progress=_progress)
    l2, prior_scale = penalty
    layer: ScopingFit = fit.fit_layer(
        d, file_name=file.name, file_bytes=raw, date=today, seed=seed, k=folds, l2=l2,
        prior_scale=prior_scale, hand_dev=hand, extra_files=written.files, words=words[0],
        word_layer=words[1], progress=_progress,
    )  # fmt: skip
    return layer
