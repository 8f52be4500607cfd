"""Load, merge and validate taxonomy files — the only file I/O of the taxonomy package.

The bundled taxonomy is every ``*.yaml`` under ``data/`` (sorted by path, so
``data/_meta.yaml`` comes first). A user file layered on top may add roles, evidence
items, title patterns and figures, replace any of them by id, drop evidence items
with ``remove_evidence``, change single role weights of evidence items with ``weights``
(applied last, over fitted numbers too), patch the ``reading`` / ``scoping`` / ``cv`` /
``semantic`` blocks by id and setting by setting (:mod:`rolelens.taxonomy.layering`), and
replace the ``scoring`` and ``verdicts`` blocks whole.

Numbers fitted on labelled postings (``rolelens train``) sit in a ``fitted:`` block; the
bundled ones in ``fitted/postings.yaml``, layered after ``data/`` and before the user's
files. The last ``fitted:`` block wins whole and is applied over the hand-set numbers;
``fitted=False`` loads the hand-set numbers alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rolelens.errors import TaxonomyError
from rolelens.taxonomy.layering import layer
from rolelens.taxonomy.models import (
    EvidenceItem,
    ScoringSettings,
    Taxonomy,
    TaxonomyDocument,
)
from rolelens.taxonomy.models.fit import FittedScoring, FittedWeights

# libyaml's loader is ~10x faster than the pure-Python one; same safe subset of YAML.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BY_ID = ("sources", "roles", "evidence", "figures", "seniority")
_PATCHED = ("reading", "scoping", "cv", "semantic")


#: The bundled file that holds the scoping part alone (nine tenths of the bundled YAML):
#: ``load_taxonomy(scoping=False)`` does not read it.
SCOPING_FILE = "scoping.yaml"


def bundled_paths(*, scoping: bool = True) -> list[Path]:
    """The YAML files that make up the bundled taxonomy, in load order (without the scoping
    part's file when ``scoping`` is False)."""
    root = Path(str(resources.files("rolelens.taxonomy") / "data"))
    paths = sorted(root.rglob("*.yaml"))
    return paths if scoping else [p for p in paths if p.name != SCOPING_FILE]


def package_root() -> Path:
    """The package's taxonomy folder: its data, fitted numbers, toy taxonomy and template."""
    return Path(str(resources.files("rolelens.taxonomy")))


def fitted_path() -> Path:
    """The bundled fitted numbers (a ``fitted:`` block layered over the hand-set ones)."""
    return Path(str(resources.files("rolelens.taxonomy") / "fitted" / "postings.yaml"))


def toy_path() -> Path:
    """A small, complete taxonomy for tests and examples."""
    return Path(str(resources.files("rolelens.taxonomy") / "toy" / "toy.yaml"))


def template_path() -> Path:
    """The commented template to start a user taxonomy from."""
    return Path(str(resources.files("rolelens.taxonomy") / "template.yaml"))


def cache_dir() -> Path | None:
    """Where parsed taxonomy files are cached: ``$ROLELENS_CACHE_DIR``, else the user's
    cache folder; None when ``ROLELENS_CACHE_DIR`` is set to an empty string (no cache)."""
    configured = os.environ.get("ROLELENS_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rolelens"


_CACHE_FORMAT = "1"


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()  # pydantic reads the ISO string back as the same date
    raise TypeError(f"not JSON: {type(value).__name__}")


def _load_yaml(text: str, cache: Path | None) -> Any:
    """YAML text as Python data; parsed files are kept as JSON (ten times faster to load)
    under ``cache``, keyed by the text's hash, so an edited file is simply parsed anew."""
    if cache is None:
        return yaml.load(text, Loader=_SafeLoader)
    digest = hashlib.sha256(f"{_CACHE_FORMAT}:{yaml.__version__}:{text}".encode()).hexdigest()
    path = cache / f"taxonomy-{digest[:32]}.json"
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        pass
    raw = yaml.load(text, Loader=_SafeLoader)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(raw, default=_json_default), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError):
        pass  # a read-only home or an unusual YAML type: no cache, same result
    return raw


def parse_document(
    text: str, origin: str = "<string>", *, cache: Path | None = None, scoping: bool = True
) -> TaxonomyDocument:
    """One YAML text as a validated :class:`TaxonomyDocument` (TaxonomyError if not).

    With ``cache``, the parsed YAML is kept there for the next load (see :func:`cache_dir`).
    With ``scoping`` False, a ``scoping:`` block is set aside unread.
    """
    try:
        raw = _load_yaml(text, cache)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{origin}: not valid YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{origin}: a taxonomy file holds a mapping at the top level")
    if not scoping:
        raw.pop("scoping", None)
    try:
        return TaxonomyDocument.model_validate(raw)
    except ValidationError as exc:
        raise TaxonomyError(f"{origin}: {_explain(exc)}") from exc


def merge(
    documents: Iterable[TaxonomyDocument], *, split: int = 0, fitted: bool = True
) -> Taxonomy:
    """Layer documents in order and validate the result as one taxonomy.

    The first ``split`` documents are parts of one taxonomy (the bundled files): an id
    defined twice among them is an error, not an override. Later documents override.
    The last ``fitted:`` block is applied over the result unless ``fitted`` is False.
    """
    last_fit: FittedWeights | None = None
    weight_patches: list[dict[str, dict[str, float]]] = []
    merged: dict[str, Any] = {key: {} for key in _BY_ID}
    merged["titles"] = []
    merged["title_qualifiers"] = []
    for position, doc in enumerate(documents):
        for key in ("name", "version", "description"):
            value = getattr(doc, key)
            if value is not None:
                merged[key] = value
        for key in _BY_ID:
            for obj in getattr(doc, key):
                if position < split and obj.id in merged[key]:
                    raise TaxonomyError(f"{key} id {obj.id!r} is defined twice in the taxonomy")
                merged[key][obj.id] = obj
        for item_id in doc.remove_evidence:
            merged["evidence"].pop(item_id, None)
        merged["titles"].extend(doc.titles)
        merged["title_qualifiers"].extend(doc.title_qualifiers)
        for key in _PATCHED:
            patch = getattr(doc, key)
            if patch is not None:
                try:
                    merged[key] = layer(merged.get(key), patch)
                except ValueError as exc:
                    raise TaxonomyError(f"{key}: {exc}") from exc
        for key in ("scoring", "verdicts", "words"):
            value = getattr(doc, key)
            if value is not None:
                merged[key] = value
        if doc.weights:
            weight_patches.append(doc.weights)
        if doc.fitted is not None:
            last_fit = doc.fitted
    missing = [k for k in ("name", "version", "reading", "scoring") if k not in merged]
    if missing:
        raise TaxonomyError(f"the taxonomy has no {', '.join(missing)}")
    if fitted and last_fit is not None:
        _apply_fit(merged, last_fit)
    for patch in weight_patches:
        _patch_weights(merged["evidence"], patch)
    return _validated(merged)


def _patch_weights(items: dict[str, EvidenceItem], patch: dict[str, dict[str, float]]) -> None:
    """Change the role weights a ``weights:`` block names, one by one, keeping the rest."""
    for item_id, weights in patch.items():
        item = items.get(item_id)
        if item is None:
            raise TaxonomyError(f"weights: there is no evidence item {item_id!r} to change")
        items[item_id] = item.model_copy(update={"weights": {**item.weights, **weights}})


def _validated(merged: dict[str, Any]) -> Taxonomy:
    """A merged taxonomy (objects keyed by id) checked as a whole."""
    for key in _BY_ID:
        merged[key] = list(merged[key].values())
    try:
        return Taxonomy.model_validate(merged)
    except ValidationError as exc:
        raise TaxonomyError(_explain(exc)) from exc


def _apply_fit(merged: dict[str, Any], fit: FittedWeights) -> None:
    """Put fitted numbers in place of the hand-set ones in a merged (not yet validated)
    taxonomy; record where they came from."""
    roles = {r.id for r in merged["roles"].values()}
    items: dict[str, EvidenceItem] = merged["evidence"]
    for item_id, weights in fit.weights.items():
        unknown = sorted(set(weights) - roles)
        if unknown:
            raise TaxonomyError(f"fitted weights of {item_id!r} name unknown role(s) {unknown}")
        item = items.get(item_id)
        if item is not None:  # an item since dropped from the vocabulary keeps nothing
            items[item_id] = item.model_copy(update={"weights": dict(weights)})
    unknown = sorted(set(fit.scoring.role_bias) - roles)
    if unknown:
        raise TaxonomyError(f"fitted role_bias names unknown role(s) {unknown}")
    try:
        merged["scoring"] = apply_scoring(fit.scoring, merged["scoring"])
    except ValidationError as exc:
        raise TaxonomyError(f"fitted scoring: {_explain(exc)}") from exc
    if fit.words is not None:
        unknown = sorted(set(fit.words.roles) - roles)
        if unknown:
            raise TaxonomyError(f"fitted words name unknown role(s) {unknown}")
        merged["word_weights"] = fit.words
    merged["fitted"] = fit.provenance


def apply_fit(taxonomy: Taxonomy, fit: FittedWeights) -> Taxonomy:
    """``taxonomy`` with ``fit``'s numbers in place of its own (TaxonomyError if they do
    not fit it)."""
    merged: dict[str, Any] = {key: getattr(taxonomy, key) for key in Taxonomy.model_fields}
    for key in _BY_ID:
        merged[key] = {obj.id: obj for obj in merged[key]}
    _apply_fit(merged, fit)
    return _validated(merged)


def apply_scoring(fitted: FittedScoring, scoring: ScoringSettings) -> ScoringSettings:
    """``scoring`` with the numbers ``fitted`` sets in place of its own."""
    update: dict[str, Any] = {
        key: getattr(fitted, key)
        for key in (
            "preferred_weight",
            "listed_weight",
            "company_clause_weight",
            "lead_weight",
            "repeat_decay",
            "saturation",
            "title_weight",
            "temperature",
        )
        if getattr(fitted, key) is not None
    }
    if fitted.section_weights:
        update["section_weights"] = {**scoring.section_weights, **fitted.section_weights}
    if fitted.role_bias:
        update["role_bias"] = {**scoring.role_bias, **fitted.role_bias}
    if fitted.specialisation_shares:
        update["specialisations"] = {
            role: {
                "parents": spec.parents,
                "share": fitted.specialisation_shares.get(role, spec.share),
            }
            for role, spec in scoring.specialisations.items()
        }
    return ScoringSettings.model_validate({**scoring.model_dump(), **update})


def load_taxonomy(
    extra: Sequence[str | Path] = (),
    *,
    bundled: bool = True,
    fitted: bool = True,
    scoping: bool = True,
) -> Taxonomy:
    """The bundled taxonomy, with each file in ``extra`` layered on top in order.

    With ``fitted`` (the default) the bundled fitted numbers, or a later file's, replace the
    hand-set ones; ``fitted=False`` gives the hand-set numbers (what ``rolelens train``
    starts from). ``scoping=False`` leaves the scoping part out (``taxonomy.scoping`` is
    None; the files' ``scoping:`` blocks are not read, so not checked either): all that
    reading postings and CVs needs, a third of the load's work sooner.
    """
    parts = bundled_paths(scoping=scoping) if bundled else []
    layers = [fitted_path()] if bundled and fitted and fitted_path().exists() else []
    paths = [*parts, *layers, *map(Path, extra)]
    cache = cache_dir()
    docs = []
    texts = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise TaxonomyError(f"{path}: no such taxonomy file") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise TaxonomyError(f"{path}: cannot read: {exc}") from exc
        docs.append(parse_document(text, str(path), cache=cache, scoping=scoping))
        texts.append(text)
    taxonomy = merge(docs, split=len(parts), fitted=fitted)
    # the user's files (past the bundled ones, or past the first when nothing is bundled)
    first = len(parts) + len(layers) if bundled else 1
    layered = [(paths[i], texts[i], docs[i].version) for i in range(first, len(paths))]
    version = layered_version(taxonomy.version, layered)
    return (
        taxonomy
        if version == taxonomy.version
        else taxonomy.model_copy(update={"version": version})
    )


def layered_version(version: str, layers: Sequence[tuple[Path, str, str | None]]) -> str:
    """The merged taxonomy's version naming the files layered on it, each as its name and
    the start of its content's hash: ``2026.12.0+mine@1a2b3c``. A layer that sets its own
    ``version:`` names the result itself; later layers are added to it."""
    names: list[str] = []
    for path, text, own in layers:
        if own is not None:
            names = []  # the merged version is this file's (or a later file's) own
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
        stem = re.sub(r"[^0-9A-Za-z._-]+", "-", path.stem).strip("-") or "layer"
        names.append(f"{stem}@{digest}")
    return "+".join([version, *names])


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    more = exc.error_count() - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
