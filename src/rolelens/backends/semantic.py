"""The semantic layer's switch, set here and nowhere else: which tasks use it
(:func:`semantic_tasks`) and the matcher they use (:func:`load_semantic_matcher`).

By default briefs use it when the ``semantic`` extra is installed (the scoper's fitted layer
is fitted over its sentence vectors) and posting and CV reads do not (speed); ``"on"`` turns
it on for every task, ``"off"`` for none. :class:`rolelens.service.Service` and the CLI's
``--semantic`` both ask here. A module of its own, apart from the service, so a command that
reads postings decides without importing the scoper and the models a service answers with.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Literal, TypeAlias

from rolelens.errors import TaxonomyError

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.models import Taxonomy

SemanticChoice: TypeAlias = Literal["auto", "on", "off"]
#: the tasks a service does; the CV tasks (cv, match, career) share one CV reader
TASKS = ("read", "scope", "cv")
#: the semantic layer per task when nothing is asked: briefs when the extra is installed,
#: postings and CVs never (they read fast without it)
SEMANTIC_DEFAULTS: dict[str, SemanticChoice] = {"read": "off", "scope": "auto", "cv": "off"}
SEMANTIC_CHOICES: tuple[SemanticChoice, ...] = ("auto", "on", "off")


def semantic_available() -> bool:
    """Whether the ``semantic`` extra (model package, onnxruntime, tokenizers) is installed."""
    from importlib.util import find_spec

    from rolelens.backends.embeddings import MODEL_PACKAGE

    try:  # found without importing them (onnxruntime takes ~0.3 s to import)
        return all(find_spec(m) is not None for m in (MODEL_PACKAGE, "onnxruntime", "tokenizers"))
    except (ImportError, ValueError, AttributeError):  # a module blocked in sys.modules
        return False


def semantic_choice(value: bool | str | None, task: str) -> SemanticChoice:
    """One task's choice: None is the task's default, True/False are "on"/"off"."""
    if value is None:
        return SEMANTIC_DEFAULTS[task]
    if isinstance(value, bool):
        return "on" if value else "off"
    if value not in SEMANTIC_CHOICES:
        raise ValueError(f"semantic must be one of {', '.join(SEMANTIC_CHOICES)}, not {value!r}")
    return value


def semantic_tasks(
    taxonomy: Taxonomy, value: bool | str | None, tasks: Collection[str] = TASKS
) -> frozenset[str]:
    """The tasks among ``tasks`` that use the semantic layer for ``value`` (None: each task's
    default). "auto" is on when the extra is installed and the taxonomy has a ``semantic:``
    block; "on" without them raises (ExtraMissing comes when the model is loaded)."""
    choices = {t: semantic_choice(value, t) for t in tasks}
    on = {t for t, c in choices.items() if c == "on"}
    if on and taxonomy.semantic is None:
        raise TaxonomyError(
            f"taxonomy {taxonomy.name} {taxonomy.version} has no 'semantic:' block to match against"
        )
    auto = {t for t, c in choices.items() if c == "auto"}
    if auto and taxonomy.semantic is not None and semantic_available():
        on |= auto
    return frozenset(on)


def load_semantic_matcher(
    taxonomy: Taxonomy, *, many: bool = True, threads: int | None = None, warm: bool = False
) -> SemanticMatcher:
    """The bundled embedding model's matcher for ``taxonomy``, statement vectors from the
    user cache (or computed and cached).

    ``many=False`` (one document to read) builds the model's session faster and runs it a
    little slower; ``threads`` caps the model's threads (1 per process when several processes
    read); ``warm`` builds the session now, so a server's first request does not pay for it.
    Raises :class:`~rolelens.errors.ExtraMissing` without the ``semantic`` extra and
    :class:`~rolelens.errors.TaxonomyError` for a taxonomy with no ``semantic:`` block.
    """
    if taxonomy.semantic is None:
        raise TaxonomyError(
            f"taxonomy {taxonomy.name} {taxonomy.version} has no 'semantic:' block to match against"
        )
    from rolelens.backends.embeddings import MiniLMEmbedder, default_cache_dir, load_matcher

    embedder = MiniLMEmbedder(optimise="extended" if many else "none", threads=threads)
    cache = default_cache_dir()
    if cache is not None and taxonomy.scoping is not None:
        # the scoper embeds each fact's statement and examples, then its counter-examples,
        # on first use (seconds): kept on disk, every later process reads them
        facts = taxonomy.scoping.facts
        embedder.keep_on_disk(
            [[f.statement, *f.examples] for f in facts] + [f.counter_examples for f in facts],
            cache,
        )
    matcher = load_matcher(taxonomy, embedder, cache_dir=cache)
    if warm:
        matcher.embedder.embed("warm up")
    return matcher
