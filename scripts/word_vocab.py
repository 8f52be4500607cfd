"""Count the word layer's vocabulary from the unlabelled postings and write
taxonomy/data/words.yaml.

    .venv/bin/python scripts/word_vocab.py [--corpus DIR] [--gold DIR] [--min-df 20]
        [--capitalised 0.9] [--check]

A word is two or more word characters of the folded text (the reader's own fold). The
vocabulary is every word found in at least ``--min-df`` postings of the corpus and in at
most half of them, counted over the postings that are NOT in the labelled files, by id or
by text (so no word enters because a labelled posting holds it); its idf is
``ln((1 + N) / (1 + df)) + 1``.

Left out of it: words made only of digits ("00", "401": pay lines, dates, phone numbers),
and names. A name is a word the corpus writes capitalised: of its occurrences that do not
start a sentence or a line, more than ``--capitalised`` (nine in ten) are written with a
capital first letter and lower case after it ("Sequoia", "Francisco", "Berlin"). A word
written in capitals ("SQL", "AWS", "APIs", "L3") or with a capital inside ("PyTorch",
"GitHub") is not judged a name by that writing: acronyms and product names are. Ordinary
words that job titles and headings capitalise stay below the line ("senior" 0.7, "analyst"
0.8). A word that an evidence alias of the taxonomy uses ("python", "react", "kubernetes",
"spring" of "spring boot") is a tool or technique the reader already names and is always
kept, however it is written.
Only words and document counts are kept, never text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import yaml

from rolelens.core.text import fold
from rolelens.core.text.words import WORD, idf
from rolelens.taxonomy.loader import load_taxonomy

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


#: What ends a sentence or a line between two words: the next word starts one.
SENTENCE_BREAK = re.compile(r"[\n\r.!?:]")


def writings(text: str, folded: str) -> Iterator[tuple[str, bool]]:
    """Each word of the folded text that does not start the text, a sentence or a line, and
    whether the original writes it Title-case: a capital first letter, then only lower case
    (at least one letter), so "Python" is and "SQL", "APIs", "PyTorch", "G2" are not."""
    end = -1
    for m in WORD.finditer(folded):
        start = m.start()
        if end >= 0 and not SENTENCE_BREAK.search(text, end, start):
            written = text[start : m.end()]
            yield m.group(), written[0].isupper() and written[1:].islower()
        end = m.end()


def alias_words() -> set[str]:
    """Every word of every evidence alias of the bundled taxonomy."""
    words: set[str] = set()
    for item in load_taxonomy(fitted=False).evidence:
        for alias in item.aliases:
            words.update(WORD.findall(fold(alias if isinstance(alias, str) else alias.text)))
    return words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "postings")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold")
    parser.add_argument("--min-df", type=int, default=20)
    parser.add_argument(
        "--capitalised",
        type=float,
        default=0.9,
        help="leave out a word when more than this share of its occurrences past a "
        "sentence's start are written Title-case (a name)",
    )
    parser.add_argument("--check", action="store_true", help="print the counts, write nothing")
    args = parser.parse_args()

    skip, keys = labelled(args.gold)
    df: Counter[str] = Counter()
    judged: Counter[str] = Counter()  # occurrences past a sentence's start
    capitalised: Counter[str] = Counter()  # ... of which written Title-case
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
                folded = fold(text)
                df.update(set(WORD.findall(folded)))
                for word, title in writings(text, folded):
                    judged[word] += 1
                    capitalised[word] += title
                n += 1
    counted = {w: c for w, c in df.items() if args.min_df <= c <= n / 2}
    digits = {w for w in counted if w.isdigit()}
    tools = alias_words()
    title_case = {w for w in counted if capitalised[w] > args.capitalised * judged[w]}
    names = title_case - tools  # (a word of digits is never Title-case)
    kept = {w: c for w, c in counted.items() if w not in digits and w not in names}
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
                f"in at least {args.min_df} and at most half of the postings, not made only "
                "of digits, and not a name: a word whose occurrences past a sentence's start "
                f"are more than {args.capitalised:g} Title-case is left out unless an evidence "
                "alias uses it; idf = ln((1 + N) / (1 + df)) + 1",
            },
            "idf": idfs,
        }
    }
    print(f"{n} postings ({left_out} labelled left out), {len(df)} words, {len(idfs)} kept")
    for what, words in (
        ("left out as names", names),
        ("kept as evidence alias words though capitalised", title_case & tools),
        ("left out as made of digits", digits),
    ):
        common = sorted(words, key=lambda w: (-counted[w], w))
        print(f"{what}: {len(words)}, e.g. {' '.join(common[:40])}")
    if not args.check:
        text = HEADER + yaml.safe_dump(block, sort_keys=False, width=100, allow_unicode=True)
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
