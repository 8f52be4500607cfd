"""The layering contract (issue 16): imports point down and no sibling modules import each
other in a cycle, as declared in ``.importlinter`` and checked by import-linter."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"
# no known upward edge or cycle is left: the contract ignores none
MAX_IGNORED = 0


def test_layers_contract_holds() -> None:
    exe = shutil.which("lint-imports") or str(Path(__file__).parents[1] / ".venv/bin/lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (it comes with the dev extra)")
    done = subprocess.run(
        [exe, "--config", str(CONFIG), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_layers_contract_is_not_loosened() -> None:
    """No upward edge or cycle is waved through: the contracts list no ignored import."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(CONFIG, encoding="utf-8")
    contracts = [s for s in parser.sections() if s.startswith("importlinter:contract:")]
    assert {parser[s]["type"] for s in contracts} == {"layers", "acyclic_siblings"}
    ignored = [
        line.strip()
        for s in contracts
        for line in parser[s].get("ignore_imports", "").splitlines()
        if line.strip()
    ]
    assert len(ignored) <= MAX_IGNORED, ignored
    layers = parser["importlinter:contract:layers"]["layers"].split()
    assert layers[0] == "rolelens.cli" and layers[-1] == "rolelens.errors"
    # modules sharing a layer are independent ('|'): no sideways import is allowed (':')
    lines = parser["importlinter:contract:layers"]["layers"].strip().splitlines()
    assert not [line for line in lines if ":" in line], lines
