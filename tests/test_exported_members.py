"""The public surface of ``import rolelens``, pinned (as httpx's tests/test_exported_members.py).

Adding or removing an export is a decision: it shows in this file's diff, and the README's
Python section must cover it (tests/test_docs.py).
"""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import rolelens

EXPORTED = [
    "CareerAdvice",
    "CvReading",
    "Evidence",
    "FitReport",
    "PostingReader",
    "Reading",
    "RolelensError",
    "Scoper",
    "Scoping",
    "ScopingForm",
    "Taxonomy",
    "TitleReading",
    "__version__",
    "career_advice",
    "load_taxonomy",
    "match_cv",
    "read_cv",
    "read_posting",
    "scope_brief",
]


def test_exported_members_are_pinned() -> None:
    assert rolelens.__all__ == EXPORTED


def test_exported_members_are_sorted() -> None:
    assert rolelens.__all__ == sorted(rolelens.__all__)


def test_exported_members_cover_every_public_name() -> None:
    # subpackages (rolelens.core, rolelens.api, ...) land in the namespace on import; they
    # are reached by their dotted path, not re-exported. Names load lazily: touch them all.
    for name in rolelens.__all__:
        getattr(rolelens, name)
    public = {
        name
        for name, value in vars(rolelens).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | {"__version__"} == set(rolelens.__all__)


def test_exported_members_load_lazily() -> None:
    # `import rolelens` (and so every CLI command) must not pay for the CV or scoping models
    code = "import sys, rolelens; print('rolelens.core.cv_models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert rolelens.CvReading.__name__ == "CvReading"


def test_exported_members_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        rolelens.no_such_name  # noqa: B018


def test_exported_members_star_import() -> None:
    namespace: dict[str, object] = {}
    exec("from rolelens import *", namespace)
    assert {n for n in namespace if n != "__builtins__"} == set(rolelens.__all__)


def test_exported_members_come_from_rolelens() -> None:
    for name in rolelens.__all__:
        value = getattr(rolelens, name)
        if isinstance(value, type | types.FunctionType):
            assert value.__module__.startswith("rolelens."), name
