"""Docs that cannot rot: the CLI reference, the README, the error table and the public API.

Each test compares a document with the code it describes, so a new command, error code or
export fails here until it is documented (sqlite-utils' tests/test_docs.py does the same).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import rolelens
from rolelens import errors
from rolelens.cli.docs import command_paths, errors_doc_tree, render_cli_reference, with_error_tree
from rolelens.render.errors import error_tree, parent

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_MD = ROOT / "docs" / "cli.md"
ERRORS_MD = ROOT / "docs" / "errors.md"

ERROR_CLASSES = sorted(
    (
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.RolelensError)
    ),
    key=lambda cls: cls.code,
)


def _readme_section(heading: str) -> str:
    """The README text under ``## heading`` up to the next second-level heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def _error_table() -> dict[str, dict[str, str]]:
    """docs/errors.md's code table as code -> {class, meaning, exit, http}."""
    rows: dict[str, dict[str, str]] = {}
    for line in ERRORS_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and cells[1].startswith("`"):
            code, cls, meaning, exit_code, http = cells
            assert code.strip("`") not in rows, f"{code} is listed twice in docs/errors.md"
            rows[code.strip("`")] = {
                "class": cls.strip("`"),
                "meaning": meaning,
                "exit": exit_code,
                "http": http,
            }
    return rows


# -- (a) the generated CLI reference -------------------------------------------------------
def test_docs_cli_reference_is_current() -> None:
    assert CLI_MD.exists(), "docs/cli.md is missing: run `make docs`"
    assert CLI_MD.read_text(encoding="utf-8") == render_cli_reference(), (
        "docs/cli.md is out of date with the CLI: run `make docs`"
    )


def test_docs_cli_reference_module_prints_the_reference() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rolelens.cli.docs"], capture_output=True, check=True
    ).stdout
    assert out.decode("utf-8") == render_cli_reference()


def test_docs_cli_reference_does_not_depend_on_terminal_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = render_cli_reference()
    monkeypatch.setenv("COLUMNS", "250")
    assert render_cli_reference() == narrow


@pytest.mark.parametrize("command", command_paths())
def test_docs_cli_reference_has_every_command(command: str) -> None:
    assert re.search(rf"^#+ `{re.escape(command)}`$", render_cli_reference(), re.M)


# -- (b) the README names every command ----------------------------------------------------
def test_docs_command_paths_cover_the_groups() -> None:
    paths = command_paths()
    assert {"rolelens read", "rolelens scope", "rolelens eval scope"} <= set(paths)
    assert "rolelens" not in paths


@pytest.mark.parametrize("command", command_paths())
def test_docs_readme_names_every_command(command: str) -> None:
    assert re.search(rf"{re.escape(command)}(?![\w-])", README), (
        f"README.md does not mention `{command}`"
    )


def test_docs_readme_points_to_the_references() -> None:
    assert "docs/cli.md" in README
    assert "docs/errors.md" in README


# -- (c) every error code is in docs/errors.md ---------------------------------------------
def test_docs_errors_table_lists_every_code() -> None:
    assert set(_error_table()) == {cls.code for cls in ERROR_CLASSES}, (
        "docs/errors.md and the RolelensError classes in src/rolelens/errors.py disagree"
    )


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.code)
def test_docs_errors_table_matches_the_class(cls: type[errors.RolelensError]) -> None:
    row = _error_table().get(cls.code)
    assert row is not None, f"docs/errors.md has no row for {cls.code}"
    assert row["class"] == cls.__name__
    assert row["exit"] == str(cls.exit_code), f"{cls.code}: CLI exit in docs/errors.md"
    assert row["http"] == str(cls.http_status), f"{cls.code}: HTTP status in docs/errors.md"
    assert row["meaning"], f"{cls.code}: no meaning in docs/errors.md"


