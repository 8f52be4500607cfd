"""Issue 13: one contract everywhere. The HTTP API takes the same fields as the library,
``read --jsonl`` and the MCP tools, three ways (JSON, a form with a document, plain text);
validation errors name the accepted fields; /docs works offline; GET /v1/roles lists roles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
pytest.importorskip("httpx", reason="httpx (TestClient) is not installed")

from fastapi.testclient import TestClient

from cv_files import docx_bytes, pdf_bytes
from rolelens import api
from rolelens.api import read_posting
from rolelens.service import Service
from web_samples import BRIEF, POSTING

BODY = POSTING.split("\n", 2)[2]
CV = (Path(__file__).parent / "data" / "cvs" / "ml_engineer.md").read_text(encoding="utf-8")


def _ok(response: object) -> dict[str, object]:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    return body


def _invalid(response: object) -> str:
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "request_invalid"
    message: str = error["message"]
    return message


def test_web_contract_read_takes_the_jsonl_fields(client: TestClient, service: Service) -> None:
    title = "Senior Machine Learning Engineer"
    by_description = _ok(client.post("/v1/read", json={"title": title, "description": BODY}))
    by_text = _ok(client.post("/v1/read", json={"title": title, "text": BODY, "id": 7}))
    assert by_description["role"] == "ml_engineer"
    assert {**by_text, "id": None} == by_description
    assert by_text["id"] == "7"  # a JSONL row's numeric id, as a string
    assert by_description == service.read(BODY, title).model_dump(mode="json")
    with_company = _ok(client.post("/v1/read", json={"text": POSTING, "company": "Acme"}))
    assert with_company["role"] == "ml_engineer"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"title": "ML Engineer"}, "description or text"),
        ({"text": POSTING, "body": "x"}, "unknown field(s) body"),
        ({"description": POSTING, "text": POSTING}, "not both"),
    ],
)
def test_web_contract_read_errors_name_the_accepted_fields(
    client: TestClient, body: dict[str, str], says: str
) -> None:
    message = _invalid(client.post("/v1/read", json=body))
    assert says in message
    assert "a posting takes description or text, and optionally title, company, id" in message


def test_web_contract_scope_takes_brief_or_text(client: TestClient) -> None:
    by_brief = _ok(client.post("/v1/scope", json={"brief": BRIEF}))
    by_text = _ok(client.post("/v1/scope", json={"text": BRIEF}))
    as_plain = _ok(client.post("/v1/scope", content=BRIEF, headers={"content-type": "text/plain"}))
    assert by_brief == by_text == as_plain
    assert by_brief["role"] == "ml_engineer"
    message = _invalid(client.post("/v1/scope", json={"brief": BRIEF, "summary": "x"}))
    assert "a brief takes brief or text, and optionally form, id" in message


def test_web_contract_postings_as_plain_text_and_documents(client: TestClient) -> None:
    as_json = _ok(client.post("/v1/read", json={"text": POSTING}))
    plain = _ok(client.post("/v1/read", content=POSTING, headers={"content-type": "text/plain"}))
    assert plain == as_json
    html = (
        "<html><body>"
        + "".join(f"<p>{line}</p>" for line in POSTING.splitlines() if line)
        + "</body></html>"
    )
    for name, data in (
        ("posting.html", html.encode()),
        ("posting.docx", docx_bytes(POSTING)),
        ("posting.pdf", pdf_bytes(POSTING)),
    ):
        reading = _ok(client.post("/v1/read", files={"file": (name, data)}, data={"id": name}))
        assert reading["role"] == "ml_engineer", name
        assert reading["id"] == name
        assert reading["title"]["text"] == "Senior Machine Learning Engineer", name  # type: ignore[index]
    brief = _ok(client.post("/v1/scope", files={"file": ("brief.docx", docx_bytes(BRIEF))}))
    assert brief["role"] == "ml_engineer"
    both = client.post("/v1/read", files={"file": ("p.md", POSTING.encode())}, data={"text": "x"})
    assert "not both" in _invalid(both)
    unreadable = client.post("/v1/read", files={"file": ("p.pdf", b"%PDF-1.4 broken")})
    assert unreadable.status_code == 422
    assert unreadable.json()["error"]["code"].startswith("document_")


def test_web_contract_match_takes_json_and_a_posting_file(client: TestClient) -> None:
    as_json = _ok(client.post("/v1/match", json={"text": CV, "posting": POSTING}))
    as_cv = _ok(client.post("/v1/match", json={"cv": CV, "posting": POSTING}))
    as_form = _ok(client.post("/v1/match", data={"text": CV, "posting": POSTING}))
    with_file = _ok(
        client.post(
            "/v1/match",
            data={"text": CV},
            files={"posting": ("posting.md", POSTING.encode())},
        )
    )
    assert as_json == as_cv == as_form == with_file
    assert as_json["posting_role"] == "ml_engineer"
    message = _invalid(client.post("/v1/match", json={"posting": POSTING}))
    assert "text or cv" in message
    assert "posting" in _invalid(client.post("/v1/match", json={"text": CV}))


def test_web_contract_cv_takes_json_too(client: TestClient) -> None:
    assert _ok(client.post("/v1/cv", json={"text": CV})) == _ok(
        client.post("/v1/cv", data={"text": CV})
    )


def test_web_contract_roles_list(client: TestClient, service: Service) -> None:
    roles = client.get("/v1/roles")
    assert roles.status_code == 200
    listed = roles.json()
    assert [r["id"] for r in listed] == service.taxonomy.role_ids
    assert {"id", "name", "definition", "ai_hire"} == set(listed[0])
    by_id = {r["id"]: r for r in listed}
    assert by_id["ml_engineer"]["name"] == client.get("/v1/roles/ml_engineer").json()["name"]


def test_web_contract_docs_are_served_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "/openapi.json" in page.text
    # every script and stylesheet comes from this server, none from a CDN
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(u.startswith("/") for u in urls), urls
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "openapi" in json.loads(client.get("/openapi.json").text)


def test_web_contract_library_reads_html_like_the_service() -> None:
    html = (
        "<html><head><title>x</title></head><body><h1>Engineer</h1><ul>"
        + "".join(
            f"<li>{line.lstrip('- ')}</li>" for line in BODY.splitlines() if line.startswith("-")
        )
        + "</ul></body></html>"
    )
    api._service.cache_clear()  # the default service of this moment's bundled taxonomy
    assert read_posting(html) == Service.from_files(semantic="off").read(html)
