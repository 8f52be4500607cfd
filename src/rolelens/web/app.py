"""The HTTP API and the web page: a thin FastAPI adapter over :class:`rolelens.service.Service`.

Each route reads its request, hands one call to the service (in a worker thread under the
per-request time limit, unless the text is small enough to read inline), and renders the
result (JSON, or Markdown when asked with
``Accept: text/markdown``). Every error answer is a coded JSON body from the
:mod:`rolelens.errors` tree; an unexpected failure is a 500 ``internal_error`` with no stack
trace in the body, and logs name the exception's type and place but never a request's text.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.core.models import Reading
from rolelens.core.scoping_models import Scoping
from rolelens.errors import (
    EncodingError,
    InputTooLarge,
    InternalError,
    MethodNotAllowed,
    NotFound,
    RequestInvalid,
    RolelensError,
    TaxonomyError,
    TimeLimitExceeded,
    Unauthorized,
)
from rolelens.service import Health, RoleDetail, Service, TaxonomySummary
from rolelens.web.markdown import reading_markdown
from rolelens.web.models import ErrorBody, ReadRequest, ScopeRequest
from rolelens.web.settings import ServiceSettings
from rolelens.web.workers import WorkerPool

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.schema import Taxonomy

log = logging.getLogger("rolelens.web")

T = TypeVar("T")

STATIC = Path(str(resources.files("rolelens.web") / "static"))
# Paths a browser fetches without a bearer header: the page shell and the health check.
_PUBLIC = ("/", "/healthz", "/favicon.ico")
_PUBLIC_PREFIX = "/static/"
_MARKDOWN = "text/markdown; charset=utf-8"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


_CV_FILE = "the CV file: PDF, DOCX, HTML, Markdown or text"
_REDACT = "remove emails, phone numbers and addresses before reading"


def _error_doc(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error_doc("The input cannot be read (input_empty, input_encoding, form_invalid, ...)"),
    401: _error_doc("A bearer token is required and missing or wrong (unauthorized)"),
    413: _error_doc("The request body is over the size limit (input_too_large)"),
    415: _error_doc("The input looks like binary data (input_binary)"),
    422: _error_doc("The request does not fit the API (request_invalid)"),
    500: _error_doc("The server cannot work (taxonomy_invalid, internal_error, ...)"),
    503: _error_doc("The work took longer than the time limit (time_limit)"),
}
_GET_ERRORS: dict[int | str, dict[str, Any]] = {k: v for k, v in _ERRORS.items() if k in (401, 500)}


def _markdown_too(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    return {
        **_ERRORS,
        200: {
            "description": f"The {model.__name__.lower()} as JSON, or as a Markdown document "
            "when the request says `Accept: text/markdown`",
            "content": {"text/markdown": {"schema": {"type": "string"}}},
        },
    }


def error_response(error: RolelensError, headers: dict[str, str] | None = None) -> Response:
    """A coded error as its HTTP status and a ``{"error": {"code", "message"}}`` body."""
    body = json.dumps({"error": error.to_dict()}, ensure_ascii=False)
    return Response(body, status_code=error.http_status, media_type="application/json",
                    headers=headers)  # fmt: skip


def _json(model: BaseModel) -> Response:
    # Serialised by pydantic-core straight to bytes: no second validation of our own output.
    return Response(model.model_dump_json(), media_type="application/json")


def _wants_markdown(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/markdown" in accept and "application/json" not in accept


async def _send_error(
    send: Send, error: RolelensError, headers: dict[str, str] | None = None
) -> None:
    response = error_response(error, headers)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})


class _CatchAll:
    """Innermost guard: an exception no handler took becomes a coded 500, never a trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except UnicodeError:
            # a text that cannot be encoded (a lone surrogate the service did not see first)
            # is the request's fault, not the server's
            log.error("undecodable request text on %s", scope["path"])
            if not started:
                await _send_error(send, EncodingError("the request holds text that is not UTF-8"))
        except Exception as exc:  # the one place that must catch everything
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
            # the type and the place only: a message may quote the request's text
            log.error("internal error %s at %s on %s", type(exc).__name__, where, scope["path"])
            if not started:
                await _send_error(send, InternalError("an unexpected error; the log has its type"))


class _BodyLimit:
    """Refuse bodies over ``max_bytes``: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: int | None = None) -> InputTooLarge:
        got = f"{size:,} bytes" if size is not None else "more"
        return InputTooLarge(f"the request body is {got}; the limit is {self.max_bytes:,} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    await _send_error(send, RequestInvalid("Content-Length is not a number"))
                    return
                if size > self.max_bytes:
                    await _send_error(send, self._too_large(size), {"Connection": "close"})
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, limited, send)


class _BearerToken:
    """Every path but the public ones needs ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in _PUBLIC or path.startswith(_PUBLIC_PREFIX):
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credentials = value.partition(b" ")
                if scheme.lower() == b"bearer":
                    given = credentials.strip()
        if not given or not hmac.compare_digest(given, self.token):
            error = Unauthorized(
                "this service needs 'Authorization: Bearer <token>'"
                if not given
                else "the bearer token is not the service's token"
            )
            await _send_error(send, error, {"WWW-Authenticate": "Bearer"})
            return
        await self.app(scope, receive, send)


