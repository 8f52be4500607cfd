"""Nothing memorised: every alias and title pattern that occurs in a labelled posting also
occurs in some unlabelled posting of the corpora it was drawn from (issue 12, item 4).

A phrase found only in labelled text may have entered the taxonomy *because* of that text.
Labelled postings are excluded from the corpora by id and by text. One Aho-Corasick pass:
the automaton is rebuilt with the phrases still missing every few thousand postings, so the
common ones stop costing anything early.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import needs_shared
from corpora import CORPORA, GOLD, labelled, unlabelled
from rolelens.core.aliases import _bounded, _fold_alias
from rolelens.core.text import TermAutomaton, fold
from rolelens.taxonomy.models import Taxonomy, normalise_alias

# Phrases that occur in labelled postings only, kept on general knowledge: the names of
# products, libraries and standards, and established terms of the field (textbooks, vendor
# docs). Everything else that failed this test was removed from the taxonomy.
_NAMES = (
    "a100s",
    "agentops",
    "asc 606",
    "bedrock agentcore",
    "browserbase",
    "cerebras",
    "coda.io",
    "confident ai",
    "cube.dev",
    "cursor ai",
    "dynamo inference",
    "fiddler ai",
    "freshservice",
    "gemini 1.5",
    "giskard",
    "google genai sdk",
    "gpt 2",
    "h100s",
    "hiveql",
    "holistics",
    "ifrs",
    "iics",
    "laminar",
    "linkedin ads",
    "llama guard",
    "mediapipe",
    "nvidia nemo",
    "olap cubes",
    "openai fine tuning",
    "pentests",
    "qnn",
    "rasa",
    "seq2seq",
    "sharepoint lists",
    "smolagents",
    "svms",
    "tauri",
    "tiktok ads",
    "uipath orchestrator",
    "vba macros",
    "voicebots",
    "weights and biases",
)
_TERMS = (
    "academic benchmarks",
    "action recognition",
    "ads ranking",
    "adversarial ml",
    "adversarial robustness",
    "agent handoffs",
    "agentic memory",
    "ai tutor",
    "architecture search",
    "associate product manager",
    "bayesian models",
    "billion parameter models",
    "biostatistical",
    "causal ml",
    "clustering methods",
    "code generation models",
    "common table expressions",
    "contract drafting",
    "credit risk models",
    "dataloaders",
    "demand forecasting models",
    "dense retrieval",
    "deterministic automation",
    "dimensional modelling",
    "direct preference optimization",
    "econometric methods",
    "economic modeling",
    "economic modelling",
    "embedded ml",
    "experimental designs",
    "feature pipeline",
    "few shot prompting",
    "field technician",
    "forward deploy",
    "forward deploy engineer",
    "fraud analytics",
    "geospatial data science",
    "gross revenue retention",
    "guard rails",
    "hallucination rate",
    "hallucination rates",
    "hierarchical models",
    "lesson planning",
    "lift studies",
    "llm eval",
    "llm judge",
    "llm operations",
    "low rank adaptation",
    "ltv modeling",
    "markdown optimization",
    "marketing data science",
    "marketing data scientist",
    "masters in statistics",
    "messaging and positioning",
    "ml accelerators",
    "model benchmarking",
    "model card",
    "model life cycle",
    "model pruning",
    "multivariate regression",
    "neural architecture",
    "neural architecture search",
    "north star metrics",
    "offline inference",
    "online evals",
    "open weight models",
    "output parsing",
    "panel data",
    "planning loops",
    "post training quantization",
    "preference optimization",
    "preprocessing pipelines",
    "probabilistic models",
    "prompt engineers",
    "propensity scoring",
    "quantization aware training",
    "quantized",
    "recommender models",
    "regression model",
    "relation extraction",
    "reward models",
    "rules based automation",
    "self service dashboards",
    "semi supervised learning",
    "sentence embeddings",
    "short form video",
    "small language model",
    "trajectory prediction",
    "unattended bots",
)
JUSTIFIED = {a.lower() for a in (*_NAMES, *_TERMS)}


def _justified(source: str) -> bool:
    """Whether a phrase ("evidence item: 'alias'") is one of the justified ones."""
    return source.split(": ", 1)[1].strip("'\"").lower() in JUSTIFIED


def _phrases(taxonomy: Taxonomy) -> dict[tuple[str, bool], str]:
    """(phrase as matched, case-sensitive) -> where it comes from."""
    out: dict[tuple[str, bool], str] = {}
    for item in taxonomy.evidence:
        for alias in item.alias_objects():
            if alias.case_sensitive:
                out[(alias.text, True)] = f"evidence {item.id}: {alias.text!r}"
            else:
                out[(_fold_alias(alias.text), False)] = f"evidence {item.id}: {alias.text!r}"
    for entry in taxonomy.titles:
        name = entry.words or entry.role
        for pattern in entry.patterns:
            key = normalise_alias(pattern if pattern.isascii() else fold(pattern))
            out.setdefault((key, False), f"titles {name}: {pattern!r}")
    return out


def _found(
    phrases: set[tuple[str, bool]], texts: Iterator[str] | list[str]
) -> set[tuple[str, bool]]:
    """The phrases that occur, on word boundaries, in some text."""
    found: set[tuple[str, bool]] = set()
    missing = set(phrases)
    batch: list[str] = []

    def scan(chunk: list[str]) -> None:
        automata = []
        for sensitive in (False, True):
            words = [p for p, s in missing if s is sensitive]
            if words:
                automata.append((sensitive, TermAutomaton({w: w for w in words})))
        for text in chunk:
            folded = fold(text)
            for sensitive, a in automata:
                haystack = text if sensitive else folded
                for start, end, word in a.occurrences(haystack):
                    if (word, sensitive) in missing and _bounded(haystack, start, end):
                        missing.discard((word, sensitive))
                        found.add((word, sensitive))

    size = 200
    for text in texts:
        batch.append(text)
        if len(batch) >= size:
            scan(batch)
            batch = []
            size = min(size * 2, 4000)  # rebuild with fewer phrases as they turn up
            if not missing:
                return found
    scan(batch)
    return found


@needs_shared(GOLD / "postings_train.jsonl")
@needs_shared(CORPORA / "remotewlb.jsonl.gz")
@pytest.mark.timeout(120)
def test_memorisation_no_phrase_occurs_only_in_labelled_postings(taxonomy: Taxonomy) -> None:
    ids, keys, labelled_texts = labelled()
    phrases = _phrases(taxonomy)
    in_labelled = _found(set(phrases), labelled_texts)
    in_corpora = _found(in_labelled, unlabelled(ids, keys))
    only_labelled = sorted(
        phrases[p] for p in in_labelled - in_corpora if not _justified(phrases[p])
    )
    assert not only_labelled, (
        f"{len(only_labelled)} phrases occur in labelled postings and in no unlabelled one: "
        + "; ".join(only_labelled)
    )
