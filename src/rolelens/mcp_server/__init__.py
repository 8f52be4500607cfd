"""The MCP server for agents (``rolelens mcp``, stdio; needs the ``mcp`` extra)."""
