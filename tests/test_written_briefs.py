"""The written training briefs (data/train/): well-formed, nobody's copy, and what the shipped
scoping layers say they were fitted with (issue 18)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import SHARED, needs_shared
from rolelens.taxonomy.models import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "train"
WRITTEN_CHECK = ROOT / "tests" / "data" / "scoping" / "briefs_written.jsonl"
GOLD_BRIEFS = SHARED / "data" / "gold" / "briefs_dev.jsonl"
# a sentence copied from another brief shares at least this many words in a row with it
COPY_RUN = 10


def _files() -> list[Path]:
    files = sorted(TRAIN.glob("*.jsonl"))
    assert files, f"no written training briefs under {TRAIN}"
    return files


def _rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _runs(text: str, n: int = COPY_RUN) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _training_runs() -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for path in _files():
        for row in _rows(path):
            for run in _runs(str(row["brief"])):
                out[run] = str(row["id"])
    return out


def _copied(rows: list[dict[str, object]]) -> list[tuple[str, object]]:
    """(written brief id, other row id) for every run of words the two share."""
    runs = _training_runs()
    return [(runs[r], row["id"]) for row in rows for r in _runs(str(row["brief"])) if r in runs]


def test_written_briefs_are_well_formed(taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    outcomes = set(taxonomy.scoping.outcomes)
    ids: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for path in _files():
        for row in _rows(path):
            ids[str(row["id"])] += 1
            texts[str(row["brief"]).strip()] += 1
            label = str(row["label"])
            labels[label] += 1
            assert label in outcomes, (row["id"], label)
            alternatives = row.get("acceptable_alternatives", [])
            assert isinstance(alternatives, list)
            assert set(alternatives) <= outcomes - {label}, (row["id"], alternatives)
            assert 30 <= len(str(row["brief"]).split()) <= 260, row["id"]
            assert str(row.get("rationale", "")).strip(), row["id"]
    assert max(ids.values()) == 1, [i for i, c in ids.items() if c > 1]
    assert max(texts.values()) == 1
    # every outcome is taught, none swamps the others
    assert set(labels) == outcomes
    assert max(labels.values()) <= 2 * min(labels.values()), labels


def test_written_briefs_share_no_sentence_with_the_check_set() -> None:
    """tests/data/scoping/briefs_written.jsonl stays an independent check of the fit."""
    shared = _copied(_rows(WRITTEN_CHECK))
    assert not shared, shared[:5]


@pytest.mark.shared
@needs_shared(GOLD_BRIEFS)
def test_written_briefs_copy_no_labelled_brief() -> None:
    """Written from general knowledge: no run of ten words in a row from any dev brief."""
    shared = _copied(_rows(GOLD_BRIEFS))
    assert not shared, shared[:5]


def test_shipped_layers_name_the_written_briefs_they_were_fitted_with(
    taxonomy: Taxonomy,
) -> None:
    """Each bundled layer records the written files it trained on, with their hashes: the
    files in data/train/ are exactly those, so `rolelens train scope` can redo the fit."""
    assert taxonomy.scoping is not None
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in _files()}
    for layer in (taxonomy.scoping.fit, taxonomy.scoping.semantic_fit):
        assert layer is not None
        recorded = {e.file: e.sha256 for e in layer.provenance.also_trained_on}
        assert recorded == on_disk
        counts = {e.file: e.rows for e in layer.provenance.also_trained_on}
        assert counts == {p.name: len(_rows(p)) for p in _files()}


def test_the_word_layer_holds_only_terms_of_the_written_briefs(taxonomy: Taxonomy) -> None:
    """No labelled brief brings a term: every term of the shipped word layer occurs in at least
    ``min_df`` written briefs, and its idf is the one those briefs give."""
    from rolelens.core.text import words

    assert taxonomy.scoping is not None
    layer = taxonomy.scoping.words
    assert layer is not None
    texts = [str(row["brief"]) for path in _files() for row in _rows(path)]
    df = words.document_frequency(texts)
    assert all(df[t] >= layer.min_df for t in layer.terms)
    assert len(layer.terms) == sum(1 for c in df.values() if c >= layer.min_df)
    for t, idf in list(zip(layer.terms, layer.idf, strict=True))[::500]:
        assert abs(idf - words.idf(df[t], len(texts))) < 1e-3
