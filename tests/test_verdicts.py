"""The reader's verdicts: no role without evidence, mismatch only on a confident reading."""

from __future__ import annotations

import base64
import dataclasses
import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import GOLD_POSTINGS, ROOT, needs_shared
from rolelens.core.reader import PostingReader
from rolelens.core.verdicts import (
    UNDETERMINED,
    HybridCase,
    MismatchCase,
    cross_validate,
    cross_validate_hybrid,
    fit_floor,
    fit_min_margin,
    fit_min_share,
    fit_work_margin,
    hybrid_flags,
    is_mismatch,
    prose_share,
    read_role,
    work_alone,
    work_contradicts,
    work_flags,
)
from rolelens.taxonomy.models.verdicts import HybridSettings, MismatchSettings

JUNK = {
    "a greeting": "hello\n",
    "random base64": base64.b64encode(random.Random(1).randbytes(150_000)).decode(),
    "lorem ipsum": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua.\n" * 3,
    "a bare link": "https://jobs.example.com/postings/12345-senior-ml-engineer\n",
    "a bare name": "Jane Smith\n",
    "a one-line comment": "# TODO: fix this later, it breaks on empty input\n",
    "empty": "",
}


@pytest.mark.parametrize("text", JUNK.values(), ids=JUNK.keys())
def test_verdicts_junk_gets_no_role(reader: PostingReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.role == UNDETERMINED
    assert reading.undetermined_reason
    assert not reading.mismatch and not reading.hybrid
    # the distribution is still there, and the role it leans to
    assert abs(sum(reading.scores.values()) - 1) < 1e-3
    assert reading.secondary == max(reading.scores, key=reading.scores.__getitem__)


@pytest.mark.parametrize(
    "text", ["AI Engineer\n\nJoin us!\n", "Head of AI\n\nApply now.\n", "Senior AI Engineer\n"]
)
def test_verdicts_a_role_nothing_speaks_for_is_no_verdict(reader: PostingReader, text: str) -> None:
    """A bare 'AI' title spreads a point or so over four roles, enough evidence in all, yet
    none of it for the role that then ranks first by its bias alone ('other'): no verdict."""
    reading = reader.read(text)
    assert reading.role == UNDETERMINED, reading.scores
    assert reading.undetermined_reason is not None
    assert "nothing in the text speaks for" in reading.undetermined_reason
    top = reading.secondary
    assert top is not None
    assert not any(e.contributions.get(top, 0) > 0 for e in reading.evidence)


def test_verdicts_a_real_posting_still_gets_a_role(reader: PostingReader) -> None:
    text = (ROOT / "examples" / "posting.md").read_text(encoding="utf-8")
    reading = reader.read(text)
    assert reading.role != UNDETERMINED and reading.undetermined_reason is None


def test_verdicts_thresholds_carry_their_provenance(reader: PostingReader) -> None:
    verdicts = reader.taxonomy.verdicts
    assert verdicts.fitted is not None
    assert verdicts.fitted.fitted_on == ["postings_train.jsonl"] and verdicts.fitted.rows > 1000
    assert len(verdicts.fitted.sha256) == 64
    assert "mismatch_cv_precision" in verdicts.fitted.scores
    assert verdicts.undetermined.min_evidence > 0 and verdicts.undetermined.min_prose > 0
    # the work margin carries what it did (written whether the fit set it or said never):
    # mismatch on train, CV and dev, and dev accuracy with and without it
    scores = verdicts.fitted.scores
    for key in ("train_recall", "cv_recall", "dev_precision", "dev_recall", "dev_accuracy"):
        assert f"work_margin_{key}" in scores
    assert "work_margin_dev_accuracy_without" in scores
    assert "work_margin" in verdicts.fitted.method


@needs_shared(GOLD_POSTINGS)
def test_verdicts_real_labelled_postings_almost_never_undetermined(reader: PostingReader) -> None:
    rows = [json.loads(line) for line in GOLD_POSTINGS.read_text(encoding="utf-8").splitlines()]
    undetermined = [
        r["id"]
        for r in rows
        if reader.read(r["description"], title=r["title"]).role == UNDETERMINED
    ]
    assert len(undetermined) <= 0.01 * len(rows), undetermined


def test_verdicts_prose_share_tells_words_from_encoded_data() -> None:
    assert prose_share("We build retrieval pipelines in Python.") > 0.9
    assert prose_share("Мы ищем инженера машинного обучения.") > 0.9
    assert prose_share("我们正在招聘机器学习工程师") == 1.0  # CJK runs have no spaces
    assert prose_share(JUNK["random base64"]) < 0.1
    assert prose_share("") == 0.0


def test_verdicts_mismatch_needs_a_specific_title_and_a_margin() -> None:
    scores = {"ml_engineer": 0.3, "ai_engineer": 0.6, "software_engineer": 0.1}
    assert is_mismatch(scores, "ai_engineer", "ml_engineer", 0.2)
    assert not is_mismatch(scores, "ai_engineer", "ml_engineer", 0.4)
    assert not is_mismatch(scores, "ai_engineer", "ambiguous", 0.0)
    assert not is_mismatch(scores, "ai_engineer", None, 0.0)
    assert not is_mismatch(scores, "ai_engineer", "ai_engineer", 0.0)
    assert not is_mismatch(scores, UNDETERMINED, "ml_engineer", 0.0)


def _case(margin: float, gold: bool, group: str) -> MismatchCase:
    return MismatchCase(
        scores={"a": 0.5 + margin / 2, "b": 0.5 - margin / 2},
        role="a",
        title_role="b",
        gold=gold,
        group=group,
    )


def test_verdicts_margin_fit_picks_the_best_f1() -> None:
    # true mismatches read with wide margins, false ones with narrow margins
    cases = [_case(0.5, True, f"t{i}") for i in range(5)]
    cases += [_case(0.05, False, f"f{i}") for i in range(5)]
    margin, scores = fit_min_margin(cases)
    assert 0.05 < margin <= 0.5
    assert scores.precision == 1.0 and scores.recall == 1.0
    cv = cross_validate(cases, k=5, seed=0)
    assert cv.recall == 1.0


def test_verdicts_the_work_alone_is_the_reading_without_the_title_prior() -> None:
    # points ml 3.0 (1.0 of it the title's prior: the title says ML), ai 2.5
    work, probs = work_alone([3.0, 2.5, 0.0], 0, 1.0, 1.0)
    assert work == [2.0, 2.5, 0.0]
    assert probs.index(max(probs)) == 1 and abs(sum(probs) - 1) < 1e-9
    lead = probs[1] - probs[0]
    assert work_contradicts(probs, 0, lead - 0.01) == 1
    assert work_contradicts(probs, 0, lead + 0.01) is None
    assert work_contradicts(probs, 0, None) is None
    assert work_contradicts(probs, 1, 0.0) is None  # the work agrees with that title
    # a title naming a specialisation of the work's role (forward deployed over AI
    # engineering work) is not contradicted by it: the specialisation stands on that work
    assert work_contradicts(probs, 0, 0.0, kin=[1]) is None
    assert work_contradicts(probs, 0, 0.0, kin=[2]) == 1


@given(
    st.lists(st.floats(-20, 20), min_size=2, max_size=9),
    st.integers(0, 8),
    st.floats(0, 5),
    st.floats(0.3, 4),
    st.floats(0, 1),
)
def test_verdicts_the_work_alone_overrides_only_with_its_margin(
    points: list[float], at: int, weight: float, temperature: float, margin: float
) -> None:
    at %= len(points)
    work, probs = work_alone(points, at, weight, temperature)
    assert work[at] == points[at] - weight
    assert all(w == p for i, (w, p) in enumerate(zip(work, points, strict=True)) if i != at)
    assert abs(sum(probs) - 1) < 1e-9
    found = work_contradicts(probs, at, margin)
    if found is not None:
        # another role than the title's, ahead of it by the margin, and the work's first
        assert found != at and probs[found] - probs[at] >= margin
        assert probs[found] == max(probs)
    elif max(probs) - probs[at] >= margin and probs.index(max(probs)) != at:
        raise AssertionError("a clear enough lead was missed")


def _work_case(lead: float, gold: bool, group: str) -> MismatchCase:
    """A title says b; with its prior the reading is b, the work alone leads with a by
    ``lead``."""
    return MismatchCase(
        scores={"a": 0.4, "b": 0.6},
        role="b",
        title_role="b",
        gold=gold,
        group=group,
        work_scores={"a": 0.5 + lead / 2, "b": 0.5 - lead / 2},
        label="a" if gold else "b",
    )


def test_verdicts_work_margin_fit_lets_clear_work_decide() -> None:
    # true mismatches: the work alone leads by 0.6; false ones by 0.1 (the title is right)
    cases = [_work_case(0.6, True, f"t{i}") for i in range(5)]
    cases += [_work_case(0.1, False, f"f{i}") for i in range(5)]
    assert work_flags(cases, 1.0, 0.0) == [False] * 10  # never: the title's prior counts
    margin, scores = fit_work_margin(cases, 0.0)
    assert margin is not None and 0.1 < margin <= 0.6
    assert scores.precision == 1.0 and scores.recall == 1.0
    assert [read_role(c, margin) for c in cases] == ["a"] * 5 + ["b"] * 5
    assert [read_role(c, None) for c in cases] == ["b"] * 10
    # work that never clearly contradicts its title: the fit says never
    quiet = [_work_case(0.1, False, f"q{i}") for i in range(5)]
    assert fit_work_margin([*quiet, _work_case(0.6, False, "x")], 0.0)[0] is None
    # a case whose title specialises the work's role is never turned by the work
    kin = dataclasses.replace(_work_case(0.6, True, "k"), title_parents=("a",))
    assert read_role(kin, 0.1) == "b" and work_flags([kin], 0.1, 0.0) == [False]


def test_verdicts_the_work_decides_over_a_contradicted_title(reader: PostingReader) -> None:
    text = (
        "## Responsibilities\n- Call LLM APIs from our backend.\n- Deploy models to production.\n"
    )
    title = "Machine Learning Engineer"
    off = reader.taxonomy.verdicts.model_copy(
        update={"mismatch": MismatchSettings(min_margin=0.0, work_margin=None)}
    )
    prior = PostingReader(reader.taxonomy.model_copy(update={"verdicts": off})).read(
        text, title=title
    )
    # with the title's prior the title's role wins, narrowly: no mismatch
    assert prior.title_role == "ml_engineer" and prior.role == "ml_engineer"
    assert not prior.mismatch
    # the work alone reads AI engineering well ahead: it decides, and the reading says so
    at = reader.read(text, title=title)
    assert at.role == "ai_engineer" and at.mismatch
    assert at.points["ml_engineer"] < prior.points["ml_engineer"]
    assert at.mismatch_reason and "title's weight is left out" in at.mismatch_reason
    # its reasons are the mentions that speak for the work's role more than for the title's:
    # the LLM APIs, not the model deployment an ML title claims more of
    assert "OpenAI" in at.mismatch_reason and "Deploy ML models" not in at.mismatch_reason
    # a reading that already names another role keeps its probabilities
    clear = "## Responsibilities\n- Build RAG features with LangChain.\n- Write prompts.\n"
    a = reader.read(clear, title=title)
    b = PostingReader(reader.taxonomy.model_copy(update={"verdicts": off})).read(clear, title=title)
    assert a.role == b.role == "ai_engineer" and a.scores == b.scores and a.mismatch
    assert a.mismatch_reason and "left out" not in a.mismatch_reason
    # a title the work agrees with keeps its prior
    agrees = reader.read(text, title="Generative AI Engineer")
    assert agrees.role == "ai_engineer" and not agrees.mismatch


def test_verdicts_a_specialised_title_is_not_contradicted_by_its_parents_work(
    reader: PostingReader,
) -> None:
    # LLM work deployed at customers under a forward deployed title: the work alone reads AI
    # engineering (forward deployed engineering only holds a share of its points), well past
    # the work margin, but that is the ground the title's specialisation stands on
    text = (
        "## Responsibilities\n- Build RAG pipelines over customer documents.\n"
        "- Integrate LLM APIs into customer workflows.\n"
        "- Deploy LLM applications in customer environments.\n"
    )
    title = "Forward Deployed Engineer"
    reading = reader.read(text, title=title)
    assert reading.title_role == "forward_deployed_engineer"
    scoring, roles = reader.taxonomy.scoring, list(reading.points)
    at = roles.index("forward_deployed_engineer")
    _, alone = work_alone(
        [reading.points[r] for r in roles], at, scoring.title_weight, scoring.temperature
    )
    margin = reader.taxonomy.verdicts.mismatch.work_margin
    assert margin is not None
    assert roles[alone.index(max(alone))] == "ai_engineer" and max(alone) - alone[at] > margin
    assert reading.role == "forward_deployed_engineer" and not reading.mismatch


def test_verdicts_hybrid_share_fit_picks_the_best_f1() -> None:
    # true hybrids hold 40% on the smaller side, one-sided postings 25%; some cannot be hybrid
    cases = [HybridCase(0.4, True, f"t{i}") for i in range(5)]
    cases += [HybridCase(0.25, False, f"f{i}") for i in range(5)]
    cases += [HybridCase(None, False, f"n{i}") for i in range(5)]
    share, scores = fit_min_share(cases)
    assert 0.25 < share <= 0.4
    assert scores.precision == 1.0 and scores.recall == 1.0
    assert hybrid_flags(cases, share) == [True] * 5 + [False] * 10
    assert cross_validate_hybrid(cases, k=5, seed=0).recall == 1.0


def test_verdicts_a_fitted_hybrid_share_replaces_the_hand_set_one(reader: PostingReader) -> None:
    text = (ROOT / "tests" / "data" / "postings" / "hybrid_applied_ml.md").read_text()
    reading = reader.read(text)
    found = reader.hybrid_share(reading.evidence, reading.role)
    assert found is not None and found[:2] == ("model_building", "llm_integration")
    share = found[2]
    for bar, flagged in ((share - 0.01, True), (share + 0.01, False)):
        verdicts = reader.taxonomy.verdicts.model_copy(
            update={"hybrid": HybridSettings(min_share=round(bar, 4))}
        )
        other = PostingReader(reader.taxonomy.model_copy(update={"verdicts": verdicts}))
        assert other.read(text).hybrid is flagged


def test_verdicts_floor_turns_away_at_most_the_share_allowed() -> None:
    values = [0.0] + [5.0] * 199
    assert fit_floor(values, 0.005, [0.0, 1.0, 2.0, 6.0]) == 2.0
    assert fit_floor(values, 0.0, [0.0, 1.0]) == 0.0
