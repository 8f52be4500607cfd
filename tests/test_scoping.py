"""Scoping: a brief → the seeds' procedure → the right hire, traced, costed, with a JD and a loop.

Failure-mode briefs are written for these tests; the dev-set bar runs on ../shared when it
is beside the project.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import SHARED, needs_shared
from rolelens.cli.scope import parse_form
from rolelens.core.scoping import Scoper, compose
from rolelens.core.scoping_eval import LabelledBrief, evaluate_scoping, source_group
from rolelens.core.scoping_models import Scoping
from rolelens.errors import EmptyInput, ExtraMissing, FormError, ScopingUnavailable, TaxonomyError
from rolelens.schemas import schema_text
from rolelens.taxonomy.loader import load_taxonomy, parse_document
from rolelens.taxonomy.models import Taxonomy

HERE = Path(__file__).parent
WRITTEN = HERE / "data" / "scoping" / "briefs_written.jsonl"
GOLD_BRIEFS = SHARED / "data" / "gold" / "briefs_dev.jsonl"
TRAIN_BRIEFS = Path(__file__).resolve().parents[1] / "data" / "train"
SCOPING_SCHEMA = json.loads(schema_text("scoping"))

# Briefs written for the failure-mode tests (not from any labelled set).
SEARCH_TRAP = (
    "Staff keep asking for an AI chatbot on the intranet. Today the intranet search can't find "
    "the travel policy at all, and pages published last month never show up in the results."
)
RESEARCH_ML_ON_RAG = (
    "We plan to hire a machine learning PhD with a strong publication record. Their first "
    "project: a support assistant that answers customer questions from our 900 help-centre "
    "articles and product documentation, without making things up."
)
LLM_ON_PRICING = (
    "Our CEO wants to use ChatGPT to set prices. We sell spare parts online and hold six years "
    "of orders with the prices they actually sold for, competitor prices and stock levels. We "
    "want the system to suggest the right price for every part each day."
)
DASHBOARDS = (
    "Leadership wants to use AI to understand our sales. Every Monday two analysts copy figures "
    "from the billing system and the CRM into spreadsheets, and revenue by region never matches "
    "between the two. We need one weekly dashboard of revenue and margin by region, with one "
    "definition of each metric."
)
RULES = (
    "Management wants an AI agent to process address changes. For each request, staff download "
    "the form from the portal, check it against the fixed eligibility rules, key it into the "
    "back-office system and send the standard confirmation letter. The steps never vary."
)
HYBRID = (
    "We are a lender. We want a default-risk score trained on our 400,000 past loans and their "
    "repayment outcomes, and we also want the business plans and bank statements applicants "
    "upload as PDFs read and summarised for the underwriter, both on one screen."
)
EARLY_DOCS_QA = (
    "I am building a lean MVP for small clinics: staff ask questions and get answers taken only "
    "from their clinic's own procedures, and it must say so when the documents do not cover it."
)


@pytest.fixture(scope="session")
def scoper(taxonomy: Taxonomy) -> Scoper:
    return Scoper(taxonomy)


def warning_ids(s: Scoping) -> set[str]:
    return {w.id for w in s.warnings}


def all_figures(s: Scoping) -> list[object]:
    figs: list[object] = [f for st in s.steps for f in st.figures]
    figs += [f for w in s.warnings for f in w.figures]
    figs += [b.amount for b in s.salary] + [b.amount for b in s.comparisons]
    figs += [c.amount for c in s.cost if c.amount is not None]
    return figs


# -- failure modes --------------------------------------------------------------------------
def test_scoping_failure_mode_chatbot_over_broken_search(scoper: Scoper) -> None:
    s = scoper.scope(SEARCH_TRAP)
    assert s.role == "software_engineer"
    assert not s.ai_hire and s.no_ai_hire
    assert "chatbot_over_broken_search" in warning_ids(s)
    warn = next(w for w in s.warnings if w.id == "chatbot_over_broken_search")
    assert any("search" in q.text.lower() for q in warn.because)
    assert {f for fig in warn.figures for f in fig.figures} >= {"mishire_search_index_salary"}


def test_scoping_failure_mode_research_ml_hire_for_rag(scoper: Scoper) -> None:
    s = scoper.scope(RESEARCH_ML_ON_RAG)
    assert s.role == "ai_engineer"
    assert "research_ml_on_rag" in warning_ids(s)
    assert any(a.role == "ml_engineer" for a in s.alternatives) or s.scores["ml_engineer"] < 0.2


def test_scoping_failure_mode_llm_integrator_on_custom_model(scoper: Scoper) -> None:
    s = scoper.scope(LLM_ON_PRICING)
    assert s.role == "ml_engineer"
    assert "llm_integrator_on_custom_model" in warning_ids(s)
    outcome = s.steps[0]
    assert outcome.found and outcome.points.get("ml_engineer", 0) > 0
    assert any("price" in sig.quote.text.lower() for sig in outcome.signals)


def test_scoping_failure_mode_dashboards_are_bi(scoper: Scoper) -> None:
    s = scoper.scope(DASHBOARDS)
    assert s.role == "data_engineer_bi"
    assert not s.ai_hire
    assert "dashboards_not_ai" in warning_ids(s)
    warn = next(w for w in s.warnings if w.id == "dashboards_not_ai")
    shown = {f for fig in warn.figures for f in fig.figures}
    assert shown == {"cost_ratio_bi_value_share", "cost_ratio_bi_cost_share"}
    # the BI hire is priced as the sourced share of an AI hire, both figures cited
    bi = s.cost[0]
    assert bi.role == "data_engineer_bi" and bi.amount is not None
    assert "cost_ratio_bi_cost_share" in bi.amount.figures and bi.amount.derived
    assert s.cost[1].ai_hire


def test_scoping_failure_mode_rule_bound_workflow_is_rpa(scoper: Scoper) -> None:
    s = scoper.scope(RULES)
    assert s.role == "rpa_engineer"
    assert not s.ai_hire
    assert "rules_not_ai" in warning_ids(s)


def test_scoping_no_failure_mode_on_a_plain_ai_brief(scoper: Scoper) -> None:
    s = scoper.scope(EARLY_DOCS_QA)
    assert s.role == "ai_engineer"
    assert not warning_ids(s) & {"chatbot_over_broken_search", "rules_not_ai", "dashboards_not_ai"}
    assert s.steps[-1].found  # "I am building a lean MVP": an early team


# -- the trace ------------------------------------------------------------------------------
@pytest.mark.parametrize("brief", [SEARCH_TRAP, LLM_ON_PRICING, DASHBOARDS, RULES, HYBRID])
def test_scoping_every_step_quotes_the_brief_or_says_none(scoper: Scoper, brief: str) -> None:
    s = scoper.scope(brief)
    assert [st.id for st in s.steps] == [
        "outcome", "data", "volume", "production", "autonomy", "customer", "team_stage",
    ]  # fmt: skip
    for st in s.steps:
        assert st.finding
        if st.found:
            for sig in st.signals:
                assert brief[sig.quote.start : sig.quote.end] == sig.quote.text
        else:
            assert not st.signals
    assert abs(sum(s.scores.values()) - 1) < 1e-3
    assert s.confidence == max(s.scores.values())


def test_scoping_reads_labelled_volume_and_language(scoper: Scoper) -> None:
    few = scoper.scope(
        "Volunteers have read and tagged about 2,500 forum posts for subtle signs of "
        "self-harm risk; the wording is indirect and full of slang. We want new posts flagged."
    )
    volume = next(st for st in few.steps if st.id == "volume")
    assert volume.found and volume.leaning == "ai_engineer"
    assert "2,500" in volume.finding
    many = scoper.scope(
        "We hold 3 million historical card transactions with confirmed fraud labels and want "
        "to catch fraudulent payments as they happen."
    )
    volume = next(st for st in many.steps if st.id == "volume")
    assert volume.points.get("ml_engineer", 0) > volume.points.get("ai_engineer", 0)
    assert "3 million historical card transactions" in volume.finding
    assert many.role == "ml_engineer"


def test_scoping_hybrid_is_senior_and_priced_with_its_premium(scoper: Scoper) -> None:
    s = scoper.scope(HYBRID)
    assert s.role == "hybrid"
    assert s.level == "senior"
    assert "hybrid_is_senior" in warning_ids(s)
    assert s.job_description.title.startswith("Senior")
    derived = [b for b in s.salary if b.amount.derived]
    assert derived and "premium_hybrid_over_genai" in derived[0].amount.figures
    assert s.cost[0].amount is not None and s.cost[0].amount.derived


def test_scoping_quiet_brief_asks_questions(scoper: Scoper) -> None:
    s = scoper.scope("We need AI.")
    assert s.role == "undetermined" and s.job_description is None  # no hire on no facts
    asked = {q.step for q in s.questions}
    assert {"outcome", "data", "production"} <= asked


def test_scoping_empty_brief_is_a_coded_error(scoper: Scoper) -> None:
    with pytest.raises(EmptyInput):
        scoper.scope("   \n ")


# -- form input -----------------------------------------------------------------------------
def test_scoping_form_yaml_fields_feed_the_steps(scoper: Scoper) -> None:
    form = parse_form(
        """