def _validation_message(exc: RequestValidationError) -> str:
    # locations and reasons only: pydantic's errors also carry the rejected input
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request does not fit the API"


def _from_http(exc: StarletteHTTPException) -> RolelensError:
    cause = exc.__cause__
    if isinstance(cause, RolelensError):  # raised while FastAPI read the body
        return cause
    if exc.status_code == 404:
        return NotFound("no such path")
    if exc.status_code == 405:
        return MethodNotAllowed("this path does not take that method")
    if exc.status_code == 401:
        return Unauthorized("not authorised")
    if exc.status_code == 413:
        return InputTooLarge("the request body is too large")
    return RequestInvalid(str(exc.detail) if isinstance(exc.detail, str) else "bad request")


def load_semantic_matcher(taxonomy: Taxonomy) -> SemanticMatcher:
    """The bundled embedding model's matcher for ``taxonomy``, ready to answer: statement
    vectors from the user cache (or computed and cached), the model's session built now.

    Raises :class:`~rolelens.errors.ExtraMissing` without the ``semantic`` extra and
    :class:`~rolelens.errors.TaxonomyError` for a taxonomy with no ``semantic:`` block.
    """
    if taxonomy.semantic is None:
        raise TaxonomyError(
            f"taxonomy {taxonomy.name} {taxonomy.version} has no 'semantic:' block to match against"
        )
    from rolelens.backends.embeddings import MiniLMEmbedder, default_cache_dir, load_matcher

    matcher = load_matcher(taxonomy, MiniLMEmbedder(), cache_dir=default_cache_dir())
    # build the model's session at start: the first request should not pay for it, and two
    # first requests in worker threads should not build it twice
    matcher.embedder.embed("warm up")
    return matcher


@contextlib.asynccontextmanager
async def _lifespan(pool: WorkerPool | None, app: FastAPI) -> AsyncIterator[None]:
    """Stop the worker processes when the server stops."""
    try:
        yield
    finally:
        if pool is not None:
            pool.close()


