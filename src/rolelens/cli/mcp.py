"""``rolelens mcp``: the MCP server for agents on stdio (needs the ``mcp`` extra)."""

from __future__ import annotations

from pathlib import Path

import typer

from rolelens.cli.common import TaxonomyOption, warn_stale
from rolelens.cli.semantic import SemanticOption
from rolelens.errors import ExtraMissing

_ALLOW = typer.Option(
    None,
    "--allow-dir",
    help="A folder whose files the CV tools may read (repeatable; default: the working folder).",
)


def mcp(
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
    allow_dir: list[Path] = _ALLOW,
) -> None:
    """Run the MCP server on stdio: tools read_posting, scope_problem, taxonomy, role, ..."""
    try:
        from rolelens.mcp_server.server import build_server
    except ImportError as exc:
        raise ExtraMissing(
            f"rolelens mcp needs the 'mcp' extra ({exc.name} is missing): "
            "pip install 'rolelens[mcp]'"
        ) from None
    from rolelens.backends.semantic import SEMANTIC_CHOICES
    from rolelens.service import Service

    if semantic not in (None, *SEMANTIC_CHOICES):
        raise typer.BadParameter("--semantic must be 'auto', 'on' or 'off'")
    # the model's session is built now (warm), not on the first call
    service = Service.from_files(taxonomy or (), semantic=semantic, warm=True)
    warn_stale(service.taxonomy)
    import anyio

    from rolelens.mcp_server.server import serve_stdio

    server = build_server(service, allowed_dirs=allow_dir or None)
    anyio.run(serve_stdio, server)
