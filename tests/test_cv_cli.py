"""The cv, match, career and eval match commands: formats, batches, redaction, errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from rolelens.cli import app
from rolelens.schemas import schema_text
from rolelens.taxonomy.models import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
CV = ROOT / "tests" / "data" / "cvs" / "ai_engineer.md"
POSTING = ROOT / "eval" / "postings" / "genai_rag.md"
runner = CliRunner()
DAY = ["--today", "2026-06-01"]


@pytest.fixture(autouse=True)
def _one_taxonomy(monkeypatch: pytest.MonkeyPatch, taxonomy: Taxonomy) -> None:
    # the commands load the bundled taxonomy each call; the session's copy is the same
    for module in ("rolelens.cli.cv", "rolelens.cli.eval_match"):
        monkeypatch.setattr(f"{module}.taxonomy_from", lambda files: taxonomy)


def test_cv_cli_json_md_and_text() -> None:
    result = runner.invoke(app, ["cv", str(CV), "--json", *DAY])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(schema_text("cv")))
    assert data["role"] == "ai_engineer"
    md = runner.invoke(app, ["cv", str(CV), "--format", "md", *DAY])
    assert md.exit_code == 0 and md.output.startswith("# CV reading")
    assert "## Shipped work" in md.output
    text = runner.invoke(app, ["cv", str(CV), *DAY])
    assert text.exit_code == 0 and "Shipped work" in text.output


def test_cv_cli_redact_removes_contact_data_from_output() -> None:
    for fmt in ("json", "md"):
        result = runner.invoke(app, ["cv", str(CV), "--format", fmt, "--redact", *DAY])
        assert result.exit_code == 0
        assert "priya.raman@example.com" not in result.output
        assert "7946 0958" not in result.output


def test_match_cli_and_career_cli() -> None:
    result = runner.invoke(app, ["match", str(CV), str(POSTING), "--json", *DAY])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, json.loads(schema_text("match")))
    assert data["fit_band"] == "strong"
    md = runner.invoke(app, ["match", str(CV), str(POSTING), "-f", "md", *DAY])
    assert "## Requirements" in md.output and "## Interview probes" in md.output
    career = runner.invoke(app, ["career", str(CV), "--likes", "autonomy and agents", "--json"])
    assert career.exit_code == 0
    assert json.loads(career.output)["target_role"] == "agentic_ai_engineer"
    md = runner.invoke(app, ["career", str(CV), "--format", "md"])
    assert "## Learning path" in md.output


def test_cv_cli_jsonl_reads_gzip(tmp_path: Path) -> None:
    """`cv --jsonl` opens its batch as `read --jsonl` does: a gzip file is unpacked."""
    rows = tmp_path / "cvs.jsonl.gz"
    rows.write_bytes(gzip.compress(json.dumps({"id": "a", "text": CV.read_text()}).encode()))
    result = runner.invoke(app, ["cv", "--jsonl", str(rows), *DAY])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["role"] == "ai_engineer"


def test_cv_cli_jsonl_batches_keep_going(tmp_path: Path) -> None:
    rows = tmp_path / "cvs.jsonl"
    rows.write_text(
        json.dumps({"id": "a", "text": CV.read_text()}) + "\nnot json\n"
        + json.dumps({"id": "c", "text": "   "}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(app, ["cv", "--jsonl", str(rows), "--redact", *DAY])
    assert result.exit_code == 1
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert lines[0]["id"] == "a" and lines[0]["role"] == "ai_engineer"
    assert lines[1]["error"]["code"] == "row_not_json"
    assert lines[2]["error"]["code"] == "input_empty"
    assert "priya.raman" not in result.stdout

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"id": 1, "cv": CV.read_text(), "posting": POSTING.read_text()}) + "\n"
        + json.dumps({"id": 2, "cv": "x"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(app, ["match", "--jsonl", str(pairs), *DAY])
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert lines[0]["fit_band"] == "strong"
    assert lines[1]["error"]["code"] == "row_missing_field" and lines[1]["id"] == "2"

    likes = tmp_path / "career.jsonl"
    likes.write_text(json.dumps({"id": "x", "cv": CV.read_text(), "likes": "customers"}) + "\n")
    result = runner.invoke(app, ["career", "--jsonl", str(likes)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["target_role"] == "forward_deployed_engineer"


def test_cv_cli_bad_files_get_coded_errors(tmp_path: Path) -> None:
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    result = runner.invoke(app, ["cv", str(fake)])
    assert result.exit_code != 0
    assert getattr(result.exception, "code", None) == "document_unsupported"
    missing = runner.invoke(app, ["cv", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2
    bad_day = runner.invoke(app, ["cv", str(CV), "--today", "yesterday"])
    assert bad_day.exit_code == 2


def test_eval_match_cli_reports_accuracy_and_confusion(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"id": "ok", "cv_file": str(CV), "posting_file": str(POSTING), "band": "strong"})
        + "\n" + json.dumps({"id": "bad", "cv": "x", "posting": "y", "band": "great"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(app, ["eval", "match", str(pairs), "--json", *DAY])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n"] == 1 and data["band_accuracy"] == 1.0
    assert data["skipped"][0]["error"]["code"] == "label_invalid"
    table = runner.invoke(app, ["eval", "match", str(pairs), "--errors", *DAY])
    assert "band accuracy" in table.output and "confusion" in table.output
