"""The service bounds what idle or never-finishing connections can hold (issue 17)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

_MAIN = "import sys; from rolelens.cli import main; sys.argv[0] = 'rolelens'; main()"
LIMIT = 3


@pytest.fixture
def server() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", _MAIN, "serve", "--port", str(port)]
    cmd += ["--max-connections", str(LIMIT), "--no-access-log"]
    with subprocess.Popen(cmd, stderr=subprocess.DEVNULL) as proc:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("rolelens serve did not start")
                time.sleep(0.1)
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_serve_idle_connections_past_the_limit_get_a_quick_503(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with ExitStack() as stack:
        for _ in range(LIMIT + 1):  # connections that never send a request
            sock = stack.enter_context(socket.create_connection((host, int(port))))
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finish
        time.sleep(0.3)
        started = time.monotonic()
        answer = httpx.get(server + "/healthz", timeout=5)
        assert answer.status_code == 503
        assert time.monotonic() - started < 5
    deadline = time.monotonic() + 10
    while httpx.get(server + "/healthz", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the service did not recover after the flood"
        time.sleep(0.2)