outcome: Flag fraudulent insurance claims before they are paid.
data: Eight years of claims records with investigator outcomes.
volumes: about 2 million labelled claims
users: claims handlers
production: score each new claim in real time
team_stage: first ML hire, senior
budget: 200k
region: India
"""
    )
    s = scoper.scope(form=form)
    assert s.role == "ml_engineer"
    assert s.form == form
    assert s.text is not None and s.text.startswith("Outcome: Flag fraudulent")
    for st in s.steps:
        for sig in st.signals:
            assert s.text[sig.quote.start : sig.quote.end] == sig.quote.text
    assert s.region == "India"
    assert s.level == "senior"
    assert all(b.region == "India" for b in s.salary)
    assert {st.id for st in s.steps if st.found} >= {"outcome", "data", "volume", "production"}


def test_scoping_form_json_and_free_text_together(scoper: Scoper) -> None:
    form = parse_form(
        '{"text": "Answer staff questions from our HR handbook.", "region": "US"}', "json"
    )
    assert form.brief == "Answer staff questions from our HR handbook."
    s = scoper.scope("We are a 40-person startup.", form=form)
    assert s.role == "ai_engineer"
    assert compose("We are a 40-person startup.", form).startswith("We are a 40-person startup.")


@pytest.mark.parametrize(
    ("text", "kind", "error"),
    [
        ("- a list\n- not a form\n", "yaml", FormError),
        ("outcome: [unclosed", "yaml", FormError),
        ("{not json", "json", FormError),
        ("colour: blue\n", "yaml", FormError),
        ("outcome: {nested: mapping}\n", "yaml", FormError),
        ("outcome: true\n", "yaml", FormError),
        ("outcome: ''\nregion: US\n", "yaml", EmptyInput),
    ],
)
def test_scoping_bad_forms_are_coded_errors(text: str, kind: str, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        parse_form(text, kind)
    assert getattr(info.value, "code", "")


# -- what follows: from the taxonomy --------------------------------------------------------
@pytest.mark.parametrize(
    "brief", [RESEARCH_ML_ON_RAG, LLM_ON_PRICING, DASHBOARDS, RULES, SEARCH_TRAP]
)
def test_scoping_jd_and_interview_loop_come_from_the_taxonomy(
    scoper: Scoper, taxonomy: Taxonomy, brief: str
) -> None:
    s = scoper.scope(brief)
    role = taxonomy.role(s.role)
    assert taxonomy.scoping is not None
    profile = next(p for p in taxonomy.scoping.profiles if p.role == s.role)
    jd = s.job_description
    assert jd.responsibilities == list(role.core_skills)
    assert jd.stack == list(role.stack) == s.stack
    assert jd.success_measures == list(role.kpis)[:5]
    assert jd.shipped_work == list(profile.shipped_work)
    assert s.kpis == list(role.kpis) and s.eval_metrics == list(role.eval_metrics)
    loop = s.interview_loop
    assert [p.skill for p in loop.probes] == list(role.core_skills)
    assert all(len(p.questions) >= 2 for p in loop.probes)
    assert loop.work_sample == " ".join(profile.work_sample.split())
    assert any(stage.name == "Work sample" for stage in loop.stages)
    assert any("shipped" in stage.purpose.lower() for stage in loop.stages)


def test_scoping_hybrid_jd_spans_both_sides(scoper: Scoper, taxonomy: Taxonomy) -> None:
    s = scoper.scope(HYBRID)
    ml, ai = taxonomy.role("ml_engineer"), taxonomy.role("ai_engineer")
    skills = set(s.job_description.responsibilities)
    assert skills & set(ml.core_skills) and skills & set(ai.core_skills)
    assert set(s.stack) & set(ml.stack) and set(s.stack) & set(ai.stack)


def test_scoping_salary_by_region_with_sources_and_disagreeing_sources_as_a_range(
    scoper: Scoper,
) -> None:
    s = scoper.scope(LLM_ON_PRICING)
    assert s.region == "US"
    assert s.salary and all(b.amount.sources for b in s.salary)
    assert {b.level for b in s.salary} >= {"mid"}
    typical = [b for b in s.comparisons if len(b.amount.sources) >= 2]
    assert typical, "ML engineer pay from two sources is shown as one range naming both"
    band = typical[0].amount
    assert band.low is not None and band.high is not None and band.low < band.high
    assert "-" in band.text and "sources disagree" in band.description


def test_scoping_unpriced_role_says_so_instead_of_inventing_a_number(scoper: Scoper) -> None:
    s = scoper.scope(RULES)
    assert s.salary == []
    assert s.cost[0].amount is None and s.cost[0].note


def test_scoping_result_validates_against_the_published_schema(scoper: Scoper) -> None:
    for brief in (SEARCH_TRAP, HYBRID, DASHBOARDS):
        jsonschema.validate(scoper.scope(brief, id="x").model_dump(mode="json"), SCOPING_SCHEMA)


# -- the taxonomy block ---------------------------------------------------------------------
def test_scoping_needs_the_scoping_block(toy_taxonomy: Taxonomy) -> None:
    with pytest.raises(ScopingUnavailable):
        Scoper(toy_taxonomy)


def test_scoping_block_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (Path(__file__).parents[1] / "src/rolelens/taxonomy/data/scoping.yaml").read_text()
    bad.write_text(text.replace("weights: {ml_engineer: 3.0}", "weights: {astronaut: 3.0}", 1))
    with pytest.raises(TaxonomyError, match="astronaut"):
        load_taxonomy([bad])
    with pytest.raises(TaxonomyError):
        parse_document("scoping: {version: '1', outcomes: [ml_engineer]}")


def test_scoping_user_file_patches_the_block(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    import yaml

    raw = {"scoping": taxonomy.scoping.model_dump(mode="json")}
    raw["scoping"]["default_role"] = "data_scientist"
    raw["scoping"]["role_bias"] = {"data_scientist": 3.0}
    raw["scoping"].update(fit=None, semantic_fit=None, min_facts=0)  # the hand-set weights
    user = tmp_path / "mine.yaml"
    user.write_text(yaml.safe_dump(raw), encoding="utf-8")
    s = Scoper(load_taxonomy([user])).scope("We need AI.")
    assert s.role == "data_scientist"


def test_scoping_can_weigh_the_posting_readers_evidence(taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    cues = taxonomy.scoping.model_copy(update={"reader_weight": 0.5})
    s = Scoper(taxonomy.model_copy(update={"scoping": cues})).scope(
        "We want a churn model in PyTorch with MLflow tracking, retrained on our usage history."
    )
    evidence = [g for g in s.steps[0].signals if g.cue.startswith("evidence:")]
    assert evidence, "posting-reader evidence shows up as quoted outcome signals"
    for g in evidence:
        assert g.quote.text and set(g.points) <= set(s.scores)


# -- accuracy -------------------------------------------------------------------------------
def _labelled(path: Path) -> list[LabelledBrief]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        rows.append(
            LabelledBrief(
                d["id"], d["brief"], d["label"], tuple(d.get("acceptable_alternatives", []))
            )
        )
    return rows


def test_scoping_written_briefs_stay_scoped_right(scoper: Scoper) -> None:
    report = evaluate_scoping(scoper, _labelled(WRITTEN))
    # written for the hand-set cues (issue 3); the fitted layers never saw them (nor did the
    # writers of data/train/), so this is an out-of-sample check of the fit: measured with
    # cues + words 0.963 strict, 0.988 lenient, none undetermined
    assert report.n >= 100
    assert report.strict_accuracy >= 0.90, [e.id for e in report.errors]
    assert report.lenient_accuracy >= 0.95
    assert report.undetermined <= 6


@pytest.mark.shared
@needs_shared(GOLD_BRIEFS)
def test_scoping_cross_validated_guard(scoper: Scoper) -> None:
    """The fitted layer, refit in grouped 5-fold CV on the dev briefs (with its written
    training briefs in every training fold and its word layer refit beside it), stays above a
    floor a few points under what it measured (cues + words, fold seed 0: 0.722 strict, 0.884
    lenient, macro-F1 0.715; issue 18). Not a dev-set threshold: every brief is scored by a
    layer that never saw it."""
    fit = pytest.importorskip("rolelens.core.scoping_fit", reason="fitting needs numpy")
    rows = [
        LabelledBrief(r.id, r.text, r.label, r.alternatives, source_group(url, r.id or ""))
        for r, url in _labelled_with_sources(GOLD_BRIEFS)
    ]
    assert len(rows) >= 300
    layer = scoper.fit
    assert layer is not None and not layer.provenance.semantic  # no embedder: the cue layer
    cv = _shipped_cv(fit, scoper, rows)
    assert cv.strict_accuracy >= 0.68, cv
    assert cv.lenient_accuracy >= 0.84, cv
    assert cv.macro_f1 >= 0.67, cv
    # the shipped layer says what it was fitted on: this very file
    assert layer.provenance.rows == len(rows)
    assert layer.provenance.sha256 == hashlib.sha256(GOLD_BRIEFS.read_bytes()).hexdigest()
    assert abs(layer.provenance.cv.strict_accuracy - cv.strict_accuracy) < 0.02


@pytest.mark.shared
@needs_shared(GOLD_BRIEFS)
def test_scoping_semantic_layer_cross_validated_guard(taxonomy: Taxonomy) -> None:
    """The semantic fit (cues, facts, the mean sentence vector of the bundled MiniLM and the
    word layer), refit in grouped 5-fold CV on the dev briefs with its written training briefs,
    stays above a floor a few points under what it measured (fold seed 0: 0.743 strict, 0.887
    lenient, macro-F1 0.728; issue 18, see docs/scoper_model_card.md)."""
    fit = pytest.importorskip("rolelens.core.scoping_fit", reason="fitting needs numpy")
    emb = pytest.importorskip("rolelens.backends.embeddings")
    try:
        embedder = emb.MiniLMEmbedder(optimise="extended")
    except ExtraMissing as exc:  # pragma: no cover - CI installs the semantic extra
        pytest.skip(f"the bundled embedding model is not installed: {exc}")
    scoper = Scoper(taxonomy, semantic=emb.load_matcher(taxonomy, embedder, cache_dir=None))
    layer = scoper.fit
    assert layer is not None and layer.provenance.semantic
    assert scoper.sentence_layer is not None and scoper.sentence_layer.model == embedder.model_id
    rows = [
        LabelledBrief(r.id, r.text, r.label, r.alternatives, source_group(url, r.id or ""))
        for r, url in _labelled_with_sources(GOLD_BRIEFS)
    ]
    cv = _shipped_cv(fit, scoper, rows)
    p = layer.provenance
    assert cv.strict_accuracy >= 0.70, cv
    assert cv.lenient_accuracy >= 0.85, cv
    assert cv.macro_f1 >= 0.69, cv
    assert p.rows == len(rows)
    assert p.sha256 == hashlib.sha256(GOLD_BRIEFS.read_bytes()).hexdigest()
    assert abs(p.cv.strict_accuracy - cv.strict_accuracy) < 0.02


@pytest.fixture(scope="module")
def minilm_scoper(taxonomy: Taxonomy) -> Scoper:
    """The scoper with the bundled MiniLM (skipped without the semantic extra)."""
    emb = pytest.importorskip("rolelens.backends.embeddings")
    try:
        embedder = emb.MiniLMEmbedder(optimise="none")
    except ExtraMissing as exc:  # pragma: no cover - CI installs the semantic extra
        pytest.skip(f"the bundled embedding model is not installed: {exc}")
    return Scoper(taxonomy, semantic=emb.load_matcher(taxonomy, embedder, cache_dir=None))


@pytest.mark.parametrize(
    "brief",
    ["We want to use AI.", "Our company wants an AI strategy.", "Help us with our data."],
)
def test_thin_briefs_stay_undetermined_with_the_semantic_layer(
    minilm_scoper: Scoper, brief: str
) -> None:
    """Sentence similarities find some fact in any sentence, so thinness is judged by the
    wording: a one-line wish gets no hire, no job description and no pay with the model too."""
    s = minilm_scoper.scope(brief)
    assert s.role == "undetermined" and s.undetermined
    assert s.job_description is None and not s.salary and not s.cost
    assert s.questions


def test_a_steps_finding_quotes_what_moved_its_leaning(minilm_scoper: Scoper) -> None:
    """'Points to X: ...' lists signals that gave X points, not the strongest signal for
    another role (a sentence the sentence layer reads as forward-deployed work)."""
    s = minilm_scoper.scope(
        "Our support team answers the same questions all day from a 300-page policy manual. "
        "We want an assistant that drafts answers from the manual and cites the page. "
        "Agents review every draft before it is sent. We have 4 backend developers."
    )
    checked = 0
    for step in s.steps:
        if step.leaning is None or not step.finding.startswith("Points to"):
            continue
        first = step.finding.split("('", 1)[1].split("')", 1)[0].removesuffix("…")
        movers = [g for g in step.signals if " ".join(g.quote.text.split()).startswith(first)]
        assert movers, (step.id, step.finding)
        assert any(g.points.get(step.leaning, 0) > 0 for g in movers), (step.id, step.finding)
        checked += 1
    assert checked >= 2


def test_sentence_layer_reads_form_answers_without_our_labels(minilm_scoper: Scoper) -> None:
    """A form's field labels ("Data: ") are our words: the sentence layer quotes and reads the
    client's answer alone."""
    form = parse_form("outcome: Forecast weekly demand for each store\ndata: sales history\n")
    s = minilm_scoper.scope(form=form)
    quoted = [g.quote.text for st in s.steps for g in st.signals if g.cue == "sentences"]
    assert "Forecast weekly demand for each store" in quoted
    assert not [q for q in quoted if ":" in q]


