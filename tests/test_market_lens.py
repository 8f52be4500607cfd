"""The market lens an analyst can publish (issue 14): sources kept apart, intervals and
tested changes, duplicates left out, pay read from the text, multi-role postings, exports."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market_fixtures import write_jsonl

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("statsmodels")
pytest.importorskip("datasketch")

from rolelens.core.aggregate import MarketAggregate  # noqa: E402
from rolelens.core.salary import salary_in_text  # noqa: E402
from rolelens.io.corpus import CorpusRow  # noqa: E402
from rolelens.market import dedup, stats  # noqa: E402
from rolelens.market.engine import RunOptions, run_local  # noqa: E402
from rolelens.market.multirole import several_roles  # noqa: E402
from rolelens.market.records import source_of  # noqa: E402
from rolelens.market.report import findings, load  # noqa: E402

# -- statistics ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=5000), frac=st.floats(min_value=0, max_value=1))
def test_market_stats_wilson_interval_holds_the_share(n: int, frac: float) -> None:
    k = round(n * frac)
    lo, hi = stats.interval(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    assert list(stats.intervals([k], [n])[0]) == pytest.approx([lo, hi])
    # more postings, same share: a narrower interval
    lo4, hi4 = stats.interval(4 * k, 4 * n)
    assert hi4 - lo4 <= hi - lo + 1e-12


def test_market_stats_small_n_is_wide_and_known_values() -> None:
    lo, hi = stats.interval(2, 2)  # the "full 100% column" of a month with n = 2
    assert hi == pytest.approx(1.0) and lo < 0.35
    # 2 of 17 (the "18% -> 12%" rests on it): Wilson 95% [0.033, 0.343]
    assert stats.interval(2, 17) == pytest.approx((0.0329, 0.3434), abs=1e-3)
    assert stats.interval(0, 0) == (0.0, 1.0)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=1, max_value=400),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_market_stats_change_p_is_a_probability(n0: int, n1: int, f0: float, f1: float) -> None:
    k0, k1 = round(n0 * f0), round(n1 * f1)
    p = stats.change_p(k0, n0, k1, n1)
    assert 0.0 <= p <= 1.0
    assert stats.change_p(k0, n0, k0, n0) == pytest.approx(1.0)


def test_market_stats_change_p_and_fdr() -> None:
    assert stats.change_p(100, 1000, 200, 1000) < 1e-6
    assert stats.change_p(2, 17, 3, 17) > 0.5  # small counts: Fisher's exact test
    ps = [0.001, 0.02, 0.03, 0.04, 0.5]
    qs = stats.fdr(ps)
    assert all(q >= p for p, q in zip(ps, qs, strict=True))
    assert qs == sorted(qs)  # order kept for sorted p-values
    assert qs[0] == pytest.approx(0.005) and qs[-1] == pytest.approx(0.5)
    assert stats.fdr([]) == []


# -- duplicates ----------------------------------------------------------------------------
LONG = (
    "We are building the retrieval layer behind our assistant. You will design chunking and "
    "ranking for millions of documents, write evaluation suites for answer quality, keep "
    "latency under a second and work with product managers on what good looks like. You know "
    "Python well, have shipped search or recommendation systems, and like measuring things. "
)


def _row(i: int, text: str, company: str | None = "Acme", title: str = "AI Engineer") -> CorpusRow:
    return CorpusRow("c.jsonl", i + 1, id=f"r{i}", title=title, text=text, company=company)


def test_market_dedup_exact_near_and_other_employers() -> None:
    rows = [
        _row(0, LONG),
        _row(1, "  " + LONG.upper().replace(".", " .")),  # same words: exact
        _row(2, LONG + " Apply today."),  # near: word 5-grams 96% alike
        _row(3, LONG, company="Initech"),  # another employer: kept
        _row(4, "Build dashboards in Looker and write SQL for the sales team."),
        _row(5, LONG + " Apply now.", company=None),  # no employer: only exact copies count
        _row(6, LONG + " Apply now!", company=None),  # exact (punctuation aside)
        _row(7, LONG.replace("under a second", "under two seconds")),  # 79% alike: kept
    ]
    found = dedup.find_duplicates(enumerate(rows))
    assert found == {
        1: dedup.Duplicate(0, "exact"),
        2: dedup.Duplicate(0, "near"),
        6: dedup.Duplicate(5, "exact"),
    }


def test_market_dedup_copies_point_at_a_kept_row_whatever_the_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [_row(0, LONG), _row(1, LONG + " Apply now."), _row(2, LONG + " Apply now.")]
    rows += [_row(i, f"Unrelated text number {i} about SQL.") for i in range(3, 9)]
    whole = dedup.find_duplicates(enumerate(rows))
    assert whole[1] == dedup.Duplicate(0, "near")
    assert whole[2] == dedup.Duplicate(0, "exact")  # an exact copy of a near copy -> the kept row
    monkeypatch.setattr(dedup, "_BATCH", 2)
    assert dedup.find_duplicates(enumerate(rows)) == whole


# -- pay in the text, multi-role postings, sources -------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About us. The base salary range is $140,000 - $230,000 per year. Apply.", (140e3, 230e3)),
        ("Compensation: €60k–€80k, plus equity.", (60e3, 80e3)),
        ("- Salary: USD 45–55/hr", (93_600.0, 114_400.0)),
        ("We raised $50M in our Series B from great investors.", None),
        ("Our customers save $200,000 a year with us.", None),
        ("We have 5+ years of history and 401(k) matching.", None),
        ("", None),
    ],
)
def test_market_salary_in_text(text: str, expected: tuple[float, float] | None) -> None:
    found = salary_in_text(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        salary, words = found
        assert (salary.annual_min, salary.annual_max) == expected
        assert words in text


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Acme - Tech Lead, AI Engineer, Platform engineer - REMOTE - Full-time", "x", True),
        ("Acme | Software Engineers (Backend) | Berlin | ONSITE", "x", True),
        ("Acme - Berlin - ONSITE - Multiple Roles - https://acme.example", "x", True),
        ("Software Engineer, AI Platform", "We build things.", False),
        ("Acme - Systems or ML Engineer - Austin, TX - Hybrid", "We build things.", False),
        ("ML Engineer", "We are hiring for multiple roles across the team.", True),
    ],
)
def test_market_several_roles(title: str, text: str, expected: bool) -> None:
    assert several_roles(text, title) is expected


def test_market_source_of_cuts_revisions_and_falls_back_to_the_file() -> None:
    assert source_of(CorpusRow("/x/a.jsonl", 1, origin="owner/repo@1961e786814ab3:path/x")) == (
        "owner/repo"
    )
    assert source_of(CorpusRow("/x/a.jsonl", 1, origin="builtin")) == "builtin"
    assert source_of(CorpusRow("/x/a.jsonl.gz", 1)) == "a.jsonl.gz"


# -- a two-source corpus, end to end ---------------------------------------------------------
AI_TEXT = (
    "Build RAG over our support documents, wire AI agents into the product with tool calling, "
    "write prompt evals and keep LLM latency and cost down. No model training. Ticket {i}."
)
SWE_TEXT = (
    "Build React front ends and Go services, write tests, review code and keep our C++ build "
    "pipeline healthy. Experience with .NET is a plus. Ticket {i}."
)
PAY = " The base salary range for this role is ${lo},000 - ${hi},000 per year."


def _two_source_rows() -> list[dict[str, Any]]:
    """Board A (Jan-Feb, mostly AI work) and board B (Mar-Apr, mostly software work): pooled,
    the AI share 'falls' by month; within each board it does not change."""
    rows: list[dict[str, Any]] = []
    i = 0
    for source, months, ai_every in (("board-a", ("2024-01", "2024-02"), 1),
                                     ("board-b", ("2024-03", "2024-04"), 5)):  # fmt: skip
        for month in months:
            for j in range(60):
                ai = j % ai_every == 0
                title = "GenAI Engineer" if ai else "Software Engineer"
                pay = PAY.format(lo=100 + j, hi=180 + j) if j % 3 == 0 else ""
                text = (AI_TEXT if ai else SWE_TEXT).format(i=i) + pay
                rows.append(
                    {
                        "id": f"p{i}",
                        "title": title,
                        "description": text,
                        "date": f"{month}-10",
                        "company": f"Firm {i}",
                        "source": source,
                    }
                )
                i += 1
    # a month of board B with only 4 postings: drawn faded, never named
    for _ in range(4):
        rows.append(
            {
                "id": f"p{i}",
                "title": "Software Engineer",
                "description": SWE_TEXT.format(i=i),
                "date": "2024-05-02",
                "company": f"Firm {i}",
                "source": "board-b",
            }
        )
        i += 1
    # three copies of one ad (one exact, two near) of an employer, with a posting of its own
    ad = dict(rows[0], id="copy-0", company="Firm 0")
    rows.append(ad)
    rows.append(dict(ad, id="copy-1", description=ad["description"] + " Apply."))
    rows.append(dict(ad, id="copy-2", description=ad["description"] + " Thanks."))
    return rows


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("two-sources")
    corpus = write_jsonl(folder / "postings.jsonl", _two_source_rows())
    out = folder / "out"
    run_local(RunOptions(inputs=(str(corpus),), out=out, jobs=1, chunk_size=50, min_support=5))
    return corpus, out


def _findings(out: Path) -> list[str]:
    return findings(load(out))


def test_market_lens_names_no_cross_source_trend(two_sources: tuple[Path, Path]) -> None:
    _, out = two_sources
    said = _findings(out)
    mix = [f for f in said if "mix of sources changes" in f]
    assert len(mix) == 1
    changes = [f for f in said if f.startswith("Within ")]
    assert changes, said
    for sentence in changes:
        # a change is always within one source: its months are that source's months
        if sentence.startswith("Within board-a"):
            assert "2024-03" not in sentence and "2024-04" not in sentence
        else:
            assert sentence.startswith("Within board-b") and "2024-01" not in sentence
    # the AI share is steady within each board: no significant change is named
    assert not [f for f in changes if "AI-engineering work changed" in f]
    html = unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "The mix of sources changes across months" in html
    assert "Role by the work over time, per source" in html
    assert "<h3>board-a</h3>" in html and "<h3>board-b</h3>" in html


def test_market_lens_takes_its_role_groups_from_the_taxonomy(
    two_sources: tuple[Path, Path],
) -> None:
    """'AI-engineering work' and the model-building title family are the taxonomy's groups
    (scoring.hybrid_groups), written by the run beside its tables: no role id in the code."""
    from rolelens.taxonomy.loader import load_taxonomy

    _, out = two_sources
    data = load(out)
    groups = load_taxonomy().scoring.hybrid_groups
    assert data["ai_work_roles"] == groups["llm_integration"]
    assert json.loads(data["settings"]["model_roles"]) == groups["model_building"]


def test_market_lens_shows_intervals_and_greys_small_months(two_sources: tuple[Path, Path]) -> None:
    _, out = two_sources
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "95% Wilson interval" in html and "<b>30</b> postings" in html
    con = duckdb.connect(str(out / "market.duckdb"), read_only=True)
    try:
        small = con.execute(
            "SELECT source, month, postings FROM source_month WHERE small"
        ).fetchall()
    finally:
        con.close()
    assert small == [("board-b", "2024-05", 4)]
    assert re.search(r"<tr class=\"small\"><td>2024-05</td>", html)
    # the small month is never named on its own (only as the end of board B's late half)
    assert "2024-05" not in " ".join(_findings(out)).replace("..2024-05", "")
    # every share in the findings carries an interval (the source mix describes the corpus
    # itself, not an estimate of a market share, so it has none)
    for sentence in [f for f in _findings(out) if "mix of sources" not in f]:
        for share in re.findall(r"\d+\.?\d*% (?!\[|\(Benjamini)", sentence):
            pytest.fail(f"a share without its interval: {share!r} in {sentence!r}")


def test_market_lens_lists_duplicates_and_reads_pay_from_text(
    two_sources: tuple[Path, Path],
) -> None:
    _, out = two_sources
    agg = MarketAggregate.model_validate_json((out / "aggregate.json").read_text())
    assert agg.duplicates == {"exact": 1, "near": 2}
    assert agg.rows == 247 and agg.readings == 244
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["duplicates"] == {"exact": 1, "near": 2}
    listed = (out / "tables" / "duplicates.csv").read_text().splitlines()
    assert len(listed) == 4 and all(",p0," in line for line in listed[1:])
    html = unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "3 postings left out as copies of an earlier one" in html
    # no salary column: pay comes from the description, marked as such
    assert agg.salary_rows.get("parsed_from_text", 0) == 80
    assert all(key.endswith("|text") for key in agg.salary)
    assert "read from the description text" in html


def test_market_lens_writes_exports(two_sources: tuple[Path, Path]) -> None:
    _, out = two_sources
    svgs = sorted((out / "charts").glob("*.svg"))
    assert svgs and all(
        p.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in svgs
    )
    assert {"source_mix.svg", "mismatch_rate.svg"} <= {p.name for p in svgs}
    head = (out / "tables" / "source_month.csv").read_text().splitlines()[0]
    assert head == "source,month,postings,ai,share,lo,hi,small"
    assert (out / "market.xlsx").read_bytes()[:2] == b"PK"
    import zipfile

    with zipfile.ZipFile(out / "market.xlsx") as book:
        sheets = book.read("xl/workbook.xml").decode()
    assert 'name="comparisons"' in sheets and 'name="duplicates"' in sheets


def test_market_lens_keep_duplicates_and_resume_stay_exact(
    two_sources: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, out = two_sources
    kept = tmp_path / "kept"
    run_local(
        RunOptions(inputs=(str(corpus),), out=kept, jobs=1, chunk_size=50, keep_duplicates=True)
    )
    agg = MarketAggregate.model_validate_json((kept / "aggregate.json").read_text())
    assert agg.duplicates == {} and agg.readings == 247
    # an unfinished run (markers of some chunks gone, no manifest) resumes to the same result
    again = tmp_path / "again"
    opts = RunOptions(inputs=(str(corpus),), out=again, jobs=1, chunk_size=50, min_support=5)
    run_local(opts)
    (again / "manifest.json").unlink()
    for marker in sorted((again / "_state").glob("chunk-*.json"))[::2]:
        marker.unlink()
    summary = run_local(opts)
    assert summary.chunks_resumed == 2
    assert (again / "aggregate.json").read_text() == (out / "aggregate.json").read_text()


_VOCAB = ["python", "rag", "llm", "sql", "team", "build", "data", "model", "ship", "eval"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Acme", "Initech", None]),
            st.lists(st.sampled_from(_VOCAB), min_size=3, max_size=30).map(" ".join),
        ),
        max_size=25,
    ),
    st.integers(min_value=1, max_value=7),
)
def test_market_dedup_points_at_earlier_kept_rows_for_any_batching(
    ads: list[tuple[str | None, str]], batch: int
) -> None:
    rows = [_row(i, text, company=company) for i, (company, text) in enumerate(ads)]
    found = dedup.find_duplicates(enumerate(rows))
    for index, dup in found.items():
        assert dup.of < index and dup.of not in found  # an earlier row, itself kept
        assert rows[dup.of].company == rows[index].company
        if dup.kind == "exact":
            assert dedup._norm(rows[dup.of].text) == dedup._norm(rows[index].text)
    # an exact copy is always found
    seen: dict[tuple[str | None, str], int] = {}
    for i, row in enumerate(rows):
        key = (row.company, dedup._norm(row.text))
        if key in seen:
            assert i in found
        seen.setdefault(key, i)
    original = dedup._BATCH
    try:
        dedup._BATCH = batch
        assert dedup.find_duplicates(enumerate(rows)) == found
    finally:
        dedup._BATCH = original
