"""The scoping vocabulary holds no phrase copied from a single labelled brief (issue 18)."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED, needs_shared
from rolelens.core.scoping_vocab import TermRef, single_brief_terms, term_support
from rolelens.taxonomy.models import Taxonomy

GOLD_BRIEFS = SHARED / "data" / "gold" / "briefs_dev.jsonl"


def test_scoping_vocab_counts_briefs_not_mentions(taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    texts = [
        "Fraud, fraud and more fraudsters in our card payments.",
        "We see fraud at checkout.",
        "A dashboard of revenue by region.",
    ]
    support = term_support(taxonomy.scoping, texts)
    assert support[TermRef("cue:fraud_or_abuse", "fraud*")] == 2  # once per brief, inflected
    single = single_brief_terms(taxonomy.scoping, texts)
    assert TermRef("cue:fraud_or_abuse", "fraud*") not in single
    assert TermRef("cue:margins_and_costs", "revenue") in single


@pytest.mark.shared
@needs_shared(GOLD_BRIEFS)
def test_scoping_vocab_has_no_term_from_a_single_labelled_brief(taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    with GOLD_BRIEFS.open(encoding="utf-8") as f:
        texts = [json.loads(line)["brief"] for line in f if line.strip()]
    single = single_brief_terms(taxonomy.scoping, texts)
    assert not single, [f"{r.where}: {r.term}" for r in single]
