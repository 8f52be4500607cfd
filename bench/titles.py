"""Title-role agreement of the title rules with the labelled postings (train + dev).

    .venv/bin/python bench/titles.py [--errors N]

Reads ../shared/data/gold/postings_{train,dev}.jsonl; prints agreement per file and the
disagreements grouped by (gold, read). Uses rolelens.core.titles.title_agreement.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from rolelens.core.titles import TitleRules, title_agreement
from rolelens.taxonomy.loader import load_taxonomy

GOLD = Path(__file__).resolve().parents[2] / "shared" / "data" / "gold"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="show up to N titles per kind")
    args = parser.parse_args()
    rules = TitleRules(load_taxonomy().titles)
    total_hits = total_n = 0
    for name in ("train", "dev"):
        path = GOLD / f"postings_{name}.jsonl"
        if not path.exists():
            print(f"{path} is missing: ../shared is not beside this clone", file=sys.stderr)
            return 1
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        share, n, misses = title_agreement(rules, ((r["title"], r["title_role"]) for r in rows))
        total_hits += n - len(misses)
        total_n += n
        print(f"{name}: title-role agreement {share:.4f} ({n - len(misses)}/{n})")
        if args.errors:
            kinds: dict[tuple[str, str], list[str]] = defaultdict(list)
            for title, gold, read in misses:
                kinds[(gold, read)].append(title)
            for (gold, read), titles in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
                print(f"  gold {gold} / read {read}: {len(titles)}")
                for t in titles[: args.errors]:
                    print(f"      {t[:140]}")
    print(f"train+dev: title-role agreement {total_hits / total_n:.4f} ({total_hits}/{total_n})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
