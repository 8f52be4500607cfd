"""The text kernel's segmenting and term automaton (rolelens.core.text)."""

from __future__ import annotations

import pickle
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from rolelens.core.text import segment
from rolelens.core.text.segment import (
    BRIEF,
    CUE_SPAN,
    CV_CLAUSE,
    CV_LINE,
    EMBEDDED,
    PAY,
    POSTING_CLAUSE,
    SentenceRule,
    Trim,
    sentences,
)
from rolelens.core.text.terms import TermAutomaton, word_end

RULES = [EMBEDDED, CV_LINE, PAY, BRIEF, CUE_SPAN, POSTING_CLAUSE]
TEXTS = st.text(alphabet=st.sampled_from("ab AB5 .;!?\n-*#•·|,()\t"), max_size=80)


def test_text_kernel_embedded_sentences_trim_bullets_and_keep_marks() -> None:
    text = "## Duties\n- Build the thing we sell.\n- Fix bugs; write tests! Short.\n"
    got = [s.text for s in sentences(text, rule=EMBEDDED)]
    assert got == ["Duties", "Build the thing we sell.", "Fix bugs", "write tests!", "Short."]


def test_text_kernel_embedded_sentences_carry_on_over_a_wrapped_line() -> None:
    text = "Build a tool that answers, and\n  shows its sources.\nNext item"
    got = [s.text for s in sentences(text, rule=EMBEDDED)]
    assert got == ["Build a tool that answers, and\n  shows its sources.", "Next item"]


def test_text_kernel_min_words_and_max_chars() -> None:
    rule = SentenceRule(trim=segment.SPACE, min_words=3, max_chars=12)
    got = [s.text for s in sentences("Too short. This one is long enough.", rule=rule)]
    assert got == ["This one is "]


def test_text_kernel_cv_line_ends_a_sentence_only_before_a_capital() -> None:
    text = "Cut cost by 30 p.c. and more. Then shipped it • Led 4 people"
    got = [s.text for s in sentences(text, rule=CV_LINE)]
    assert got == ["Cut cost by 30 p.c. and more", " Then shipped it ", " Led 4 people"]


def test_text_kernel_pay_sentences_are_trimmed_and_split_before_capitals() -> None:
    text = "Salary: $100k - $120k. Benefits too.\n\n  Equity (options). ok"
    got = [s.text for s in sentences(text, rule=PAY)]
    assert got == ["Salary: $100k - $120k.", "Benefits too.", "Equity (options). ok"]


def test_text_kernel_brief_sentences_keep_decimal_points() -> None:
    text = "We have 1.5 million rows. Is that a lot?!\nYes"
    got = [s.text for s in sentences(text, rule=BRIEF)]
    assert got == ["We have 1.5 million rows.", " Is that a lot?", "Yes"]


def test_text_kernel_cue_span_stops_at_sentence_ends() -> None:
    text = "label data; then train. models"
    assert segment.crosses_sentence(text, 0, 15, CUE_SPAN)
    assert not segment.crosses_sentence(text, 0, 10, CUE_SPAN)  # ';' before its space
    assert not segment.crosses_sentence(text, 12, 22, CUE_SPAN)


def test_text_kernel_clauses_cut_at_commas_outside_brackets() -> None:
    text = "Languages\n- German (C1, certified), English: fluent; French"
    got = [text[a:b] for a, b in segment.clauses(text, 0, len(text), CV_CLAUSE)]
    assert got == ["Languages", "German (C1, certified)", "English: fluent", "French"]


def test_text_kernel_clause_around_a_position() -> None:
    text = "We hold 40,000 labelled images (from 2019) of parts."
    pos = text.index("labelled")
    assert segment.clause_start(text, pos) == text.index(",") + 1
    assert segment.clause_end(text, pos) == text.index("(")
    assert segment.clause_start(text, pos, ",", floor=20) == 20  # the comma is before the floor


def test_text_kernel_bare_list() -> None:
    assert segment.is_bare_list("- Python, SQL, Docker, Airflow")
    assert not segment.is_bare_list("Built pipelines in Python, SQL and Airflow for the team")
    assert segment.is_bare_list("a | b | c", min_items=3)


def test_text_kernel_trim() -> None:
    assert segment.trim("  - item  ", 0, 10, Trim(r"\s\-", r"\s")) == (4, 8)
    assert segment.trim("  - item  ", 0, 10, Trim()) == (0, 10)


def test_text_kernel_headed_sections_cover_the_text() -> None:
    text = "intro\n# A\nbody\n# B\n"
    runs = segment.headed_sections(
        text, lambda line: line[2:].strip() if line[:1] == "#" else None, ""
    )
    assert runs == [("", 0, 6), ("A", 6, 15), ("B", 15, 19)]
    assert segment.headed_sections("", lambda line: None, "") == [("", 0, 0)]