def test_docs_error_codes_are_unique() -> None:
    codes = [cls.code for cls in ERROR_CLASSES]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    "cls", [c for c in ERROR_CLASSES if c is not errors.RolelensError], ids=lambda cls: cls.code
)
def test_docs_errors_module_tree_matches_the_class(cls: type[errors.RolelensError]) -> None:
    # the tree drawn in errors.py's docstring is documentation too
    doc = errors.__doc__ or ""
    match = re.search(rf"\b{cls.__name__}\s+(\w+)\s+(\d+)\s+(\d{{3}})\s*$", doc, re.M)
    assert match, f"the tree in errors.py's docstring has no line for {cls.__name__}"
    assert match.groups() == (cls.code, str(cls.exit_code), str(cls.http_status))


def _drawn_parents(drawing: str) -> dict[str, str | None]:
    """A drawn error tree as class name -> the name it hangs under (None for the root)."""
    parents: dict[str, str | None] = {}
    stack: list[str] = []  # stack[d] is the last class drawn at depth d
    for line in drawing.splitlines():
        match = re.match(r"^((?:[│ ]   )*)(?:[├└]── )?(\w+)\s+\w+\s+\d+\s+\d{3}\s*$", line)
        if not match or match.group(2) == "class":
            continue
        name = match.group(2)
        depth = len(match.group(1)) // 4 + (1 if "── " in line else 0)
        del stack[depth:]
        parents[name] = stack[-1] if stack else None
        stack.append(name)
    return parents


def _docstring_tree() -> str:
    doc = errors.__doc__ or ""
    match = re.search(r"::\n\n((?:    .*\n)+)", doc)
    assert match, "errors.py's docstring has no indented tree"
    return "".join(line[4:] + "\n" for line in match.group(1).splitlines())


CLASS_PARENTS = {
    cls.__name__: None if cls is errors.RolelensError else parent(cls).__name__
    for cls in ERROR_CLASSES
}


def test_docs_errors_tree_parents_are_read_from_a_drawing() -> None:
    # the reader below catches the old mistake: DocumentError drawn under the root
    assert _drawn_parents(error_tree()) == CLASS_PARENTS
    wrong = error_tree().replace("│   └── DocumentError", "├── DocumentError", 1)
    assert _drawn_parents(wrong)["DocumentError"] == "RolelensError"


@pytest.mark.parametrize(
    "where, drawing",
    [
        ("errors.py's docstring", _docstring_tree),
        ("docs/errors.md", lambda: errors_doc_tree(ERRORS_MD.read_text(encoding="utf-8"))),
    ],
    ids=["docstring", "errors-md"],
)
def test_docs_errors_tree_matches_the_classes(where: str, drawing: Callable[[], str]) -> None:
    drawn = drawing()
    assert _drawn_parents(drawn) == CLASS_PARENTS, f"a class hangs under another parent in {where}"
    assert drawn == error_tree(), f"the error tree in {where} is out of date: run `make docs`"


def test_docs_errors_what_a_caller_does_names_every_group() -> None:
    # each class right under the root is a group a caller catches: each has its row
    text = ERRORS_MD.read_text(encoding="utf-8")
    section = text[text.index("## What a caller does") : text.index("## The tree")]
    caught = {
        name
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`(\w+)`", line.split("|")[1])
    }
    groups = {name for name, parent in CLASS_PARENTS.items() if parent == "RolelensError"}
    assert caught == groups


def test_docs_errors_tree_redraws_in_place() -> None:
    text = ERRORS_MD.read_text(encoding="utf-8")
    stale = text.replace(error_tree(), "RolelensError\n", 1)
    assert with_error_tree(stale) == text


# -- (d) the public API imports and is documented -----------------------------------------
@pytest.mark.parametrize("name", rolelens.__all__)
def test_docs_public_api_name_imports(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from rolelens import {name}", namespace)
    assert namespace[name] is getattr(rolelens, name)


@pytest.mark.parametrize("name", rolelens.__all__)
def test_docs_readme_python_section_documents_export(name: str) -> None:
    section = _readme_section("Python")
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", section), (
        f"rolelens.{name} is exported but README.md's Python section does not mention it"
    )
