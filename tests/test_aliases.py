"""Alias matching: word boundaries, the classic traps, offsets that point into the original."""

from __future__ import annotations

import pytest

from rolelens.core.aliases import AliasMatcher
from rolelens.core.text import fold
from rolelens.taxonomy.models import Taxonomy


def found(taxonomy: Taxonomy, text: str) -> list[tuple[str, str]]:
    matcher = AliasMatcher(taxonomy)
    return [(matcher.items[h.item].id, text[h.start : h.end]) for h in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use R and Python.", [("r_language", "R")]),
        ("Our R&D team is small.", []),
        ("Services in Go and golang tooling.", [("go_language", "Go"), ("go_language", "golang")]),
        ("Let's go to market fast. Go to market!", []),
        ("We write HTML and XML every day.", []),
        (
            "Five years of ML and machine learning.",
            [("machine_learning", "ML"), ("machine_learning", "machine learning")],
        ),
        ("C++ and C# shops; cplusplus is not C++.", [("cpp", "C++"), ("cpp", "C++")]),
        ("Move ASP.NET apps to .NET 8.", [("dotnet", ".NET")]),
        ("Build AI agents, not a real estate agent desk.", [("ai_agents", "AI agents")]),
        ("reactive systems, React.", [("react", "React")]),
    ],
)
def test_matcher_respects_boundaries_and_traps(
    toy_taxonomy: Taxonomy, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(toy_taxonomy, text) == expected


def test_matcher_reads_hyphens_as_spaces(toy_taxonomy: Taxonomy) -> None:
    assert found(toy_taxonomy, "machine-learning and model_training") == [
        ("machine_learning", "machine-learning"),
        ("train_models", "model_training"),
    ]


def test_matcher_longest_match_wins(toy_taxonomy: Taxonomy) -> None:
    # "retrieval augmented generation" must not also yield a shorter alias inside it
    assert found(toy_taxonomy, "retrieval-augmented generation") == [
        ("rag", "retrieval-augmented generation")
    ]


def test_fold_keeps_offsets_for_characters_that_grow_when_lowered() -> None:
    text = "İstanbul team uses PyTorch"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.index("pytorch") == text.index("PyTorch")


def test_matcher_spans_survive_unicode_before_the_match(toy_taxonomy: Taxonomy) -> None:
    text = "İİİ ﬁ — Straße: we train models in PyTorch"
    hits = found(toy_taxonomy, text)
    assert ("pytorch", "PyTorch") in hits
    assert ("train_models", "train models") in hits