def test_sentence_layer_points_split_exactly_over_quoted_sentences(minilm_scoper: Scoper) -> None:
    """With the sentence layer, each embedded sentence is a quoted signal whose points are its
    exact share of the layer's points (they add up to coef . mean vector x scale)."""
    scoper = minilm_scoper
    embedder = scoper.semantic.embedder  # type: ignore[union-attr]
    layer = scoper.sentence_layer
    assert layer is not None
    brief = (
        "Our support team answers the same questions all day from a 300-page policy manual. "
        "We want an assistant that drafts answers from the manual and cites the page. "
        "Agents review every draft before it is sent."
    )
    s = scoper.scope(brief)
    quoted = [g for st in s.steps for g in st.signals if g.cue == "sentences"]
    assert len(quoted) >= 2
    for g in quoted:
        assert brief[g.quote.start : g.quote.end] == g.quote.text
    sentences = scoper.semantic.sentences(brief)  # type: ignore[union-attr]
    vectors = embedder.embed_many([x.text for x in sentences])
    n = len(vectors)
    for o, ws in layer.coef.items():
        expected = layer.scale * sum(
            sum(w * float(v[i]) for i, w in enumerate(ws)) / n for v in vectors
        )
        got = sum(g.points.get(o, 0.0) for g in quoted)
        assert got == pytest.approx(expected, abs=0.002 * n + 1e-6), o


