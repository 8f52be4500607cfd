"""``rolelens mcp``: the MCP server for agents on stdio (needs the ``mcp`` extra)."""

from __future__ import annotations

from pathlib import Path

from rolelens.cli.common import TaxonomyOption
from rolelens.errors import ExtraMissing


def mcp(taxonomy: list[Path] = TaxonomyOption) -> None:
    """Run the MCP server on stdio: tools read_posting, scope_problem, taxonomy, role, ..."""
    try:
        from rolelens.mcp_server.server import build_server
    except ImportError as exc:
        raise ExtraMissing(
            f"rolelens mcp needs the 'mcp' extra ({exc.name} is missing): "
            "pip install 'rolelens[mcp]'"
        ) from None
    build_server(taxonomy_files=[str(p) for p in taxonomy or ()]).run("stdio")
