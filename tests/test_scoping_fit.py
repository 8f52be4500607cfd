"""Issue 18: the fitted layer, thin briefs, volumes read with their nouns, a refit from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from rolelens.cli import app
from rolelens.core.scoping import UNDETERMINED, Scoper
from rolelens.render.scoping import scoping_markdown
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models import Taxonomy

HERE = Path(__file__).parent
WRITTEN = HERE / "data" / "scoping" / "briefs_written.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module")
def scoper(taxonomy: Taxonomy) -> Scoper:
    return Scoper(taxonomy)


def _volume_finding(s: object) -> str:
    return next(st.finding for st in s.steps if st.id == "volume")  # type: ignore[attr-defined]


def test_scoping_fit_points_are_the_intercept_plus_every_quoted_signal(scoper: Scoper) -> None:
    s = scoper.scope(
        "We hold 3 million historical card transactions with confirmed fraud labels and want "
        "to catch fraudulent payments as they happen."
    )
    assert scoper.fit is not None
    words = scoper.words
    for role, total in s.points.items():
        steps = sum(st.points.get(role, 0.0) for st in s.steps)
        intercept = scoper.fit.intercept[role] + (words.intercept[role] if words else 0.0)
        assert abs(intercept + steps - total) < 0.05, role
    # each signal's points are its feature's fitted coefficients, and it quotes the brief
    for st in s.steps:
        if st.id == "volume":
            continue
        assert abs(sum(sum(g.points.values()) for g in st.signals) - sum(st.points.values())) < 0.05


def test_scoping_fit_provenance_is_complete(scoper: Scoper) -> None:
    fit = scoper.fit
    assert fit is not None
    p = fit.provenance
    assert p.rows >= 300 and len(p.sha256) == 64 and p.folds == 5 and p.seed == 0
    assert "CV" in p.l2_chosen_by or p.l2_chosen_by == "given"
    assert 0 < p.cv.strict_accuracy < p.dev.strict_accuracy  # CV is the honest number
    assert set(fit.coef) == set(scoper.outcomes)


def test_scoping_thin_brief_is_undetermined_with_questions_and_no_jd_or_pay(scoper: Scoper) -> None:
    s = scoper.scope("We want to use AI.")
    assert s.role == UNDETERMINED and s.undetermined
    assert s.leading in scoper.outcomes
    assert s.job_description is None and s.interview_loop is None
    assert not s.salary and not s.cost and not s.stack
    assert len(s.questions) >= 4  # what would decide it
    md = scoping_markdown(s)
    assert "No recommendation yet" in md
    assert "Job description" not in md and "Pay (" not in md


def test_scoping_a_brief_with_facts_is_not_undetermined(scoper: Scoper) -> None:
    s = scoper.scope(
        "Our support team answers the same questions every day from our product manuals; we "
        "want an assistant that answers customers from those manuals and cites the page."
    )
    assert not s.undetermined and s.job_description is not None
    assert len(s.facts) >= 2


def test_scoping_volume_quotes_the_tagged_count_not_rows_or_customers(scoper: Scoper) -> None:
    s = scoper.scope(
        "We keep 40 million rows of order history for our 500,000 customers, and 3,000 orders "
        "were tagged by hand as fraudulent. We want to catch fraud at checkout."
    )
    finding = _volume_finding(s)
    assert finding.startswith("'3,000 orders were tagged by hand' (labelled examples")
    assert "500,000" not in finding  # customers are no data volume
    assert "40 million rows of order history" in finding
    assert "not said to be labelled" in finding
    assert "About" not in finding  # quoted as written, no invented number


def test_scoping_volume_sensor_rows_and_labelled_failures(scoper: Scoper) -> None:
    s = scoper.scope(
        "We have 2 billion sensor rows, 1,200 labelled failures. We want to predict failures "
        "before they happen."
    )
    finding = _volume_finding(s)
    assert finding.startswith("'1,200 labelled failures' (labelled examples")
    assert "2,000,000,000" not in finding


def test_scoping_volume_invents_no_default_for_vague_history(scoper: Scoper) -> None:
    s = scoper.scope("We have years of order history and want to forecast demand for each product.")
    finding = _volume_finding(s)
    assert "500,000" not in finding and "records" in finding  # "no count of ... past records"


def test_scoping_eval_cv_and_train_refit_on_a_small_file(tmp_path: Path) -> None:
    pytest.importorskip("numpy", reason="fitting needs numpy")
    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    for i, r in enumerate(rows):
        r["source_url"] = f"https://source{i % 12}.example/brief"
    data = tmp_path / "briefs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows[:80]), encoding="utf-8")
    out = runner.invoke(app, ["eval", "scope", str(data), "--cv", "3", "--json"])
    assert out.exit_code == 0, out.output
    # the shipped layer was also trained on written briefs: the CV says how to refit as it was
    assert "--extra data/train/briefs_written_A.jsonl" in out.stderr
    report = json.loads(out.stdout)
    assert report["cv"]["n"] == 80 and 0 <= report["cv"]["strict_accuracy"] <= 1
    # the out-of-fold scores carry 95% bootstrap intervals beside the plain ones
    within = report["cv_intervals"]["accuracy"]
    assert within["low"] <= report["cv"]["strict_accuracy"] <= within["high"]
    lenient = report["cv_intervals"]["lenient_accuracy"]
    assert lenient["low"] <= report["cv"]["lenient_accuracy"] <= lenient["high"]
    refit = tmp_path / "refit.yaml"
    out = runner.invoke(
        app,
        ["train", "scope", str(data), "--out", str(refit), "--semantic", "off", "--l2", "0.01",
         "--folds", "3"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "grouped 3-fold CV strict" in out.output
    assert "features of 80 / 80 briefs" in out.stderr  # a long refit says how far it has got
    doc = yaml.safe_load(refit.read_text(encoding="utf-8"))
    assert doc["scoping"]["fit"]["provenance"]["rows"] == 80
    assert set(doc["scoping"]) == {"fit"}  # a patch of the layer only: no copy of the cues
    layered = load_taxonomy([refit])  # the refit layers over the bundled taxonomy
    assert layered.scoping is not None and layered.scoping.fit is not None
    assert layered.scoping.fit.provenance.fitted_on == "briefs.jsonl"
    bundled = load_taxonomy()
    assert bundled.scoping is not None
    assert layered.scoping.cues == bundled.scoping.cues  # merged from below, not replaced
    assert layered.scoping.semantic_fit == bundled.scoping.semantic_fit
    assert Scoper(layered).scope("We want to forecast weekly demand from five years of sales.")


def test_scoping_region_without_pay_figures_says_so_and_budget_is_checked(scoper: Scoper) -> None:
    s = scoper.scope(
        "We are a German machine builder in Munich. We hold 3 million historical sensor readings "
        "with labelled failures and want to predict failures before they happen. Our budget is "
        "€90,000 a year."
    )
    assert s.region == "Germany"
    assert s.pay_note is not None and "No sourced pay figure for Germany" in s.pay_note
    assert s.budget is not None and s.budget.currency == "EUR"
    assert s.budget.within is None and "not compared" in s.budget.verdict  # no invented FX rate
    md = scoping_markdown(s)
    assert "No sourced pay figure for Germany" in md and "**Budget**" in md


def test_scoping_budget_below_the_sourced_cost(scoper: Scoper) -> None:
    from rolelens.core.scoping_models import ScopingForm

    form = ScopingForm(
        brief="We hold 3 million historical card transactions with confirmed fraud labels and "
        "want to catch fraudulent payments as they happen.",
        budget="$60k a year",
        region="US",
    )
    s = scoper.scope(form=form)
    assert s.role == "ml_engineer" and s.pay_note is None
    assert s.budget is not None and s.budget.amount == 60_000 and s.budget.within is False
    assert "an ML engineer" in s.budget.verdict  # not "a ML engineer"
    assert s.job_description is not None and "an ML engineer" in s.job_description.summary


def test_scoping_fit_prior_is_the_hand_set_weights_and_fitting_is_repeatable(
    scoper: Scoper,
) -> None:
    fit = pytest.importorskip("rolelens.core.scoping_fit", reason="fitting needs numpy")
    from rolelens.core.scoping_eval import LabelledBrief

    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()[:60]]
    briefs = [
        LabelledBrief(r["id"], r["brief"], r["label"], tuple(r["acceptable_alternatives"]))
        for r in rows
    ]
    d = fit.design(scoper, briefs)
    j = d.features.index("cue:fraud_or_abuse")
    assert d.prior[d.outcomes.index("ml_engineer"), j] == pytest.approx(3.0)
    a = fit.fit_softmax(d.x, d.y, len(d.outcomes), 0.01, d.prior, steps=300)
    b = fit.fit_softmax(d.x, d.y, len(d.outcomes), 0.01, d.prior, steps=300)
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()  # deterministic: no random start
    heard: list[str] = []
    l2, prior = fit.choose_l2(d, 2, 0, grid=(0.01, 0.03), priors=(0.0,), repeats=1,
                              progress=heard.append)  # fmt: skip
    assert (l2, prior) in {(0.01, 0.0), (0.03, 0.0)}
    # one line per grid point, saying its CV: a half-hour refit is not silent
    assert [h.split(":")[0] for h in heard] == ["penalty 1 / 2", "penalty 2 / 2"]
    assert all("CV strict" in h for h in heard)


def test_scoping_markdown_quotes_stay_on_one_line_without_heading_marks(scoper: Scoper) -> None:
    s = scoper.scope(
        "## Our problem\nWe want to stop fraudulent card payments\nat checkout in real time. "
        "We hold 5 million past payments with confirmed fraud outcomes.\n# Team\n"
        "We have four backend developers."
    )
    md = scoping_markdown(s)
    quoted = [line for line in md.splitlines() if line.startswith('- "')]
    assert quoted, md
    for line in quoted:
        assert "#" not in line.split(" — ")[0]
    team = next(st for st in s.steps if st.id == "team_stage")
    assert team.found  # "four backend developers": no first-hire question
    assert not any(q.step == "team_stage" for q in s.questions)


def test_scoping_says_no_labels_so_the_volume_question_is_not_asked(scoper: Scoper) -> None:
    s = scoper.scope(
        "We have no labelled data at all. Staff should ask questions and get answers from our "
        "policy documents, and every answer must cite the page it came from."
    )
    assert next(st for st in s.steps if st.id == "volume").found
    assert not any(q.step == "volume" for q in s.questions)


@pytest.mark.parametrize(
    ("brief", "undetermined"),
    [
        ("We want to use AI.", True),
        ("Our company wants an AI strategy.", True),  # one stray word states no fact
        ("Can AI help our business grow?", True),
        ("We want weekly dashboards of sales by region.", False),  # one fact, clearly stated
    ],
)
def test_scoping_one_line_briefs(scoper: Scoper, brief: str, undetermined: bool) -> None:
    s = scoper.scope(brief)
    assert s.undetermined is undetermined, (s.role, s.facts)
    assert (s.job_description is None) is undetermined


def test_written_briefs_train_in_every_fold_and_are_never_scored(
    scoper: Scoper, tmp_path: Path
) -> None:
    fit = pytest.importorskip("rolelens.core.scoping_fit", reason="fitting needs numpy")
    from rolelens.core.scoping_eval import LabelledBrief

    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    briefs = [
        LabelledBrief(r["id"], r["brief"], r["label"], tuple(r["acceptable_alternatives"]),
                      f"source{i % 10}")
        for i, r in enumerate(rows)
    ]  # fmt: skip
    labelled, written = briefs[:60], briefs[60:]
    plain = fit.design(scoper, labelled)
    d = fit.design(scoper, labelled, written, 0.5)
    assert d.scored == 60 and d.extra == len(written) and len(d.y) == len(briefs)
    assert list(d.weights()[:60]) == [1.0] * 60 and set(d.weights()[60:]) == {0.5}
    assert (d.x[:60] == plain.x).all()  # the labelled rows keep their features and order
    cv = fit.cross_validate(d, 0.01, 3, 0, 0.5)
    assert cv.n == 60  # only the labelled rows are scored
    # a written row at weight w pulls the fit like w copies of it would
    x, y = d.x[:70], d.y[:70]
    halved = fit.fit_softmax(x, y, len(d.outcomes), 0.01, steps=400, weights=d.weights()[:70])
    doubled = fit.fit_softmax(
        fit.np.vstack([x[:60], x[:60], x[60:]]), fit.np.concatenate([y[:60], y[:60], y[60:]]),
        len(d.outcomes), 0.01, steps=400,
    )  # fmt: skip
    assert fit.np.allclose(halved[0], doubled[0], atol=1e-6)
    with pytest.raises(ValueError, match="extra_weight"):
        fit.design(scoper, labelled, written, 0.0)


def test_train_scope_records_the_written_briefs_it_trained_on(tmp_path: Path) -> None:
    pytest.importorskip("numpy", reason="fitting needs numpy")
    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    for i, r in enumerate(rows):
        r["source_url"] = f"https://source{i % 12}.example/brief"
    data, extra = tmp_path / "briefs.jsonl", tmp_path / "written.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows[:60]), encoding="utf-8")
    extra.write_text("".join(json.dumps(r) + "\n" for r in rows[60:90]), encoding="utf-8")
    refit = tmp_path / "refit.yaml"
    args = ["train", "scope", str(data), "--out", str(refit), "--semantic", "off", "--l2", "0.01",
            "--folds", "3", "--extra", str(extra), "--extra-weight", "0.5"]  # fmt: skip
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "also trained on 30 written briefs at weight 0.5" in out.output
    p = yaml.safe_load(refit.read_text(encoding="utf-8"))["scoping"]["fit"]["provenance"]
    assert p["rows"] == 60 and p["cv"]["n"] == 60 and p["dev"]["n"] == 60
    [written] = p["also_trained_on"]
    assert written["file"] == "written.jsonl" and written["rows"] == 30
    assert written["weight"] == 0.5 and len(written["sha256"]) == 64
    out = runner.invoke(
        app, ["eval", "scope", str(data), "--cv", "3", "--json", "--extra", str(extra)]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["cv"]["n"] == 60


def test_word_layer_vocabulary_comes_from_written_briefs_and_its_points_are_quoted(
    tmp_path: Path,
) -> None:
    pytest.importorskip("scipy", reason="the word layer's fit needs scipy")
    rows = [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines()]
    for i, r in enumerate(rows):
        r["source_url"] = f"https://source{i % 12}.example/brief"
    labelled = rows[:60]
    labelled[0] = {**labelled[0], "brief": labelled[0]["brief"] + " Zyxwvut quorble."}
    data, extra = tmp_path / "briefs.jsonl", tmp_path / "written.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in labelled), encoding="utf-8")
    extra.write_text("".join(json.dumps(r) + "\n" for r in rows[60:]), encoding="utf-8")
    refit = tmp_path / "refit.yaml"
    args = ["train", "scope", str(data), "--out", str(refit), "--semantic", "off", "--l2", "0.01",
            "--folds", "3", "--extra", str(extra)]  # fmt: skip
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "+ the word layer" in out.output and "words: a layer of" in out.output
    tax = load_taxonomy([refit])
    assert tax.scoping is not None and tax.scoping.fit is not None
    layer = tax.scoping.words
    assert layer is not None and tax.scoping.fit.with_words
    assert 0.5 <= tax.scoping.fit.temperature <= 3.0  # fitted on the out-of-fold points
    assert "zyxwvut" not in layer.terms and "quorble" not in layer.terms  # labelled-only words
    assert layer.vocabulary_from == "written.jsonl"
    s = Scoper(tax).scope(
        "We want an assistant that answers staff questions from our policy documents and "
        "manuals, with citations to the page it used."
    )
    quoted = [g for st in s.steps for g in st.signals if g.cue == "words"]
    assert quoted and all(g.quote is not None and g.quote.text for g in quoted)
    for role, total in s.points.items():
        steps = sum(st.points.get(role, 0.0) for st in s.steps)
        intercept = tax.scoping.fit.intercept[role] + layer.intercept[role]
        assert abs(intercept + steps - total) < 0.05, role
    # the probabilities are the softmax of the points at the fitted temperature
    import math

    z = {o: p / tax.scoping.fit.temperature for o, p in s.points.items()}
    top = max(z.values())
    total = sum(math.exp(v - top) for v in z.values())
    assert abs(s.scores[s.role] - math.exp(z[s.role] - top) / total) < 0.01
    out = runner.invoke(
        app,
        [
            "eval",
            "scope",
            str(data),
            "--cv",
            "3",
            "--json",
            "--extra",
            str(extra),
            "-t",
            str(refit),
        ],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["cv"]["n"] == 60
