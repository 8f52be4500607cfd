"""The ``rolelens`` command: one Typer app, one module per command group."""

from __future__ import annotations

import gc
import sys

import typer

from rolelens.cli import cv as cv_cmd
from rolelens.cli import eval as eval_cmd
from rolelens.cli import market as market_cmd
from rolelens.cli import mcp as mcp_cmd
from rolelens.cli import read as read_cmd
from rolelens.cli import scope as scope_cmd
from rolelens.cli import serve as serve_cmd
from rolelens.cli import taxonomy as taxonomy_cmd
from rolelens.cli import train as train_cmd
from rolelens.cli import train_scope as train_scope_cmd
from rolelens.errors import RolelensError

app = typer.Typer(
    name="rolelens",
    help="Which AI role does a posting really describe? Judged by the work, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("read")(read_cmd.read)
app.command("scope")(scope_cmd.scope)
app.command("serve")(serve_cmd.serve)
app.command("mcp")(mcp_cmd.mcp)
cv_cmd.register(app)
app.add_typer(eval_cmd.app, name="eval")
app.add_typer(market_cmd.app, name="market")
app.add_typer(taxonomy_cmd.app, name="taxonomy")
app.add_typer(train_cmd.app, name="train")
train_scope_cmd.register(train_cmd.app)


def _schema_names() -> list[str]:
    """The published schemas, from the files shipped (no model import at start-up)."""
    from importlib import resources

    folder = resources.files("rolelens") / "schemas"  # the folder, not the module: its
    # import builds every result model (~50 ms on every start)
    return sorted(
        p.name.removesuffix(".schema.json")
        for p in folder.iterdir()
        if p.name.endswith(".schema.json")
    )


@app.command("schema")
def schema(
    name: str = typer.Argument("reading", help=f"which schema: {', '.join(_schema_names())}"),
) -> None:
    """Print a published JSON Schema of rolelens output."""
    from importlib import resources

    if name not in _schema_names():
        raise typer.BadParameter(f"no schema {name!r}")
    path = resources.files("rolelens") / "schemas" / f"{name}.schema.json"
    typer.echo(path.read_text(encoding="utf-8"), nl=False)


def _print_version(value: bool) -> None:
    if value:
        from rolelens._version import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        is_eager=True,
        callback=_print_version,
    ),
) -> None:
    """Which AI role does a posting really describe? Judged by the work, with the evidence."""


def main() -> None:
    """Console-script entry point: domain errors become a message and an exit code."""
    # what the imports built (modules, classes, their schemas) lives as long as the process:
    # set aside, the collections that loading the taxonomy sets off need not walk it again
    gc.freeze()
    try:
        app()
    except RolelensError as exc:
        typer.echo(f"rolelens: {exc.code}: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `rolelens read --jsonl big | head`
        sys.exit(0)
    finally:
        # the process ends here: the interpreter's last garbage collection would walk every
        # object of the taxonomy and the reader for nothing (a tenth of a second a run)
        gc.freeze()
