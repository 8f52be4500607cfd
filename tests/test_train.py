"""Fitting the reader's numbers: folds, the model's maths, the fitted block, the CLI."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SHARED, needs_shared
from rolelens.cli import app
from rolelens.core.reader import PostingReader
from rolelens.errors import OutputUnwritable, TaxonomyError
from rolelens.taxonomy.loader import fitted_path, load_taxonomy
from rolelens.taxonomy.models import Taxonomy

np = pytest.importorskip("numpy", reason="fitting needs the 'train' extra")
pytest.importorskip("scipy", reason="fitting needs the 'train' extra")

from rolelens.train import model  # noqa: E402
from rolelens.train.features import (  # noqa: E402
    Factors,
    content_sha256,
    item_amounts,
    mentions_of,
)
from rolelens.train.fitting import prior_of  # noqa: E402

HERE = Path(__file__).parent
TRAIN = SHARED / "data" / "gold" / "postings_train.jsonl"
DEV = SHARED / "data" / "gold" / "postings_dev.jsonl"

DUTIES = {
    "ml_engineer": [
        "Train machine learning models on our own data with PyTorch",
        "Build feature pipelines and run hyperparameter tuning",
        "Own model training, held-out evaluation and retraining",
    ],
    "ai_engineer": [
        "Build RAG pipelines over our documents with LangChain",
        "Write prompts and evaluate LLM outputs for our assistant",
        "Integrate LLM APIs with function calling and structured outputs",
    ],
    "software_engineer": [
        "Build React front ends and REST APIs",
        "Run our services on Kubernetes and keep them reliable",
        "Write backend services in Go and PostgreSQL",
    ],
}


def labelled_rows(n: int = 36) -> list[dict[str, object]]:
    """Plain labelled postings: each role's duties, some with another role's line mixed in."""
    roles = list(DUTIES)
    rows = []
    for i in range(n):
        label = roles[i % 3]
        lines = [DUTIES[label][i % 3], DUTIES[label][(i + 1) % 3]]
        if i % 4 == 0:
            lines.append(DUTIES[roles[(i + 1) % 3]][i % 3])
        body = "## Responsibilities\n" + "\n".join(f"- {line}" for line in lines)
        rows.append(
            {
                "id": f"p{i}",
                "title": "Engineer",
                "company": f"Company {i % 9}",
                "description": body,
                "label": label,
                "confidence": "low" if i % 5 == 0 else "high",
            }
        )
    return rows


def write_rows(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hand() -> Taxonomy:
    return load_taxonomy(fitted=False)


# -- the model -------------------------------------------------------------------------------
def small_problem(saturation: float | None = 2.0) -> tuple[model.Prior, model.Design]:
    rng = np.random.default_rng(0)
    roles = ["a", "b", "c", "d"]
    items = [f"i{k}" for k in range(6)]
    weights = {it: {roles[k % 3]: 1.0 + k / 10, "d": 0.3} for k, it in enumerate(items)}
    prior = model.Prior(
        roles, items, weights, {"c": 0.4}, 1.5, saturation, {"d": (["a", "b"], 0.4)}
    )
    amounts = [
        {it: float(x) for it, x in zip(items, rng.exponential(1.0, 6), strict=True) if x > 0.5}
        for _ in range(30)
    ]
    titles = [roles[k % 4] if k % 3 else None for k in range(30)]
    labels = [roles[int(k)] for k in rng.integers(0, 4, 30)]
    d = model.design(prior, amounts, titles, labels, [1.0 if k % 2 else 0.5 for k in range(30)])
    return prior, d


@pytest.mark.parametrize("saturation", [2.0, None])
def test_train_gradient_matches_finite_differences(saturation: float | None) -> None:
    prior, d = small_problem(saturation)
    layout = model._Layout(prior)
    theta = layout.start() + np.random.default_rng(1).normal(0, 0.3, layout.size)
    ws = layout.slices[0]
    theta[ws.start + layout.below[0]] = theta[ws.start + layout.above[0]] + 0.5  # a reversal
    strength = model.Strength(0.05, 0.02, 0.03, 0.4, order=3.0)
    _, grad = model._objective(theta, layout, d, strength)
    eps = 1e-6
    for j in range(layout.size):
        up, down = theta.copy(), theta.copy()
        up[j] += eps
        down[j] -= eps
        numeric = (
            model._objective(up, layout, d, strength)[0]
            - model._objective(down, layout, d, strength)[0]
        ) / (2 * eps)
        assert grad[j] == pytest.approx(numeric, abs=1e-5)


def test_train_strong_prior_keeps_the_hand_numbers() -> None:
    prior, d = small_problem()
    fit = model.fit(prior, d, model.Strength(1e4, 1e4, 1e4, 1e4))
    for item, roles in prior.weights.items():
        for role, w in roles.items():
            assert fit.weights[item][role] == pytest.approx(w, abs=1e-3)
    assert fit.title_weight == pytest.approx(1.5, abs=1e-3)
    assert fit.shares["d"] == pytest.approx(0.4, abs=1e-3)


def test_train_weak_prior_follows_the_labels() -> None:
    # item 'x' is hand-set weakly for role b, and every posting with it is labelled b
    prior = model.Prior(["a", "b"], ["x", "y"], {"x": {"b": 0.1}, "y": {"a": 1.0}},
                        {}, 1.0, None, {})  # fmt: skip
    amounts = [{"x": 1.0}] * 20 + [{"y": 1.0}] * 20
    labels = ["b"] * 20 + ["a"] * 20
    d = model.design(prior, amounts, [None] * 40, labels, [1.0] * 40)
    fit = model.fit(prior, d, model.Strength(0.001, 0.001, 0.001, 0.001))
    assert fit.weights["x"]["b"] > 1.0
    pts = model.points(prior, fit, d)
    assert (pts[:20, 1] > pts[:20, 0]).all() and (pts[20:, 0] > pts[20:, 1]).all()


def test_train_keeps_the_curated_order_of_an_items_roles() -> None:
    # 'x' speaks for a first and b second; every posting with it is labelled b: the fit may
    # bring b up to a, never past it (the labels still win through the bias)
    prior = model.Prior(["a", "b"], ["x", "y"], {"x": {"a": 1.0, "b": 0.1}, "y": {"a": 1.0}},
                        {}, 1.0, None, {})  # fmt: skip
    amounts = [{"x": 1.0}] * 20 + [{"y": 1.0}] * 20
    labels = ["b"] * 20 + ["a"] * 20
    d = model.design(prior, amounts, [None] * 40, labels, [1.0] * 40)
    fit = model.fit(prior, d, model.Strength(0.001, 0.001, 0.001, 0.001))
    assert 0.1 < fit.weights["x"]["b"] <= fit.weights["x"]["a"]
    free = model.fit(prior, d, model.Strength(0.001, 0.001, 0.001, 0.001, order=0.0))
    assert free.weights["x"]["b"] > free.weights["x"]["a"]  # without the order, it would pass


def test_train_bundled_numbers_keep_the_curated_order() -> None:
    # the shipped fit may move an item's weights, never rank two of its roles the other way
    # round from the curation (unit tests never count for AI engineering ahead of software)
    hand = {e.id: e.weights for e in load_taxonomy([], fitted=False).evidence}
    fitted = {e.id: e.weights for e in load_taxonomy([], fitted=True).evidence}
    reversed_pairs = [
        (item, a, b)
        for item, weights in hand.items()
        for a in weights
        for b in weights
        if weights[a] > weights[b] and fitted[item][b] > fitted[item][a]
    ]
    assert reversed_pairs == []
    assert fitted != hand  # the numbers were fitted: the check is not of the hand weights


def test_train_temperature_calibrates_overconfident_points() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    right = rng.random(400) < 0.7  # 70% right, but points say ~99%
    top = np.where(right, labels, 1 - labels)
    pts = np.zeros((400, 2))
    pts[np.arange(400), top] = 5.0
    t = model.fit_temperature(pts, labels)
    assert t > 3.0
    assert model.log_loss(pts, labels, t) < model.log_loss(pts, labels, 1.0)


# -- features ----------------------------------------------------------------------------------
@pytest.mark.parametrize("stem", sorted(p.stem for p in (HERE / "data" / "postings").glob("*.md")))
@pytest.mark.parametrize("numbers", ["hand-set", "fitted"])
def test_train_features_reproduce_the_readers_points(
    hand: Taxonomy, stem: str, numbers: str
) -> None:
    """Mentions recovered from a reading, re-weighed by the fitter, give the reader's points:
    what is fitted is what the reader computes (with the fitted numbers too, whose lead
    duties count more and whose word layer adds its own points)."""
    if numbers == "fitted":
        hand = load_taxonomy()
        assert hand.scoring.lead_weight != 1.0 and hand.scoring.lead_mentions > 0
    reader = PostingReader(hand)
    text = (HERE / "data" / "postings" / f"{stem}.md").read_text(encoding="utf-8")
    reading = reader.read(text)
    prior = prior_of(hand)
    amounts = item_amounts(mentions_of(reading, hand.scoring), Factors.of(hand.scoring))
    d = model.design(prior, [amounts], [reading.title_role], [reading.role], [1.0])
    s = hand.scoring
    same = model.Fit(
        weights={k: dict(v) for k, v in prior.weights.items()},
        bias={r: s.role_bias.get(r, 0.0) for r in hand.role_ids},
        title_weight=s.title_weight,
        shares={c: sp.share for c, sp in s.specialisations.items()},
        loss=0.0,
        iterations=0,
    )
    pts = model.points(prior, same, d)[0]
    # the word layer's points (fitted numbers only) are added on top, and shown apart
    words = reading.words.points if reading.words is not None else {}
    assert (numbers == "fitted") == bool(words)
    for i, role in enumerate(hand.role_ids):
        assert pts[i] + words.get(role, 0.0) == pytest.approx(reading.points[role], abs=0.02), role


def test_train_content_hash_depends_on_every_field() -> None:
    rows = labelled_rows(4)
    base = content_sha256(rows)
    assert content_sha256(rows) == base
    for field, value in [("label", "other"), ("company", "Another Co"), ("confidence", "low")]:
        changed = [dict(r) for r in rows]
        changed[2][field] = value  # the company groups the folds, the confidence weighs the row
        assert content_sha256(changed) != base, field
    assert content_sha256(rows[::-1]) != base


# -- the fitted block in a taxonomy -------------------------------------------------------------
PROVENANCE = {
    "fitted_on": ["mine.jsonl"],
    "rows": 10,
    "sha256": "0" * 64,
    "date": "2026-12-01",
    "seed": 0,
    "scorer_version": "1.1",
    "taxonomy_version": "x",
    "method": "by hand, for a test",
}


def fitted_file(tmp_path: Path, weights: object, scoring: object | None = None) -> Path:
    block: dict[str, object] = {"provenance": PROVENANCE, "weights": weights}
    if scoring is not None:
        block["scoring"] = scoring
    path = tmp_path / "fit.yaml"
    path.write_text(json.dumps({"fitted": block}), encoding="utf-8")  # JSON is YAML
    return path


def test_taxonomy_fitted_block_layers_over_hand_numbers(tmp_path: Path, hand: Taxonomy) -> None:
    path = fitted_file(
        tmp_path,
        {"rag": {"ai_engineer": 4.5}, "no_such_item": {"ai_engineer": 1.0}},
        {"title_weight": 0.25, "section_weights": {"summary": 0.4}, "temperature": 1.7,
         "specialisation_shares": {"agentic_ai_engineer": 0.9}},
    )  # fmt: skip
    tax = load_taxonomy([path])
    item = next(e for e in tax.evidence if e.id == "rag")
    assert item.weights == {"ai_engineer": 4.5}
    assert tax.scoring.title_weight == 0.25
    assert tax.scoring.temperature == 1.7
    assert tax.scoring.section_weights["summary"] == 0.4
    assert (
        tax.scoring.section_weights["responsibilities"]
        == hand.scoring.section_weights["responsibilities"]
    )
    assert tax.scoring.specialisations["agentic_ai_engineer"].share == 0.9
    assert tax.fitted is not None and tax.fitted.fitted_on == ["mine.jsonl"]
    # the same file, asked for the hand-set numbers: nothing applied
    plain = load_taxonomy([path], fitted=False)
    assert plain.fitted is None
    assert (
        next(e for e in plain.evidence if e.id == "rag").weights
        == next(e for e in hand.evidence if e.id == "rag").weights
    )


def test_taxonomy_fitted_block_rejects_unknown_roles_and_sections(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="unknown role"):
        load_taxonomy([fitted_file(tmp_path, {"rag": {"astronaut": 1.0}})])
    with pytest.raises(TaxonomyError, match="section_weights"):
        load_taxonomy([fitted_file(tmp_path, {}, {"section_weights": {"footer": 1.0}})])
    with pytest.raises(TaxonomyError, match="weights lie in"):
        load_taxonomy([fitted_file(tmp_path, {"rag": {"ai_engineer": 9.0}})])


def test_taxonomy_bundled_fit_is_applied_and_stamped(hand: Taxonomy) -> None:
    tax = load_taxonomy()
    if not fitted_path().exists():
        pytest.skip("no bundled fitted numbers")
    assert tax.fitted is not None
    assert tax.fitted.cv is not None and tax.fitted.hand_cv is not None
    assert tax.fitted.rows == tax.fitted.cv.n
    moved = [
        e.id for e, h in zip(tax.evidence, hand.evidence, strict=True) if e.weights != h.weights
    ]
    assert moved, "the bundled fit moves some item weights"
    # the vocabulary is never fitted
    assert [e.aliases for e in tax.evidence] == [e.aliases for e in hand.evidence]


@needs_shared(TRAIN)
@pytest.mark.shared
def test_taxonomy_bundled_fit_names_the_rows_it_was_fitted_on() -> None:
    tax = load_taxonomy()
    if tax.fitted is None:
        pytest.skip("no bundled fitted numbers")
    rows = [json.loads(line) for f in (TRAIN, DEV) for line in f.read_text("utf-8").splitlines()]
    assert tax.fitted.fitted_on == [TRAIN.name, DEV.name]
    assert tax.fitted.rows == len(rows)
    assert tax.fitted.sha256 == content_sha256(rows)
    assert tax.fitted.cv is not None and tax.fitted.hand_cv is not None
    assert tax.fitted.cv.accuracy >= tax.fitted.hand_cv.accuracy


# -- the commands ----------------------------------------------------------------------------------
def test_cli_train_writes_numbers_that_layer(tmp_path: Path) -> None:
    rows = labelled_rows()
    data = write_rows(tmp_path / "mine.jsonl", rows)
    out = tmp_path / "weights.yaml"
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        app,
        ["train", "postings", str(data), "--out", str(out), "--folds", "3", "--no-search",
         "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    evaluations = json.loads(report.read_text())
    assert evaluations["cross_validated"]["n"] == evaluations["hand"]["n"] == len(rows)
    # the comparison table gives each labeller confidence's accuracy and calibration, as the
    # report does (rich may wrap a long label, so only the short slice is looked for whole)
    assert "accuracy, labeller confidence low" in result.stderr
    assert "ECE, labeller confidence low" in result.stderr
    row = next(ln for ln in result.stderr.splitlines() if "ECE, labeller confidence low" in ln)
    for column in ("hand", "cross_validated"):
        by = evaluations[column]["by_confidence"]
        low = next(s for s in by if s["confidence"] == "low")
        assert f"{low['ece']:.3f}" in row
    assert evaluations["holdout"] is None  # one file: nothing held out
    tax = load_taxonomy([out])
    assert tax.fitted is not None
    assert tax.fitted.rows == len(rows)
    assert tax.fitted.sha256 == content_sha256(rows)
    assert tax.fitted.cv is not None and tax.fitted.cv.n == len(rows)
    assert tax.fitted.settings["folds"] == 3
    assert len(tax.fitted.cv.fold_accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in tax.fitted.cv.fold_accuracy)
    reading = PostingReader(tax).read(str(rows[1]["description"]), title="Engineer")
    assert reading.role == rows[1]["label"]
    # the same rows and seed give the same numbers
    again = tmp_path / "again.yaml"
    CliRunner().invoke(
        app, ["train", "postings", str(data), "--out", str(again), "--folds", "3", "--no-search"]
    )
    strip = lambda p: [ln for ln in p.read_text().splitlines() if "date:" not in ln]  # noqa: E731
    assert strip(out) == strip(again)
    read = CliRunner().invoke(
        app,
        [
            "read",
            "--taxonomy",
            str(out),
            str(HERE / "data" / "postings" / "hybrid_applied_ml.md"),
            "--json",
        ],
    )
    assert read.exit_code == 0, read.output


def test_cli_eval_postings_cv_reports_fitted_beside_hand(tmp_path: Path) -> None:
    rows = labelled_rows()
    first = write_rows(tmp_path / "a.jsonl", rows[:24])
    second = write_rows(tmp_path / "b.jsonl", rows[24:])
    result = CliRunner().invoke(
        app, ["eval", "postings", "--cv", "3", str(first), str(second), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # warnings go to stderr
    assert out["folds"] == 3
    assert out["cross_validated"]["n"] == out["hand"]["n"] == len(rows)
    assert out["provenance"]["holdout_file"] == "b.jsonl"
    assert out["provenance"]["holdout"]["n"] == 12
    assert 0.0 <= out["cross_validated"]["calibration"]["ece"] <= 1.0
    # the held-out file's full report, and the fitted readings' 95% intervals: how far each
    # score could move on another set of the same size (the hand-set column has none)
    held = out["holdout"]
    assert held["n"] == 12 and held["intervals"]["resamples"] == 1000
    accuracy = held["intervals"]["accuracy"]
    assert accuracy["low"] <= held["work"]["accuracy"] <= accuracy["high"]
    assert "intervals" in out["cross_validated"] and "intervals" not in out["hand"]


def test_cli_eval_postings_cv_repeated_over_fold_seeds(tmp_path: Path) -> None:
    rows = labelled_rows()
    first = write_rows(tmp_path / "a.jsonl", rows[:24])
    # the second file's rows carry no labeller confidence, as a file read twice does not
    unrated = [{k: v for k, v in r.items() if k != "confidence"} for r in rows[24:]]
    second = write_rows(tmp_path / "b.jsonl", unrated)
    args = ["eval", "postings", "--cv", "3", "--seed", "4", "--repeat", "2", str(first)]
    result = CliRunner().invoke(app, [*args, str(second), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["seeds"] == [4, 5] and out["holdout_file"] == "b.jsonl"
    assert [r["seed"] for r in out["runs"]] == [4, 5]
    # each labeller confidence's rows inside the CV too (b.jsonl's, with none: what the
    # model card's tables call the dev rows)
    slices = [k for k in out["runs"][0] if k.startswith("accuracy_")]
    assert "accuracy_not_given" in slices
    # and their calibration (a held-out set is read twice, as the slice with none is)
    assert all(0.0 <= r["ece_not_given"] <= 1.0 for r in out["runs"])
    for key in ("accuracy", "macro_f1", "log_loss", "holdout_accuracy", *slices):
        values = [r[key] for r in out["runs"]]
        assert out["mean"][key] == pytest.approx(sum(values) / 2, abs=1e-4)
        assert out["sd"][key] is not None and out["sd"][key] >= 0
    # the same run alone gives the same numbers as its row here
    one = CliRunner().invoke(app, ["eval", "postings", "--cv", "3", "--seed", "5", str(first),
                                   str(second), "--json"])  # fmt: skip
    alone_run = json.loads(one.stdout)
    assert alone_run["provenance"]["cv"]["accuracy"] == out["runs"][1]["accuracy"]
    # the held-out file's F1 of each role it holds and its mismatch numbers, seed by seed
    # (the bars are per-role; one seed's split moves them by more than their means do)
    held = alone_run["provenance"]["holdout"]
    assert held["per_role_f1"]
    for role, f1 in held["per_role_f1"].items():
        assert out["runs"][1][f"holdout_f1_{role}"] == f1
        assert f"holdout_f1_{role}" in out["mean"]
    for key in ("mismatch_precision", "mismatch_recall"):
        assert out["runs"][1][f"holdout_{key}"] == held[key]
    table = CliRunner().invoke(app, [*args, str(second)])
    assert table.exit_code == 0 and "mean" in table.stdout and "seed 5" in table.stdout
    assert "labeller confidence not given" in table.stdout
    role = next(iter(held["per_role_f1"]))
    assert f"{role} F1 → b.jsonl" in table.stdout
    alone = CliRunner().invoke(app, ["eval", "postings", "--repeat", "2", str(first)])
    assert alone.exit_code != 0 and "--cv" in alone.output


def test_cli_train_without_the_extra_says_which_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "scipy", None)
    data = write_rows(tmp_path / "mine.jsonl", labelled_rows(6))
    result = CliRunner().invoke(
        app, ["train", "postings", str(data), "--out", str(tmp_path / "w.yaml")]
    )
    assert result.exit_code != 0
    assert "rolelens[train]" in str(result.exception) + result.output


def test_train_thin_role_keeps_its_hand_bias() -> None:
    prior = model.Prior(["a", "b", "c"], ["x"], {"x": {"a": 1.0}}, {"c": 0.7}, 1.0, None, {})
    labels = ["a"] * 30 + ["b"] * 30 + ["c"] * 2  # c is thin: 2 rows
    d = model.design(prior, [{"x": 1.0}] * 62, [None] * 62, labels, [1.0] * 62)
    fit = model.fit(prior, d, model.Strength(0.001, 0.001, 0.001, 0.001))
    assert fit.bias["c"] == 0.7
    assert fit.bias["b"] != 0.0  # a role with rows moves


def test_cli_train_refuses_a_missing_out_folder_before_fitting(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "mine.jsonl", labelled_rows(6))
    out = tmp_path / "nowhere" / "w.yaml"
    result = CliRunner().invoke(app, ["train", "postings", str(data), "--out", str(out)])
    assert isinstance(result.exception, OutputUnwritable)  # exit 2 from `rolelens`
    assert "no such folder" in result.exception.message


@pytest.fixture
def no_fitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fit itself fails the test: what is refused must be refused before it."""

    def fit_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("fitted before the outputs were checked")

    monkeypatch.setattr("rolelens.cli.train.fit_files", fit_files)


