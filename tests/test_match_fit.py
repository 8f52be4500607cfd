"""Matching a CV to a posting: requirements, alignment, fit bands, probes, the fit test set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from rolelens.cli.eval_match import load_pairs
from rolelens.core.cv_models import FitReport
from rolelens.core.job_fit import FitMatcher
from rolelens.core.job_fit_eval import evaluate_fit
from rolelens.errors import EmptyInput
from rolelens.schemas import schema_text
from rolelens.taxonomy.models import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
CVS = ROOT / "tests" / "data" / "cvs"
POSTINGS = ROOT / "eval" / "postings"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def matcher(taxonomy: Taxonomy) -> FitMatcher:
    return FitMatcher(taxonomy)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_match_llm_cv_against_training_posting_is_a_mismatch(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "ai_engineer.md"), _read(POSTINGS / "ml_training.md"), today=TODAY
    )
    assert report.alignment == "mismatch"
    assert report.fit_band == "weak"
    assert report.cv_role == "ai_engineer" and report.posting_role == "ml_engineer"
    assert "Train models" in " ".join(report.gaps) or report.gaps


def test_match_requirements_carry_level_status_and_cv_words(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "ai_engineer.md"), _read(POSTINGS / "genai_rag.md"), today=TODAY
    )
    assert report.fit_band == "strong" and report.alignment == "aligned"
    levels = {r.level for r in report.requirements}
    assert levels == {"required", "preferred"}
    rag = next(r for r in report.requirements if "retrieval-augmented" in r.text)
    assert rag.status in ("covered", "partly") and rag.score >= 0.5
    assert any("40,000 help-centre articles" in w for w in rag.evidence)
    assert report.covered + report.partly + report.missing == len(report.requirements)
    nice = [r for r in report.requirements if "LangChain" in r.text]
    assert nice and nice[0].level == "preferred"
    jsonschema.validate(report.model_dump(mode="json"), json.loads(schema_text("match")))


def test_match_keyword_stuffed_cv_is_weak_and_probed(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "keyword_stuffed.md"), _read(POSTINGS / "ml_training.md"), today=TODAY
    )
    assert report.keyword_stuffing and report.penalties["keyword_stuffing"] > 0
    assert report.fit_band == "weak"
    assert report.alignment != "aligned"  # the role's tools are listed, its work never shown
    probes = [p for p in report.probes if p.reason == "unshown_claim"]
    assert probes and "PyTorch" in {p.label.split(" ")[0] for p in probes} | {
        p.label for p in probes
    }
    assert all("no job or project shows it" in p.question for p in probes)


def test_match_years_short_of_the_ask_costs(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "junior_ai.md"), _read(POSTINGS / "genai_rag.md"), today=TODAY
    )
    assert report.years_required == 3
    assert report.years_experience is not None and report.years_experience < 3
    assert report.penalties.get("years", 0) > 0


def test_match_redacts_the_cv_in_the_report(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "ai_engineer.md"), _read(POSTINGS / "genai_rag.md"), today=TODAY, redact=True
    )
    out = report.model_dump_json()
    assert "priya.raman@example.com" not in out and report.cv.redacted


def test_match_empty_inputs(matcher: FitMatcher) -> None:
    with pytest.raises(EmptyInput):
        matcher.match("", "a posting", today=TODAY)
    with pytest.raises(EmptyInput):
        matcher.match("a cv", " ", today=TODAY)


# The fit test set: pairs written before any threshold was tuned (docs/cv.md has the
# numbers before and after). The guard sits a little under the measured values.
def test_match_fit_test_set_guard(matcher: FitMatcher) -> None:
    bands = {b.id for b in matcher.cues.fit.bands}
    pairs, skipped = load_pairs(ROOT / "eval" / "fit_pairs.jsonl", bands)
    assert not skipped and len(pairs) >= 30
    report = evaluate_fit(matcher, pairs, today=TODAY)
    assert report.band_accuracy >= 0.85
    assert report.adjacent_accuracy >= 0.97
    assert report.mae <= 0.12
    assert sum(map(sum, report.confusion)) + report.undetermined == len(pairs)


# -- issue 15 ---------------------------------------------------------------------------


def test_issue15_name_only_cv_has_no_fit_verdict(matcher: FitMatcher) -> None:
    report = matcher.match("Jonas Velde\n", _read(POSTINGS / "churn_ml.md"), today=TODAY)
    assert report.cv_role == "undetermined"
    assert report.alignment == "undetermined" and "cannot tell" in report.alignment_reason
    assert report.fit_band == "undetermined" and report.fit_label == "cannot tell"
    jsonschema.validate(report.model_dump(mode="json"), json.loads(schema_text("match")))


def test_match_undetermined_posting_is_cannot_tell(matcher: FitMatcher) -> None:
    report = matcher.match(_read(CVS / "ml_engineer.md"), "Lorem ipsum dolor\n", today=TODAY)
    assert report.posting_role == "undetermined"
    assert report.alignment == "undetermined" and "posting" in report.alignment_reason
    assert report.fit_band == "undetermined"


def _bar_report(matcher: FitMatcher) -> FitReport:
    return matcher.match(
        _read(CVS / "senior_ml_engineer.md"), _read(POSTINGS / "churn_ml.md"), today=TODAY
    )


def test_issue15_every_requirement_line_is_a_row(matcher: FitMatcher) -> None:
    report = _bar_report(matcher)
    rows = {r.text.split(" ")[0]: r for r in report.requirements}
    posting_lines = [
        ln.strip("- ").split(" ")[0]
        for ln in _read(POSTINGS / "churn_ml.md").splitlines()
        if ln.startswith("- ")
    ]
    assert list(rows) == posting_lines  # every line, in order, none dropped
    assert rows["German"].kind == "language" and rows["German"].status == "covered"
    assert rows["German"].note and "asks C1, the CV states C1" in rows["German"].note
    assert any("German (C1)" in w for w in rows["German"].evidence)
    assert rows["5+"].kind == "years" and rows["5+"].status == "covered"
    assert any("Tallow Telecom" in w for w in rows["5+"].evidence)
    assert rows["M.Sc."].kind == "degree" and rows["M.Sc."].status == "covered"
    assert rows["M.Sc."].evidence == ["M.Sc. in Statistics"]
    assert rows["Train"].status == "covered"
    assert rows["Experience"].status == "covered"  # "Ran 40+ A/B tests"
    assert any("40+ A/B tests" in w for w in rows["Experience"].evidence)
    assert rows["Valid"].kind == "authorisation" and rows["Valid"].status == "cannot_tell"
    assert rows["Based"].kind == "location" and rows["Based"].status == "cannot_tell"
    assert rows["AWS"].kind == "certification" and rows["AWS"].status == "missing"
    assert rows["AWS"].level == "preferred"
    assert (
        rows["Uplift"].status != "partly" or rows["Uplift"].evidence
    )  # never "partly" with nothing shown
    assert report.cannot_tell == 2 + (rows["Uplift"].status == "cannot_tell")
    assert report.fit_band == "strong" and report.alignment == "aligned"


@pytest.mark.parametrize(
    ("line", "cv_line", "status"),
    [
        ("German at C1 level", "German (B2)", "partly"),
        ("German at C1 level", "German: native", "covered"),
        ("Fluent German", "German", "partly"),  # named in a languages section, no level
        ("Fluent German", "French (C2)", "missing"),
        ("Spanish (B2) or better", "Spanish - business fluent", "covered"),
    ],
)
def test_match_languages_with_cefr_levels(
    matcher: FitMatcher, line: str, cv_line: str, status: str
) -> None:
    cv = _read(CVS / "ml_engineer.md") + f"\n## Languages\n{cv_line}\n"
    posting = f"ML Engineer\n\n## Requirements\n- Train models in PyTorch\n- {line}\n"
    report = matcher.match(cv, posting, today=TODAY)
    row = next(r for r in report.requirements if r.kind == "language")
    assert row.status == status, row


@pytest.mark.parametrize(
    ("line", "degree", "status"),
    [
        ("PhD in Computer Science", "M.Sc. in Computer Science", "partly"),
        ("Bachelor's degree in Computer Science or similar", "MSc Computer Science", "covered"),
        ("Master's degree in Physics", "B.Sc. in Physics", "partly"),
        ("Master's degree in Physics", "", "missing"),
    ],
)
def test_match_degrees(matcher: FitMatcher, line: str, degree: str, status: str) -> None:
    cv = (
        "## Experience\nML Engineer, Acme (2020 - present)\n"
        "- Trained churn models in PyTorch that cut churn by 5%.\n"
        + (f"## Education\n{degree}, 2014 - 2019\n" if degree else "")
    )
    posting = f"ML Engineer\n\n## Requirements\n- Train models in PyTorch\n- {line}\n"
    report = matcher.match(cv, posting, today=TODAY)
    row = next(r for r in report.requirements if r.kind == "degree")
    assert row.status == status, row


def test_match_years_row_checks_dated_jobs(matcher: FitMatcher) -> None:
    report = matcher.match(
        _read(CVS / "junior_ai.md"), _read(POSTINGS / "genai_rag.md"), today=TODAY
    )
    row = next(r for r in report.requirements if r.kind == "years")
    assert row.status in ("partly", "missing") and row.note and "asks 3+ years" in row.note


def test_match_summary_counts_agree_with_rows_and_rows_quote(matcher: FitMatcher) -> None:
    bands = {b.id for b in matcher.cues.fit.bands}
    pairs, _ = load_pairs(ROOT / "eval" / "fit_pairs.jsonl", bands)
    for pair in pairs:
        report = matcher.match(pair.cv, pair.posting, today=TODAY)
        rows = report.requirements
        assert report.covered == sum(r.status == "covered" for r in rows)
        assert report.partly == sum(r.status == "partly" for r in rows)
        assert report.missing == sum(r.status == "missing" for r in rows)
        assert report.cannot_tell == sum(r.status == "cannot_tell" for r in rows)
        for r in rows:
            # no "partly" or "covered" with nothing shown; "cannot tell" always says why
            assert r.status not in ("covered", "partly") or r.evidence or r.similar, (pair.id, r)
            assert r.status != "cannot_tell" or r.note, (pair.id, r)


# The issue-15 pairs (the last 12 rows: dated years with internships, languages with CEFR
# levels, degrees, outcome statements in a summary), labelled before the rules were written:
# 7/12 before, 11/12 after (docs/cv.md).
def test_issue15_fit_pairs_guard(matcher: FitMatcher) -> None:
    bands = {b.id for b in matcher.cues.fit.bands}
    pairs, _ = load_pairs(ROOT / "eval" / "fit_pairs.jsonl", bands)
    new = pairs[42:]
    assert len(new) == 12
    report = evaluate_fit(matcher, new, today=TODAY)
    assert report.band_accuracy >= 0.83
    assert report.adjacent_accuracy == 1.0


def test_match_a_duty_that_names_a_place_is_still_judged_as_work(matcher: FitMatcher) -> None:
    posting = (
        "Forward Deployed Engineer\n\n## What you will do\n"
        "- Travel to customer sites to build RAG prototypes on their documents\n"
        "- Based in Paris\n"
    )
    report = matcher.match(_read(CVS / "ai_engineer.md"), posting, today=TODAY)
    kinds = [r.kind for r in report.requirements]
    assert kinds == ["skills", "location"]
    assert report.requirements[0].status in ("covered", "partly")
