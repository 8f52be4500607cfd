"""The MCP server, driven by the official SDK's client: in process, and once over stdio."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

pytest.importorskip("mcp", reason="the 'mcp' extra is not installed")

from mcp import Client, StdioServerParameters

from rolelens.core.models import Reading
from rolelens.core.scoping_models import Scoping
from rolelens.mcp_server.server import build_server
from rolelens.service import Service
from rolelens.taxonomy.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
POSTING = """AI Engineer

What you'll do
- Build a support assistant on top of hosted LLMs with retrieval over our help-centre articles.
- Add tool calling, structured outputs and an evaluation suite for groundedness.
- No model training: we use foundation models as they are.
"""
BRIEF = "We want a chatbot that answers staff questions from our 3,000 internal policy documents."


@pytest.fixture(scope="module")
def service() -> Service:
    return Service(load_taxonomy())


def _run(service: Service, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    async def go() -> tuple[list[str], list[Any]]:
        async with Client(build_server(service)) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            results = [await client.call_tool(name, args) for name, args in calls]
            return names, results

    return anyio.run(go)


def test_mcp_lists_the_tools_with_schemas(service: Service) -> None:
    async def go() -> list[Any]:
        async with Client(build_server(service)) as client:
            return list((await client.list_tools()).tools)

    tools = {t.name: t for t in anyio.run(go)}
    assert {
        "read_posting",
        "scope_problem",
        "read_cv",
        "match",
        "career",
        "taxonomy",
        "role",
    } <= set(tools)
    read = tools["read_posting"]
    # the same argument names as HTTP POST /v1/read and read --jsonl
    assert {"title", "description", "text", "company", "id"} == set(read.input_schema["properties"])
    assert {"brief", "text", "form", "id"} == set(tools["scope_problem"].input_schema["properties"])
    assert {"posting", "text", "path", "posting_title"} <= set(
        tools["match"].input_schema["properties"]
    )
    assert read.output_schema is not None and "evidence" in read.output_schema["properties"]
    assert all(t.description for t in tools.values())
    for tool in tools.values():  # dedented: no runs of indentation reach the agent
        assert tool.description is not None and "  " not in tool.description, tool.name
        assert not tool.description.startswith((" ", "\n"))


def test_mcp_takes_the_http_field_names(service: Service) -> None:
    _, (by_description, by_text, brief, brief_text, both, none) = _run(
        service,
        [
            ("read_posting", {"description": POSTING, "title": "AI Engineer", "id": "p1"}),
            ("read_posting", {"text": POSTING, "title": "AI Engineer", "id": "p1"}),
            ("scope_problem", {"brief": BRIEF, "id": "b1"}),
            ("scope_problem", {"text": BRIEF, "id": "b1"}),
            ("read_posting", {"description": POSTING, "text": POSTING}),
            ("read_posting", {"title": "AI Engineer"}),
        ],
    )
    assert by_description.structured_content == by_text.structured_content
    assert by_description.structured_content["id"] == "p1"
    assert brief.structured_content == brief_text.structured_content
    assert brief.structured_content["id"] == "b1"
    assert both.is_error and "request_invalid" in both.content[0].text
    assert none.is_error and "description or text" in none.content[0].text


def test_mcp_read_posting_matches_the_library(service: Service) -> None:
    _, (result,) = _run(service, [("read_posting", {"text": POSTING})])
    assert not result.is_error
    reading = Reading.model_validate(result.structured_content)
    assert reading.role == "ai_engineer"
    assert reading.model_dump() == service.read(POSTING).model_dump()


def test_mcp_scope_problem_with_text_and_form(service: Service) -> None:
    _, (free, form) = _run(
        service,
        [
            ("scope_problem", {"brief": BRIEF}),
            ("scope_problem", {"form": {"outcome": BRIEF, "region": "UK"}}),
        ],
    )
    assert not free.is_error and not form.is_error
    assert Scoping.model_validate(free.structured_content).interview_loop.stages
    assert form.structured_content["form"]["region"] == "UK"


def test_mcp_taxonomy_and_role(service: Service) -> None:
    _, (tax, role) = _run(service, [("taxonomy", {}), ("role", {"role_id": "ml_engineer"})])
    assert [r["id"] for r in tax.structured_content["roles"]] == service.taxonomy.role_ids
    assert role.structured_content["id"] == "ml_engineer"
    assert role.structured_content["evidence"]


def test_mcp_errors_are_coded_tool_errors(service: Service) -> None:
    _, (empty, unknown, invalid) = _run(
        service,
        [
            ("read_posting", {"text": "   "}),
            ("role", {"role_id": "astronaut"}),
            ("read_posting", {"txt": "x"}),
        ],
    )
    assert empty.is_error and "input_empty:" in empty.content[0].text
    assert unknown.is_error and "not_found:" in unknown.content[0].text
    assert invalid.is_error


def test_mcp_arguments_are_checked_as_http_checks_a_body(service: Service) -> None:
    """An unknown argument is request_invalid naming the accepted ones (the SDK dropped it
    without a word); a wrong type is request_invalid in plain words; an integer id is taken
    as HTTP and --jsonl rows take it."""
    _, (extra, wrong, numbered, cv) = _run(
        service,
        [
            ("read_posting", {"text": POSTING, "bogus": 1}),
            ("read_posting", {"text": POSTING, "title": ["AI Engineer"]}),
            ("read_posting", {"text": POSTING, "id": 7}),
            ("read_cv", {"text": "I built RAG apps on GPT-4o.", "id": 8}),
        ],
    )
    said = extra.content[0].text
    assert extra.is_error and said.startswith("request_invalid: unknown argument(s) bogus")
    assert "description, text, title, company, id" in said
    assert wrong.is_error and wrong.content[0].text.startswith("request_invalid: title")
    assert "pydantic" not in wrong.content[0].text
    assert not numbered.is_error and numbered.structured_content["id"] == "7"
    assert not cv.is_error and cv.structured_content["id"] == "8"


def test_mcp_logs_never_hold_the_text(service: Service, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    secret = "PANGOLIN-4471"
    _run(
        service,
        [
            ("read_posting", {"text": POSTING + secret}),
            ("read_posting", {"text": f"   {secret}"[:3]}),
            ("scope_problem", {"brief": BRIEF + secret}),
            ("read_posting", {"text": 5, "title": secret}),
        ],
    )
    assert secret not in caplog.text


def test_mcp_over_stdio_with_the_cli(service: Service) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "rolelens", "mcp", "--semantic", "off"], cwd=str(ROOT)
    )

    async def go() -> tuple[list[str], Any, Any, Any]:
        with anyio.fail_after(60):
            async with Client(params) as client:
                names = [t.name for t in (await client.list_tools()).tools]
                read = await client.call_tool(
                    "read_posting", {"description": POSTING, "title": "AI Engineer"}
                )
                scope = await client.call_tool("scope_problem", {"text": BRIEF})
                wrong = await client.call_tool("read_posting", {"title": "AI Engineer"})
                return names, read, scope, wrong

    names, read, scope, wrong = anyio.run(go)
    assert "read_posting" in names
    assert not read.is_error and not scope.is_error
    assert read.structured_content["role"] == "ai_engineer"
    # the same answers as the library's service, over the wire
    assert read.structured_content == service.read(POSTING, "AI Engineer").model_dump(mode="json")
    assert scope.structured_content == service.scope(BRIEF).model_dump(mode="json")
    assert wrong.is_error and "request_invalid" in wrong.content[0].text


CV = (ROOT / "tests" / "data" / "cvs" / "ml_engineer.md").read_text(encoding="utf-8")


def test_mcp_cv_tools_from_text_and_from_a_path(service: Service) -> None:
    path = str(ROOT / "tests" / "data" / "cvs" / "ml_engineer.md")
    _, (by_text, by_path, fit, advice) = _run(
        service,
        [
            ("read_cv", {"text": CV}),
            ("read_cv", {"path": path}),
            ("match", {"text": CV, "posting": POSTING}),
            ("career", {"path": path, "likes": "customers and demos"}),
        ],
    )
    assert not any(r.is_error for r in (by_text, by_path, fit, advice))
    assert by_text.structured_content["role"] == by_path.structured_content["role"] == "ml_engineer"
    assert fit.structured_content["posting_role"] == "ai_engineer"
    assert fit.structured_content["requirements"]
    assert advice.structured_content["learning_path"]


def test_mcp_cv_tool_errors_are_coded(service: Service) -> None:
    _, (missing, both, empty) = _run(
        service,
        [
            ("read_cv", {"path": str(ROOT / "no-such-cv.pdf")}),
            ("career", {"text": CV, "path": str(ROOT / "no-such-cv.pdf")}),
            ("match", {"text": "  ", "posting": POSTING}),
        ],
    )
    assert missing.is_error and "input_invalid: no such file" in missing.content[0].text
    assert both.is_error and "not both" in both.content[0].text
    assert empty.is_error and "input_empty" in empty.content[0].text


def test_mcp_read_posting_of_junk_is_undetermined(service: Service) -> None:
    _, (result,) = _run(service, [("read_posting", {"text": "Jane Smith"})])
    reading = result.structured_content
    assert reading["role"] == "undetermined" and reading["undetermined_reason"]


def test_mcp_cv_tools_read_only_allowed_folders(tmp_path: Path) -> None:
    """An agent cannot be talked into reading any local file: paths outside the allowed
    folders (default: the working folder), over-long paths and surrogates are tool errors."""
    inside = tmp_path / "cv.md"
    inside.write_text((ROOT / "tests" / "data" / "cvs" / "ml_engineer.md").read_text("utf-8"))
    server_service = Service(load_taxonomy())

    async def go() -> list[Any]:
        server = build_server(server_service, allowed_dirs=[tmp_path])
        async with Client(server) as client:
            return [
                await client.call_tool("read_cv", {"path": str(inside)}),
                await client.call_tool("read_cv", {"path": "/etc/passwd"}),
                await client.call_tool("read_cv", {"path": str(tmp_path / "../../etc/passwd")}),
                await client.call_tool("read_cv", {"path": str(tmp_path / ("x" * 5000))}),
                await client.call_tool("read_cv", {"path": str(tmp_path / "cv\ud800.md")}),
                await client.call_tool("read_posting", {"text": "We build RAG \ud800 apps"}),
            ]

    ok, outside, climbing, long_path, surrogate_path, surrogate_text = anyio.run(go)
    assert not ok.is_error and ok.structured_content["role"] == "ml_engineer"
    for result in (outside, climbing):
        assert result.is_error and "outside the folders" in result.content[0].text
    assert long_path.is_error and "input_invalid: cannot open" in long_path.content[0].text
    assert surrogate_path.is_error and "input_" in surrogate_path.content[0].text
    assert surrogate_text.is_error and "input_encoding" in surrogate_text.content[0].text
