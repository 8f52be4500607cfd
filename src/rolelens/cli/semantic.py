"""``--semantic auto|on|off`` (read, scope, cv, match, career, eval, mcp) and ``--llm-url``
(scope): options, not a command.

What each choice means, and each command's default (``scope``: auto, the others: off), is
decided in one place, :mod:`rolelens.backends.semantic`; this module only turns the option into that
call. ``on`` loads the bundled embedding model (the ``semantic`` extra) once per command and
caches the taxonomy's statement vectors in the user cache directory; ``off`` keeps the
alias-only path, which needs nothing beyond the core install; ``auto`` is ``on`` when the
extra is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rolelens.core.scoping_models import Scoping
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.models import Taxonomy

SemanticOption = typer.Option(
    None,
    "--semantic",
    help="on: also match sentences to the taxonomy's activity statements with the bundled "
    "embedding model (needs the 'semantic' extra); off: aliases only; auto: on when the extra "
    "is installed. Default: auto for briefs (scope), off for postings and CVs.",
    show_default=False,
)


def semantic_matcher(
    taxonomy: Taxonomy,
    flag: str | None,
    *,
    task: str = "read",
    many: bool = True,
    threads: int | None = None,
    warm: bool = False,
) -> SemanticMatcher | None:
    """The semantic matcher ``--semantic`` asks for on ``task`` (None: the task's default),
    or None when it is off. ``many``, ``threads`` and ``warm``: see
    :func:`rolelens.backends.semantic.load_semantic_matcher`."""
    from rolelens.backends.semantic import load_semantic_matcher, semantic_tasks
    from rolelens.errors import TaxonomyError

    try:
        on = semantic_tasks(taxonomy, flag, (task,))
    except ValueError as exc:
        raise typer.BadParameter("--semantic must be 'auto', 'on' or 'off'") from exc
    except TaxonomyError as exc:
        raise typer.BadParameter(exc.message) from exc
    if not on:
        return None
    return load_semantic_matcher(taxonomy, many=many, threads=threads, warm=warm)


LlmUrlOption = typer.Option(
    None,
    "--llm-url",
    help="An OpenAI-compatible API base (e.g. http://127.0.0.1:8080/v1): adds the brief's form "
    "fields and job-description prose from an LLM, with token and latency accounting. The key "
    "is read from ROLELENS_LLM_KEY. The recommended hire stays the deterministic one.",
)
LlmModelOption = typer.Option("default", "--llm-model", help="The model name sent to --llm-url.")


def llm_assist(
    url: str,
    model: str,
    text: str,
    scoping: Scoping,
    fmt: str,
    statements: Sequence[tuple[str, str]] = (),
) -> None:
    """Print the scoping with what the LLM added (or its fallback) and what each call cost;
    ``statements``: the scoper's facts (id, statement) for the LLM to check in the brief."""
    import json
    import os

    from rolelens.assist import assist_scoping
    from rolelens.backends.llm import OpenAIChat
    from rolelens.errors import LLMUnavailable

    llm = OpenAIChat(url, model, key=os.environ.get("ROLELENS_LLM_KEY") or None)
    try:
        jd = scoping.job_description
        if jd is None:  # undetermined: no job description to write prose for
            raise LLMUnavailable("the brief is too thin to decide a hire; nothing to draft")
        facts = {
            "role": scoping.name,
            "title": jd.title,
            "summary": jd.summary,
            "first_project": jd.first_project,
            "responsibilities": jd.responsibilities,
            "stack": jd.stack,
        }
        assist = assist_scoping(llm, text, facts, statements, scoping.facts)
    finally:
        llm.close()
    if fmt == "json":
        out = {"scoping": scoping.model_dump(mode="json"), "llm": assist.model_dump(mode="json")}
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from rolelens.cli.render_scope import render_scoping
    from rolelens.render.scoping import scoping_markdown

    if fmt == "md":
        typer.echo(scoping_markdown(scoping), nl=False)
    else:
        render_scoping(scoping)
    lines = ["", "## From the LLM (the recommendation above does not depend on it)", ""]
    if assist.form:
        lines += ["Form fields found in the brief:", ""]
        lines += [f"- **{k}**: {v}" for k, v in assist.form.items()]
        lines.append("")
    if assist.facts:
        lines += ["Facts the LLM finds stated (a second reading; the hire does not use it):", ""]
        lines += [
            f"- {f.statement} ('{f.quote}')"
            + ("" if f.scoper_found else " — the scoper did not find this one")
            for f in assist.facts
        ]
        lines.append("")
    if assist.job_description:
        lines += ["Job description opening:", "", assist.job_description, ""]
    for c in assist.calls:
        state = "ok" if c.ok else f"fell back to the deterministic result ({c.error})"
        lines.append(
            f"- {c.task}: {state}; {c.total_tokens} tokens ({c.prompt_tokens} in, "
            f"{c.completion_tokens} out), {c.latency_ms:.0f} ms, {c.attempts} attempt(s)"
        )
    lines.append(f"- total: {assist.total_tokens} tokens, {assist.latency_ms:.0f} ms")
    typer.echo("\n".join(lines))
