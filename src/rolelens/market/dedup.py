"""Duplicate postings: exact copies and near-identical ads of one employer.

A posting is an **exact** duplicate of an earlier one when both have the same employer
(or both none) and the same description once case, punctuation and spacing are ignored. It
is a **near** duplicate when the employer is the same (and known) and the descriptions'
word 5-gram sets have an estimated Jaccard similarity of at least :data:`THRESHOLD`
(MinHash signatures and LSH from ``datasketch``, over CRC-32 hashes of the 5-grams). Each
duplicate points at the first posting of its group in input order, which is kept; so the
result depends only on the rows and their order, and a resumed or re-run job finds the
same duplicates.
"""

from __future__ import annotations

import hashlib
import string
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rolelens.io.corpus import CorpusRow

EXACT = "exact"
NEAR = "near"
THRESHOLD = 0.9
# LSH finds candidates from a lower similarity, so few pairs at the threshold are missed;
# each candidate's estimated similarity must still reach THRESHOLD
_CANDIDATES = 0.75
NUM_PERM = 128
SHINGLE = 5
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A row left out as a copy: the row it copies (kept) and how ('exact' or 'near')."""

    of: int
    kind: str


# ASCII punctuation reads as a space: "Python," and "python" are one word (a bytes table:
# str.translate with a dict costs a lookup per character)
_PUNCTUATION = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
# An odd multiplier (invertible modulo 2**64) for the words' polynomial hashes.
_P = 1_099_511_628_211
_P_INVERSE = pow(_P, -1, 2**64)


def _norm(text: str | None) -> bytes:
    """The text lower-cased, punctuation and runs of spaces made one space (UTF-8)."""
    if not text:
        return b""
    return b" ".join(text.lower().encode().translate(_PUNCTUATION).split())


def _word_codes(text: bytes) -> Any:
    """A 64-bit hash of each word of a normalised text, all at once from prefix sums."""
    import numpy as np

    data = np.frombuffer(text, np.uint8).astype(np.uint64)
    size = len(data)
    powers = np.cumprod(np.full(size, _P, np.uint64))  # P**1 .. P**size, wrapping
    inverse = np.concatenate(([np.uint64(1)], np.cumprod(np.full(size, _P_INVERSE, np.uint64))))
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(data * powers)))
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [size]))
    # sum of byte * P**(j + 1 - start) over a word: the same for the word wherever it stands
    return (prefix[ends] - prefix[starts]) * inverse[starts]


def shingles(text: bytes) -> list[int]:
    """32-bit hashes of the distinct word 5-grams of a normalised text (one hash of the whole
    text when it is shorter), sorted. Deterministic across processes (no ``hash()``)."""
    import numpy as np

    count = text.count(b" ") + 1 if text else 0
    if count <= SHINGLE:
        return [zlib.crc32(text)]
    codes = _word_codes(text)
    n = count - SHINGLE + 1
    grams = np.zeros(n, np.uint64)
    for k in range(SHINGLE):  # a polynomial hash of each 5-gram, wrapping in 64 bits
        grams = grams * np.uint64(1_000_003) + codes[k : k + n]
    out: list[int] = np.unique(grams >> np.uint64(32)).tolist()
    return out


class DuplicateFinder:
    """Rows fed in input order; each one answered as kept (None) or a :class:`Duplicate`."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        self._num_perm = num_perm
        self._threshold = threshold
        self._lsh: Any = MinHashLSH(threshold=min(threshold, _CANDIDATES), num_perm=num_perm)
        self._exact: dict[bytes, int] = {}
        self._company: dict[int, bytes] = {}
        self._signature: dict[int, Any] = {}
        self._near: dict[int, int] = {}  # near duplicate -> the kept row it copies

    def add_batch(self, rows: list[tuple[int, CorpusRow]]) -> dict[int, Duplicate]:
        """The duplicates among ``rows`` (in order) and every row fed before them."""
        from datasketch import MinHash

        found: dict[int, Duplicate] = {}
        pending: list[tuple[int, bytes, bytes]] = []
        for index, row in rows:
            if row.error is not None or not row.text:
                continue
            company = _norm(row.company)
            text = _norm(row.text)
            key_parts = [company, text] if company else [b"", _norm(row.title), text]
            key = hashlib.sha1(b"\0".join(key_parts)).digest()
            first = self._exact.get(key)
            if first is not None:
                found[index] = Duplicate(first, EXACT)
                continue
            self._exact[key] = index
            if company:
                pending.append((index, company, text))
        if not pending:
            return found
        signatures = MinHash.bulk(
            [shingles(text) for _, _, text in pending],
            num_perm=self._num_perm,
            hashfunc=int,  # the 5-gram hashes are hashes already
        )
        for (index, company, _), sig in zip(pending, signatures, strict=True):
            matches = [
                int(other)
                for other in self._lsh.query(sig)
                if self._company[int(other)] == company
                and self._signature[int(other)].jaccard(sig) >= self._threshold
            ]
            if matches:
                found[index] = Duplicate(min(matches), NEAR)
                self._near[index] = min(matches)
                continue
            self._lsh.insert(str(index), sig)
            self._company[index] = company
            self._signature[index] = sig
        # an exact copy of a near duplicate points at the row that one copies (always a kept row)
        return {
            index: Duplicate(self._near.get(dup.of, dup.of), dup.kind)
            for index, dup in found.items()
        }


def find_duplicates(rows: Iterable[tuple[int, CorpusRow]]) -> dict[int, Duplicate]:
    """Row index -> :class:`Duplicate` for every duplicate among (index, row) pairs in order."""
    finder = DuplicateFinder()
    found: dict[int, Duplicate] = {}
    batch: list[tuple[int, CorpusRow]] = []
    for pair in rows:
        batch.append(pair)
        if len(batch) == _BATCH:
            found.update(finder.add_batch(batch))
            batch = []
    if batch:
        found.update(finder.add_batch(batch))
    return found
