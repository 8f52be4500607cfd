"""Count the word layer's vocabulary from the unlabelled postings and write
taxonomy/data/words.yaml.

    .venv/bin/python scripts/word_vocab.py [--corpus DIR] [--gold DIR] [--min-df 20] [--check]

A word is two or more word characters of the folded text (the reader's own fold). The
vocabulary is every word found in at least ``--min-df`` postings of the corpus and in at
most half of them, counted over the postings that are NOT in the labelled files, by id or
by text (so no word enters because a labelled posting holds it); its idf is
``ln((1 + N) / (1 + df)) + 1``.
Only words and document counts are kept, never text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import yaml

from rolelens.core.text import fold
from rolelens.core.text.words import WORD, idf

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "rolelens" / "taxonomy" / "data" / "words.yaml"
HEADER = """\
# The word layer's vocabulary: words of the unlabelled job postings and their idf.
# Written by scripts/word_vocab.py (see `counted`); refit the reader after changing it.
"""


def text_key(text: str) -> str:
    """A posting's description, spaces normalised, hashed (the same text under another id)."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()


def labelled(gold: Path) -> tuple[set[str], set[str]]:
    """The ids and description keys of the labelled postings."""
    ids: set[str] = set()
    keys: set[str] = set()
    for path in sorted(gold.glob("postings_*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            ids.add(str(row["id"]))
            keys.add(text_key(str(row.get("description") or "")))
    return ids, keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "postings")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold")
    parser.add_argument("--min-df", type=int, default=20)
    parser.add_argument("--check", action="store_true", help="print the counts, write nothing")
    args = parser.parse_args()

    skip, keys = labelled(args.gold)
    df: Counter[str] = Counter()
    n = left_out = 0
    files = sorted(args.corpus.glob("*.jsonl.gz"))
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                description = str(row.get("description") or "")
                if row.get("id") in skip or text_key(description) in keys:
                    left_out += 1
                    continue
                text = f"{row.get('title') or ''}\n{description}"
                df.update(set(WORD.findall(fold(text))))
                n += 1
    kept = {w: c for w, c in df.items() if args.min_df <= c <= n / 2}
    idfs = {w: round(idf(c, n), 4) for w, c in sorted(kept.items())}
    block = {
        "words": {
            "counted": {
                "corpus": [p.name for p in files],
                "postings": n,
                "labelled_left_out": left_out,
                "min_postings": args.min_df,
                "max_share": 0.5,
                "method": "a word: two or more word characters of the folded text; kept when "
                f"in at least {args.min_df} and at most half of the postings; "
                "idf = ln((1 + N) / (1 + df)) + 1",
            },
            "idf": idfs,
        }
    }
    print(f"{n} postings ({left_out} labelled left out), {len(df)} words, {len(idfs)} kept")
    if not args.check:
        text = HEADER + yaml.safe_dump(block, sort_keys=False, width=100, allow_unicode=True)
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
