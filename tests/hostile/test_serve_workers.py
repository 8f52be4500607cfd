"""Long reads run in killable worker processes (issue 17): past the time limit the answer is
503 and the worker is killed and replaced; the server keeps answering meanwhile."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (TestClient) is not installed")

from fastapi.testclient import TestClient

from rolelens.service import Service
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.web.app import create_app
from rolelens.web.settings import ServiceSettings

POSTING = (
    "Senior AI Engineer\n\nWhat you'll do\n- Build retrieval-augmented generation over our "
    "documents with LangChain and pgvector.\n- Evaluate prompts and guardrails.\n"
)
# ~2 M characters of prose with evidence all through it: seconds of work in one read
LONG = ("We build RAG pipelines with LangChain, evaluate LLM answers and tune prompts. " * 26_000)[
    :1_990_000
]


def test_serve_workers_answer_like_the_service() -> None:
    settings = ServiceSettings(workers=1, inline_chars=0, timeout=60)
    expected = Service(load_taxonomy()).read(POSTING).model_dump(mode="json")
    with TestClient(create_app(settings)) as client:
        answer = client.post("/v1/read", json={"text": POSTING})
        assert answer.status_code == 200, answer.text
        assert answer.json() == expected
        # a coded error raised in the worker comes back as itself
        empty = client.post("/v1/read", json={"text": "   "})
        assert empty.status_code == 400 and empty.json()["error"]["code"] == "input_empty"


def test_serve_a_read_past_the_limit_is_a_503_and_its_worker_is_replaced() -> None:
    # a long read takes ~0.7 s on this machine: the limit leaves it a wide margin either way
    settings = ServiceSettings(workers=1, inline_chars=0, timeout=0.2)
    app = create_app(settings)
    with TestClient(app) as client:
        _until_ready(client)  # a worker still starting answers 503 but is not killed
        assert app.state.pool.killed == 0
        slow = client.post("/v1/read", json={"text": LONG})
        assert slow.status_code == 503, slow.text
        assert slow.json()["error"]["code"] == "time_limit"
        assert app.state.pool.killed == 1
        # the fresh worker answers once it has started
        assert _until_ready(client).json()["role"] == "ai_engineer"
        assert app.state.pool.killed == 1


def _until_ready(client: TestClient) -> Any:
    """The first 200 answer to the short posting within 60 s."""
    deadline = time.monotonic() + 60
    while True:
        answer = client.post("/v1/read", json={"text": POSTING})
        if answer.status_code == 200:
            return answer
        assert answer.json()["error"]["code"] == "time_limit", answer.text
        assert time.monotonic() < deadline, "the worker never became ready"
        time.sleep(0.2)


def test_serve_healthz_answers_while_a_worker_reads() -> None:
    settings = ServiceSettings(workers=1, inline_chars=0, timeout=60)
    with TestClient(create_app(settings)) as client:
        assert _until_ready(client).status_code == 200
        done: list[int] = []

        def read_long() -> None:
            done.append(client.post("/v1/read", json={"text": LONG}).status_code)

        # four long reads queue behind the one worker: seconds of work in all
        readers = [threading.Thread(target=read_long) for _ in range(4)]
        for reader in readers:
            reader.start()
        time.sleep(0.1)
        waits = []
        while any(r.is_alive() for r in readers) and len(waits) < 5:
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            waits.append(time.monotonic() - started)
            time.sleep(0.1)
        for reader in readers:
            reader.join(timeout=120)
        assert done == [200, 200, 200, 200]
        assert waits, "the reads ended before /healthz was asked"
        assert max(waits) < 2.0
