"""MCP tools over one :class:`rolelens.service.Service`, on the official MCP Python SDK.

Each tool is a thin call into the service; the results are the same pydantic models the
HTTP API and the CLI's ``--json`` return, so an agent gets structured output with a schema.
A rolelens error becomes a tool error whose text starts with its stable code.
"""

from __future__ import annotations

import inspect
import io
import json
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import anyio
import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from pydantic import ValidationError

from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.core.models import Reading
from rolelens.core.scoping_models import Scoping, ScopingForm
from rolelens.errors import EncodingError, InputError, InputTooLarge, RequestInvalid, RolelensError
from rolelens.inputs import BriefInput, InputModel, PostingInput
from rolelens.io.lines import id_near_start
from rolelens.service import RoleDetail, Service, TaxonomySummary

T = TypeVar("T")
InputT = TypeVar("InputT", bound=InputModel)

MAX_FILE_BYTES = 10_000_000

INSTRUCTIONS = (
    "rolelens judges AI roles by the work, not the title. read_posting says which role a job "
    "posting's duties describe (with evidence spans, title-vs-work mismatch and the hybrid "
    "ML+GenAI flag); scope_problem turns a business problem into the hire it needs (or says no "
    "AI hire is needed), step by step; read_cv, match and career read a CV (pasted text or a local "
    "file path inside the folders the server allows), match it to a posting and advise on the "
    "role to target; taxonomy lists the roles and role details one."
)


class _StrictServer(MCPServer):
    """Tool arguments checked as the HTTP API checks a body: an unknown argument, or one of
    the wrong type, is a ``request_invalid`` tool error naming the arguments the tool takes
    (the SDK would drop an unknown one without a word, and word a wrong type in pydantic's
    own terms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted: dict[str, list[str]] = {}  # tool name -> its argument names

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        takes = self.accepted.get(name)
        if takes is not None:
            unknown = sorted(set(arguments) - set(takes))
            if unknown:
                raise ToolError(
                    f"{RequestInvalid.code}: unknown argument(s) {', '.join(unknown)}; "
                    f"{name} takes {', '.join(takes)}"
                )
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            cause = exc.__cause__
            if not isinstance(cause, ValidationError):
                raise
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in cause.errors()[:3]
            )
            raise ToolError(f"{RequestInvalid.code}: {reasons}") from None


def _id(value: str | int | None) -> str | None:
    """An id as text: an agent may send 7 where HTTP and --jsonl rows take "7" too."""
    return None if value is None else str(value)


def _call(fn: Callable[[], T]) -> T:
    """Run one service call; a coded error becomes a tool error the model can read."""
    try:
        return fn()
    except RolelensError as exc:
        raise ToolError(f"{exc.code}: {exc.message}") from exc
    except UnicodeError as exc:  # a lone surrogate in a path or a text the service never saw
        raise ToolError(f"{EncodingError.code}: the arguments hold text that is not UTF-8") from exc


def _input(model: type[InputT], fields: dict[str, Any]) -> InputT:
    """The tool's arguments as the shared input model (a coded tool error naming the accepted
    arguments when they do not fit it)."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        reasons = "; ".join(str(e.get("msg", "invalid")) for e in exc.errors()[:3])
        raise RequestInvalid(reasons) from None