def test_text_kernel_lines_keep_offsets() -> None:
    text = "a\r\nbc\n\nd"
    assert list(segment.lines(text)) == [(0, 3, "a\r\n"), (3, 6, "bc\n"), (6, 7, "\n"), (7, 8, "d")]


@given(TEXTS, st.sampled_from(RULES), st.data())
def test_text_kernel_sentences_slice_back_in_order(
    text: str, rule: SentenceRule, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = sentences(text, start, end, rule=rule)
    last = start
    for s in found:
        assert text[s.start : s.end] == s.text
        assert last <= s.start < s.end <= end
        last = s.end


@given(TEXTS, st.sampled_from([CV_LINE, PAY, BRIEF, POSTING_CLAUSE]))
def test_text_kernel_splitting_a_sentence_again_gives_it_back(
    text: str, rule: SentenceRule
) -> None:
    for s in sentences(text, rule=rule):
        again = sentences(text, s.start, s.end, rule=rule)
        assert [(a.start, a.end) for a in again] == [(s.start, s.end)]


@given(TEXTS)
def test_text_kernel_clauses_slice_back_trimmed(text: str) -> None:
    for a, b in segment.clauses(text, 0, len(text), CV_CLAUSE):
        piece = text[a:b]
        assert piece and piece == piece.strip() and piece[0] not in "-*•"


@given(TEXTS)
def test_text_kernel_headed_sections_tile_the_text(text: str) -> None:
    runs = segment.headed_sections(text, lambda line: "h" if line.startswith("#") else None, "")
    assert runs[0][1] == 0 and runs[-1][2] == len(text)
    for (_, _, end), (_, start, _) in pairwise(runs):
        assert end == start


def test_text_kernel_terms_whole_words_with_offsets() -> None:
    auto = TermAutomaton({"rag": "r", "rag pipeline": "p", "ml": "m"})
    text = "build rag pipelines, html and ml"
    assert sorted(auto.whole_words(text)) == [(6, 9, "r"), (30, 32, "m")]
    assert (6, 18, "p") in list(auto.occurrences(text))
    assert (2, 4, "m") not in list(auto.whole_words(text))  # "ml" inside "html"


def test_text_kernel_terms_word_starts_may_run_on() -> None:
    auto = TermAutomaton({"label": 1})
    got = [(s, e, ends) for s, e, _, ends in auto.word_starts("labelled, relabel, label")]
    assert got == [(0, 5, False), (19, 24, True)]
    assert word_end("labelled, x", 5) == 8


def test_text_kernel_terms_empty_and_later_keys() -> None:
    assert len(TermAutomaton({})) == 0
    assert list(TermAutomaton({"": 1}).whole_words("anything")) == []
    assert list(TermAutomaton(dict([("go", 1), ("go", 2)])).whole_words("go")) == [(0, 2, 2)]


@given(
    st.lists(st.text(alphabet="ab ", min_size=1, max_size=4), max_size=6),
    st.text(alphabet="ab .", max_size=40),
)
def test_text_kernel_terms_hits_slice_back_to_their_key(keys: list[str], text: str) -> None:
    auto = TermAutomaton({k: k for k in keys})
    for start, end, key in auto.occurrences(text):
        assert text[start:end] == key
    whole = list(auto.whole_words(text))
    assert all(text[s:e] == k for s, e, k in whole)
    assert set(whole) <= set(auto.occurrences(text))


@given(
    st.lists(st.text(alphabet="aé b𝔸", min_size=1, max_size=4), max_size=6),
    st.text(alphabet="aé b𝔸.\ud800", max_size=40),
)
def test_text_kernel_terms_find_every_occurrence_at_character_offsets(
    keys: list[str], text: str
) -> None:
    """Every occurrence of every key, overlapping ones too, at offsets in characters (not the
    UTF-8 bytes the automaton searches), with a lone surrogate in the text or not."""
    auto = TermAutomaton({k: k for k in keys})
    expected = {
        (i, i + len(k), k) for k in set(keys) for i in range(len(text)) if text.startswith(k, i)
    }
    got = list(auto.occurrences(text))
    assert len(got) == len(expected)
    assert set(got) == expected


def test_text_kernel_terms_pickle_as_their_terms() -> None:
    """A pickled automaton (a reader sent to a worker) is rebuilt and finds the same."""
    auto = TermAutomaton({"rag": "r", "ml": "m"})
    again = pickle.loads(pickle.dumps(auto))
    assert len(again) == 2
    assert list(again.whole_words("rag and ml")) == list(auto.whole_words("rag and ml"))
