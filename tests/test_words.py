"""The word layer: bags of the duties' and requirements' words, their fitted points, how a
reading shows them, and where the vocabulary comes from."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import needs_shared
from corpora import CORPORA, labelled, unlabelled
from rolelens.core.reader import PostingReader, _minus
from rolelens.core.text import fold
from rolelens.core.text.words import WORD
from rolelens.core.words import WordLayer, _tokens, word_features
from rolelens.errors import TaxonomyError
from rolelens.md import words_line
from rolelens.taxonomy.loader import apply_fit, load_taxonomy
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.fit import FittedWeights
from rolelens.taxonomy.models.words import FittedWords

IDF = {"prompts": 2.0, "models": 1.5, "dashboards": 3.0, "customers": 1.0}
ROLES = ["ml_engineer", "ai_engineer", "data_engineer_bi"]


def test_bag_weighs_words_by_log_count_and_idf_at_unit_length() -> None:
    text = "models models models; prompts. Dashboards are not in the span."
    folded = fold(text)
    bag = word_features(folded, [(0, text.index("Dashboards"))], IDF)
    assert set(bag) == {"models", "prompts"}  # 'dashboards' is outside the span
    raw = {"models": (1 + math.log(3)) * 1.5, "prompts": 2.0}
    norm = math.hypot(*raw.values())
    assert bag == pytest.approx({w: v / norm for w, v in raw.items()})


def test_bag_is_empty_without_vocabulary_words() -> None:
    assert word_features("nothing here is known", [(0, 21)], IDF) == {}
    assert word_features("prompts", [], IDF) == {}


@given(st.text(max_size=300))
def test_bag_has_unit_length_or_is_empty(text: str) -> None:
    folded = fold(text)
    bag = word_features(folded, [(0, len(folded))], IDF)
    assert set(bag) <= set(IDF)
    if bag:
        assert math.sqrt(sum(v * v for v in bag.values())) == pytest.approx(1.0)


def test_layer_sums_points_and_names_the_words_that_added_most() -> None:
    weights = {"prompts": [0.0, 0.6, -0.2], "models": [0.4, -0.1, 0.0], "stale": [9, 9, 9]}
    # the taxonomy's roles in another order, and one the fit never saw
    layer = WordLayer(IDF, weights, ROLES, ["ai_engineer", "ml_engineer", "other"])
    assert layer.roles == ["ai_engineer", "ml_engineer", "other"]
    score = layer.score({"prompts": 0.8, "models": 0.6, "customers": 0.5})
    assert score.total == pytest.approx([0.6 * 0.8 - 0.1 * 0.6, 0.4 * 0.6, 0.0])
    assert score.words == ["prompts", "models"]  # 'stale' is not in the vocabulary
    leading = layer.leading(score, "ai_engineer", 5)
    assert [w for w, _ in leading] == ["prompts"]  # 'models' takes from ai_engineer
    assert leading[0][1] == pytest.approx(0.48)
    assert layer.leading(score, "ml_engineer", 1) == [("models", pytest.approx(0.24))]
    assert layer.leading(score, "no_such_role", 5) == []
    assert layer.score({}).total == [0.0, 0.0, 0.0]


_LAYER = WordLayer(
    IDF,
    {"prompts": [0.0, 0.6, -0.2], "models": [0.4, -0.1, 0.0], "customers": [0.1, 0.1, 0.3]},
    ROLES,
    ROLES,
)


@given(st.lists(st.sampled_from([*IDF, "the", "Prompts", "models.", "\n"]), max_size=60))
def test_one_pass_read_scores_as_the_bag_does(words: list[str]) -> None:
    """The reader's one-pass path gives what the fitter's bag, scored, gives."""
    text = " ".join(words)
    folded = fold(text)
    spans = [(0, len(folded) // 2), (len(folded) // 2, len(folded))]
    bag = word_features(folded, spans, IDF)
    fast, slow = _LAYER.read(folded, spans), _LAYER.score(bag)
    assert fast.found == slow.found == len(bag)
    assert fast.words == slow.words
    assert fast.values == pytest.approx(slow.values)
    assert fast.total == pytest.approx(slow.total)


def _with_words(taxonomy: Taxonomy, weights: dict[str, list[float]]) -> Taxonomy:
    fitted = FittedWords(roles=ROLES, scale=1.0, l2=0.1, weights=weights)
    return taxonomy.model_copy(update={"word_weights": fitted})


POSTING = """Senior Engineer

