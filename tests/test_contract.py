"""Issue 13: the same posting, brief and CV give the same answer through the library, the
CLI, HTTP and MCP, each with its default settings; the CLI reads PDF/DOCX postings, writes
Markdown, names roles by name; a layered taxonomy's version names its files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from cv_files import docx_bytes, pdf_bytes
from rolelens import api
from rolelens.cli import app
from rolelens.md import seniority_line
from rolelens.taxonomy.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
POSTING = (ROOT / "examples" / "posting.md").read_text(encoding="utf-8")
BRIEF = (
    "We run 40 shops and want to forecast weekly demand for each product from five years "
    "of sales history, so that we cut stock-outs. The forecasts must refresh every night."
)
CV_PATH = ROOT / "tests" / "data" / "cvs" / "ml_engineer.md"
CV = CV_PATH.read_text(encoding="utf-8")
runner = CliRunner()


def _cli(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each interface's answer to the posting, the brief and the CV, with its defaults."""
    pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
    pytest.importorskip("mcp", reason="the 'mcp' extra is not installed")
    from fastapi.testclient import TestClient
    from mcp import Client

    from rolelens.mcp_server.server import build_server
    from rolelens.web.app import create_app
    from rolelens.web.settings import ServiceSettings

    folder = tmp_path_factory.mktemp("contract")
    (folder / "posting.md").write_text(POSTING, encoding="utf-8")
    (folder / "brief.txt").write_text(BRIEF, encoding="utf-8")
    out: dict[str, dict[str, Any]] = {}
    out["library"] = {
        "posting": api.read_posting(POSTING).model_dump(mode="json"),
        "brief": api.scope_brief(BRIEF).model_dump(mode="json"),
        "cv": api.read_cv(CV).model_dump(mode="json"),
    }
    out["cli"] = {
        "posting": _cli("read", str(folder / "posting.md"), "--json"),
        "brief": _cli("scope", str(folder / "brief.txt"), "--json"),
        "cv": _cli("cv", str(CV_PATH), "--json"),
    }
    with TestClient(create_app(ServiceSettings(workers=0))) as client:
        out["http"] = {
            "posting": client.post("/v1/read", json={"description": POSTING}).json(),
            "brief": client.post("/v1/scope", json={"brief": BRIEF}).json(),
            "cv": client.post("/v1/cv", json={"text": CV}).json(),
        }

    async def mcp() -> dict[str, Any]:
        async with Client(build_server()) as c:
            calls = {
                "posting": ("read_posting", {"description": POSTING}),
                "brief": ("scope_problem", {"brief": BRIEF}),
                "cv": ("read_cv", {"text": CV}),
            }
            return {k: (await c.call_tool(n, a)).structured_content for k, (n, a) in calls.items()}

    out["mcp"] = anyio.run(mcp)
    return out


@pytest.mark.parametrize("kind", ["posting", "brief", "cv"])
@pytest.mark.parametrize("interface", ["cli", "http", "mcp"])
def test_contract_same_answer_everywhere(
    answers: dict[str, dict[str, Any]], interface: str, kind: str
) -> None:
    assert answers[interface][kind] == answers["library"][kind]


def test_contract_the_answers_are_real(answers: dict[str, dict[str, Any]]) -> None:
    library = answers["library"]
    assert library["posting"]["role"] == "ai_engineer"
    assert library["brief"]["role"] == "ml_engineer"
    assert library["cv"]["role"] == "ml_engineer"


@pytest.mark.parametrize(
    ("name", "make"), [("posting.pdf", pdf_bytes), ("posting.docx", docx_bytes)]
)
def test_contract_cli_reads_pdf_and_docx_postings(tmp_path: Path, name: str, make: Any) -> None:
    path = tmp_path / name
    path.write_bytes(make(POSTING))
    from_document = _cli("read", str(path), "--json")
    assert from_document["role"] == "ai_engineer"
    assert from_document["title"]["text"] == "Senior Machine Learning Engineer"
    piped = runner.invoke(app, ["read", "-", "--json"], input=path.read_bytes())
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["role"] == "ai_engineer"


def test_contract_cli_read_writes_markdown_with_role_names() -> None:
    result = runner.invoke(app, ["read", str(ROOT / "examples" / "posting.md"), "--format", "md"])
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# Reading: AI engineer / GenAI developer\n")
    assert "reads as ML engineer" in md and "ml_engineer" not in md
    assert "**Seniority:** senior (from the title)." in md
    bad = runner.invoke(app, ["read", str(ROOT / "examples" / "posting.md"), "--format", "pdf"])
    assert bad.exit_code == 2


def test_contract_human_output_names_roles_not_ids() -> None:
    ids = load_taxonomy().role_ids
    read = runner.invoke(app, ["read", str(ROOT / "examples" / "posting.md")], terminal_width=120)
    cv = runner.invoke(app, ["cv", str(CV_PATH), "--format", "md"])
    career = runner.invoke(
        app, ["career", str(CV_PATH), "--likes", "customers and demos", "--format", "md"]
    )
    for result in (read, cv, career):
        assert result.exit_code == 0, result.output
        for role_id in ids:
            assert role_id not in result.stdout, (role_id, result.stdout[:400])
    assert "**Role by shipped work:** ML engineer (" in cv.stdout
    assert "**Also worth a look:** ML engineer" in career.stdout


def test_contract_seniority_never_says_from_none() -> None:
    assert seniority_line(None, "none") == "not stated"
    assert seniority_line("senior", "title") == "senior (from the title)"
    assert seniority_line("mid", "years") == "mid (from the years asked)"
    posting = "Engineer\n\nWe build things with Python and ship them.\n"
    result = runner.invoke(app, ["read", "-"], input=posting.encode())
    assert result.exit_code == 0, result.output
    assert "Seniority: not stated" in result.stdout and "from none" not in result.stdout


def test_contract_layered_taxonomy_version_names_its_files(tmp_path: Path) -> None:
    bundled = load_taxonomy().version
    mine = tmp_path / "mine.yaml"
    mine.write_text("remove_evidence: []\n", encoding="utf-8")
    more = tmp_path / "more.yaml"
    more.write_text("evidence: []\n", encoding="utf-8")
    layered = load_taxonomy([mine, more]).version
    head, first, second = layered.split("+")
    assert head == bundled
    assert first.startswith("mine@") and len(first) == len("mine@") + 6
    assert second.startswith("more@")
    reading = _cli("read", str(ROOT / "examples" / "posting.md"), "--json", "-t", str(mine))
    assert reading["taxonomy_version"] == f"{bundled}+{first}"
    # the terminal report says which numbers read it too (a refit in use is visible)
    shown = runner.invoke(app, ["read", str(ROOT / "examples" / "posting.md"), "-t", str(mine)])
    assert shown.exit_code == 0, shown.output
    assert f"taxonomy {bundled}+{first}" in shown.stdout
    mine.write_text("remove_evidence: []\n# changed\n", encoding="utf-8")
    assert load_taxonomy([mine]).version != f"{bundled}+{first}"  # the content is named
    assert api.read_posting(POSTING, taxonomy_files=[mine]).taxonomy_version.startswith(
        f"{bundled}+mine@"
    )
