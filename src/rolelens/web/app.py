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
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.datastructures import UploadFile
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
    TimeLimitExceeded,
    Unauthorized,
)
from rolelens.inputs import (
    BriefInput,
    CareerInput,
    CvInput,
    InputModel,
    MatchInput,
    PostingInput,
)
from rolelens.io.text import decode
from rolelens.render.reading import reading_markdown
from rolelens.service import Health, RoleDetail, RoleSummary, Service, TaxonomySummary
from rolelens.web.models import ErrorBody
from rolelens.web.settings import ServiceSettings
from rolelens.web.workers import WorkerPool

if TYPE_CHECKING:
    from collections.abc import Mapping

log = logging.getLogger("rolelens.web")

T = TypeVar("T")

STATIC = Path(str(resources.files("rolelens.web") / "static"))
# Swagger UI's files come from an installed package (fastapi-offline ships them), never a CDN
DOCS_ASSETS = Path(str(resources.files("fastapi_offline") / "static"))
# Paths a browser fetches without a bearer header: the page shell, the API's description and
# its docs page, and the health check.
_PUBLIC = ("/", "/healthz", "/favicon.ico", "/docs", "/openapi.json")
_PUBLIC_PREFIX = ("/static/", "/docs-assets/")
_DOCS_HEADERS = {
    # Swagger UI starts from one inline script; everything else comes from this server
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_MARKDOWN = "text/markdown; charset=utf-8"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


_FILE = "PDF, DOCX, HTML, Markdown or text"
_REDACT = "remove emails, phone numbers and addresses before reading"
#: which service task each method is (the semantic layer may be on for some tasks only)
_TASK = {"read": "read", "scope": "scope", "read_cv": "cv", "match": "cv", "career": "cv"}


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


_INPUTS: tuple[type[InputModel], ...] = (PostingInput, BriefInput, MatchInput, CvInput, CareerInput)
_ROLES = TypeAdapter(list[RoleSummary])
_InputT = TypeVar("_InputT", bound=InputModel)


def _body(
    model: type[InputModel], file_note: str, *, text: bool = True, json: bool = True
) -> dict[str, Any]:
    """The request body a route takes: the input model as JSON, its text alone as
    ``text/plain`` and its fields as a form, with a document as ``file``."""
    props = {
        name: schema
        for name, schema in model.model_json_schema()["properties"].items()
        if name != "form"  # a structured brief is JSON only
    }
    props["file"] = {
        "type": "string",
        "format": "binary",
        "description": f"a file instead of text ({_FILE}){'; ' + file_note if file_note else ''}",
    }
    content: dict[str, Any] = {}
    if json:
        content["application/json"] = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    if text:
        content["text/plain"] = {"schema": {"type": "string", "description": "the text alone"}}
    content["multipart/form-data"] = {"schema": {"type": "object", "properties": props}}
    return {"requestBody": {"required": True, "content": content}}


async def _request_fields(
    request: Request, text_field: str | None, *, takes_json: bool = True
) -> tuple[dict[str, Any], dict[str, tuple[bytes, str | None]]]:
    """A request's fields and uploaded files, whichever way it was sent: a JSON object,
    plain text (the ``text_field``) or a form (multipart or urlencoded)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields: dict[str, Any] = {}
        files: dict[str, tuple[bytes, str | None]] = {}
        async with request.form(max_files=2, max_fields=50) as form:
            for name, value in form.multi_items():
                if name in fields or name in files:
                    raise RequestInvalid(f"the form holds {name!r} twice")
                if isinstance(value, UploadFile):
                    files[name] = (await value.read(), value.filename)
                else:
                    fields[name] = value
        return fields, files
    raw = await request.body()
    if kind in ("text/plain", "text/markdown", "text/html") and text_field is not None:
        return {text_field: decode(raw)}, {}
    if kind in ("", "application/json") and (takes_json or not raw):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EncodingError("the JSON body is not UTF-8") from None
        try:  # json, not pydantic: a lone surrogate escape parses, and the service names it
            obj = json.loads(text) if text.strip() else None
        except ValueError:
            raise RequestInvalid("the body is not valid JSON") from None
        except RecursionError:
            raise RequestInvalid("the JSON body is nested too deep") from None
        if not isinstance(obj, dict):
            raise RequestInvalid("the body must be a JSON object")
        return obj, {}
    takes = ["multipart/form-data"]
    if takes_json:
        takes.insert(0, "application/json")
    if text_field is not None:
        takes.append("text/plain")
    raise RequestInvalid(f"this path takes {', '.join(takes)}; the body was {kind or 'untyped'}")


def _one_file(
    files: Mapping[str, tuple[bytes, str | None]], name: str
) -> tuple[bytes | None, str | None]:
    """The upload named ``name`` (bytes and file name), or ``(None, None)``."""
    unknown = sorted(set(files) - {"file", "posting"})
    if unknown:
        raise RequestInvalid(
            f"unexpected file field(s) {', '.join(unknown)}; a document goes in 'file'"
        )
    return files.get(name, (None, None))


def _validated(model: type[_InputT], fields: dict[str, Any]) -> _InputT:
    """``fields`` as ``model`` (RequestInvalid naming the accepted fields if they do not fit)."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise RequestInvalid(_input_message(exc, model)) from None


def _input_message(exc: ValidationError, model: type[InputModel]) -> str:
    # locations and reasons only: pydantic's errors also carry the rejected input
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else err.get("msg", "invalid"))
    message = "; ".join(parts)
    return message if "takes" in message else f"{message} ({model.accepted()})"


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
        if size is None:  # streamed: only that it went past the limit is known
            return InputTooLarge(f"the request body is over the limit of {self.max_bytes:,} bytes")
        return InputTooLarge(
            f"the request body is {size:,} bytes; the limit is {self.max_bytes:,} bytes"
        )

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
    from rolelens._version import __version__

    settings = settings or ServiceSettings()
    pool: WorkerPool | None = None
    if service is None:
        service = Service.from_files(settings.taxonomy_files, semantic=settings.semantic, warm=True)
        if settings.workers:
            pool = WorkerPool(settings.workers, settings.taxonomy_files, settings.semantic)
    inline_chars = settings.inline_chars
    app = FastAPI(
        title="rolelens",
        version=__version__,
        summary="Which AI role a posting, brief or CV really describes, judged by the work.",
        description="Read postings, scope briefs and look up the taxonomy. Every error is a "
        'JSON body `{"error": {"code", "message"}}` with a stable code (docs/errors.md). '
        "When the service runs with a token, send `Authorization: Bearer <token>`.",
        docs_url=None,  # served below from installed files, not a CDN
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
        # a semantic read can take ~0.1 s: never on the event loop then
        semantic = _TASK.get(getattr(fn, "__name__", ""), "") in service.semantic_for
        if size <= inline_chars and not semantic:
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
        openapi_extra=_body(PostingInput, "the posting (PDF, DOCX, HTML, Markdown or text)"),
    )
    async def read(request: Request) -> Response:
        fields, files = await _request_fields(request, "text")
        data, filename = _one_file(files, "file")
        if data is not None:
            if "text" in fields or "description" in fields:
                raise RequestInvalid("give the posting as a file or as text, not both")
            posting = _validated(PostingInput, {**fields, "text": ""})
            reading = await work(
                inline_chars + 1, service.read, data, posting.title, posting.id,
                company=posting.company, filename=filename,
            )  # fmt: skip
        else:
            posting = _validated(PostingInput, fields)
            size = len(posting.body) + len(posting.title or "")
            reading = await work(
                size, service.read, posting.body, posting.title, posting.id,
                company=posting.company,
            )  # fmt: skip
        if _wants_markdown(request):
            return Response(reading_markdown(reading, service.taxonomy), media_type=_MARKDOWN)
        return _json(reading)

    @app.post(
        "/v1/scope",
        response_model=Scoping,
        responses=_markdown_too(Scoping),
        tags=["briefs"],
        summary="Scope a brief: the right hire, step by step from its own words",
        openapi_extra=_body(BriefInput, "the brief (PDF, DOCX, HTML, Markdown or text)"),
    )
    async def scope(request: Request) -> Response:
        fields, files = await _request_fields(request, "brief")
        data, filename = _one_file(files, "file")
        brief = _validated(BriefInput, fields)
        if data is not None:
            if brief.brief is not None or brief.text is not None:
                raise RequestInvalid("give the brief as a file or as text, not both")
            scoping = await work(
                inline_chars + 1, service.scope, data, form=brief.form, id=brief.id,
                filename=filename,
            )  # fmt: skip
        else:
            size = len(brief.body) + (len(brief.form.model_dump_json()) if brief.form else 0)
            scoping = await work(size, service.scope, brief.body, form=brief.form, id=brief.id)
        if _wants_markdown(request):
            from rolelens.render.scoping import scoping_markdown

            return Response(scoping_markdown(scoping), media_type=_MARKDOWN)
        return _json(scoping)

    def cv_input(
        fields: dict[str, Any], files: Mapping[str, tuple[bytes, str | None]]
    ) -> tuple[bytes | str, str | None, int]:
        """The CV as uploaded bytes or pasted text, its file name and its size for the
        inline rule."""
        data, filename = _one_file(files, "file")
        text = fields.pop("text", None)
        text = fields.pop("cv", None) if text is None else text
        if data is not None and text is not None:
            raise RequestInvalid("give the CV as 'file' or as 'text', not both")
        if data is not None:
            return data, filename, inline_chars + 1  # documents are always read in a thread
        if isinstance(text, str):
            return text, None, len(text)
        raise RequestInvalid(
            "give the CV as 'file' (PDF, DOCX, HTML, Markdown or text) or as 'text'"
        )

    @app.post(
        "/v1/cv",
        response_model=CvReading,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Read a CV: the role its shipped work points to, evidence, claims, seniority",
        openapi_extra=_body(CvInput, ""),
    )
    async def cv(request: Request) -> Response:
        fields, files = await _request_fields(request, "text")
        data, filename, size = cv_input(fields, files)
        form = _validated(CvInput, fields)
        result = await work(
            size, service.read_cv, data, filename=filename, redact=form.redact, id=form.id
        )
        return _json(result)

    @app.post(
        "/v1/match",
        response_model=FitReport,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Match a CV to a posting: requirements covered, gaps, fit score and band",
        openapi_extra=_body(
            MatchInput, "'file' is the CV's file and 'posting' may be a file too", text=False
        ),
    )
    async def match(request: Request) -> Response:
        fields, files = await _request_fields(request, None)
        posting_data, posting_name = _one_file(files, "posting")
        if posting_data is not None:
            fields["posting"] = ""
        cv_data, cv_name = _one_file(files, "file")
        if cv_data is not None:
            if "text" in fields or "cv" in fields:
                raise RequestInvalid("give the CV as 'file' or as 'text', not both")
            fields["text"] = ""
        body = _validated(MatchInput, fields)
        posting: str | bytes = posting_data if posting_data is not None else body.posting
        cv: str | bytes = cv_data if cv_data is not None else body.cv_text
        docs = posting_data is not None or cv_data is not None
        size = inline_chars + 1 if docs else len(body.cv_text) + len(body.posting)
        result = await work(
            size, service.match, cv, posting, cv_filename=cv_name,
            posting_title=body.posting_title, posting_filename=posting_name,
            redact=body.redact, id=body.id,
        )  # fmt: skip
        return _json(result)

    @app.post(
        "/v1/career",
        response_model=CareerAdvice,
        responses=_ERRORS,
        tags=["cvs"],
        summary="Career advice from a CV: the role to target, the gaps, a learning path",
        openapi_extra=_body(CareerInput, ""),
    )
    async def career(request: Request) -> Response:
        fields, files = await _request_fields(request, "text")
        data, filename, size = cv_input(fields, files)
        form = _validated(CareerInput, fields)
        result = await work(
            size + len(form.likes), service.career, data, filename=filename,
            likes=form.likes, redact=form.redact, id=form.id,
        )  # fmt: skip
        return _json(result)

    @app.get(
        "/v1/roles",
        response_model=list[RoleSummary],
        responses=_GET_ERRORS,
        tags=["taxonomy"],
        summary="Every role: id, name, definition and whether it is an AI hire",
    )
    async def roles() -> Response:
        return Response(_ROLES.dump_json(service.roles()), media_type="application/json")

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

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        html = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="rolelens API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
        html.headers.update(_DOCS_HEADERS)
        return html

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

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
    _, inputs = models_json_schema(
        [(m, "validation") for m in _INPUTS], ref_template="#/components/schemas/{model}"
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in inputs.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    doc["components"]["securitySchemes"] = {
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
