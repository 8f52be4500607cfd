"""Fit the reader's verdict thresholds on labelled postings and write taxonomy/data/verdicts.yaml.

    .venv/bin/python scripts/fit_verdicts.py [--train FILE] [--dev FILE] [--seeds 0 1 2] [--check]

Every posting is read OUT OF FOLD: the reader's numbers (weights, word layer, temperature)
are fitted on train + dev as `rolelens train postings` fits them, and each posting is read
with numbers fitted on the folds without it (5 folds grouped by company, seeded). A reading
made with numbers fitted on its own row is surer than any reading of a new posting, so
thresholds fitted on such readings would be set for a reader that does not exist.

Each posting is read once per fold seed (three by default) and the thresholds are fitted on
all those readings together: which folds a posting fell in moves its out-of-fold reading a
little, and a threshold chosen on one seed's readings moved with it (the work margin sat on
a flat stretch where one seed chose 0.4 and another 0.5).

* undetermined: ``min_evidence`` and ``min_prose`` are the largest values on a fixed grid
  that turn away at most 0.5% of the real postings in the train file (no labelled junk
  exists to fit on, so the floor is set by what it costs real postings);
* mismatch: ``min_margin`` is the margin on a fixed grid with the best F1 on the train
  file's readings; reported beside 5-fold cross-validation of the margin grouped by company
  (seeded) and the dev file (its readings out of fold, the margin not fitted on it).
  ``work_margin`` (how far the work alone, without the title's prior, must lead the title's
  role for the reading to follow the work; work that reads a role the title's role
  specialises never does) is then fitted the same way, given ``min_margin``; the dev file's
  accuracy with and without it is reported too;
* hybrid: ``min_share`` (the smaller side's share of the evidence for model building and
  LLM integration) is fitted the same way on the train file's ``hybrid`` labels.

Readings are made with the verdicts block switched off. ``--check`` prints the fit without
writing; ``--hand-set`` reads with the hand-set numbers instead (nothing fitted, nothing out
of fold).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import yaml

from rolelens.cli.labelled import labelled_rows
from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.core.verdicts import (
    HybridCase,
    MismatchCase,
    cross_validate,
    cross_validate_hybrid,
    evidence_points,
    fit_floor,
    fit_min_margin,
    fit_min_share,
    fit_work_margin,
    flag_scores,
    hybrid_flags,
    mismatch_flags,
    prose_share,
    read_role,
    sha256_of,
    work_alone,
    work_flags,
)
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models.verdicts import (
    HybridSettings,
    MismatchSettings,
    UndeterminedSettings,
    VerdictFit,
    VerdictSettings,
)
from rolelens.train.fitting import TrainOptions, run

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "gold"
OUT = ROOT / "src" / "rolelens" / "taxonomy" / "data" / "verdicts.yaml"
MAX_TURNED_AWAY = 0.005
EVIDENCE_GRID = [round(0.25 * i, 2) for i in range(13)]  # 0 .. 3 points
PROSE_GRID = [round(0.05 * i, 2) for i in range(11)]  # 0 .. 0.5
HEADER = """\
# When a reading flags a title-vs-work mismatch, and when it declines to name a role.
# Written by scripts/fit_verdicts.py from labelled postings (see `fitted`); do not edit
# the numbers by hand, refit them: .venv/bin/python scripts/fit_verdicts.py
"""


def _or_never(margin: float | None) -> float:
    """A work margin as a number: None (the work never decides) is 1.0, which no margin of
    probability reaches."""
    return 1.0 if margin is None else margin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=GOLD / "postings_train.jsonl")
    parser.add_argument("--dev", type=Path, default=GOLD / "postings_dev.jsonl")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0, 1, 2],
        help="fold seeds to read out of fold with; the first also seeds the CV of the margins",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="print the fit, write nothing")
    parser.add_argument(
        "--hand-set",
        action="store_true",
        help="read with the hand-set numbers (in sample), not numbers fitted out of fold",
    )
    args = parser.parse_args()

    base = load_taxonomy(fitted=False).model_copy(update={"verdicts": VerdictSettings()})
    known = set(base.role_ids)
    sources = []
    for path in (args.train, args.dev):
        rows, skipped = labelled_rows(str(path), ("description", "text"), known)
        if skipped:
            raise SystemExit(f"{path}: {len(skipped)} unreadable row(s)")
        sources.append((path.name, rows))
    seed = args.seeds[0]
    passes: list[tuple[list[Reading], list[tuple[float, float]]]] = []
    if args.hand_set:
        weights = "hand-set numbers, read in sample"
        reader = PostingReader(base)
        readings = [
            reader.read(r.text, title=r.title, id=r.id, company=r.company)
            for _, rows in sources
            for r in rows
        ]
        passes.append(
            (readings, [(base.scoring.title_weight, base.scoring.temperature)] * len(readings))
        )
    else:
        seeds = ", ".join(str(s) for s in args.seeds)
        weights = (
            f"numbers fitted out of fold ({args.folds}-fold grouped by company, "
            f"fold seeds {seeds}, every posting read once a seed)"
        )
        for fold_seed in args.seeds:
            trained = run(
                base, sources, TrainOptions(folds=args.folds, seed=fold_seed), dt.date.today()
            )
            passes.append((trained.out_of_fold, trained.read_with))

    shares = PostingReader(base)  # what the hybrid flag compares, of each reading

    def parents_of(role: str | None) -> tuple[str, ...]:
        """The roles ``role`` specialises (work reading them does not contradict its title)."""
        spec = base.scoring.specialisations.get(role) if role is not None else None
        return tuple(spec.parents) if spec else ()

    def hybrid(at: int) -> list[HybridCase]:
        """The hybrid cases of source ``at``'s rows, one a pass (a reading with no role is
        none)."""
        start = sum(len(rows) for _, rows in sources[:at])
        out = []
        for readings, _ in passes:
            for row, reading in zip(sources[at][1], readings[start:], strict=False):
                found = None
                if reading.undetermined_reason is None:
                    found = shares.hybrid_share(reading.evidence, reading.role)
                gold = bool(row.extra.get("hybrid"))
                out.append(
                    HybridCase(found[2] if found else None, gold, str(row.company or row.id))
                )
        return out

    def read(at: int) -> tuple[list[MismatchCase], list[float], list[float]]:
        """The cases, evidence points and prose shares of source ``at``'s rows, one a pass."""
        cases, points, prose = [], [], []
        start = sum(len(rows) for _, rows in sources[:at])
        for readings, read_with in passes:
            for i, row in enumerate(sources[at][1]):
                reading = readings[start + i]
                points.append(evidence_points(ev.contributions for ev in reading.evidence))
                prose.append(prose_share(row.text))
                roles = list(reading.points)
                work = None
                if reading.title_role in reading.points:
                    title_weight, temperature = read_with[start + i]
                    _, alone = work_alone(
                        [reading.points[r] for r in roles],
                        roles.index(reading.title_role),
                        title_weight,
                        temperature,
                    )
                    work = dict(zip(roles, alone, strict=True))
                cases.append(
                    MismatchCase(
                        scores=reading.scores,
                        role=reading.role,
                        title_role=reading.title_role,
                        gold=bool(row.extra["mismatch"]),
                        group=str(row.company or row.id),
                        work_scores=work,
                        label=str(row.extra["label"]),
                        title_parents=parents_of(reading.title_role),
                    )
                )
        return cases, points, prose

    train, train_points, train_prose = read(0)
    dev, dev_points, dev_prose = read(1)
    min_evidence = fit_floor(train_points, MAX_TURNED_AWAY, EVIDENCE_GRID)
    min_prose = fit_floor(train_prose, MAX_TURNED_AWAY, PROSE_GRID)

    def kept(cases: list[MismatchCase], pts: list[float], pr: list[float]) -> list[MismatchCase]:
        return [
            c
            for c, p, q in zip(cases, pts, pr, strict=True)
            if p >= min_evidence and q >= min_prose
        ]

    train_kept = kept(train, train_points, train_prose)
    dev_kept = kept(dev, dev_points, dev_prose)
    margin, fit_scores = fit_min_margin(train_kept)
    cv = cross_validate(train_kept, args.folds, seed)
    on_dev = flag_scores([c.gold for c in dev_kept], mismatch_flags(dev_kept, margin))
    before_dev = flag_scores([c.gold for c in dev_kept], mismatch_flags(dev_kept, 0.0))
    work_margin, work_scores = fit_work_margin(train_kept, margin)
    never = _or_never(work_margin)
    work_cv = cross_validate(
        train_kept,
        args.folds,
        seed,
        fit=lambda cs: _or_never(fit_work_margin(cs, margin)[0]),
        flags=lambda cs, m: work_flags(cs, m, margin),
    )
    work_dev = flag_scores([c.gold for c in dev_kept], work_flags(dev_kept, never, margin))

    def accuracy(cases: list[MismatchCase], work: float | None) -> float:
        return round(sum(read_role(c, work) == c.label for c in cases) / len(cases), 4)

    train_hybrid, dev_hybrid = hybrid(0), hybrid(1)
    min_share, share_scores = fit_min_share(train_hybrid)
    share_cv = cross_validate_hybrid(train_hybrid, args.folds, seed)
    hand_share = base.scoring.hybrid_min_share
    share_dev = flag_scores([c.gold for c in dev_hybrid], hybrid_flags(dev_hybrid, min_share))
    hand_dev = flag_scores([c.gold for c in dev_hybrid], hybrid_flags(dev_hybrid, hand_share))
    scores = {
        "mismatch_train_precision": fit_scores.precision,
        "mismatch_train_recall": fit_scores.recall,
        "mismatch_cv_precision": cv.precision,
        "mismatch_cv_recall": cv.recall,
        "mismatch_dev_precision": on_dev.precision,
        "mismatch_dev_recall": on_dev.recall,
        "mismatch_dev_precision_at_0": before_dev.precision,
        "mismatch_dev_recall_at_0": before_dev.recall,
        "work_margin_train_precision": work_scores.precision,
        "work_margin_train_recall": work_scores.recall,
        "work_margin_cv_precision": work_cv.precision,
        "work_margin_cv_recall": work_cv.recall,
        "work_margin_dev_precision": work_dev.precision,
        "work_margin_dev_recall": work_dev.recall,
        "work_margin_dev_accuracy": accuracy(dev, work_margin),
        "work_margin_dev_accuracy_without": accuracy(dev, None),
        "work_margin_train_accuracy": accuracy(train, work_margin),
        "work_margin_train_accuracy_without": accuracy(train, None),
        "hybrid_train_precision": share_scores.precision,
        "hybrid_train_recall": share_scores.recall,
        "hybrid_cv_precision": share_cv.precision,
        "hybrid_cv_recall": share_cv.recall,
        "hybrid_dev_precision": share_dev.precision,
        "hybrid_dev_recall": share_dev.recall,
        "hybrid_dev_precision_hand_set": hand_dev.precision,
        "hybrid_dev_recall_hand_set": hand_dev.recall,
        "undetermined_train_share": round(1 - len(train_kept) / len(train), 4),
        "undetermined_dev_share": round(1 - len(dev_kept) / len(dev), 4),
    }
    files = [args.train, args.dev]
    fit = VerdictFit(
        fitted_on=[args.train.name],
        rows=len(sources[0][1]),
        sha256=sha256_of(p.read_bytes() for p in files[:1]),
        date=dt.date.today(),
        seed=seed,
        seeds=[] if args.hand_set else list(args.seeds),
        method=(
            f"min_evidence, min_prose: largest on a fixed grid turning away <= "
            f"{MAX_TURNED_AWAY:.1%} of train postings; min_margin: best F1 on train over "
            f"0..0.6 step 0.05 (readings by taxonomy {base.version}, {weights}); "
            f"cv: {args.folds}-fold grouped by company, seed {seed}; "
            f"dev: {args.dev.name}, the margin not fitted on it; work_margin: best mismatch F1 "
            f"on train over 0..1 step 0.05 (1: never) given min_margin, the same way; "
            f"hybrid min_share: best F1 "
            f"on train over 0.2..0.5 step 0.025 (hand-set {hand_share:g}), the same way"
        ),
        scores=scores,
    )
    settings = VerdictSettings(
        mismatch=MismatchSettings(min_margin=margin, work_margin=work_margin),
        undetermined=UndeterminedSettings(min_evidence=min_evidence, min_prose=min_prose),
        hybrid=HybridSettings(min_share=min_share),
        fitted=fit,
    )
    block = {"verdicts": settings.model_dump(mode="json")}
    text = HEADER + yaml.safe_dump(block, sort_keys=False, width=100, allow_unicode=True)
    print(text)
    if not args.check:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
