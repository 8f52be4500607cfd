"""``rolelens serve``: the HTTP API and the web page on one port (needs the ``serve`` extra)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from rolelens.cli.common import TaxonomyOption, warn_stale
from rolelens.cli.semantic import SemanticOption
from rolelens.errors import ExtraMissing
from rolelens.web.settings import ServiceSettings

_DEFAULTS = ServiceSettings()
TOKEN_ENV = "ROLELENS_TOKEN"
CorsOption = typer.Option(
    None,
    "--cors-origin",
    help="A browser origin allowed to call the API from another site (repeatable); "
    "CORS is off without one.",
)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    cors_origin: list[str] = CorsOption,
    max_bytes: int = typer.Option(
        _DEFAULTS.max_bytes, "--max-bytes", help="Largest request body accepted, in bytes."
    ),
    timeout: float = typer.Option(
        _DEFAULTS.timeout, "--timeout", help="Time limit for one request's work, in seconds."
    ),
    workers: int = typer.Option(
        _DEFAULTS.workers,
        "--workers",
        help="Worker processes for long texts and documents; one past the time limit is "
        "killed and replaced (0: worker threads, which cannot be stopped).",
    ),
    max_connections: int = typer.Option(
        _DEFAULTS.max_connections,
        "--max-connections",
        help="Open connections and requests held at once; past it, 503 at once.",
    ),
    inline_chars: int = typer.Option(
        _DEFAULTS.inline_chars,
        "--inline-chars",
        help="Texts up to this many characters are read without a thread hand-off; "
        "0 sends every text to a worker thread.",
    ),
    access_log: bool = typer.Option(
        True,
        "--access-log/--no-access-log",
        help="Log one line per request (method, path, status; never a body).",
    ),
    taxonomy: list[Path] = TaxonomyOption,
    semantic: str = SemanticOption,
) -> None:
    """Serve the HTTP API and the web page. Set ROLELENS_TOKEN to require a bearer token."""
    try:
        import uvicorn

        from rolelens.web.app import create_app
    except ImportError as exc:
        raise ExtraMissing(
            f"rolelens serve needs the 'serve' extra ({exc.name} is missing): "
            "pip install 'rolelens[serve]'"
        ) from None
    if max_bytes <= 0 or timeout <= 0 or max_connections <= 0 or inline_chars < 0 or workers < 0:
        raise typer.BadParameter(
            "--max-bytes, --timeout and --max-connections must be positive, "
            "--inline-chars and --workers >= 0"
        )
    if semantic not in (None, "auto", "on", "off"):
        raise typer.BadParameter("--semantic must be 'auto', 'on' or 'off'")
    settings = ServiceSettings(
        max_bytes=max_bytes,
        timeout=timeout,
        max_connections=max_connections,
        workers=workers,
        inline_chars=inline_chars,
        token=os.environ.get(TOKEN_ENV) or None,
        cors_origins=tuple(cors_origin or ()),
        taxonomy_files=tuple(str(p) for p in taxonomy or ()),
        semantic=semantic,
    )
    app = create_app(settings)
    warn_stale(app.state.service.taxonomy)
    auth = "bearer token required" if settings.token else f"open ({TOKEN_ENV} not set)"
    typer.echo(f"rolelens: serving on http://{host}:{port}/ ({auth})", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        server_header=False,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=5,  # an idle keep-alive connection is closed after 5 s
    )
