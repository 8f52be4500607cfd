"""The HTTP API: every route, coded 4xx errors, limits, token, CORS, and no text in logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
pytest.importorskip("httpx", reason="httpx (TestClient) is not installed")

from fastapi.testclient import TestClient

from rolelens.core.models import Reading
from rolelens.core.scoping_models import Scoping
from rolelens.errors import RolelensError
from rolelens.service import Service
from rolelens.taxonomy.models import Taxonomy
from rolelens.web.app import create_app
from rolelens.web.settings import ServiceSettings
from web_samples import BRIEF, POSTING

ROOT = Path(__file__).resolve().parents[1]

SECRET = "ZEBRA-QUOKKA-7731"  # a marker that must never reach a log line


def _error(response: object, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    return body["error"]  # type: ignore[no-any-return]


# -- routes ----------------------------------------------------------------------------------
def test_web_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert {"read", "scope"} <= set(body["features"])
    assert body["taxonomy_version"] and body["scorer_version"]


def test_web_read_returns_the_same_reading_as_the_library(
    client: TestClient, service: Service
) -> None:
    response = client.post("/v1/read", json={"text": POSTING, "id": "p-1"})
    assert response.status_code == 200
    reading = Reading.model_validate(response.json())
    assert reading.role == "ml_engineer"
    assert reading.id == "p-1"
    assert reading.model_dump() == service.reader.read(POSTING, id="p-1").model_dump()
    # spans point into the text that was sent
    for ev in reading.evidence:
        if ev.section != "title":
            assert POSTING[ev.start : ev.end] == ev.text


def test_web_read_takes_a_title(client: TestClient) -> None:
    body = client.post(
        "/v1/read", json={"text": POSTING.split("\n", 1)[1], "title": "Data Analyst"}
    ).json()
    assert body["title"]["text"] == "Data Analyst"
    assert body["mismatch"] is True


def test_web_read_reads_an_html_page_as_its_text(client: TestClient) -> None:
    html = "<html><body><h1>ML Engineer</h1><ul><li>Train ranking models on our data</li>"
    html += "<li>Retrain weekly and monitor drift</li></ul></body></html>"
    body = client.post("/v1/read", json={"text": html}).json()
    assert all("<" not in ev.get("text", "") for ev in body["evidence"])
    assert body["role"] == "ml_engineer"


def test_web_read_as_markdown(client: TestClient) -> None:
    response = client.post("/v1/read", json={"text": POSTING}, headers={"accept": "text/markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("# Reading: ML engineer")
    assert "## Strongest evidence for ML engineer" in response.text


def test_web_scope_text_and_form(client: TestClient) -> None:
    body = client.post("/v1/scope", json={"text": BRIEF, "id": "b-1"}).json()
    scoping = Scoping.model_validate(body)
    assert scoping.id == "b-1"
    assert scoping.steps and scoping.job_description.responsibilities
    assert scoping.interview_loop.stages
    form = {"outcome": "answer customer questions from our help-centre articles", "region": "UK"}
    body = client.post("/v1/scope", json={"form": form}).json()
    assert body["form"]["region"] == "UK"
    assert body["text"]


def test_web_scope_as_markdown(client: TestClient) -> None:
    response = client.post("/v1/scope", json={"text": BRIEF}, headers={"accept": "text/markdown"})
    assert response.status_code == 200
    assert response.text.startswith("# Scoping: ")
    assert "## Interview loop" in response.text


def test_web_taxonomy_and_roles(client: TestClient, taxonomy: Taxonomy) -> None:
    tax = client.get("/v1/taxonomy").json()
    assert [r["id"] for r in tax["roles"]] == taxonomy.role_ids
    assert tax["version"] == taxonomy.version
    assert tax["scoping"] is True
    for role_id in taxonomy.role_ids:
        role = client.get(f"/v1/roles/{role_id}").json()
        assert role["id"] == role_id
        weights = [e["weight"] for e in role["evidence"]]
        assert weights == sorted(weights, reverse=True)
        assert {f["source"] for f in role["figures"]} <= {s["id"] for s in role["sources"]}
    ml = client.get("/v1/roles/ml_engineer").json()
    assert ml["evidence"] and ml["title_patterns"]


def test_web_page_is_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert '<script type="module" src="/static/app.js">' in page.text
    for asset, kind in (("app.js", "javascript"), ("app.css", "text/css")):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]


def test_web_page_uses_no_cdn_and_no_inline_code() -> None:
    static = ROOT / "src" / "rolelens" / "web" / "static"
    html = (static / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and " style=" not in html and "onclick=" not in html
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text, f"{path.name} loads something from the network"
    script = (static / "app.js").read_text(encoding="utf-8")
    assert ".innerHTML" not in script and "insertAdjacentHTML" not in script


# -- errors ----------------------------------------------------------------------------------
def test_web_empty_text_is_a_coded_400(client: TestClient) -> None:
    _error(client.post("/v1/read", json={"text": "  \n "}), 400, "input_empty")
    _error(client.post("/v1/scope", json={"text": ""}), 400, "input_empty")


@pytest.mark.parametrize(
    "body",
    [
        {"txt": "x"},
        {"text": 5},
        {"text": "x", "extra": 1},
        [1, 2],
        "just a string",
    ],
    ids=["missing", "wrong-type", "unknown-field", "array", "string"],
)
def test_web_bad_bodies_are_coded_422(client: TestClient, body: object) -> None:
    _error(client.post("/v1/read", json=body), 422, "request_invalid")


def test_web_malformed_json_is_a_coded_422(client: TestClient) -> None:
    response = client.post(
        "/v1/read", content=b'{"text": "x"', headers={"content-type": "application/json"}
    )
    _error(response, 422, "request_invalid")


def test_web_bad_scoping_form_is_coded(client: TestClient) -> None:
    _error(client.post("/v1/scope", json={"form": {"colour": "red"}}), 422, "request_invalid")


def test_web_unknown_role_path_and_method(client: TestClient) -> None:
    error = _error(client.get("/v1/roles/astronaut"), 404, "not_found")
    assert "ml_engineer" in error["message"]
    _error(client.get("/v1/nothing-here"), 404, "not_found")
    response = client.get("/v1/read")
    _error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_web_unexpected_failure_is_a_coded_500_without_a_trace(
    taxonomy: Taxonomy, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Service):
        def read(self, text: str | bytes, *args: Any, **kwargs: Any) -> Reading:
            raise ValueError(f"boom while reading {text!r}")

    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(service=Broken(taxonomy)), raise_server_exceptions=False) as c:
        response = c.post("/v1/read", json={"text": f"posting {SECRET}"})
    error = _error(response, 500, "internal_error")
    assert SECRET not in json.dumps(error) and "boom" not in response.text
    assert "ValueError" in caplog.text  # the log says what broke ...
    assert SECRET not in caplog.text  # ... but never quotes the request


def test_web_a_coded_error_from_the_core_keeps_its_status(taxonomy: Taxonomy) -> None:
    class NoTaxonomy(Service):
        def read(self, text: str | bytes, *args: Any, **kwargs: Any) -> Reading:
            from rolelens.errors import TaxonomyError

            raise TaxonomyError("the taxonomy cannot be used")

    with TestClient(create_app(service=NoTaxonomy(taxonomy))) as c:
        _error(c.post("/v1/read", json={"text": "x"}), 500, "taxonomy_invalid")


# -- limits ----------------------------------------------------------------------------------
def test_web_body_over_the_limit_is_413_by_content_length(service: Service) -> None:
    app = create_app(ServiceSettings(max_bytes=1_000), service=service)
    with TestClient(app) as c:
        assert c.post("/v1/read", json={"text": "x" * 900}).status_code == 200
        _error(c.post("/v1/read", json={"text": "x" * 1_200}), 413, "input_too_large")
        _error(c.post("/v1/scope", json={"text": "x" * 1_200}), 413, "input_too_large")


def test_web_streamed_body_over_the_limit_is_413(service: Service) -> None:
    app = create_app(ServiceSettings(max_bytes=1_000), service=service)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(30):
            yield b"y" * 100
        yield b'"}'

    with TestClient(app) as c:
        response = c.post(
            "/v1/read", content=chunks(), headers={"content-type": "application/json"}
        )
    assert "content-length" not in response.request.headers
    error = _error(response, 413, "input_too_large")
    # streamed, the size is unknown: the message says it went past the limit, in words
    assert "over the limit of 1,000 bytes" in error["message"]


def test_web_work_over_the_time_limit_is_a_coded_503(taxonomy: Taxonomy) -> None:
    class Slow(Service):
        def read(self, text: str | bytes, *args: Any, **kwargs: Any) -> Reading:
            time.sleep(1.5)
            return super().read(text, *args, **kwargs)

    app = create_app(ServiceSettings(timeout=0.1, inline_chars=0), service=Slow(taxonomy))
    with TestClient(app) as c:
        started = time.perf_counter()
        response = c.post("/v1/read", json={"text": POSTING})
        waited = time.perf_counter() - started
        assert c.get("/healthz").status_code == 200  # the service still answers
    _error(response, 503, "time_limit")
    assert waited < 1.2, "the answer should not wait for the abandoned work"


def test_web_long_texts_go_to_a_worker_thread_and_short_ones_do_not(taxonomy: Taxonomy) -> None:
    import threading

    seen: list[int] = []

    class Watching(Service):
        def read(self, text: str | bytes, *args: Any, **kwargs: Any) -> Reading:
            seen.append(threading.get_ident())
            return super().read(text, *args, **kwargs)

    app = create_app(ServiceSettings(inline_chars=len(POSTING)), service=Watching(taxonomy))
    with TestClient(app) as c:
        loop_thread = c.portal.call(threading.get_ident)  # type: ignore[union-attr]
        for text in (POSTING, POSTING * 2, POSTING):
            assert c.post("/v1/read", json={"text": text}).status_code == 200
    assert seen[0] == seen[2] == loop_thread
    assert seen[1] != loop_thread


def test_web_builds_the_reader_once_per_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import rolelens.service as service_module

    built: list[int] = []
    original = service_module.PostingReader.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        built.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module.PostingReader, "__init__", counting)
    with TestClient(create_app()) as c:
        for _ in range(3):
            assert c.post("/v1/read", json={"text": POSTING}).status_code == 200
    assert len(built) == 1


# -- token -----------------------------------------------------------------------------------
def test_web_token_off_by_default(client: TestClient) -> None:
    assert client.get("/v1/taxonomy").status_code == 200


def test_web_token_guards_every_route_but_healthz_and_the_page(service: Service) -> None:
    app = create_app(ServiceSettings(token="s3cret-token"), service=service)
    good = {"authorization": "Bearer s3cret-token"}
    with TestClient(app) as c:
        for method, path, body in (
            ("post", "/v1/read", {"text": POSTING}),
            ("post", "/v1/scope", {"text": BRIEF}),
            ("get", "/v1/taxonomy", None),
            ("get", "/v1/roles/ml_engineer", None),
            ("get", "/v1/roles", None),
        ):
            kwargs = {"json": body} if body is not None else {}
            response = getattr(c, method)(path, **kwargs)
            _error(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer"
            wrong = getattr(c, method)(path, headers={"authorization": "Bearer nope"}, **kwargs)
            _error(wrong, 401, "unauthorized")
            basic = getattr(c, method)(path, headers={"authorization": "Basic czNjcmV0"}, **kwargs)
            _error(basic, 401, "unauthorized")
            assert getattr(c, method)(path, headers=good, **kwargs).status_code == 200
        assert c.get("/healthz").status_code == 200
        assert c.get("/").status_code == 200
        assert c.get("/static/app.js").status_code == 200
        # the API's description is public (it is in the repository too): /docs loads it
        assert c.get("/openapi.json").status_code == 200
        assert c.get("/docs").status_code == 200
        assert c.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


# -- CORS ------------------------------------------------------------------------------------
def test_web_cors_is_off_by_default(client: TestClient) -> None:
    origin = {"origin": "https://elsewhere.example"}
    response = client.get("/v1/taxonomy", headers=origin)
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/v1/read", headers={**origin, "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code == 405


def test_web_cors_when_configured(service: Service) -> None:
    allowed = "https://jobs.example"
    app = create_app(ServiceSettings(cors_origins=(allowed,), token="t"), service=service)
    with TestClient(app) as c:
        preflight = c.options(
            "/v1/read",
            headers={
                "origin": allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == allowed
        response = c.get("/v1/taxonomy", headers={"origin": allowed, "authorization": "Bearer t"})
        assert response.headers["access-control-allow-origin"] == allowed
        other = c.get(
            "/v1/taxonomy",
            headers={"origin": "https://evil.example", "authorization": "Bearer t"},
        )
        assert "access-control-allow-origin" not in other.headers


# -- logs ------------------------------------------------------------------------------------
def test_web_logs_never_hold_posting_brief_or_request_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    marked = POSTING + f"\nAlso: {SECRET}\n"
    assert client.post("/v1/read", json={"text": marked, "title": SECRET}).status_code == 200
    assert client.post("/v1/read", json={"text": marked}, headers={"accept": "text/markdown"})
    assert client.post("/v1/scope", json={"text": BRIEF + SECRET}).status_code == 200
    assert client.post("/v1/read", json={"text": 1, "note": SECRET}).status_code == 422
    assert client.post("/v1/scope", json={"form": {SECRET: SECRET}}).status_code == 422
    assert caplog.records, "expected some log records to check"
    assert SECRET not in caplog.text


def test_web_error_bodies_do_not_echo_the_input(client: TestClient) -> None:
    response = client.post("/v1/read", json={"text": 1, "note": SECRET})
    assert SECRET not in response.text


def test_web_every_error_class_maps_to_its_status() -> None:
    from rolelens import errors
    from rolelens.web.app import error_response

    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, RolelensError):
            response = error_response(cls("a message"))
            assert response.status_code == cls.http_status
            assert json.loads(response.body) == {
                "error": {"code": cls.code, "message": "a message"}
            }


def test_web_read_junk_is_undetermined_with_its_reason(client: TestClient) -> None:
    body = client.post("/v1/read", json={"text": "Lorem ipsum dolor sit amet."}).json()
    assert body["role"] == "undetermined" and body["undetermined_reason"]
    assert set(body["scores"]) and not body["mismatch"]
    md = client.post(
        "/v1/read",
        json={"text": "Lorem ipsum dolor sit amet."},
        headers={"accept": "text/markdown"},
    )
    assert "undetermined" in md.text


def test_web_page_shows_an_undetermined_reading() -> None:
    script = (ROOT / "src" / "rolelens" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert 'r.role === "undetermined"' in script and "r.undetermined_reason" in script
