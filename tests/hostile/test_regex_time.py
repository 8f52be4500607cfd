"""Every regex in the package finishes quickly on adversarial text (issue 17).

A regex that backtracks catastrophically holds the GIL, so neither a worker thread nor a time
limit inside the process can stop it: one 5 kB request once froze the whole service. The probe
runs in a child process; the parent kills it when one pattern takes longer than BUDGET seconds
and goes on with the next, so a failure names every slow pattern instead of hanging the suite.
"""

from __future__ import annotations

import select
import subprocess
import sys
import time
from pathlib import Path

PROBE = Path(__file__).with_name("regex_probe.py")
LENGTH = 3000  # characters per adversarial string; catastrophic patterns take minutes here
BUDGET = 20.0  # seconds one pattern may take over all ~1,000 strings (linear ones take < 0.5 s)


def _run_probe() -> tuple[int, list[str]]:
    """(patterns seen, descriptions of the patterns that ran over budget)."""
    slow: list[str] = []
    start, total = 0, 0
    while True:
        current: str | None = None
        killed = False
        with subprocess.Popen(
            [sys.executable, str(PROBE), str(LENGTH), str(start)],
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None
            deadline: float | None = None
            while True:
                ready, _, _ = select.select([child.stdout], [], [], 0.5)
                if ready:
                    line = child.stdout.readline()
                    if not line:
                        break
                    if line.startswith("patterns "):
                        total = int(line.split()[1])
                    elif line.startswith("try "):
                        current, deadline = line.strip(), time.monotonic() + BUDGET
                    elif line.startswith("done "):
                        deadline = None
                if deadline is not None and time.monotonic() > deadline:
                    child.kill()
                    killed = True
                    break
        if not killed:
            assert child.returncode == 0, f"the probe failed (exit {child.returncode})"
            return total, slow
        assert current is not None
        slow.append(current)
        start = int(current.split()[1]) + 1


def test_every_pattern_is_fast_on_adversarial_text() -> None:
    total, slow = _run_probe()
    assert total >= 40, "the probe found too few patterns: is the collector broken?"
    assert slow == [], "patterns that backtrack catastrophically:\n" + "\n".join(slow)


def test_a_whitespace_run_row_reads_in_bounded_time() -> None:
    """The audit's row: '5' and 5,000 spaces and 'x', read end to end in a child process."""
    code = (
        "from rolelens import read_posting; "
        "r = read_posting('We need 5' + ' ' * 5000 + 'x years of Python and PyTorch'); "
        "print(r.role)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip()
