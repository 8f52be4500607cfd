"""Reading CVs: the role by shipped work, outcomes, claims, stuffing, dates, redaction."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cv_files import ROLE_OF
from rolelens.core.cv import CvReader
from rolelens.core.redact import redact
from rolelens.errors import CvUnavailable, EmptyInput
from rolelens.schemas import schema_text
from rolelens.taxonomy.loader import load_taxonomy, toy_path
from rolelens.taxonomy.models import Taxonomy

HERE = Path(__file__).parent
CVS = HERE / "data" / "cvs"
TODAY = date(2026, 6, 1)
UPDATE = os.environ.get("ROLELENS_UPDATE_GOLDEN") == "1"


def _cv(name: str) -> str:
    return (CVS / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(ROLE_OF))
def test_cv_reading_role_by_shipped_work(cv_reader: CvReader, name: str) -> None:
    reading = cv_reader.read(_cv(name), today=TODAY)
    assert reading.role == ROLE_OF[name]
    assert abs(sum(reading.scores.values()) - 1) < 1e-3
    assert not reading.keyword_stuffing


def test_cv_reading_title_does_not_decide(cv_reader: CvReader) -> None:
    # titled "Machine Learning Engineer" twice, but the work is LLM integration
    reading = cv_reader.read(_cv("llm_integrator_ml_title"), today=TODAY)
    assert reading.role == "ai_engineer"
    assert reading.scores["ml_engineer"] < 0.1


def test_cv_reading_outcomes_are_shipped_evidence(cv_reader: CvReader) -> None:
    reading = cv_reader.read(_cv("ai_engineer"), today=TODAY)
    texts = [o.text for o in reading.outcomes]
    assert any("cut answer latency from 4 s to 1.5 s" in t for t in texts)
    rag = [e for e in reading.evidence if e.item == "rag"]
    assert rag and rag[0].use == "shipped" and rag[0].factor == 1.0
    listed = [e for e in reading.evidence if e.use == "listed"]
    assert listed and all(e.section == "skills" for e in listed)
    assert all(e.factor < rag[0].factor / 5 for e in listed)


def test_cv_reading_shipped_outweighs_listed(cv_reader: CvReader) -> None:
    shipped = "## Experience\n- Deployed a churn model serving 2M users and cut churn by 6%.\n"
    listed = "## Skills\nchurn model, Python, SQL, Git\n"
    a = cv_reader.read(shipped, today=TODAY)
    b = cv_reader.read(listed, today=TODAY)
    assert a.points["ml_engineer"] > 3 * max(b.points["ml_engineer"], 0.01)


def test_cv_reading_keyword_stuffing_warning(cv_reader: CvReader) -> None:
    reading = cv_reader.read(_cv("keyword_stuffed"), today=TODAY)
    assert reading.keyword_stuffing
    assert (
        reading.keyword_stuffing_reason and "no job or project" in reading.keyword_stuffing_reason
    )
    assert len(reading.unshown_claims) >= 20
    assert reading.outcomes == []
    assert reading.confidence < 0.5  # nothing in the work backs a role


def test_cv_reading_years_and_seniority_use_the_given_day(cv_reader: CvReader) -> None:
    text = "## Experience\nEngineer, Acme (Jan 2021 - present)\n- built APIs\n"
    early = cv_reader.read(text, today=date(2022, 1, 1))
    late = cv_reader.read(text, today=date(2027, 1, 1))
    assert early.years_experience == 1.0
    assert late.years_experience == 6.0
    assert early.seniority == "junior" and late.seniority == "senior"


def test_cv_reading_overlapping_and_education_dates(cv_reader: CvReader) -> None:
    text = (
        "## Experience\n"
        "Engineer, A — 2018 – 2020\n- built things\n"
        "Consultant, B — Mar 2019 – Dec 2021\n- built more\n"
        "## Education\nBSc, 2010 – 2014\n"
    )
    reading = cv_reader.read(text, today=TODAY)
    assert [e.start_date for e in reading.entries] == ["2018-01", "2019-03"]
    assert reading.years_experience == pytest.approx(3.9)  # Jan 2018 to Dec 2021, once
    assert reading.entries[0].heading == "Engineer, A"


def test_cv_reading_sections(cv_reader: CvReader) -> None:
    reading = cv_reader.read(_cv("ml_engineer"), today=TODAY)
    kinds = [s.kind for s in reading.sections]
    assert kinds[-3:] == ["experience", "skills", "education"]
    # a job heading in bold does not open a new section
    assert kinds.count("experience") == 1


def test_cv_reading_without_headings_reads_all_as_work(cv_reader: CvReader) -> None:
    reading = cv_reader.read("Built a RAG assistant that cut handling time by 30%.", today=TODAY)
    assert reading.role == "ai_engineer"
    assert reading.outcomes and reading.warnings


def test_cv_reading_redacts_contact_data(cv_reader: CvReader) -> None:
    reading = cv_reader.read(_cv("ai_engineer"), today=TODAY, redact=True)
    out = reading.model_dump_json()
    assert "priya.raman@example.com" not in out
    assert "7946" not in out and "Elm Road" not in out
    assert reading.redacted and reading.redactions["email"] == 1
    assert reading.redactions["phone"] == 1 and reading.redactions["address"] >= 1


def test_cv_reading_empty_and_no_cv_block(taxonomy: Taxonomy) -> None:
    with pytest.raises(EmptyInput):
        CvReader(taxonomy).read("  \n", today=TODAY)
    with pytest.raises(CvUnavailable):
        CvReader(load_taxonomy([toy_path()], bundled=False))


def test_cv_reading_golden(cv_reader: CvReader) -> None:
    got = cv_reader.read(_cv("ai_engineer"), today=TODAY, id="ai_engineer").model_dump(mode="json")
    jsonschema.validate(got, json.loads(schema_text("cv")))
    golden = HERE / "golden" / "cv_ai_engineer.json"
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), "no golden file: run with ROLELENS_UPDATE_GOLDEN=1"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mail me at jane.doe+cv@example.co.uk today", "email"),
        ("call +44 20 7946 0958", "phone"),
        ("call (415) 555-0132", "phone"),
        ("lives at 221B Baker Street, London", "address"),
        ("Hauptstraße 12, 10115 Berlin", "address"),
    ],
)
def test_cv_redact_finds_contact_data(text: str, kind: str) -> None:
    out, counts = redact(text)
    assert counts[kind] >= 1 and f"[{kind}]" in out


@pytest.mark.parametrize(
    "text",
    [
        "cut latency from 4 s to 1.5 s for 2,000,000 users",
        "Jan 2021 – Mar 2023, 2019 - 2023, 2019-2020",
        "served 10 000 000 requests; Python 3.11; 35% fewer tickets",
    ],
)
def test_cv_redact_keeps_numbers_that_are_not_contact_data(text: str) -> None:
    assert redact(text) == (text, {"email": 0, "phone": 0, "address": 0})


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_cv_reading_never_crashes_and_scores_sum_to_one(text: str) -> None:
    reader = _shared_reader()
    if not text.strip():
        return
    reading = reader.read(text, today=TODAY, redact=True)
    assert abs(sum(reading.scores.values()) - 1) < 1e-3
    for ev in reading.evidence:
        assert 0 <= ev.start < ev.end


@settings(max_examples=60, deadline=None)
@given(st.emails())
def test_cv_redact_removes_any_email(email: str) -> None:
    out, _ = redact(f"Contact: {email} (any time)")
    assert email not in out


_READER: list[CvReader] = []


def _shared_reader() -> CvReader:
    if not _READER:
        _READER.append(CvReader(load_taxonomy()))
    return _READER[0]


# -- issue 15: experience from dated jobs, no verdict without evidence ---------------------
def test_issue15_senior_cv_counts_professional_years_only(cv_reader: CvReader) -> None:
    # professional jobs since Jan 2019, a working-student job before, "six years" in the
    # summary: read on 2026-06-01 that is 6.0-7.5 years, and not staff
    reading = cv_reader.read(_cv("senior_ml_engineer"), today=TODAY)
    assert reading.role == "ml_engineer"
    assert reading.years_experience is not None
    assert 6.0 <= reading.years_experience <= 7.5
    assert reading.seniority == "senior"
    kinds = {e.heading.split(",")[0]: e.kind for e in reading.entries}
    assert kinds["Working Student"] == "working_student"
    assert kinds["Senior Machine Learning Engineer"] == "professional"
    assert reading.years_early_career == pytest.approx(1.7)  # Apr 2017 - Dec 2018, apart
    assert reading.years_stated == 6.0
    assert reading.years_note and "states 6 years" in reading.years_note


def test_cv_reading_overlapping_jobs_and_internships_count_once(cv_reader: CvReader) -> None:
    text = (
        "## Experience\n"
        "Data Engineer, A (Jan 2020 - Dec 2021)\n- built pipelines\n"
        "Freelance ML consultant, B (Jan 2021 - Dec 2022)\n- trained models\n"
        "Machine Learning Intern, C (Jun 2021 - Sep 2021)\n- cleaned data\n"
        "Volunteer data mentor, D (Jan 2019 - Dec 2019)\n- taught SQL\n"
    )
    reading = cv_reader.read(text, today=TODAY)
    assert [e.kind for e in reading.entries] == [
        "professional", "professional", "internship", "volunteer",
    ]  # fmt: skip
    # Jan 2020 - Dec 2022 once (35 months); the internship sits inside it; volunteering
    # counts nothing but is shown apart
    assert reading.years_experience == pytest.approx(2.9)
    assert reading.years_early_career == pytest.approx(0.9)
    assert reading.years_stated is None and reading.years_note is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(2000, 2025), st.integers(1, 12), st.integers(1, 60), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_cv_reading_years_between_professional_and_all_entries(
    jobs: list[tuple[int, int, int, bool]],
) -> None:
    """Years of experience are at least the professional months and at most all months,
    each month once; early-career entries never add more than their own months."""
    reader = _shared_reader()
    lines = ["## Experience"]
    months_all: set[int] = set()
    months_pro: set[int] = set()
    for year, month, length, intern in jobs:
        start = year * 12 + month - 1
        end = min(start + length, 2026 * 12 + 5)
        ey, em = divmod(end, 12)
        title = "Data Intern" if intern else "Data Engineer"
        lines.append(f"{title}, Acme ({month:02d}/{year} - {em + 1:02d}/{ey})")
        lines.append("- built reports")
        span = set(range(start, end))
        months_all |= span
        if not intern:
            months_pro |= span
    reading = reader.read("\n".join(lines) + "\n", today=TODAY)
    assert reading.years_experience is not None
    assert round(len(months_pro) / 12, 1) - 0.05 <= reading.years_experience
    assert reading.years_experience <= round(len(months_all) / 12, 1) + 0.05


@pytest.mark.parametrize(
    "text",
    ["Jonas Velde\n", "Jonas Velde\njonas@example.com\n+49 30 1234567\n", "# Curriculum Vitae\n"],
)
def test_issue15_name_only_cv_gets_no_role(cv_reader: CvReader, text: str) -> None:
    reading = cv_reader.read(text, today=TODAY)
    assert reading.role == "undetermined"
    assert reading.undetermined_reason
    assert abs(sum(reading.scores.values()) - 1) < 1e-3  # the distribution stays


def test_cv_cues_written_before_studied_read_degrees_as_mentioned(taxonomy: Taxonomy) -> None:
    from rolelens.taxonomy.models.cv import CvCues

    assert taxonomy.cv is not None
    data = taxonomy.cv.model_dump(mode="json")
    del data["use_weights"]["studied"], data["fit"]["credit"]["studied"]
    cues = CvCues.model_validate(data)
    assert cues.use_weights["studied"] == cues.use_weights["mentioned"]
    assert cues.fit.credit["studied"] == cues.fit.credit["mentioned"]


@pytest.mark.parametrize(
    ("summary", "stated"),
    [
        ("Data engineer with 10+ years of experience in pipelines.", 10.0),
        ("Over eight years building data products.", 8.0),
        ("Analyst, 3 years in industry.", 3.0),
        ("I moved to Berlin 6 years ago and love it.", None),
        ("Shipped a model that saved 5 years of manual work.", None),
    ],
)
def test_cv_reading_years_the_summary_states(
    cv_reader: CvReader, summary: str, stated: float | None
) -> None:
    text = f"## Summary\n{summary}\n## Experience\nEngineer, Acme (2019 - present)\n- built APIs\n"
    assert cv_reader.read(text, today=TODAY).years_stated == stated
