"""Invariants of reading, checked with hypothesis over generated text."""

from __future__ import annotations

import functools
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rolelens.core.aliases import AliasMatcher
from rolelens.core.reader import (
    _COLLABORATION,
    _LIST_REACH,
    _PEOPLE_NOUN,
    PostingReader,
    colleague_lists,
)
from rolelens.core.text import cue_regex, fold
from rolelens.taxonomy.loader import load_taxonomy, toy_path

TOY = load_taxonomy([toy_path()], bundled=False)
READER = PostingReader(TOY)
MATCHER = AliasMatcher(TOY)
ALIASES = sorted({(a.text, item.id) for item in TOY.evidence for a in item.alias_objects()})
WORDS = st.sampled_from(
    ["we", "build", "and", "the", "PyTorch", "RAG", "Go", "to", "market", "R", "no", "not",
     "## Requirements", "## What you'll do", "- ", "\n", ",", ".", "AI agents", "İ", "ß", "—", "a plus"]
)  # fmt: skip
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map(" ".join)
settings.register_profile("rolelens", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("rolelens")


@given(text=TEXTS, title=st.one_of(st.none(), st.text(max_size=40)))
def test_properties_scores_sum_to_one(text: str, title: str | None) -> None:
    reading = READER.read(text, title=title)
    assert abs(sum(reading.scores.values()) - 1.0) < 1e-3
    assert all(0.0 <= p <= 1.0 for p in reading.scores.values())
    top = max(reading.scores, key=lambda r: (reading.scores[r], -TOY.role_ids.index(r)))
    if reading.role == "undetermined":  # no role, and the role the scores lean to
        assert reading.undetermined_reason and reading.secondary == top
    else:  # the top role, or the parent a nice-to-have specialisation yields to
        parents = TOY.scoring.specialisations.get(top)
        assert reading.role == top or (parents is not None and reading.role in parents.parents)
        assert reading.confidence == reading.scores[reading.role]


@given(text=TEXTS, title=st.one_of(st.none(), st.text(max_size=40)))
def test_properties_reading_is_deterministic(text: str, title: str | None) -> None:
    assert READER.read(text, title=title) == READER.read(text, title=title)


_SEPARATORS = st.text(alphabet=st.sampled_from(list(" \n\t,;:!?()[]'\"*/-_—")), max_size=8)
_ANY = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(pre=_ANY, left=_SEPARATORS, right=_SEPARATORS, post=_ANY, pick=st.sampled_from(ALIASES))
def test_properties_alias_found_at_the_same_span(
    pre: str, left: str, right: str, post: str, pick: tuple[str, str]
) -> None:
    alias, item_id = pick
    # Whatever comes before and after, an alias set off by separators is found exactly
    # where it sits (the '|' keeps the surrounding text from joining onto it).
    text = f"{pre}| {left}{alias}{right} |{post}"
    start = len(pre) + 2 + len(left)
    hits = {(MATCHER.items[h.item].id, h.start, h.end) for h in MATCHER.find(text)}
    assert (item_id, start, start + len(alias)) in hits


@given(text=TEXTS, title=st.one_of(st.none(), TEXTS))
def test_properties_spans_point_into_the_text(text: str, title: str | None) -> None:
    reading = READER.read(text, title=title)
    for ev in reading.evidence:
        source = reading.title.text if ev.section == "title" else text
        assert source[ev.start : ev.end] == ev.text


CUES = [
    ["nice to have", "a plus", "is a plus", "bonus", "-", "(preferred)"],
    ["we", "us", "our", "company"],
    ["no ", "not ", "never ", "no need for"],
]
CUE_MATCHER = AliasMatcher(TOY, cues=CUES)
CUE_REGEXES = [cue_regex(phrases) for phrases in CUES]


@given(text=TEXTS, data=st.data())
def test_properties_cue_spots_answer_as_the_cue_regex(text: str, data: st.DataObject) -> None:
    """The reader asks each clause whether a cue is in it of positions found in one scan;
    the answers are the cue regex's, for a slice (its ends are word boundaries) and for a
    span searched in place (the text before it is seen)."""
    folded = fold(text)
    hits, spots = CUE_MATCHER.scan(text, folded)
    assert hits == MATCHER.find(text, folded)  # cue phrases change no alias hit
    start = data.draw(st.integers(0, len(folded)))
    end = data.draw(st.integers(start, len(folded)))
    for pattern, found in zip(CUE_REGEXES, spots, strict=True):
        assert pattern is not None
        assert found.in_segment(start, end) == (pattern.search(folded[start:end]) is not None)
        assert found.in_span(start, end) == (pattern.search(folded, start, end) is not None)


@functools.cache
def _bundled() -> PostingReader:
    return PostingReader(load_taxonomy([]))


_LIST_WORDS = st.sampled_from(
    ["collaborate with", "work with", "partner with", "our", "the", "product", "design",
     "QA", "Python", "teams", "managers", "engineers", ",", "and", "or", "&", "to", ".", ";",
     "\n", "in", "data science", "LLM APIs", "designers"]
)  # fmt: skip


@given(words=st.lists(st.one_of(_LIST_WORDS, st.text(max_size=8)), max_size=40))
@example(words=["collaborate with", "product", ",", "design", "and", "QA", "teams", "to"])
def test_properties_colleague_lists_hold_short_items_after_a_cue(words: list[str]) -> None:
    """Each colleague a list names lies after a collaboration cue, within the list's reach,
    inside one clause (no clause mark in it), and ends where its list does or before; the
    spans are sorted and do not overlap."""
    text = " ".join(words)
    folded = fold(text)
    _, spots = _bundled().matcher.scan(text, folded)
    together, people = spots[_COLLABORATION], spots[_PEOPLE_NOUN]
    got = colleague_lists(folded, together, people)
    cue_ends = [b for _, b, before, after in together.found if before and after]
    people_ends = {b for _, b, before, after in people.found if before and after}
    last = -1
    for start, end, list_end in got:
        assert last <= start < end <= list_end
        assert list_end in people_ends
        opened = max(b for b in cue_ends if b <= start)
        assert list_end - opened <= _LIST_REACH
        assert re.search(r"[;:!?()]|\.(?![a-z0-9])", folded[opened:list_end]) is None
        last = end
