"""Edges the adversarial audit found (issue 17): each gives a coded error or reads, never a trace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rolelens.batch import error_record, parse_row, read_lines
from rolelens.core.reader import PostingReader
from rolelens.errors import EncodingError, InputTooLarge

# the `rolelens` command, run as a fresh process so its exit status and stderr are the user's
_MAIN = "import sys; from rolelens.cli import main; sys.argv[0] = 'rolelens'; main()"
POSTING = "We build retrieval-augmented generation over our documents with LangChain and pgvector."


def test_batch_a_bom_row_reads(reader: PostingReader) -> None:
    line = "\ufeff" + json.dumps({"id": "a", "description": POSTING})
    assert parse_row(line).id == "a"
    assert parse_row(line.encode("utf-8")).text == POSTING
    [out] = list(read_lines(reader, [line.encode("utf-8")]))
    assert not isinstance(out, dict)
    assert out.id == "a"


def test_batch_an_oversized_line_keeps_its_id_without_a_second_parse() -> None:
    line = json.dumps({"id": 'big \\ "one"', "description": "R " * 1_100_000})
    with pytest.raises(InputTooLarge) as caught:
        parse_row(line)
    record = error_record(1, caught.value, line)
    assert record["id"] == 'big \\ "one"'
    assert record["error"]["code"] == "input_too_large"
    # an id past the first few kB is not hunted for
    late = json.dumps({"description": "R " * 1_100_000, "id": 7})
    with pytest.raises(InputTooLarge) as caught:
        parse_row(late.encode("utf-8"))
    assert error_record(2, caught.value, late.encode("utf-8"))["id"] is None


def test_service_refuses_a_lone_surrogate_as_badly_encoded() -> None:
    from rolelens.service import Service
    from rolelens.taxonomy.loader import load_taxonomy

    service = Service(load_taxonomy())
    with pytest.raises(EncodingError):
        service.read(POSTING + "\ud800")
    with pytest.raises(EncodingError):
        service.read(POSTING, title="ML \udfff Engineer")


def test_http_a_lone_surrogate_is_a_400() -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    pytest.importorskip("httpx", reason="httpx (TestClient) is not installed")
    from fastapi.testclient import TestClient

    from rolelens.web.app import create_app

    # the escape reaches the server as JSON text, as a hostile client would send it
    body = '{"text": "We build RAG \\ud800 pipelines", "title": "AI Engineer"}'
    with TestClient(create_app()) as client:
        answer = client.post("/v1/read", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "input_encoding"
        brief = '{"text": "Forecast weekly demand \\udc00 from sales history"}'
        answer = client.post(
            "/v1/scope", content=brief, headers={"Content-Type": "application/json"}
        )
        assert 400 <= answer.status_code < 500, answer.text


@pytest.mark.parametrize("under", [False, True])
def test_market_out_that_is_a_file_is_a_coded_error(tmp_path: Path, under: bool) -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    corpus = tmp_path / "one.jsonl"
    corpus.write_text(json.dumps({"id": "a", "description": POSTING}) + "\n", "utf-8")
    target = tmp_path / "taken"
    target.write_text("not a folder", "utf-8")
    out = target / "sub" if under else target
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "market", str(corpus), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "output_unwritable" in done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_text("utf-8") == "not a folder"


def test_a_megabyte_of_one_letter_hits_gives_a_small_answer() -> None:
    """The audit's row: 'R R R ...' over 1 MB. Measured in a child for its peak memory:
    the child's own high-water mark (VmHWM), since its ru_maxrss starts at the size of the
    test process it was spawned from (Linux keeps the larger across exec), which grows with
    whatever the suite has loaded by then."""
    code = (
        "import json, resource; from rolelens import read_posting; "
        "r = read_posting('R ' * 500_000); "
        "size = len(r.model_dump_json()); "
        "hwm = [int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:')]; "
        "peak = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "print(json.dumps({'size': size, 'peak_kb': peak, 'dropped': r.evidence_dropped, "
        "'records': len(r.evidence)}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    out = json.loads(done.stdout)
    assert out["size"] < 5_000_000
    assert out["peak_kb"] < 600_000
    assert out["records"] <= 100
    assert out["dropped"] >= 499_000


HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"


def test_markdown_answers_show_hostile_text_as_written() -> None:
    from rolelens.md import md_escape
    from rolelens.render.reading import reading_markdown
    from rolelens.service import Service
    from rolelens.taxonomy.loader import load_taxonomy

    escaped = md_escape(HOSTILE + "\n| cell")
    assert "<" not in escaped and "[click](" not in escaped and "**" not in escaped
    assert escaped.count("\\|") == 1
    taxonomy = load_taxonomy()
    reading = Service(taxonomy).read(POSTING * 3, title=HOSTILE)
    markdown = reading_markdown(reading, taxonomy)
    assert "<img" not in markdown
    assert "[click](javascript" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown


def test_fit_markdown_shows_hostile_text_as_written() -> None:
    from rolelens import match_cv
    from rolelens.cli.render_cv import fit_markdown

    cv = (
        "Jane Doe\n\nExperience\n\nML Engineer, Acme, 2019 - present\n"
        f"- Trained PyTorch models for churn {HOSTILE}\n- Deployed models with MLflow {HOSTILE}\n"
    )
    posting = f"ML Engineer\n\nRequirements\n- Experience training PyTorch models {HOSTILE}\n"
    markdown = fit_markdown(match_cv(cv, posting))
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown  # the lines are quoted ...
    assert "<img" not in markdown  # ... and never live
    assert "[click](javascript" not in markdown


def test_csv_an_unterminated_quote_is_an_error_row_not_a_silent_merge(tmp_path: Path) -> None:
    from rolelens.io.corpus import Columns, iter_corpus

    path = tmp_path / "rows.csv"
    path.write_text(
        "id,description\n"
        "a,We build dbt models\n"
        'b,"We train PyTorch models\n'
        "c,We run Airflow\n"
        "d,We write SQL\n",
        "utf-8",
    )
    rows = list(iter_corpus([path], Columns()))
    assert rows[0].id == "a" and rows[0].error is None
    assert len(rows) == 2
    assert rows[1].error is not None
    message = rows[1].error["message"]
    assert "never closed" in message and "lines 3-5" in message


def test_market_a_truncated_parquet_is_an_error_row_not_a_traceback(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    import pyarrow.parquet as pq

    whole = tmp_path / "whole.parquet"
    table = pa.table({"id": [str(i) for i in range(500)], "description": [POSTING] * 500})
    pq.write_table(table, whole, row_group_size=100)
    data = whole.read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: len(data) // 2])
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "market", str(cut), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    assert "corpus_unreadable" in done.stderr


def test_market_out_inside_the_input_folder_is_not_read_as_input(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [json.dumps({"id": str(i), "description": POSTING}) for i in range(5)]
    (corpus / "rows.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    out = corpus / "m"
    for extra in ([], [], ["--fresh"]):  # a rerun and a fresh run do not read their own output
        done = subprocess.run(
            [sys.executable, "-c", _MAIN, "market", str(corpus), "--out", str(out), *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "5 rows" in done.stderr or "5 rows" in done.stdout, done.stderr


def test_mcp_stdio_answers_lines_it_cannot_parse() -> None:
    """A 50k-deep argument or a lone surrogate escape gets a JSON-RPC error with its id
    (the SDK alone dropped such a line and the client waited forever)."""
    pytest.importorskip("mcp", reason="the mcp extra is not installed")
    import select

    def send(proc: subprocess.Popen[bytes], line: str) -> None:
        assert proc.stdin is not None
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()

    def answer(proc: subprocess.Popen[bytes]) -> dict[str, object]:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no answer within 60 s"
        parsed: dict[str, object] = json.loads(proc.stdout.readline())
        return parsed

    call = '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"read_posting",'
    with subprocess.Popen(
        [sys.executable, "-m", "rolelens", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as proc:
        try:
            hello = {"protocolVersion": "2025-06-18", "capabilities": {}}
            hello["clientInfo"] = {"name": "test", "version": "1"}
            send(
                proc,
                json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello}),
            )
            assert answer(proc)["id"] == 1
            send(proc, '{"jsonrpc":"2.0","method":"notifications/initialized"}')
            deep = "[" * 50_000 + "]" * 50_000
            send(proc, call % 2 + '"arguments":{"text":' + deep + "}}}")
            refused = answer(proc)
            assert refused["id"] == 2
            assert refused["error"]["code"] == -32700
            send(proc, call % 3 + '"arguments":{"text":"We build RAG \\ud800 apps"}}}')
            assert answer(proc)["id"] == 3
            send(proc, call % 4 + '"arguments":{"text":"' + POSTING + '"}}}')
            result = answer(proc)
            assert result["id"] == 4 and "result" in result
        finally:
            proc.kill()


def test_scoping_markdown_shows_hostile_text_as_written() -> None:
    from rolelens import scope_brief
    from rolelens.render.scoping import scoping_markdown

    brief = (
        f"We want to forecast weekly demand {HOSTILE} from five years of sales history "
        "across 300 stores; results must feed the replenishment system every night."
    )
    markdown = scoping_markdown(scope_brief(brief))
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown  # the brief is quoted ...
    assert "<img" not in markdown  # ... and never live
    assert "[click](javascript" not in markdown
