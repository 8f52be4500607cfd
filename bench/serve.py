"""Load test of ``rolelens serve``: p50/p95/p99 latency of ``POST /v1/read`` and requests/s.

Run from the project root: ``.venv/bin/python bench/serve.py [--duration 30] [--clients 20]``.
It starts ``rolelens serve --no-access-log`` on a free port of 127.0.0.1 as a child process
and drives it with ``--clients`` keep-alive connections for ``--duration`` seconds per phase,
from a minimal asyncio HTTP/1.1 client (so the load generator costs little CPU). In the same
run it measures two baselines, and prints every figure with its ratio to them:

(a) ``GET /healthz`` under the same load: what the HTTP stack costs with no work;
(b) ``PostingReader.read`` of the same posting in this process: what the work costs alone.

A third phase repeats the read load on a server started with ``--inline-chars 0`` (every
text handed to a worker thread), to show what the inline path for short texts buys.

The goal is p95 < 50 ms for ``/v1/read`` with 20 clients. The server and the load generator
share the machine's cores, so the numbers are a floor on what a dedicated host would do.
This is a benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
POSTING = ROOT / "examples" / "posting.md"
GOAL_P95_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, *extra: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolelens", "serve", "--port", str(port), "--no-access-log", *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ROLELENS_TOKEN": ""},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("rolelens serve did not start")


def request_bytes(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode("ascii") + b"\r\n" + body


async def one_client(
    port: int, raw: bytes, until: float, latencies: list[float], failures: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(raw)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if b" 200 " not in status_line:
                failures.append(1)
    finally:
        writer.close()


async def load(port: int, raw: bytes, clients: int, duration: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures: list[int] = []
    until = time.perf_counter() + duration
    await asyncio.gather(
        *(one_client(port, raw, until, latencies, failures) for _ in range(clients))
    )
    return latencies, len(failures)


def summary(name: str, latencies: list[float], failures: int, duration: float) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    out = {"p50": q[49], "p95": q[94], "p99": q[98], "rps": len(ms) / duration}
    print(
        f"{name:<22} {len(ms):>7,} requests  {out['rps']:>8,.0f} req/s   "
        f"p50 {out['p50']:6.2f} ms  p95 {out['p95']:6.2f} ms  p99 {out['p99']:6.2f} ms"
        + (f"   {failures} non-200" if failures else "")
    )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument(
        "--skip-threads",
        action="store_true",
        help="skip the phase that sends every text to a worker thread (--inline-chars 0)",
    )
    args = parser.parse_args(argv)

    text = POSTING.read_text(encoding="utf-8")
    body = json.dumps({"text": text}).encode("utf-8")
    reader = PostingReader(load_taxonomy())
    for _ in range(50):
        reader.read(text)
    times = []
    for _ in range(500):
        t = time.perf_counter()
        reader.read(text)
        times.append(time.perf_counter() - t)
    inproc_ms = statistics.median(times) * 1000

    read_raw = request_bytes("POST", "/v1/read", body)
    health_raw = request_bytes("GET", "/healthz")
    print(
        f"rolelens serve on 127.0.0.1, {args.clients} clients, {args.duration:g} s a phase, "
        f"{os.cpu_count()} cores shared by server and load generator; "
        f"posting {len(text):,} chars ({len(body):,} bytes of JSON)"
    )
    port = free_port()
    proc = start_server(port)
    try:
        asyncio.run(load(port, read_raw, args.clients, args.warmup))
        lat, bad = asyncio.run(load(port, health_raw, args.clients, args.duration))
        health = summary("GET /healthz (base)", lat, bad, args.duration)
        lat, bad = asyncio.run(load(port, read_raw, args.clients, args.duration))
        read = summary("POST /v1/read", lat, bad, args.duration)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    threads = None
    if not args.skip_threads:
        # the same load on a server that hands every text to a worker thread
        port = free_port()
        proc = start_server(port, "--inline-chars", "0")
        try:
            asyncio.run(load(port, read_raw, args.clients, args.warmup))
            lat, bad = asyncio.run(load(port, read_raw, args.clients, args.duration))
            threads = summary("POST /v1/read, thread", lat, bad, args.duration)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"{'read in-process (base)':<22} median {inproc_ms:.2f} ms per posting")
    print(
        f"ratios: /v1/read p50 / healthz p50 = {read['p50'] / health['p50']:.1f}x; "
        f"req/s healthz / read = {health['rps'] / read['rps']:.1f}x; "
        f"per-request service time (1 / req/s) / in-process read = "
        f"{(1000 / read['rps']) / inproc_ms:.1f}x"
    )
    if threads is not None:
        print(
            f"inline vs worker thread (--inline-chars 0): p95 {read['p95']:.1f} vs "
            f"{threads['p95']:.1f} ms, req/s {read['rps'] / threads['rps']:.2f}x"
        )
    verdict = "meets" if read["p95"] < GOAL_P95_MS else "misses"
    print(f"goal p95 < {GOAL_P95_MS:g} ms: {verdict} ({read['p95']:.1f} ms)")


if __name__ == "__main__":
    main()
