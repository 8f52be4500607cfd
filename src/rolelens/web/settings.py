"""The service's settings, declared once as data: name, default and help in one place.

``rolelens serve`` builds its options from these fields, ``docs/service.md`` documents
each one (a test checks), and :func:`rolelens.web.create_app` takes a :class:`ServiceSettings`.
The library never reads the environment: the CLI reads ``ROLELENS_TOKEN`` and passes it in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rolelens.io.text import MAX_BYTES


class ServiceSettings(BaseModel):
    """How one HTTP service behaves: limits, access and the taxonomy it reads with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_bytes: int = Field(
        default=MAX_BYTES,
        gt=0,
        description="Largest request body accepted, in bytes; a larger one is refused with 413 "
        "input_too_large before it is read.",
    )
    timeout: float = Field(
        default=10.0,
        gt=0,
        description="Time limit for the work of one request, in seconds; past it the answer is "
        "503 time_limit.",
    )
    inline_chars: int = Field(
        default=5_000,
        ge=0,
        description="Texts up to this many characters are read on the event loop: that work "
        "takes a few milliseconds, less than handing it to a worker thread costs under load. "
        "Longer texts go to a worker thread under the time limit; 0 sends every text there.",
    )
    max_connections: int = Field(
        default=256,
        gt=0,
        description="Open connections and requests in progress the server holds at once; past "
        "it a new connection is answered 503 at once, so a flood of idle or never-finishing "
        "connections cannot use up the process's file handles.",
    )
    workers: int = Field(
        default=2,
        ge=0,
        description="Worker processes for texts longer than inline_chars and for uploaded "
        "documents. A read past the time limit gets 503 time_limit and its worker is killed "
        "and replaced, so it cannot keep a core or stall the server. 0 reads them in worker "
        "threads instead (which cannot be stopped). Only for a service built from these "
        "settings: one handed to create_app(service=...) always uses threads.",
    )
    token: str | None = Field(
        default=None,
        min_length=1,
        description="When set, every route but /healthz and the page's own files needs "
        "`Authorization: Bearer <token>` (401 unauthorized otherwise). `rolelens serve` takes "
        "it from the ROLELENS_TOKEN environment variable, never from an option.",
        repr=False,
    )
    cors_origins: tuple[str, ...] = Field(
        default=(),
        description="Browser origins allowed to call the API from other sites (CORS); none "
        "unless configured.",
    )
    taxonomy_files: tuple[str, ...] = Field(
        default=(),
        description="YAML files layered over the bundled taxonomy.",
    )
    semantic: bool | Literal["auto", "on", "off"] | None = Field(
        default=None,
        description="The semantic layer: sentences matched to the taxonomy's activity "
        "statements and facts with the bundled embedding model (the `semantic` extra), loaded "
        "once at start. Unset: briefs use it when the extra is installed and postings and CVs "
        "do not (the rolelens default everywhere); auto: every task when the extra is "
        "installed; on (true): every task; off (false): none. A text whose task uses it is "
        "always read in a worker, never on the event loop.",
    )
