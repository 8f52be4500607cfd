"""Fit the scorer's softmax temperature on a labelled file and print the calibration it gives.

    python bench/calibrate.py ../shared/data/gold/postings_dev.jsonl

Temperature only rescales points, so the top role (and accuracy) never changes; it decides
how far the probabilities can be taken at face value. The shipped temperature is fitted with the
other numbers by ``rolelens train postings`` (on out-of-fold points, grouped by company); this
script only inspects one labelled file with the taxonomy as it is. Cross-validated (5 folds)
so the reported log loss is out of sample.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from rolelens.core.reader import PostingReader
from rolelens.core.scoring import softmax
from rolelens.taxonomy.loader import load_taxonomy

GRID = [round(0.5 + 0.1 * i, 1) for i in range(36)]


def log_loss(rows: list[tuple[list[float], int]], t: float) -> float:
    return -sum(math.log(max(softmax(p, t)[g], 1e-9)) for p, g in rows) / len(rows)


def ece(rows: list[tuple[list[float], int]], t: float, bins: int = 10) -> float:
    binned: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, g in rows:
        probs = softmax(p, t)
        top = max(range(len(probs)), key=probs.__getitem__)
        binned[min(bins - 1, int(probs[top] * bins))].append((probs[top], top == g))
    return sum(
        len(b) / len(rows) * abs(sum(c for c, _ in b) / len(b) - sum(ok for _, ok in b) / len(b))
        for b in binned
        if b
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", type=Path)
    args = parser.parse_args()
    if not args.labelled.exists():
        print(f"{args.labelled} is missing (is ../shared beside the project?)")
        return 0
    reader = PostingReader(load_taxonomy())
    roles = reader.roles
    rows: list[tuple[list[float], int]] = []
    for line in args.labelled.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        reading = reader.read(obj["description"], title=obj.get("title"))
        rows.append(([reading.points[r] for r in roles], roles.index(obj["label"])))
    folds = [rows[i::5] for i in range(5)]
    out_of_sample = []
    for k, test in enumerate(folds):
        train = [r for j, f in enumerate(folds) if j != k for r in f]
        best = min(GRID, key=lambda t: log_loss(train, t))
        out_of_sample.append((best, log_loss(test, best), len(test)))
    cv_loss = sum(loss * n for _, loss, n in out_of_sample) / len(rows)
    best_all = min(GRID, key=lambda t: log_loss(rows, t))
    current = reader.taxonomy.scoring.temperature
    print(f"{len(rows)} labelled postings")
    print(
        f"current temperature {current}: "
        f"log loss {log_loss(rows, current):.3f}, ECE {ece(rows, current):.3f}"
    )
    print(
        f"best temperature {best_all}: "
        f"log loss {log_loss(rows, best_all):.3f}, ECE {ece(rows, best_all):.3f}"
    )
    print(
        f"5-fold out-of-sample log loss {cv_loss:.3f} "
        f"(fold temperatures {[b for b, _, _ in out_of_sample]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
