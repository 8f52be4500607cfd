"""Words and word pairs with offsets, and their TF-IDF weights (the scoper's word layer)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from rolelens.core.text import words


def test_terms_are_folded_words_and_neighbouring_pairs_with_offsets() -> None:
    text = "Real-time scoring of Order history."
    found = words.terms(text)
    texts = [t.text for t in found]
    assert "real time" in texts and "order history" in texts and "of" in texts
    for t in found:
        first = t.text.split(" ")[0]
        assert text[t.start : t.start + len(first)].lower() == first


def test_weights_have_unit_length_and_skip_unknown_terms() -> None:
    index = {"fraud": 0, "card fraud": 1, "payments": 2}
    idf = [1.5, 2.0, 1.0]
    w = words.weights(words.terms("Card fraud, more fraud, in card payments."), index, idf)
    assert set(w) == {0, 1, 2}
    assert math.isclose(math.sqrt(sum(v * v for v in w.values())), 1.0)
    assert math.isclose(w[0] / w[2], (1 + math.log(2)) * 1.5)  # fraud twice, payments once
    assert words.weights(words.terms("nothing known here"), index, idf) == {}


def test_document_frequency_counts_texts_not_mentions() -> None:
    df = words.document_frequency(["fraud fraud fraud", "card fraud", "dashboards"])
    assert df["fraud"] == 2 and df["card fraud"] == 1 and df["dashboards"] == 1
    assert words.idf(2, 3) < words.idf(1, 3)


@given(st.text(max_size=300))
def test_every_term_starts_where_the_text_has_its_first_word(text: str) -> None:
    for t in words.terms(text):
        assert 0 <= t.start < len(text)
        assert text[t.start].isalnum() or text[t.start] == "_"
