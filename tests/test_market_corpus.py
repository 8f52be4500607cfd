"""Corpus readers: every format, column mapping, and a coded error row for each bad row."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rolelens.errors import CorpusUnreadable
from rolelens.io.corpus import Columns, count_rows, iter_corpus, month_of

TEXT = "Build RAG features on hosted LLMs and write evals for them."


def _codes(rows: list) -> list[str | None]:
    return [r.error["code"] if r.error else None for r in rows]


def test_market_corpus_jsonl_gz_rows_and_errors(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "title": "AI Engineer", "description": TEXT, "month": "2024-02"}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "x", "title": 5, "description": TEXT}),
        json.dumps({"id": "y", "title": "T"}),
        "",
        json.dumps({"id": "z", "text": "   "}),
        json.dumps({"id": "h", "description": "<p>Build <b>RAG</b> apps</p>"}),
    ]
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    rows = list(iter_corpus([path]))
    assert [r.line for r in rows] == list(range(1, 9))
    assert _codes(rows) == [
        None, "row_not_json", "row_not_object", "row_wrong_type", "row_missing_field",
        "input_empty", "input_empty", None,
    ]  # fmt: skip
    assert rows[0].id == "1" and rows[0].date == "2024-02" and rows[0].title == "AI Engineer"
    assert rows[3].id == "x"  # the id is kept on an error row when it can be found
    assert rows[7].text == "Build RAG apps"  # HTML descriptions become text
    assert count_rows([path]) == 8


@pytest.mark.parametrize(
    "description",
    [
        "<h2>Responsibilities</h2><ul><li>Build RAG apps</li></ul><footer>Apply</footer>",
        # escaped once, as job feeds ship it
        "&lt;h2&gt;Responsibilities&lt;/h2&gt;&lt;ul&gt;&lt;li&gt;Build RAG apps&lt;/li&gt;",
    ],
)
def test_market_corpus_html_is_read_as_read_jsonl_reads_it(
    tmp_path: Path, description: str
) -> None:
    from rolelens.batch import parse_row

    raw = json.dumps({"id": "h", "description": description})
    path = tmp_path / "c.jsonl"
    path.write_text(raw + "\n", encoding="utf-8")
    (row,) = iter_corpus([path])
    assert row.text == parse_row(raw).text == "## Responsibilities\n\n- Build RAG apps"


def test_market_corpus_bad_utf8_line_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    good = json.dumps({"description": TEXT}).encode()
    path.write_bytes(good + b"\n" + b'{"description": "\xff\xfe"}\n' + good + b"\n")
    assert _codes(list(iter_corpus([path]))) == [None, "input_encoding", None]


def test_market_corpus_truncated_gzip_ends_with_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.gz"
    body = "".join(json.dumps({"description": f"{TEXT} {i}"}) + "\n" for i in range(2000))
    data = gzip.compress(body.encode())
    path.write_bytes(data[: len(data) // 2])
    rows = list(iter_corpus([path]))
    assert rows[-1].error is not None and rows[-1].error["code"] == "corpus_unreadable"
    assert all(r.error is None for r in rows[:-1])
    assert [r.line for r in rows] == list(range(1, len(rows) + 1))


def test_market_corpus_gzip_is_known_by_its_magic_bytes(tmp_path: Path) -> None:
    """A gzip file whose name lacks .gz is unpacked; a .gz file that is not gzip is an error."""
    rows = "".join(json.dumps({"id": i, "description": TEXT}) + "\n" for i in range(3))
    packed = tmp_path / "c.jsonl"
    packed.write_bytes(gzip.compress(rows.encode()))
    assert _codes(list(iter_corpus([packed]))) == [None, None, None]
    assert count_rows([packed]) == 3
    plain = tmp_path / "p.jsonl.gz"
    plain.write_text(rows, encoding="utf-8")
    assert _codes(list(iter_corpus([plain]))) == ["corpus_unreadable"]


def test_market_corpus_csv_with_mapping(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "job,body,posted,pay,org,where\n"
        f'ML Engineer,"{TEXT}\nSecond line, with comma",2024-03-05,$120k-$150k,Acme,Berlin\n'
        "Empty,,2024-03-05,,,\n",
        encoding="utf-8",
    )
    columns = Columns(
        title="job", text="body", date="posted", salary="pay", company="org", location="where"
    )
    rows = list(iter_corpus([path], columns))
    assert _codes(rows) == [None, "row_missing_field"]
    first = rows[0]
    assert (first.title, first.date, first.salary, first.company, first.location) == (
        "ML Engineer", "2024-03-05", "$120k-$150k", "Acme", "Berlin",
    )  # fmt: skip
    assert "Second line" in (first.text or "")


def test_market_corpus_tsv_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_text(f"id\ttitle\tdescription\n7\tData Engineer\t{TEXT}\n", encoding="utf-8")
    (row,) = iter_corpus([path])
    assert row.id == "7" and row.title == "Data Engineer"


def test_market_corpus_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    table = pa.table(
        {
            "job_id": [1, 2],
            "job_title": ["AI Engineer", None],
            "text": [TEXT, None],
            "date": ["2024-01-01", None],
        }
    )
    pq.write_table(table, path)
    rows = list(iter_corpus([path]))
    assert _codes(rows) == [None, "row_missing_field"]
    assert rows[0].id == "1" and rows[0].title == "AI Engineer" and rows[0].line == 1
    assert count_rows([path]) == 2


POSTING = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Agentic AI Engineer",
    "description": "&lt;p&gt;Build AI agents with tool calling.&lt;/p&gt;",
    "datePosted": "2024-05-02",
    "identifier": {"@type": "PropertyValue", "value": "J-1"},
    "hiringOrganization": {"@type": "Organization", "name": "Acme"},
    "jobLocation": {
        "@type": "Place",
        "address": {"addressLocality": "Austin", "addressCountry": "US"},
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 150000,
            "maxValue": 180000,
            "unitText": "YEAR",
        },
    },
}


def test_market_corpus_jsonld_object_array_and_graph(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonld"
    one.write_text(json.dumps(POSTING), encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text(json.dumps([POSTING, {**POSTING, "title": "Second"}]), encoding="utf-8")
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"@graph": [{"@type": "WebPage"}, POSTING]}), encoding="utf-8")
    rows = list(iter_corpus([one, many, graph]))
    assert [r.title for r in rows] == [
        "Agentic AI Engineer",
        "Agentic AI Engineer",
        "Second",
        "Agentic AI Engineer",
    ]
    row = rows[0]
    assert row.text == "Build AI agents with tool calling."
    assert (row.id, row.company, row.location, row.date) == (
        "J-1",
        "Acme",
        "Austin, US",
        "2024-05-02",
    )
    assert row.salary == "USD 150000 - 180000 per year"


def test_market_corpus_html_pages(tmp_path: Path) -> None:
    page = tmp_path / "job.html"
    page.write_text(
        "<html><head><script type='application/ld+json'>"
        + json.dumps(POSTING)
        + "</script></head><body><h1>Job</h1></body></html>",
        encoding="utf-8",
    )
    empty = tmp_path / "none.html"
    empty.write_text("<html><body>No data here</body></html>", encoding="utf-8")
    rows = list(iter_corpus([tmp_path]))  # a folder: its corpus files, sorted
    assert [Path(r.source).name for r in rows] == ["job.html", "none.html"]
    assert _codes(rows) == [None, "row_missing_field"]


def test_market_corpus_plain_json_array(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(
        json.dumps([{"title": "A", "description": TEXT}, {"title": "B"}]), encoding="utf-8"
    )
    assert _codes(list(iter_corpus([path]))) == [None, "row_missing_field"]


def test_market_corpus_limit_and_unknown_inputs(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        "".join(json.dumps({"description": TEXT}) + "\n" for _ in range(5)), encoding="utf-8"
    )
    assert len(list(iter_corpus([path], limit=3))) == 3
    with pytest.raises(CorpusUnreadable):
        list(iter_corpus([tmp_path / "missing.jsonl"]))
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"x")
    with pytest.raises(CorpusUnreadable):
        list(iter_corpus([odd]))


@pytest.mark.parametrize(
    ("date", "month"),
    [
        ("2024-03-15", "2024-03"),
        ("2024-03", "2024-03"),
        ("2024/3/1", "2024-03"),
        ("2024-03-15T10:00:00Z", "2024-03"),
        ("March 15, 2024", "2024-03"),
        ("15 Mar 2024", "2024-03"),
        ("2024-13-01", None),
        ("soon", None),
        (None, None),
    ],
)
def test_market_corpus_month_of(date: str | None, month: str | None) -> None:
    assert month_of(date) == month