@pytest.mark.parametrize("which", ["out", "report", "taxonomy", "out is report"])
def test_cli_train_refuses_to_overwrite_an_input_or_itself(
    tmp_path: Path, no_fitting: None, which: str
) -> None:
    data = write_rows(tmp_path / "mine.jsonl", labelled_rows(6))
    layer = tmp_path / "layer.yaml"
    layer.write_text("roles: []\n", encoding="utf-8")
    out, report = tmp_path / "w.yaml", tmp_path / "r.json"
    if which == "out":
        out = tmp_path / "sub" / ".." / "mine.jsonl"  # the same file, spelt otherwise
        (tmp_path / "sub").mkdir()
    elif which == "report":
        report = data
    elif which == "taxonomy":
        out = layer
    else:
        report = out
    before = {p: p.read_bytes() for p in (data, layer)}
    result = CliRunner().invoke(
        app,
        ["train", "postings", str(data), "--taxonomy", str(layer), "--out", str(out),
         "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "input file" in result.output or "same file" in result.output
    assert {p: p.read_bytes() for p in (data, layer)} == before


def test_cli_train_replaces_the_bundled_fit_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a stand-in package folder, so the real bundled file is never at risk
    package = tmp_path / "package"
    (package / "fitted").mkdir(parents=True)
    bundled = package / "fitted" / "postings.yaml"
    bundled.write_text("# the bundled fit\n", encoding="utf-8")
    monkeypatch.setattr("rolelens.taxonomy.loader.package_root", lambda: package)
    monkeypatch.setattr("rolelens.taxonomy.loader.fitted_path", lambda: bundled)
    data = write_rows(tmp_path / "mine.jsonl", labelled_rows())
    train = ["train", "postings", str(data), "--folds", "3", "--no-search"]
    refused = [
        ["--out", str(bundled)],
        ["--out", str(package / "data.yaml")],
        ["--out", str(tmp_path / "w.yaml"), "--report", str(package / "fitted" / "r.json")],
        ["--out", str(tmp_path / "w.yaml"), "--replace-bundled"],
    ]
    for args in refused:
        result = CliRunner().invoke(app, [*train, *args])
        assert result.exit_code == 2, (args, result.output)
    assert bundled.read_text() == "# the bundled fit\n"
    assert sorted(p.name for p in package.rglob("*")) == ["fitted", "postings.yaml"]
    # what `make fit` runs
    result = CliRunner().invoke(app, [*train, "--out", str(bundled), "--replace-bundled"])
    assert result.exit_code == 0, result.output
    assert "fitted:" in bundled.read_text()


@pytest.mark.parametrize("where", ["out folder", "report folder", "report missing folder"])
def test_cli_train_checks_output_paths_before_fitting(
    tmp_path: Path, no_fitting: None, where: str
) -> None:
    data = write_rows(tmp_path / "mine.jsonl", labelled_rows(6))
    out, report = tmp_path / "w.yaml", tmp_path / "r.json"
    if where == "out folder":
        out = tmp_path
    elif where == "report folder":
        report = tmp_path
    else:
        report = tmp_path / "missing" / "r.json"
    result = CliRunner().invoke(
        app, ["train", "postings", str(data), "--out", str(out), "--report", str(report)]
    )
    assert getattr(result.exception, "code", None) == "output_unwritable", result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.jsonl"]  # nothing left behind


def test_cli_train_refuses_a_file_with_no_labelled_rows(tmp_path: Path) -> None:
    csv = tmp_path / "ours.csv"
    csv.write_text(
        "id,title,company,description,label\n"
        + "".join(f"p{i},Engineer,Acme,Train models,ml_engineer\n" for i in range(5)),
        encoding="utf-8",
    )
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    for data, words in ((csv, "6 line(s) skipped (row_not_json 6); is it CSV"), (empty, "empty")):
        result = CliRunner().invoke(
            app, ["train", "postings", str(data), "--out", str(tmp_path / "w.yaml")]
        )
        assert getattr(result.exception, "code", None) == "input_invalid", result.output
        assert "no labelled rows could be read" in result.exception.message
        assert words in result.exception.message
        assert "pydantic" not in result.output + result.exception.message


def test_cli_train_refuses_a_single_role(tmp_path: Path) -> None:
    rows = [r for r in labelled_rows(15) if r["label"] == "ml_engineer"]
    data = write_rows(tmp_path / "one.jsonl", rows)
    result = CliRunner().invoke(
        app, ["train", "postings", str(data), "--out", str(tmp_path / "w.yaml")]
    )
    assert getattr(result.exception, "code", None) == "input_invalid", result.output
    assert "at least 2 roles" in result.exception.message
    assert not (tmp_path / "w.yaml").exists()


def test_cli_train_names_each_skipped_row_and_reports_it(tmp_path: Path) -> None:
    rows = labelled_rows()
    bad = [
        {**rows[0], "id": "typo", "label": "ml_engneer"},
        {**rows[1], "id": "flag", "mismatch": "false"},
        {**rows[2], "id": "conf", "confidence": 5},
        {**rows[3], "id": "title", "title_role": "ml_eng"},
        {**rows[4], "id": "alt", "acceptable_alternatives": ["data_sci"]},
        {**rows[5], "id": "hyb", "hybrid": 1},
    ]
    data = write_rows(tmp_path / "mine.jsonl", rows + bad)
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        ["train", "postings", str(data), "--out", str(tmp_path / "w.yaml"), "--folds", "3",
         "--no-search", "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    n = len(rows)
    for line, code, value in [
        (n + 1, "label_invalid", '"ml_engneer"'),
        (n + 2, "row_wrong_type", '"false"'),
        (n + 3, "row_wrong_type", "not 5"),
        (n + 4, "label_invalid", '"ml_eng"'),
        (n + 5, "label_invalid", '"data_sci"'),
        (n + 6, "row_wrong_type", "not 1"),
    ]:
        said = next(ln for ln in result.stderr.splitlines() if ln.startswith(f"{data}:{line}:"))
        assert f": {code}: " in said and value in said, said
    skipped = json.loads(report.read_text())["skipped"]
    assert [(s["file"], s["line"], s["error"]["code"]) for s in skipped] == [
        (str(data), n + 1, "label_invalid"),
        (str(data), n + 2, "row_wrong_type"),
        (str(data), n + 3, "row_wrong_type"),
        (str(data), n + 4, "label_invalid"),
        (str(data), n + 5, "label_invalid"),
        (str(data), n + 6, "row_wrong_type"),
    ]
    # the header says what the folds grouped by
    assert "grouped by company (9 companies)" in " ".join(result.stderr.split())


def test_train_doubts_thin_roles_and_a_temperature_at_the_edge() -> None:
    from collections import Counter

    from rolelens.train.fitting import doubts

    assert doubts(Counter(a=20, b=20), 1.2) == []
    thin, edge = doubts(Counter(a=20, b=2), 0.3)
    assert "b (2)" in thin and "a (" not in thin
    assert "edge" in edge and "0.3" in edge
    assert len(doubts(Counter(a=20, b=20), 4.0)) == 1


def test_train_says_what_the_folds_grouped_by() -> None:
    from rolelens.batch import Row, parse_row
    from rolelens.train.fitting import grouped_by

    def row(i: int, company: str | None) -> Row:
        line = {"id": f"p{i}", "description": "Train models", "company": company}
        return parse_row(json.dumps(line))

    assert grouped_by([row(0, None), row(1, None)]) == "by row (no row gives a company)"
    mixed = [row(0, "Acme"), row(1, " acme "), row(2, "Borealis"), row(3, None)]
    assert grouped_by(mixed) == (
        "by company (2 companies; 1 row(s) without one, each its own group)"
    )


def test_cli_a_fit_from_another_scorer_version_is_said(tmp_path: Path) -> None:
    old = fitted_file(tmp_path, {"rag": {"ai_engineer": 4.5}})  # made under scorer 1.1
    check = CliRunner().invoke(app, ["taxonomy", "check", "--taxonomy", str(old)])
    assert check.exit_code == 0, check.output
    assert "warning:" in check.stdout and "scorer 1.1" in check.stdout
    posting = tmp_path / "p.md"
    posting.write_text("Build RAG pipelines over our documents.\n", encoding="utf-8")
    read = CliRunner().invoke(app, ["read", "--taxonomy", str(old), str(posting), "--json"])
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout)["role"]
    assert read.stderr.count("scorer 1.1") == 1
    # the bundled fit was made by this very scorer: no warning
    plain = CliRunner().invoke(app, ["taxonomy", "check"])
    assert "warning" not in plain.output


def test_cli_serve_and_mcp_say_a_stale_fit_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands that build their taxonomy inside the service warn as `read` does (the
    server itself is not started: its run call is replaced)."""
    pytest.importorskip("uvicorn")
    pytest.importorskip("mcp")
    import anyio
    import uvicorn

    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append("serve"))
    monkeypatch.setattr(anyio, "run", lambda *a, **k: started.append("mcp"))
    old = fitted_file(tmp_path, {"rag": {"ai_engineer": 4.5}})  # made under scorer 1.1
    from rolelens.cli import common

    for command in (["serve", "--semantic", "off"], ["mcp", "--semantic", "off"]):
        monkeypatch.setattr(common, "_SAID", set())  # said once a process: a new process
        result = CliRunner().invoke(app, [*command, "--taxonomy", str(old)])
        assert result.exit_code == 0, result.output
        assert "fitted under scorer 1.1" in result.stderr, command
    assert started == ["serve", "mcp"]


def test_taxonomy_bundled_fit_is_this_scorers(hand: Taxonomy) -> None:
    from rolelens.core.reader import SCORER_VERSION

    tax = load_taxonomy()
    if tax.fitted is None:
        pytest.skip("no bundled fitted numbers")
    assert tax.fitted.scorer_version == SCORER_VERSION


def test_taxonomy_a_users_fit_replaces_the_bundled_fit_whole(
    tmp_path: Path, hand: Taxonomy
) -> None:
    bundled = load_taxonomy()
    if bundled.fitted is None:
        pytest.skip("no bundled fitted numbers")
    moved = next(
        e.id for e, h in zip(bundled.evidence, hand.evidence, strict=True) if e.weights != h.weights
    )
    mine = load_taxonomy([fitted_file(tmp_path, {"rag": {"ai_engineer": 4.5}})])
    weights = {e.id: e.weights for e in mine.evidence}
    assert weights["rag"] == {"ai_engineer": 4.5}
    # what only the bundled fit moved is back at its hand-set value, not half of each fit
    assert weights[moved] == next(e.weights for e in hand.evidence if e.id == moved)
    assert mine.scoring.temperature == hand.scoring.temperature
    assert mine.fitted is not None and mine.fitted.fitted_on == ["mine.jsonl"]


def test_a_layered_taxonomy_can_be_refit(tmp_path: Path) -> None:
    """A taxonomy layered with a user's file carries '+name@hash' in its version; it must
    still validate when it is rebuilt, as fitting numbers onto it does (apply_fit; `eval
    postings --cv --taxonomy mine.yaml` failed), whatever the file is called."""
    layer = tmp_path / "my layer (v2).yaml"
    layer.write_text("roles: []\n", encoding="utf-8")
    tax = load_taxonomy([layer])
    assert re.fullmatch(r"\d+\.\d+\.\d+\+my-layer-v2@[0-9a-f]{6}", tax.version), tax.version
    assert Taxonomy.model_validate(tax.model_dump()).version == tax.version