## Responsibilities
- Write prompts for our assistant and review its answers
- Keep prompts versioned

## About us
We sell dashboards to customers.
"""


def test_reading_adds_the_word_points_and_shows_them() -> None:
    base = load_taxonomy(fitted=False)
    plain = PostingReader(base).read(POSTING)
    assert plain.words is None  # no fitted layer: no words, and none in the JSON
    assert "words" not in plain.model_dump(exclude_none=False)
    reader = PostingReader(_with_words(base, {"prompts": [0.0, 0.9, 0.0], "dashboards": [0, 0, 5]}))
    reading = reader.read(POSTING)
    assert reading.words is not None
    assert reading.words.words > 2  # 'prompts', and words in the vocabulary with no points
    # 'dashboards' is in the about-us section, which the layer does not read
    assert reading.words.points["data_engineer_bi"] == 0.0
    added = reading.words.points["ai_engineer"]
    assert added > 0
    assert reading.points["ai_engineer"] == pytest.approx(
        plain.points["ai_engineer"] + added, abs=2e-3
    )
    assert reading.scores["ai_engineer"] > plain.scores["ai_engineer"]
    assert reading.role == reading.words.role == "ai_engineer"
    assert [t.word for t in reading.words.leading] == ["prompts"]
    line = words_line(reading.words, "AI engineer")
    assert line is not None and "“prompts” +0.65" in line


NEGATED = """Backend Engineer

## Responsibilities
- Build our payment services
- You will not be writing prompts for customers, training models or building RAG pipelines
- Keep prompts of the support team in mind