def _cv_input(
    text: str, path: str | None, allowed: Sequence[Path]
) -> tuple[bytes | str, str | None]:
    """The CV as text, or as the bytes of a local file (PDF, DOCX, HTML, Markdown, text)
    inside one of the ``allowed`` folders."""
    if path is None:
        return text, None
    if text:
        raise InputError("give the CV as text or as a path, not both")
    try:
        file = Path(path).expanduser().resolve()
        inside = any(file.is_relative_to(folder) for folder in allowed)
        if not inside:
            raise InputError(
                f"{path} is outside the folders this server may read "
                "(rolelens mcp --allow-dir DIR adds one)"
            )
        if not file.is_file():
            raise InputError(f"no such file: {path}")
        size = file.stat().st_size
    except OSError as exc:  # a path too long, a loop of links, ...
        raise InputError(f"cannot open {path[:200]}: {exc.strerror}") from exc
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(f"{file.name} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    return file.read_bytes(), file.name


def build_server(
    service: Service | None = None,
    *,
    taxonomy_files: Sequence[str | Path] = (),
    allowed_dirs: Sequence[str | Path] | None = None,
) -> MCPServer:
    """An MCP server whose tools share one service (built now, not per call).

    CV tools read local files only inside ``allowed_dirs`` (default: the working folder), so
    an agent cannot be talked into reading ``/etc/shadow`` or a private key.
    """
    from rolelens._version import __version__

    svc = service or Service.from_files(taxonomy_files)
    allowed = [
        Path(d).expanduser().resolve() for d in (allowed_dirs if allowed_dirs else [Path.cwd()])
    ]
    server = _StrictServer(
        name="rolelens",
        title="rolelens",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",
    )

    def tool(fn: Callable[..., Any]) -> Callable[..., Any]:
        """Register ``fn`` as a tool described by its docstring, dedented (a docstring's
        indentation would reach the agent as runs of spaces)."""
        server.accepted[fn.__name__] = list(inspect.signature(fn).parameters)
        return server.tool(description=inspect.cleandoc(fn.__doc__ or ""))(fn)

    @tool
    def read_posting(
        description: str | None = None,
        text: str | None = None,
        title: str | None = None,
        company: str | None = None,
        id: str | int | None = None,
    ) -> Reading:
        """Read a job posting: the role its work describes, role probabilities, evidence spans,
        the role its title alone suggests, mismatch and hybrid flags, seniority.

        description (or text): the posting (plain text, Markdown or HTML). title: its title,
        when the text does not start with it. company: the employer, whose words are never
        evidence. id: echoed back. The same fields as HTTP POST /v1/read and read --jsonl.
        """
        args = {"description": description, "text": text, "title": title, "company": company}
        return _call(lambda: svc.read_posting(_input(PostingInput, {**args, "id": _id(id)})))

    @tool
    def scope_problem(
        brief: str | None = None,
        text: str | None = None,
        form: ScopingForm | None = None,
        id: str | int | None = None,
    ) -> Scoping:
        """Scope a business problem: the hire it needs (or that no AI hire is needed), traced
        step by step to the brief's words, alternatives, warnings, questions to ask, stack,
        KPIs, sourced pay and cost, a job description draft and an interview loop.

        brief (or text): the problem in free text. form: optional structured fields (outcome,
        data, volumes, users, production, team_stage, budget, region). id: echoed back. The
        same fields as HTTP POST /v1/scope.
        """
        fields = {"brief": brief, "text": text, "form": form, "id": _id(id)}
        return _call(lambda: svc.scope_brief(_input(BriefInput, fields)))

    @tool
    def read_cv(
        text: str = "", path: str | None = None, redact: bool = False, id: str | int | None = None
    ) -> CvReading:
        """Read a CV: the role its shipped work points to (work counts above skills lists),
        evidence, outcome statements, claims the work never shows, keyword stuffing, years.

        text: the CV as text; or path: a local PDF, DOCX, HTML, Markdown or text file (HTTP
        takes an upload as 'file'). redact: remove emails, phone numbers and addresses first.
        """

        def run() -> CvReading:
            data, name = _cv_input(text, path, allowed)
            return svc.read_cv(data, filename=name, redact=redact, id=_id(id))

        return _call(run)

    @tool
    def match(
        posting: str,
        text: str = "",
        path: str | None = None,
        posting_title: str | None = None,
        redact: bool = False,
        id: str | int | None = None,
    ) -> FitReport:
        """Match a CV to a posting: each requirement covered, partly or missing by the CV's
        work, role alignment, fit score and band, gaps and interview probes.

        posting: the posting's text. text or path: the CV as text or a local file.
        posting_title: the posting's title, if not its first line. The same fields as HTTP
        POST /v1/match.
        """

        def run() -> FitReport:
            data, name = _cv_input(text, path, allowed)
            return svc.match(
                data, posting, cv_filename=name, posting_title=posting_title, redact=redact,
                id=_id(id),
            )  # fmt: skip

        return _call(run)

    @tool
    def career(
        text: str = "",
        path: str | None = None,
        likes: str = "",
        redact: bool = False,
        id: str | int | None = None,
    ) -> CareerAdvice:
        """Career advice from a CV: the role to target (from the work shown and what the person
        enjoys), the skill gaps to it, and a learning path, durable concepts first.

        text or path: the CV as text or a local file. likes: what the person enjoys.
        """

        def run() -> CareerAdvice:
            data, name = _cv_input(text, path, allowed)
            return svc.career(data, filename=name, likes=likes, redact=redact, id=_id(id))

        return _call(run)

    @tool
    def taxonomy() -> TaxonomySummary:
        """The roles rolelens knows (ids, names, definitions) and the taxonomy's version."""
        return svc.summary()

    @tool
    def role(role_id: str) -> RoleDetail:
        """One role in detail: definition, KPIs, eval metrics, stack, core skills, the evidence
        that points to it most strongly and sourced pay figures. role_id: e.g. 'ml_engineer'.
        """
        return _call(lambda: svc.role(role_id))

    return server


# -- stdio ----------------------------------------------------------------------------------
# The SDK's stdio reader drops a line it cannot parse (a JSON '\ud800' escape, a 50k-deep
# argument) without an answer, so the client waits forever. Lines are checked here first and
# such a line gets a JSON-RPC error carrying the request's id when one can be found.
_PARSE_ERROR = -32700


class _Stdout:
    """The process's stdout for JSON-RPC lines, one whole line per write."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = anyio.Lock()

    async def write(self, text: str) -> int:
        async with self._lock:
            return await anyio.to_thread.run_sync(self._write, text)

    def _write(self, text: str) -> int:
        written = self._stream.write(text)
        self._stream.flush()
        return written

    async def flush(self) -> None:
        return None


class _CheckedStdin:
    """Lines of stdin that parse as JSON-RPC; the others are answered with an error."""

    def __init__(self, stream: IO[str], out: _Stdout) -> None:
        self._stream = stream
        self._out = out

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        from mcp import types

        while line := await anyio.to_thread.run_sync(self._stream.readline):
            try:
                types.jsonrpc_message_adapter.validate_json(line, by_name=False)
            except Exception:  # the SDK would drop it: answer instead
                if line.strip():
                    await self._out.write(json.dumps(_parse_error(line)) + "\n")
                continue
            yield line


def _parse_error(line: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": id_near_start(line),
        "error": {
            "code": _PARSE_ERROR,
            "message": "the message is not valid JSON-RPC (bad JSON, a lone surrogate "
            "escape, or nesting too deep)",
        },
    }


async def serve_stdio(server: MCPServer) -> None:
    """Run ``server`` on stdin/stdout, answering lines the SDK could not parse."""
    from mcp.server.stdio import stdio_server

    out = _Stdout(io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=True))
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    async with stdio_server(
        stdin=_CheckedStdin(stdin, out),  # type: ignore[arg-type]
        stdout=out,  # type: ignore[arg-type]
    ) as (read_stream, write_stream):
        lowlevel = server._lowlevel_server
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
