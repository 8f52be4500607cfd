"""The labelled postings and the unlabelled corpora of ../shared, for the tests that check
nothing was learned from labelled text alone (memorisation, the word vocabulary)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator

from conftest import SHARED

GOLD = SHARED / "data" / "gold"
CORPORA = SHARED / "data" / "postings"
LABELLED = [GOLD / "postings_train.jsonl", GOLD / "postings_dev.jsonl"]


def text_key(text: str) -> str:
    """A description with its spaces normalised, hashed: the same text under another id."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()


def posting(row: dict[str, object]) -> str:
    return f"{row.get('title') or ''}\n{row.get('description') or ''}"


def labelled() -> tuple[set[str], set[str], list[str]]:
    """The labelled postings' ids, description keys and texts (title and description)."""
    ids: set[str] = set()
    keys: set[str] = set()
    texts: list[str] = []
    for path in LABELLED:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            ids.add(str(row["id"]))
            keys.add(text_key(str(row.get("description") or "")))
            texts.append(posting(row))
    return ids, keys, texts


def unlabelled(ids: set[str], keys: set[str]) -> Iterator[str]:
    """The texts of the corpora's postings that are not labelled, by id or by text."""
    for path in sorted(CORPORA.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if str(row.get("id")) in ids or text_key(str(row.get("description") or "")) in keys:
                    continue
                yield posting(row)