## Requirements
- Java
"""


def test_words_a_negation_governs_add_nothing() -> None:
    """A negated list's words ("not writing prompts, training models or ...") are left out
    of the bag, as its mentions count for nothing; the same word elsewhere still counts."""
    base = load_taxonomy(fitted=False)
    reader = PostingReader(_with_words(base, {"prompts": [0, 1, 0], "models": [1, 0, 0]}))
    reading = reader.read(NEGATED)
    negated = [ev.text for ev in reading.evidence if ev.negated]
    assert negated and all(
        ev.section == "responsibilities" for ev in reading.evidence if ev.negated
    )
    assert reading.words is not None
    assert reading.words.points["ml_engineer"] == 0.0  # 'models' only in the negated list
    assert reading.words.points["ai_engineer"] > 0  # 'prompts' of the third duty
    bag = reader.word_bag(NEGATED, reading.evidence)  # what the fitter reads: the same
    assert "models" not in bag and "prompts" in bag and "payment" in bag
    assert "customers" not in bag  # between two negated items of the list: left out too
    every = reader.word_bag(NEGATED)  # without a reading's evidence: every word
    assert "models" in every and "customers" in every


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=6),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10)), max_size=6),
)
def test_cutting_spans_keeps_exactly_the_characters_outside_the_cuts(
    raw_spans: list[tuple[int, int]], raw_cuts: list[tuple[int, int]]
) -> None:
    def disjoint(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for a, n in sorted(pairs):
            if not out or a >= out[-1][1]:
                out.append((a, a + n))
        return out

    spans, cuts = disjoint(raw_spans), disjoint(raw_cuts)
    kept = _minus(spans, cuts)
    inside = {i for a, b in spans for i in range(a, b)}
    cut = {i for a, b in cuts for i in range(a, b)}
    assert {i for a, b in kept for i in range(a, b)} == inside - cut
    assert all(a < b for a, b in kept) and kept == sorted(kept)


def test_bundled_vocabulary_is_folded_words_with_positive_idf(taxonomy: Taxonomy) -> None:
    vocab = taxonomy.words
    assert vocab is not None and len(vocab.idf) > 5_000
    assert all(WORD.fullmatch(w) and w == fold(w) for w in vocab.idf)
    assert vocab.counted.labelled_left_out > 0


def test_bundled_word_points_are_fitted_with_provenance(taxonomy: Taxonomy) -> None:
    fitted = taxonomy.word_weights
    assert fitted is not None and taxonomy.fitted is not None
    assert set(fitted.weights) <= set(taxonomy.words.idf if taxonomy.words else ())
    assert fitted.roles == taxonomy.role_ids
    assert taxonomy.fitted.fitted_how.get("words")
    assert {"word_l2", "word_scale"} <= set(taxonomy.fitted.settings)
    # RPA has 3 labelled postings, under the 20 a role needs: no word may lean to it
    rpa = fitted.roles.index("rpa_engineer")
    assert all(ws[rpa] == 0.0 for ws in fitted.weights.values())


def test_fitted_words_are_checked() -> None:
    with pytest.raises(ValueError, match="one per role"):
        FittedWords(roles=ROLES, scale=1.0, l2=0.1, weights={"prompts": [0.1]})
    bundled = load_taxonomy(fitted=False)
    assert bundled.fitted is None and bundled.word_weights is None
    provenance = load_taxonomy().fitted
    assert provenance is not None
    wrong = FittedWords(roles=["no_such_role"], scale=1.0, l2=0.1, weights={})
    with pytest.raises(TaxonomyError, match="unknown role"):
        apply_fit(bundled, FittedWeights(provenance=provenance, words=wrong))


# -- nothing memorised ------------------------------------------------------------------
@needs_shared(CORPORA)
def test_every_vocabulary_word_is_in_enough_unlabelled_postings(taxonomy: Taxonomy) -> None:
    """The vocabulary holds only words found in at least `min_postings` postings that are
    not labelled (by id or by text): no word is there because a labelled posting has it."""
    vocab = taxonomy.words
    assert vocab is not None
    ids, keys, _ = labelled()
    wanted = set(vocab.idf)
    df = dict.fromkeys(wanted, 0)
    for text in unlabelled(ids, keys):
        for w in set(WORD.findall(fold(text))) & wanted:
            df[w] += 1
    rare = sorted(w for w, n in df.items() if n < vocab.counted.min_postings)
    assert not rare, f"{len(rare)} words in too few unlabelled postings: {rare[:20]}"


# -- fitting ----------------------------------------------------------------------------
def test_word_fit_learns_words_centres_them_and_leaves_thin_roles_out() -> None:
    np = pytest.importorskip("numpy", reason="fitting needs the 'train' extra")
    pytest.importorskip("scipy", reason="fitting needs the 'train' extra")
    from rolelens.train import words as fit_words

    vocabulary = ["prompts", "models", "dashboards", "team"]
    bags = (
        [{"prompts": 0.9, "team": 0.4}] * 30  # ai_engineer (index 1)
        + [{"models": 0.9, "team": 0.4}] * 30  # ml_engineer (index 0)
        + [{"dashboards": 1.0}] * 3  # data_engineer_bi (index 2): too few rows
    )
    labels = np.array([1] * 30 + [0] * 30 + [2] * 3)
    x = fit_words.bag_matrix(bags, vocabulary)
    w = fit_words.fit(x, labels, 3, l2=0.1)
    again = fit_words.fit(x, labels, 3, l2=0.1)
    assert np.array_equal(w, again)  # deterministic
    assert w[0, 1] > 0 > w[0, 0]  # 'prompts' leans ai, away from ml
    assert w[1, 0] > 0 > w[1, 1]
    assert np.allclose(w[:, 2], 0.0)  # 3 rows: no word points for that role
    assert np.allclose(w[:, :2].sum(axis=1), 0.0)  # centred over the roles fitted
    kept = fit_words.kept(w, vocabulary, 0.5)
    assert "dashboards" not in kept  # seen only in the thin role's rows: nothing to keep
    assert kept["prompts"][1] == pytest.approx(round(0.5 * w[0, 1], 4))


def test_word_fit_needs_two_roles_with_enough_rows() -> None:
    np = pytest.importorskip("numpy", reason="fitting needs the 'train' extra")
    pytest.importorskip("scipy", reason="fitting needs the 'train' extra")
    from rolelens.train import words as fit_words

    x = fit_words.bag_matrix([{"prompts": 1.0}] * 25 + [{"models": 1.0}] * 5, ["prompts", "models"])
    labels = np.array([1] * 25 + [0] * 5)
    assert list(fit_words.fitted_roles(labels)) == [1]
    assert not fit_words.fit(x, labels, 2, l2=0.1).any()  # one role alone: no points at all


@given(st.text(alphabet=st.sampled_from("ab_9 .-/\n\t'é•ß"), max_size=80) | st.text(max_size=80))
def test_fast_word_split_finds_the_words_the_pattern_finds(text: str) -> None:
    """The reader's fast split (ASCII text) gives the words WORD finds, plus single characters
    that no vocabulary holds; a non-ASCII text goes through WORD itself."""
    found = Counter(w for w in _tokens(text) if len(w) > 1)
    assert found == Counter(WORD.findall(text))
    assert all(WORD.fullmatch(w) or len(w) == 1 for w in _tokens(text))