def test_sentence_layer_of_another_model_falls_back_to_the_cue_fit(taxonomy: Taxonomy) -> None:
    """Sentence weights belong to one embedding model: another model gets the cue-only fit."""
    from rolelens.backends.embeddings import FakeEmbedder
    from rolelens.core.semantic import SemanticMatcher

    scoper = Scoper(taxonomy, semantic=SemanticMatcher(taxonomy, FakeEmbedder()))
    assert scoper.sentence_layer is None
    assert scoper.fit is taxonomy.scoping.fit  # type: ignore[union-attr]
    s = scoper.scope("We want a churn model trained on five years of usage history.")
    assert not [g for st in s.steps for g in st.signals if g.cue == "sentences"]


def _shipped_cv(fit: Any, scoper: Scoper, rows: list[LabelledBrief]) -> Any:
    """Grouped 5-fold CV of the shipped layer's procedure: the same penalty and prior, the
    written training briefs it names in every training fold, and its word layer refit in each
    fold beside it."""
    from rolelens.cli.train_scope import Written

    layer = scoper.fit
    assert layer is not None
    p = layer.provenance
    files = [TRAIN_BRIEFS / e.file for e in p.also_trained_on]
    weight = p.also_trained_on[0].weight if p.also_trained_on else 1.0
    written = Written.read(files, set(scoper.outcomes), weight)
    d = fit.design(scoper, rows, written.rows, weight)
    words = written.words(fit, rows) if layer.with_words else None
    return fit.cross_validate(d, p.l2, 5, p.seed, p.prior_scale, words)


def _labelled_with_sources(path: Path) -> list[tuple[LabelledBrief, str | None]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        brief = LabelledBrief(
            d["id"], d["brief"], d["label"], tuple(d.get("acceptable_alternatives", []))
        )
        out.append((brief, d.get("source_url")))
    return out
