"""rolelens.batch: one JSONL line in, one reading or one coded error record out, in order."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from rolelens import batch
from rolelens.batch import Row, error_record, parse_row, read_lines
from rolelens.core.models import Reading
from rolelens.core.reader import PostingReader
from rolelens.errors import EmptyInput, EncodingError, InputError, NotJson
from rolelens.io.text import html_to_text, readable_text, text_of
from rolelens.schemas import schema_text

if TYPE_CHECKING:
    from rolelens.service import Service

ROW_ERROR_SCHEMA = json.loads(schema_text("row-error"))
GOOD = {"id": "p1", "title": "ML Engineer", "description": "You will train models in PyTorch."}


def line(obj: Any) -> bytes:
    return json.dumps(obj).encode() + b"\n"


# -- parse_row: good rows --------------------------------------------------------------------
def test_parse_row_good_bytes_and_str() -> None:
    for raw in (line(GOOD), line(GOOD).decode()):
        row = parse_row(raw)
        assert isinstance(row, Row)
        assert (row.id, row.title, row.text) == ("p1", "ML Engineer", GOOD["description"])
        assert row.extra == GOOD


def test_parse_row_optional_fields_and_fallbacks() -> None:
    row = parse_row(line({"id": 7, "text": "Build RAG.", "company": "Acme", "salary": 1}))
    assert row.id == "7"  # integer ids become strings
    assert row.title is None
    assert row.text == "Build RAG."
    assert row.company == "Acme"
    assert row.extra["salary"] == 1
    assert parse_row(line({"description": "x"})).id is None
    assert parse_row(line({"id": None, "title": None, "description": "x"})).id is None


def test_parse_row_prefers_description_over_text() -> None:
    assert parse_row(line({"description": "first", "text": "second"})).text == "first"
    assert parse_row(line({"description": None, "text": "second"})).text == "second"


def test_parse_row_accepts_crlf_and_unicode() -> None:
    row = parse_row('{"id": "é", "description": "Café – 🚀"}\r\n'.encode())
    assert (row.id, row.text) == ("é", "Café – 🚀")


# -- parse_row: bad rows ----------------------------------------------------------------------
BAD_LINES: list[tuple[str, bytes, str]] = [
    ("not-json", b"this is not json\n", "row_not_json"),
    ("truncated", b'{"id": "x", "description": "abc\n', "row_not_json"),
    ("list", b"[1, 2, 3]\n", "row_not_object"),
    ("string", b'"a string"\n', "row_not_object"),
    ("number", b"42\n", "row_not_object"),
    ("null", b"null\n", "row_not_object"),
    ("id-list", line({"id": [1], "description": "x"}), "row_wrong_type"),
    ("id-object", line({"id": {"a": 1}, "description": "x"}), "row_wrong_type"),
    ("id-bool", line({"id": True, "description": "x"}), "row_wrong_type"),
    ("id-float", line({"id": 1.5, "description": "x"}), "row_wrong_type"),
    ("title-number", line({"id": "t", "title": 5, "description": "x"}), "row_wrong_type"),
    ("company-list", line({"id": "c", "company": ["a"], "description": "x"}), "row_wrong_type"),
    ("description-number", line({"id": "d", "description": 5}), "row_wrong_type"),
    ("text-object", line({"id": "d", "text": {"a": "b"}}), "row_wrong_type"),
    ("missing-text", line({"id": "m", "title": "ML Engineer"}), "row_missing_field"),
    ("empty-object", b"{}\n", "row_missing_field"),
    ("empty-description", line({"id": "e", "description": ""}), "input_empty"),
    ("blank-description", line({"id": "e", "description": " \n\t "}), "input_empty"),
    ("invalid-utf8", b'{"id": "u", "description": "caf\xe9"}\n', "input_encoding"),
    ("blank-line", b"\n", "input_empty"),
    ("whitespace-line", b"   \t\r\n", "input_empty"),
    ("deep-list", b"[" * 100_000 + b"\n", "row_not_json"),
    ("deep-object", b'{"a":' * 100_000 + b"\n", "row_not_json"),
    ("huge-int", b'{"id": ' + b"9" * 5000 + b', "description": "x"}\n', "row_not_json"),
    ("lone-surrogate", b'{"id": "s", "description": "bad \\ud800 text"}\n', "input_encoding"),
    ("lone-surrogate-id", b'{"id": "\\udfff", "description": "x"}\n', "input_encoding"),
    ("lone-surrogate-upper", b'{"title": "\\uDBFF", "description": "x"}\n', "input_encoding"),
]


@pytest.mark.parametrize(
    ("raw", "code"), [(r, c) for _, r, c in BAD_LINES], ids=[n for n, *_ in BAD_LINES]
)
def test_parse_row_rejects_with_a_stable_code(raw: bytes, code: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_row(raw)
    assert exc.value.code == code
    assert exc.value.message


def test_parse_row_too_large_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_LINE_BYTES", 40)
    small = line({"id": "s", "description": "ok"})
    big = line({"id": "b", "description": "x" * 100})
    assert parse_row(small).id == "s"
    for raw in (big, big.decode()):
        with pytest.raises(InputError) as exc:
            parse_row(raw)
        assert exc.value.code == "input_too_large"
        assert "40" in exc.value.message


def test_parse_row_custom_text_fields() -> None:
    row = parse_row(line({"body": "hello", "description": "ignored"}), text_fields=("body",))
    assert row.text == "hello"


# -- error records --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected_id"),
    [
        (line({"id": "abc", "description": 5}), "abc"),
        (line({"id": 12, "description": 5}), "12"),
        (line({"id": True, "description": "x"}), None),  # a bool is not an id
        (line({"id": [1], "description": "x"}), None),
        (b'{"id": "\\ud800", "description": 5}', None),  # could not be printed as UTF-8
        (b"not json", None),
        (b"[1]", None),
        (b"[" * 100_000, None),
    ],
    ids=["str-id", "int-id", "bool-id", "list-id", "surrogate-id", "not-json", "list", "deep"],
)
def test_error_record_id_when_known(raw: bytes, expected_id: str | None) -> None:
    with pytest.raises(InputError) as exc:
        parse_row(raw)
    record = error_record(3, exc.value, raw)
    assert record == {"line": 3, "id": expected_id, "error": exc.value.to_dict()}
    jsonschema.validate(record, ROW_ERROR_SCHEMA)
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # printable as UTF-8


def test_error_record_shape() -> None:
    record = error_record(1, NotJson("not JSON: nope"), b"nope")
    assert record == {
        "line": 1,
        "id": None,
        "error": {"code": "row_not_json", "message": "not JSON: nope"},
    }
    assert EncodingError("m").to_dict() == {"code": "input_encoding", "message": "m"}


# -- read_lines -------------------------------------------------------------------------------
def test_read_lines_one_result_per_line_in_order(toy_reader: PostingReader) -> None:
    lines: list[bytes] = []
    expected: list[str | None] = []  # an id for a reading, an error code for a record
    for i, (_, raw, code) in enumerate(BAD_LINES):
        lines.append(line({"id": f"good{i}", "title": "Dev", "description": f"Build React {i}"}))
        expected.append(f"good{i}")
        lines.append(raw)
        expected.append(code)
    results = list(read_lines(toy_reader, lines))
    assert len(results) == len(lines)
    for line_no, (result, want) in enumerate(zip(results, expected, strict=True), start=1):
        if want is not None and want.startswith("good"):
            assert isinstance(result, Reading)
            assert result.id == want
        else:
            assert isinstance(result, dict)
            assert result["line"] == line_no
            assert result["error"]["code"] == want
            jsonschema.validate(result, ROW_ERROR_SCHEMA)


def test_read_lines_accepts_str_lines_and_counts_from_one(toy_reader: PostingReader) -> None:
    results = list(read_lines(toy_reader, ["nope", json.dumps(GOOD)]))
    assert isinstance(results[0], dict)
    assert results[0]["line"] == 1
    assert isinstance(results[1], Reading)
    assert results[1].id == "p1"
    assert results[1].title.text == "ML Engineer"


def test_read_lines_is_lazy(toy_reader: PostingReader) -> None:
    def lines() -> Any:
        yield line(GOOD)
        raise AssertionError("read ahead of the consumer")

    first = next(iter(read_lines(toy_reader, lines())))
    assert isinstance(first, Reading)


def test_read_lines_too_large_then_goes_on(
    toy_reader: PostingReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "MAX_LINE_BYTES", 100)
    big = line({"id": "big", "description": "torch " * 100})
    results = list(read_lines(toy_reader, [big, line(GOOD)]))
    assert isinstance(results[0], dict)
    assert results[0] == {"line": 1, "id": "big", "error": results[0]["error"]}
    assert results[0]["error"]["code"] == "input_too_large"
    assert isinstance(results[1], Reading)


def test_read_lines_empty_input(toy_reader: PostingReader) -> None:
    assert list(read_lines(toy_reader, [])) == []


# -- HTML rows: read as their text, as a file and the service read them ----------------------
# an ATS description as scraped: a fragment opening with <h2>, sections as headings
ATS_HTML = (
    "<h2>Responsibilities</h2><ul><li>Build RAG pipelines over our product documentation with "
    "LangChain and a vector database</li><li>Integrate LLM APIs (OpenAI, Anthropic) into "
    "customer-facing features</li><li>Design prompt evaluation harnesses and guardrails</li></ul>"
    "<h2>Requirements</h2><ul><li>3+ years of Python</li><li>Experience shipping LLM-powered "
    "applications</li></ul>"
    "<h2>Perks</h2><ul><li>Free PyTorch and machine learning courses</li></ul>"
)


def test_parse_row_html_description_is_its_text() -> None:
    row = parse_row(line({"id": "h", "title": "AI Engineer", "description": ATS_HTML}))
    assert row.text == html_to_text(ATS_HTML) == text_of(ATS_HTML.encode(), ".html")
    assert row.text.startswith("## Responsibilities")
    assert row.extra["description"] == ATS_HTML  # the row itself is kept as given


def test_parse_row_html_without_text_is_empty(toy_reader: PostingReader) -> None:
    raw = line({"id": "h", "description": "<div><script>track()</script></div>"})
    with pytest.raises(EmptyInput):
        parse_row(raw)
    (record,) = read_lines(toy_reader, [raw])
    assert record == {"line": 1, "id": "h", "error": record["error"]}
    assert record["error"]["code"] == "input_empty"


def test_read_lines_html_row_reads_as_the_service_does(service: Service) -> None:
    raw = line({"id": "h", "title": "AI Engineer", "description": ATS_HTML})
    (reading,) = read_lines(service.reader, [raw])
    assert isinstance(reading, Reading)
    assert reading == service.read(ATS_HTML, "AI Engineer", "h")
    sections = {e.section for e in reading.evidence}
    assert {"responsibilities", "requirements", "benefits"} <= sections
    assert "summary" not in sections  # every mention sat in "summary" when the tags stayed
    assert reading.words.points  # the word layer reads the duties and requirements
    perk = next(e for e in reading.evidence if e.text == "PyTorch")
    assert perk.section == "benefits"  # a perk, discounted, not a requirement


def test_read_lines_escaped_html_row_reads_as_its_html(service: Service) -> None:
    """A feed's description escaped once ("&lt;h2&gt;Responsibilities&lt;/h2&gt;...") was read
    as flat text with the entity names in it, and no section was found."""
    escaped = html.escape(ATS_HTML)
    raw = line({"id": "e", "title": "AI Engineer", "description": escaped})
    row = parse_row(raw)
    assert row.text == html_to_text(ATS_HTML) == readable_text(escaped)
    assert row.extra["description"] == escaped  # the row itself is kept as given
    (reading,) = read_lines(service.reader, [raw])
    assert isinstance(reading, Reading)
    assert (
        reading
        == service.read(ATS_HTML, "AI Engineer", "e")
        == service.read(escaped, "AI Engineer", "e")
    )
    assert {"responsibilities", "requirements", "benefits"} <= {e.section for e in reading.evidence}
    for ev in reading.evidence:  # the offsets point into the text read, not the row's
        if ev.section != "title":
            assert row.text[ev.start : ev.end] == ev.text


def test_parse_row_says_where_in_the_row_the_json_broke() -> None:
    """The parser's own 'line 2 column 1' counted the row's newline as a line, beside the
    record's line number in the file: the message says the character in the row instead."""
    with pytest.raises(NotJson) as exc:
        parse_row(b'{"id": "b", "description": \n')
    assert exc.value.message == "not JSON: Expecting value at character 29 of the row"
    assert "line" not in exc.value.message
