"""`rolelens read`: the bad-input contract of --jsonl, and single files in many shapes.

In-process tests use Typer's CliRunner against ``rolelens.cli.app`` (which lets a
RolelensError out as ``result.exception``); exit statuses and "no traceback" are checked
on the real console script, where ``main()`` maps errors to exit codes. Assertions never
depend on which role wins: the bundled taxonomy is being filled in as these run.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from rolelens import batch
from rolelens.cli import app
from rolelens.schemas import schema_text
from rolelens.taxonomy.models import Taxonomy

ROW_ERROR_SCHEMA = json.loads(schema_text("row-error"))
READING_SCHEMA = json.loads(schema_text("reading"))
_SCRIPT = Path(sys.executable).parent / "rolelens"
ROLELENS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rolelens"]

runner = CliRunner()


def line(obj: Any) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def good(i: int) -> bytes:
    return line({"id": f"g{i}", "title": "Engineer", "description": f"Build things {i}."})


# (input line, the id the error record should carry, its code)
BAD: list[tuple[bytes, str | None, str]] = [
    (b"not json at all\n", None, "row_not_json"),
    (b"[1, 2]\n", None, "row_not_object"),
    (b'"a string"\n', None, "row_not_object"),
    (line({"id": [1, 2], "description": "x"}), None, "row_wrong_type"),
    (line({"id": "t", "title": 42, "description": "x"}), "t", "row_wrong_type"),
    (line({"id": "d", "description": 42}), "d", "row_wrong_type"),
    (line({"id": "m", "title": "ML Engineer"}), "m", "row_missing_field"),
    (line({"id": 5, "description": ""}), "5", "input_empty"),
    (b"\n", None, "input_empty"),
    (b"[" * 100_000 + b"\n", None, "row_not_json"),
    (b'{"a":' * 100_000 + b"\n", None, "row_not_json"),
    (b'{"id": ' + b"9" * 5000 + b', "description": "x"}\n', None, "row_not_json"),
    (b'{"id": "s", "description": "lone \\ud800 surrogate"}\n', "s", "input_encoding"),
    (b'{"id": "\\ud800", "description": 1}\n', None, "row_wrong_type"),
]
INVALID_UTF8 = b'{"id": "u", "description": "caf\xe9 au lait"}\n'


def mixed_batch() -> tuple[bytes, list[tuple[str, str | None, str | None]]]:
    """Good and bad lines interleaved; for each line: ('ok', id, None) or ('err', id, code)."""
    data = b""
    expected: list[tuple[str, str | None, str | None]] = []
    for i, (raw, row_id, code) in enumerate(BAD):
        data += good(i) + raw
        expected += [("ok", f"g{i}", None), ("err", row_id, code)]
    data += INVALID_UTF8
    expected.append(("err", "u?", "input_encoding"))  # "u?": the id may or may not be known
    data += good(999)
    expected.append(("ok", "g999", None))
    return data, expected


def check_output(stdout: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    out = stdout.splitlines()
    assert len(out) == len(expected), "one JSON line out per line in"
    for line_no, (text, (kind, row_id, code)) in enumerate(zip(out, expected, strict=True), 1):
        record = json.loads(text)
        if kind == "ok":
            assert "error" not in record
            assert record["id"] == row_id
            jsonschema.validate(record, READING_SCHEMA)
        else:
            jsonschema.validate(record, ROW_ERROR_SCHEMA)
            assert record["line"] == line_no
            assert record["error"]["code"] == code
            assert record["error"]["message"]
            if row_id == "u?":
                assert record["id"] in (None, "u")
            else:
                assert record["id"] == row_id


# -- --jsonl, in process -------------------------------------------------------------------
def test_jsonl_bad_rows_each_get_a_record_and_the_batch_goes_on(tmp_path: Path) -> None:
    data, expected = mixed_batch()
    path = tmp_path / "rows.jsonl"
    path.write_bytes(data)
    result = runner.invoke(app, ["read", "--jsonl", str(path)])
    assert result.exit_code == 1
    check_output(result.stdout, expected)
    failed = sum(1 for kind, *_ in expected if kind == "err")
    assert f"{failed} row(s) could not be read" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_same_output_on_one_or_several_processes(tmp_path: Path, jobs: str) -> None:
    data, expected = mixed_batch()
    path = tmp_path / "rows.jsonl"
    path.write_bytes(data * 20)  # several chunks, errors spread across them
    result = runner.invoke(app, ["read", "--jsonl", str(path), "--jobs", jobs])
    assert result.exit_code == 1
    single = runner.invoke(app, ["read", "--jsonl", str(path), "--jobs", "1"])
    assert result.stdout == single.stdout
    check_output(result.stdout, expected * 20)


def test_jsonl_stdin(tmp_path: Path) -> None:
    data, expected = mixed_batch()
    result = runner.invoke(app, ["read", "--jsonl", "-"], input=data)
    assert result.exit_code == 1
    check_output(result.stdout, expected)


def test_jsonl_all_good_exits_0() -> None:
    data = b"".join(good(i) for i in range(5))
    result = runner.invoke(app, ["read", "--jsonl", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert [json.loads(t)["id"] for t in result.stdout.splitlines()] == [f"g{i}" for i in range(5)]
    assert result.stderr == ""


def test_jsonl_without_trailing_newline_and_crlf() -> None:
    data = good(1).replace(b"\n", b"\r\n") + good(2).rstrip(b"\n")
    result = runner.invoke(app, ["read", "--jsonl", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert [json.loads(t)["id"] for t in result.stdout.splitlines()] == ["g1", "g2"]


def test_jsonl_too_large_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_LINE_BYTES", 200)
    big = line({"id": "big", "description": "word " * 100})
    assert len(big) > 200
    result = runner.invoke(app, ["read", "--jsonl", "-"], input=good(1) + big + good(2))
    assert result.exit_code == 1
    check_output(
        result.stdout, [("ok", "g1", None), ("err", "big", "input_too_large"), ("ok", "g2", None)]
    )


def test_jsonl_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    result = runner.invoke(app, ["read", "--jsonl", str(path)])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_jsonl_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["read", "--jsonl", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no crash


@pytest.mark.parametrize(
    "args", [["read", "--jsonl"], ["train", "postings", "--out", "x.yaml"], ["eval", "postings"]]
)
def test_a_folder_for_a_jsonl_file_is_called_a_folder(tmp_path: Path, args: list[str]) -> None:
    """Given a folder, a batch command said 'no such file' of a folder that is there."""
    result = runner.invoke(app, [*args, str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is a folder" in result.output and "no such file" not in result.output


@pytest.mark.parametrize("name", ["rows.jsonl.gz", "rows.data", "-"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_gzip_is_read_like_plain_jsonl(tmp_path: Path, name: str, jobs: str) -> None:
    """Gzip is known by its magic bytes, on a .gz file, a file of any name, and stdin; it
    used to give made-up input_encoding rows for the compressed bytes."""
    data, expected = mixed_batch()
    packed = gzip.compress(data)
    if name == "-":
        result = runner.invoke(app, ["read", "--jsonl", "-", "--jobs", jobs], input=packed)
    else:
        (tmp_path / name).write_bytes(packed)
        result = runner.invoke(app, ["read", "--jsonl", str(tmp_path / name), "--jobs", jobs])
    assert result.exit_code == 1
    check_output(result.stdout, expected)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["truncated", "corrupt", "not-gzip"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_broken_gzip_ends_with_one_error_row(tmp_path: Path, how: str, jobs: str) -> None:
    """Good rows up to the break, then one corpus_unreadable record where it broke."""
    packed = gzip.compress(b"".join(good(i) for i in range(400)))
    path = tmp_path / "rows.jsonl.gz"
    if how == "truncated":
        path.write_bytes(packed[: len(packed) // 2])
    elif how == "corrupt":
        path.write_bytes(packed[:200] + bytes(b ^ 0x5A for b in packed[200:220]) + packed[220:])
    else:
        path.write_bytes(good(1))  # plain JSONL under a .gz name
    result = runner.invoke(app, ["read", "--jsonl", str(path), "--jobs", jobs])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    records = [json.loads(t) for t in result.stdout.splitlines()]
    *rows, last = records
    assert [r["id"] for r in rows] == [f"g{i}" for i in range(len(rows))]
    assert all("error" not in r for r in rows)
    jsonschema.validate(last, ROW_ERROR_SCHEMA)
    assert last["error"]["code"] == "corpus_unreadable"
    assert last["line"] == len(records)
    assert "gzip" in last["error"]["message"]
    if how == "not-gzip":
        assert not rows


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.NDJSON", "rows.jsonl.gz", "r.ndjson.gz"])
def test_read_a_jsonl_file_without_jsonl_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """It used to read the whole batch as one posting and answer with a role, exit 0."""
    (tmp_path / name).write_bytes(good(1) + good(2))
    monkeypatch.chdir(tmp_path)  # a short path: the message box wraps long ones mid-word
    result = runner.invoke(app, ["read", name])
    assert result.exit_code == 2
    message = " ".join(result.output.replace("│", " ").split())  # unwrapped from its box
    assert f"{name} looks like JSONL" in message and f"rolelens read --jsonl {name}" in message
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no crash


def test_file_and_jsonl_together_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(good(1))
    result = runner.invoke(app, ["read", str(path), "--jsonl", str(path)])
    assert result.exit_code == 2
    assert "not both" in result.output


# -- the console script: exit statuses, no tracebacks ----------------------------------------
def run(args: list[str], stdin: bytes | None = None, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [*ROLELENS, *args], input=stdin, capture_output=True, timeout=120, cwd=cwd, check=False
    )


def test_script_jsonl_exit_1_on_bad_rows_and_no_traceback() -> None:
    data, expected = mixed_batch()
    proc = run(["read", "--jsonl", "-"], stdin=data)
    assert proc.returncode == 1
    check_output(proc.stdout.decode("utf-8"), expected)
    assert b"Traceback" not in proc.stderr
    assert b"could not be read" in proc.stderr


def test_script_jsonl_exit_0_when_every_row_reads() -> None:
    proc = run(["read", "--jsonl", "-"], stdin=good(1) + good(2))
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 2
    assert proc.stderr == b""


def test_script_jsonl_output_is_utf8_json_lines() -> None:
    row = {"id": "é-1", "title": "Ingénieur", "description": "Café, naïve, 🚀 résumé."}
    proc = run(["read", "--jsonl", "-"], stdin=line(row))
    assert proc.returncode == 0
    assert json.loads(proc.stdout.decode("utf-8"))["id"] == "é-1"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "input_empty"),
        ("blank.md", b"  \n\n\t", "input_empty"),
        ("data.bin", bytes(range(256)) * 8, "input_binary"),
        ("nul.txt", b"PK\x03\x04\x00\x00" * 100, "input_binary"),
    ],
)
def test_script_unreadable_file_exit_2(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    (tmp_path / name).write_bytes(content)
    proc = run(["read", name], cwd=tmp_path)
    assert proc.returncode == 2
    assert f"rolelens: {code}:".encode() in proc.stderr
    assert b"Traceback" not in proc.stderr
    assert proc.stdout == b""


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_script_missing_file_is_a_clear_error(tmp_path: Path, what: str) -> None:
    target = "nope.txt" if what == "missing" else "."
    proc = run(["read", target], cwd=tmp_path)
    assert proc.returncode == 2
    assert (b"no such file" if what == "missing" else b"is a folder") in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_script_python_dash_m_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "rolelens", "read", "--jsonl", "-"],
        input=good(1),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "g1"


# -- single files in many shapes ------------------------------------------------------------
@pytest.fixture
def probe(tmp_path: Path, taxonomy: Taxonomy) -> Path:
    """A taxonomy layer with made-up words we can look for in the evidence."""
    role = taxonomy.role_ids[0]
    path = tmp_path / "probe.yaml"
    items = {
        "probe_body": "zorblaxbody",
        "probe_script": "zorblaxscript",
        "probe_accent": "zorbléx",
    }
    path.write_text(
        "evidence:\n"
        + "".join(
            f"  - id: {item}\n    label: {item}\n    kind: tool\n"
            f"    aliases: [{alias}]\n    weights: {{{role}: 1.0}}\n"
            for item, alias in items.items()
        ),
        encoding="utf-8",
    )
    return path


def read_json(path: Path, probe: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["read", "--json", "-t", str(probe), str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    reading: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(reading, READING_SCHEMA)
    return reading


POSTING = (
    "Machine Learning Engineer\n\nYou will use zorblaxbody daily. Café zorbléx, naïve résumé.\n"
)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_read_file_in_any_common_encoding(tmp_path: Path, probe: Path, codec: str) -> None:
    path = tmp_path / "posting.txt"
    path.write_bytes(POSTING.encode(codec))
    reading = read_json(path, probe)
    found = {e["item"]: e["text"] for e in reading["evidence"]}
    assert found.get("probe_body") == "zorblaxbody"
    assert found.get("probe_accent") == "zorbléx"  # decoded right, or it would not match


def test_read_utf8_file_with_one_stray_byte_is_read_as_utf8(tmp_path: Path, probe: Path) -> None:
    """One bad byte in a UTF-8 file used to turn the whole file into cp1252 mojibake."""
    data = POSTING.encode("utf-8")
    path = tmp_path / "posting.txt"
    path.write_bytes(data[:30] + b"\xff" + data[30:])
    reading = read_json(path, probe)
    found = {e["item"]: e["text"] for e in reading["evidence"]}
    assert found.get("probe_accent") == "zorbléx"


HTML = """<!doctype html><html><head><title>zorblaxscript title</title>
<script>var a = "zorblaxscript";</script><style>.zorblaxscript { color: red }</style></head>
<body><h1>Machine Learning Engineer</h1>
<script>track("zorblaxscript")</script>
<h2>Responsibilities</h2>
<ul><li>Run zorblaxbody pipelines</li><li>Review code</li></ul>
<noscript>zorblaxscript</noscript>
</body></html>"""


def test_read_html_drops_scripts_keeps_structure(tmp_path: Path, probe: Path) -> None:
    path = tmp_path / "posting.html"
    path.write_text(HTML, encoding="utf-8")
    reading = read_json(path, probe)
    items = [e["item"] for e in reading["evidence"]]
    assert "probe_body" in items
    assert "probe_script" not in items
    assert all("zorblaxscript" not in e["text"] for e in reading["evidence"])
    body = next(e for e in reading["evidence"] if e["item"] == "probe_body")
    assert body["section"] == "responsibilities"  # the <h2> was kept as a heading
    assert reading["title"]["text"] == "Machine Learning Engineer"


def test_read_html_report_renders(tmp_path: Path, probe: Path) -> None:
    path = tmp_path / "posting.html"
    path.write_text(HTML, encoding="utf-8")
    result = runner.invoke(app, ["read", "-t", str(probe), str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "zorblaxscript" not in result.stdout


CHROME_HTML = """<html><head><title>Senior Data Engineer – Nimbus</title></head><body>
<nav>Home | Jobs | zorblaxscript Research | Blog</nav>
<h1>Senior Data Engineer</h1>
<h2>What you'll do</h2><ul><li>Run zorblaxbody pipelines</li></ul>
<footer>Nimbus uses zorblaxscript to power forecasting.</footer>
</body></html>"""


def test_read_html_navigation_is_not_the_title_nor_the_footer_requirements(
    tmp_path: Path, probe: Path
) -> None:
    path = tmp_path / "page.html"
    path.write_text(CHROME_HTML, encoding="utf-8")
    reading = read_json(path, probe)
    assert reading["title"]["text"] == "Senior Data Engineer"  # not the <nav> bar
    assert [e["item"] for e in reading["evidence"] if e["item"].startswith("probe")] == [
        "probe_body"
    ]  # nothing from the <nav> or the <footer>


ATS_HTML = (
    "<h2>Responsibilities</h2><ul><li>Run zorblaxbody pipelines</li></ul>"
    "<h2>Perks</h2><ul><li>A zorbléx budget</li></ul>"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_html_description_reads_as_its_text(tmp_path: Path, probe: Path, jobs: str) -> None:
    from rolelens.io.text import html_to_text

    path = tmp_path / "rows.jsonl"
    rows = [{"id": "html", "title": "Engineer", "description": ATS_HTML}]
    rows.append({**rows[0], "id": "text", "description": html_to_text(ATS_HTML)})
    path.write_bytes(b"".join(line(row) for row in rows))
    result = runner.invoke(app, ["read", "--jsonl", str(path), "-t", str(probe), "--jobs", jobs])
    assert result.exit_code == 0, result.output
    html, text = (json.loads(out) for out in result.stdout.splitlines())
    assert {**html, "id": "text"} == text  # offsets and all: they refer to the converted text
    sections = {e["item"]: e["section"] for e in html["evidence"]}
    assert sections["probe_body"] == "responsibilities"
    assert sections["probe_accent"] == "benefits"


def test_read_hostile_deep_html(tmp_path: Path, probe: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(
        "<div>" * 50_000 + "<p>Run zorblaxbody pipelines</p>" + "</div>" * 50_000, encoding="utf-8"
    )
    reading = read_json(path, probe)
    assert "probe_body" in [e["item"] for e in reading["evidence"]]


def test_read_stdin_text() -> None:
    result = runner.invoke(app, ["read", "--json", "-"], input=POSTING.encode())
    assert result.exit_code == 0, result.output
    jsonschema.validate(json.loads(result.stdout), READING_SCHEMA)


def test_read_empty_file_raises_coded_error_in_process(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = runner.invoke(app, ["read", str(path)])
    assert getattr(result.exception, "code", None) == "input_empty"


def test_read_junk_is_undetermined_in_json_and_on_the_terminal() -> None:
    result = runner.invoke(app, ["read", "--json", "-"], input=b"hello\n")
    assert result.exit_code == 0, result.output
    reading = json.loads(result.stdout)
    jsonschema.validate(reading, READING_SCHEMA)
    assert reading["role"] == "undetermined" and reading["undetermined_reason"]
    assert abs(sum(reading["scores"].values()) - 1) < 1e-3  # the distribution is kept
    shown = runner.invoke(app, ["read", "-"], input=b"hello\n")
    assert shown.exit_code == 0, shown.output
    assert "undetermined" in shown.stdout and "Strongest evidence" not in shown.stdout


def test_read_undetermined_with_mentions_for_other_roles_shows_no_empty_table() -> None:
    """A bare 'AI Engineer' title has mentions, none for the role the scores lean to: the
    terminal says so in a line instead of an empty table, and the Markdown says, as the
    terminal does, that the probabilities rest on priors."""
    text = b"AI Engineer\n\nJoin us!\n"
    shown = runner.invoke(app, ["read", "-"], input=text)
    assert shown.exit_code == 0, shown.output
    assert "undetermined" in shown.stdout
    assert "No mention pointed to this role." in shown.stdout
    assert "as written" not in shown.stdout  # the table's header: no empty table
    md = runner.invoke(app, ["read", "--format", "md", "-"], input=text)
    assert md.exit_code == 0, md.output
    assert "lean on the scorer's priors" in md.stdout
    assert "No mention pointed to this role." in md.stdout


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--title", "ML Engineer"], "--title is for one posting"),
        (["--company", "Arize"], "--company is for one posting"),
        (["--format", "md"], "--format md"),
    ],
)
def test_read_jsonl_refuses_options_it_would_ignore(
    tmp_path: Path, extra: list[str], said: str
) -> None:
    """--title and --format md speak of one posting: with --jsonl they were ignored silently."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "a", "description": "Train models in PyTorch."}\n', encoding="utf-8")
    result = runner.invoke(app, ["read", "--jsonl", str(rows), *extra])
    assert result.exit_code == 2
    assert said in result.output


def test_read_sets_the_named_employer_aside() -> None:
    """--company does for one file what a JSONL row's company does: the employer's name is
    not evidence (a company called Arize is not model monitoring)."""
    text = (
        "Backend Engineer\n\nArize builds developer tools.\n\n"
        "## Responsibilities\n- Build Go services and REST APIs.\n"
    )

    def arize(extra: list[str]) -> dict[str, object]:
        result = runner.invoke(app, ["read", "--json", *extra, "-"], input=text)
        assert result.exit_code == 0, result.output
        found = [e for e in json.loads(result.stdout)["evidence"] if e["text"] == "Arize"]
        assert len(found) == 1
        return dict(found[0])

    plain = arize([])
    assert plain.get("set_aside") is None and plain["contributions"]
    named = arize(["--company", "Arize"])
    assert named["set_aside"] == "the employer's name" and named["contributions"] == {}