def create_app(
    settings: ServiceSettings | None = None, *, service: Service | None = None
) -> FastAPI:
    """The HTTP API and page, over one :class:`Service` built now (not per request).

    ``service`` replaces the one ``settings`` describe (its taxonomy and semantic layer);
    the other settings still apply.
    """
    from rolelens import __version__

    settings = settings or ServiceSettings()
    pool: WorkerPool | None = None
    if service is None:
        service = Service.from_files(
            settings.taxonomy_files, semantic=load_semantic_matcher if settings.semantic else None
        )
        if settings.workers:
            pool = WorkerPool(settings.workers, settings.taxonomy_files, settings.semantic)
    # a semantic read can take ~0.1 s: never on the event loop then
    inline_chars = settings.inline_chars if service.semantic is None else -1
    app = FastAPI(
        title="rolelens",
        version=__version__,
        summary="Which AI role a posting, brief or CV really describes, judged by the work.",
        description="Read postings, scope briefs and look up the taxonomy. Every error is a "
        'JSON body `{"error": {"code", "message"}}` with a stable code (docs/errors.md). '
        "When the service runs with a token, send `Authorization: Bearer <token>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        generate_unique_id_function=lambda route: route.name,
        lifespan=functools.partial(_lifespan, pool),
    )
    app.state.settings = settings
    app.state.service = service
    app.state.pool = pool

    async def work(size: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-bound work on ``size`` characters: inline when small, else in a worker
        thread within the per-request time limit (bench/serve.py measures the trade-off)."""
        if size <= inline_chars:
            return fn(*args, **kwargs)
        if pool is not None and getattr(fn, "__self__", None) is service:
            result: T = await pool.call(settings.timeout, fn.__name__, *args, **kwargs)
            return result
        try:
            with anyio.fail_after(settings.timeout):
                return await anyio.to_thread.run_sync(
                    functools.partial(fn, *args, **kwargs), abandon_on_cancel=True
                )
        except TimeoutError:
            raise TimeLimitExceeded(
                f"the work took longer than the {settings.timeout:g} s limit"
            ) from None

    @app.get("/healthz", response_model=Health, tags=["service"], summary="The service is up")
    async def healthz() -> Response:
        return _json(service.health())

    @app.post(
        "/v1/read",
        response_model=Reading,
        responses=_markdown_too(Reading),
        tags=["postings"],
        summary="Read a posting: the role its work describes, with the evidence",
    )
    async def read(body: ReadRequest, request: Request) -> Response:
        size = len(body.text) + len(body.title or "")
        reading = await work(size, service.read, body.text, body.title, body.id)
        if _wants_markdown(request):
            return Response(reading_markdown(reading, service.taxonomy), media_type=_MARKDOWN)
        return _json(reading)

    @app.post(
        "/v1/scope",
        response_model=Scoping,
        responses=_markdown_too(Scoping),
        tags=["briefs"],
        summary="Scope a brief: the right hire, step by step from its own words",
    )
    async def scope(body: ScopeRequest, request: Request) -> Response:
        size = len(body.text) + (len(body.form.model_dump_json()) if body.form else 0)
        scoping = await work(size, service.scope, body.text, form=body.form, id=body.id)
        if _wants_markdown(request):
            from rolelens.cli.render_scope import scoping_markdown

            return Response(scoping_markdown(scoping), media_type=_MARKDOWN)
        return _json(scoping)

    async def cv_input(file: UploadFile | None, text: str | None) -> tuple[bytes | str, int]:
        """The CV as uploaded bytes or pasted text, and its size for the inline rule."""
        if file is not None and text is not None:
            raise RequestInvalid("give the CV as 'file' or as 'text', not both")
        if file is not None:
            data = await file.read()
            return data, inline_chars + 1  # documents are always read in a thread
        if text is not None:
            return text, len(text)
        raise RequestInvalid(
            "give the CV as 'file' (PDF, DOCX, HTML, Markdown or text) or as 'text'"
        )

    @app.post(
        "/v1/cv",
        response_model=CvReading,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Read a CV: the role its shipped work points to, evidence, claims, seniority",
    )
    async def cv(
        file: Annotated[UploadFile | None, File(description=_CV_FILE)] = None,
        text: Annotated[str | None, Form(description="the CV as text, instead of a file")] = None,
        redact: Annotated[bool, Form(description=_REDACT)] = False,
        id: Annotated[str | None, Form(description="your id, echoed back")] = None,
    ) -> Response:
        data, size = await cv_input(file, text)
        filename = file.filename if file is not None else None
        result = await work(size, service.read_cv, data, filename=filename, redact=redact, id=id)
        return _json(result)

    @app.post(
        "/v1/match",
        response_model=FitReport,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Match a CV to a posting: requirements covered, gaps, fit score and band",
    )
    async def match(
        posting: Annotated[str, Form(description="the posting's text (Markdown or HTML too)")],
        file: Annotated[UploadFile | None, File(description=_CV_FILE)] = None,
        text: Annotated[str | None, Form(description="the CV as text, instead of a file")] = None,
        posting_title: Annotated[
            str | None, Form(description="the posting's title, if not its first line")
        ] = None,
        redact: Annotated[bool, Form(description=_REDACT)] = False,
        id: Annotated[str | None, Form(description="your id, echoed back")] = None,
    ) -> Response:
        data, size = await cv_input(file, text)
        filename = file.filename if file is not None else None
        result = await work(
            size + len(posting),
            service.match,
            data,
            posting,
            cv_filename=filename,
            posting_title=posting_title,
            redact=redact,
            id=id,
        )
        return _json(result)

    @app.post(
        "/v1/career",
        response_model=CareerAdvice,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Career advice from a CV: the role to target, the gaps, a learning path",
    )
    async def career(
        file: Annotated[UploadFile | None, File(description=_CV_FILE)] = None,
        text: Annotated[str | None, Form(description="the CV as text, instead of a file")] = None,
        likes: Annotated[str, Form(description="what the person enjoys, in their words")] = "",
        redact: Annotated[bool, Form(description=_REDACT)] = False,
        id: Annotated[str | None, Form(description="your id, echoed back")] = None,
    ) -> Response:
        data, size = await cv_input(file, text)
        filename = file.filename if file is not None else None
        result = await work(
            size + len(likes),
            service.career,
            data,
            filename=filename,
            likes=likes,
            redact=redact,
            id=id,
        )
        return _json(result)

    @app.get(
        "/v1/taxonomy",
        response_model=TaxonomySummary,
        responses=_GET_ERRORS,
        tags=["taxonomy"],
        summary="The taxonomy: version, roles and size",
    )
    async def taxonomy() -> Response:
        return _json(service.summary())

    @app.get(
        "/v1/roles/{role_id}",
        response_model=RoleDetail,
        responses={
            **_GET_ERRORS,
            404: _error_doc("No role with this id (not_found)"),
            422: _ERRORS[422],
        },
        tags=["taxonomy"],
        summary="One role: definition, KPIs, stack, evidence and sourced pay",
    )
    async def role(role_id: str) -> Response:
        return _json(service.role(role_id))

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(RolelensError)
    async def coded(request: Request, exc: RolelensError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(RequestInvalid(_validation_message(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(_from_http(exc), dict(exc.headers or {}))

    # Starlette wraps the last added outermost: CORS, token, size limit, then the catch-all.
    app.add_middleware(_CatchAll)
    app.add_middleware(_BodyLimit, max_bytes=settings.max_bytes)
    if settings.token:
        app.add_middleware(_BearerToken, token=settings.token)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
        )
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the optional bearer token declared once for every route."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    doc.setdefault("components", {})["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Needed when the service runs with ROLELENS_TOKEN set.",
        }
    }
    for path, ops in doc.get("paths", {}).items():
        if path == "/healthz":
            continue
        for op in ops.values():
            op["security"] = [{"bearer": []}, {}]
    app.openapi_schema = doc
    return doc


def openapi_document(app: FastAPI | None = None) -> str:
    """The OpenAPI document as checked in at ``docs/openapi.json``."""
    doc = (app or create_app()).openapi()
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
