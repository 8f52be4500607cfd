"""The CLI reference in Markdown, generated from the Typer app; ``make docs`` writes docs/cli.md.

Usage::

    python -m rolelens.cli.docs > docs/cli.md
    python -m rolelens.cli.docs --errors docs/errors.md   # redraw the error tree in place

Built by walking the click command tree behind :data:`rolelens.cli.app`, never by capturing
``--help``, so the text depends on neither the terminal's width nor rich's styling. Types come
from each command function's annotations, so the output is the same across Typer versions.
``tests/test_docs.py`` fails when docs/cli.md and the app disagree.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.main

from rolelens.cli import app
from rolelens.render.errors import error_tree

_TYPE_NAMES: dict[object, str] = {
    str: "TEXT",
    int: "INTEGER",
    float: "FLOAT",
    bool: "BOOLEAN",
    Path: "PATH",
}

_HEADER = """\
# rolelens command-line reference

<!-- Generated from the Typer app by `make docs` (python -m rolelens.cli.docs).
     Do not edit by hand: tests/test_docs.py fails when this file and the CLI disagree. -->

Every command also takes `--help`. Errors and exit codes: [errors.md](errors.md).
"""


def walk(command: Any = None, path: tuple[str, ...] = ("rolelens",)) -> Iterator[tuple[str, Any]]:
    """Every visible command as ``("rolelens eval scope", click command)``, depth first."""
    if command is None:
        command = typer.main.get_command(app)
    yield " ".join(path), command
    for name, sub in _subcommands(command):
        yield from walk(sub, (*path, name))


def command_paths() -> list[str]:
    """Every command and sub-command below the root, e.g. ``"rolelens taxonomy check"``."""
    return [name for name, _ in walk()][1:]


def render_cli_reference() -> str:
    """The whole reference as Markdown, one section per command, in the app's order."""
    parts = [_HEADER]
    for name, command in walk():
        parts.append(_section(name, command))
    return "\n".join(parts).rstrip("\n") + "\n"


# -- one command ---------------------------------------------------------------------------
def _section(name: str, command: Any) -> str:
    heading = "#" * min(max(name.count(" "), 1) + 1, 4)
    out = [f"{heading} `{name}`", ""]
    help_text = _help(command)
    if help_text:
        out += [help_text, ""]
    out += [f"Usage: `{name} {_usage(command)}`", ""]
    hints = _hints(command)
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    arguments = [p for p in params if _is_argument(p)]
    options = [p for p in params if not _is_argument(p)]
    if arguments:
        out += ["| Argument | Type | Default | Description |", "|---|---|---|---|"]
        out += [_argument_row(p, hints) for p in arguments]
        out.append("")
    if options:
        out += ["| Option | Type | Default | Description |", "|---|---|---|---|"]
        out += [_option_row(p, hints) for p in options]
        out.append("")
    subs = _subcommands(command)
    if subs:
        out += ["| Command | Description |", "|---|---|"]
        out += [f"| `{name} {n}` | {_cell(_first_line(c))} |" for n, c in subs]
        out.append("")
    return "\n".join(out)


def _usage(command: Any) -> str:
    pieces = ["[OPTIONS]"]
    for p in command.params:
        if _is_argument(p) and not getattr(p, "hidden", False):
            metavar = _metavar(p) + ("..." if p.nargs == -1 else "")
            pieces.append(metavar if p.required else f"[{metavar}]")
    if _subcommands(command):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def _argument_row(p: Any, hints: dict[str, Any]) -> str:
    default = "required" if p.required else _default(p)
    kind = _type_name(p, hints)
    return f"| `{_metavar(p)}` | {kind} | {default} | {_cell(getattr(p, 'help', ''))} |"


def _option_row(p: Any, hints: dict[str, Any]) -> str:
    names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
    if getattr(p, "is_flag", False):
        kind = "flag"
        default = "on" if p.default else "off"
    else:
        kind = _type_name(p, hints) + (", repeatable" if p.multiple else "")
        default = "required" if p.required else _default(p)
    return f"| {names} | {kind} | {default} | {_cell(getattr(p, 'help', ''))} |"


def _default(p: Any) -> str:
    if getattr(p, "show_default", True) is False or p.default is None:
        return "—"
    if isinstance(p.default, list | tuple) and not p.default:
        return "—"
    return f"`{p.default}`"


def _type_name(p: Any, hints: dict[str, Any]) -> str:
    annotation = hints.get(p.name)
    if annotation is None:
        kind = getattr(p, "type", None)
        return str(getattr(kind, "name", "text")).upper()
    return _name_of(annotation)


def _name_of(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple, set) and args:
        return _name_of(args[0])
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _name_of(args[0])
    return _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)).upper())


def _metavar(p: Any) -> str:
    return str(p.metavar or p.name).upper()


def _is_argument(p: Any) -> bool:
    return getattr(p, "param_type_name", None) == "argument" or type(p).__name__.endswith(
        "Argument"
    )


def _hints(command: Any) -> dict[str, Any]:
    callback = getattr(command, "callback", None)
    if callback is None:
        return {}
    try:
        return typing.get_type_hints(inspect.unwrap(callback))
    except (NameError, TypeError):
        return {}


def _subcommands(command: Any) -> list[tuple[str, Any]]:
    commands: dict[str, Any] = getattr(command, "commands", None) or {}
    return [(n, c) for n, c in commands.items() if not getattr(c, "hidden", False)]


def _help(command: Any) -> str:
    text = inspect.cleandoc(command.help or "")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join(paragraphs)


def _first_line(command: Any) -> str:
    return str(command.short_help or _help(command).split("\n\n", 1)[0])


def _cell(text: str | None) -> str:
    """Text fit for one Markdown table cell: one line, pipes escaped."""
    return " ".join((text or "").split()).replace("|", "\\|")


# -- the error tree in docs/errors.md ---------------------------------------------------------
_TREE_BLOCK = re.compile(r"(^## The tree\n.*?^```text\n)(.*?)(^```$)", re.M | re.S)


def errors_doc_tree(text: str) -> str:
    """The drawing inside docs/errors.md's ``## The tree`` code block ("" when there is none)."""
    match = _TREE_BLOCK.search(text)
    return match.group(2) if match else ""


def with_error_tree(text: str) -> str:
    """docs/errors.md's text with the tree in its ``## The tree`` block redrawn from the classes."""
    if not _TREE_BLOCK.search(text):
        raise ValueError("no '## The tree' section with a ```text block to redraw")
    return _TREE_BLOCK.sub(lambda m: m.group(1) + error_tree() + m.group(3), text, count=1)


def main(argv: list[str] | None = None) -> None:
    """Print the reference (``python -m rolelens.cli.docs > docs/cli.md``), or with
    ``--errors PATH`` redraw the error tree in that file."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--errors"] and len(args) == 2:
        path = Path(args[1])
        path.write_text(with_error_tree(path.read_text(encoding="utf-8")), encoding="utf-8")
        return
    if args:
        raise SystemExit("usage: python -m rolelens.cli.docs [--errors docs/errors.md]")
    sys.stdout.buffer.write(render_cli_reference().encode("utf-8"))  # UTF-8 whatever the locale
    sys.stdout.flush()


if __name__ == "__main__":
    main()
