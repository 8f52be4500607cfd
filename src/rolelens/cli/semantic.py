"""``--semantic on|off`` (read, scope, eval) and ``--llm-url`` (scope): options, not a command.

``on`` loads the bundled embedding model (the ``semantic`` extra) once per command and caches
the taxonomy's statement vectors in the user cache directory; ``off`` (the default) keeps the
alias-only path, which needs nothing beyond the core install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rolelens.core.scoping_models import Scoping
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.schema import Taxonomy

SemanticOption = typer.Option(
    "off",
    "--semantic",
    help="on: also match sentences to the taxonomy's activity statements with the bundled "
    "embedding model (needs the 'semantic' extra); off: aliases only.",
)


def semantic_matcher(
    taxonomy: Taxonomy, flag: str, *, many: bool = True, threads: int | None = None
) -> SemanticMatcher | None:
    """The semantic matcher for ``--semantic on``, None for ``off``. ``many=False`` (one
    document to read) builds the model's session faster and runs it a little slower;
    ``threads`` caps the model's threads (1 per process when several processes read)."""
    if flag not in ("on", "off"):
        raise typer.BadParameter("--semantic must be 'on' or 'off'")
    if flag == "off":
        return None
    if taxonomy.semantic is None:
        raise typer.BadParameter("the taxonomy has no 'semantic:' block to match against")
    from rolelens.backends.embeddings import MiniLMEmbedder, default_cache_dir, load_matcher

    embedder = MiniLMEmbedder(optimise="extended" if many else "none", threads=threads)
    return load_matcher(taxonomy, embedder, cache_dir=default_cache_dir())


LlmUrlOption = typer.Option(
    None,
    "--llm-url",
    help="An OpenAI-compatible API base (e.g. http://127.0.0.1:8080/v1): adds the brief's form "
    "fields and job-description prose from an LLM, with token and latency accounting. The key "
    "is read from ROLELENS_LLM_KEY. The recommended hire stays the deterministic one.",
)
LlmModelOption = typer.Option("default", "--llm-model", help="The model name sent to --llm-url.")


def llm_assist(url: str, model: str, text: str, scoping: Scoping, fmt: str) -> None:
    """Print the scoping with what the LLM added (or its fallback) and what each call cost."""
    import json
    import os

    from rolelens.backends.llm import OpenAIChat, assist_scoping
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
        assist = assist_scoping(llm, text, facts)
    finally:
        llm.close()
    if fmt == "json":
        out = {"scoping": scoping.model_dump(mode="json"), "llm": assist.model_dump(mode="json")}
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from rolelens.cli.render_scope import render_scoping, scoping_markdown

    if fmt == "md":
        typer.echo(scoping_markdown(scoping), nl=False)
    else:
        render_scoping(scoping)
    lines = ["", "## From the LLM (the recommendation above does not depend on it)", ""]
    if assist.form:
        lines += ["Form fields found in the brief:", ""]
        lines += [f"- **{k}**: {v}" for k, v in assist.form.items()]
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
