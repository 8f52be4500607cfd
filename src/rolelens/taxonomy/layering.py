"""How a layered taxonomy file changes the blocks under it: items by id, settings one by one.

A ``reading:``, ``scoping:``, ``cv:`` or ``semantic:`` block in a file layered with
``--taxonomy`` is a *patch* of the block below it, not a new block:

- a setting it gives replaces the one below (``null`` clears an optional one, such as
  ``scoping.fit``); the settings it leaves out stay as they were;
- a mapping (``role_bias``, ``section_headings``, ``use_weights`` ...) changes the keys it
  gives, one by one;
- a group of settings (``scoping.volume``, ``scoping.pay``, ``cv.fit`` ...) is patched the
  same way, setting by setting;
- a list of items with ids (scoping steps, cues, failure modes and facts, profiles by their
  ``role``; CV entry kinds, interests and learning concepts; semantic activities; and inside
  groups ``scoping.pay.ranges`` and ``cv.fit.bands``) changes by id: an item with an id
  already there replaces that item whole (as evidence items do), a new id is added at the
  end, and ``remove: {cues: [id, ...]}`` drops items;
- any other list (the terms of a cue, ``outcomes``, ``negation_terms``) is replaced whole;
- the fitted layers (``scoping.fit``, ``scoping.semantic_fit``) are replaced whole.

Each patch is validated as it is read (an item in full, a setting against its bounds), the
layered block as a whole after the last file.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo

from rolelens.taxonomy.base import Strict


class Patch(Strict):
    """A layered file's block: every setting optional, items validated whole."""

    #: the model this patches
    patches: typing.ClassVar[type[Strict]]
    #: list field -> the item field that identifies an item in it
    keyed: typing.ClassVar[dict[str, str]]


_PATCHES: dict[type[Strict], type[Patch]] = {}


def patch_model(model: type[Strict]) -> type[Patch]:
    """The patch form of a block model: every field optional, groups of settings patched in
    turn, lists of items with ids changed by id (and a ``remove`` of ids per such list)."""
    cached = _PATCHES.get(model)
    if cached is not None:
        return cached
    fields: dict[str, Any] = {}
    keyed: dict[str, str] = {}
    for name, info in model.model_fields.items():
        inner = _without_none(info.annotation)
        if _is_settings(inner):
            nested = patch_model(typing.cast(type[Strict], inner))
            fields[name] = (nested | None, FieldInfo(default=None, description=info.description))
            continue
        key = _item_key(_list_item(inner))
        if key is not None:
            keyed[name] = key
        annotation: Any = info.annotation
        fields[name] = (annotation | None, FieldInfo.merge_field_infos(info, default=None))
    if keyed:
        names = tuple(keyed)
        fields["remove"] = (
            dict[Literal[names], list[str]] | None,  # type: ignore[valid-type]
            FieldInfo(default=None, description="ids of items to drop, per list"),
        )
    patch = create_model(
        f"{model.__name__}Patch",
        __base__=Patch,
        __doc__=f"A layered file's patch of {model.__name__}.",
        **fields,
    )
    patch.patches = model
    patch.keyed = keyed
    _PATCHES[model] = patch
    return patch


def layer(below: Mapping[str, Any] | None, patch: Patch) -> dict[str, Any]:
    """The block ``below`` (raw: settings and validated items) with ``patch`` laid over it.

    Raises ValueError when the patch repeats an id or removes one the block does not have.
    """
    out = dict(below or {})
    for name in patch.model_fields_set - {"remove"}:
        value = getattr(patch, name)
        old = out.get(name)
        if isinstance(value, Patch):
            out[name] = layer(old if isinstance(old, Mapping) else None, value)
        elif isinstance(value, dict) and isinstance(old, Mapping):
            out[name] = {**old, **value}
        elif name in patch.keyed and isinstance(value, list) and isinstance(old, list):
            out[name] = _by_key(name, patch.keyed[name], old, value)
        else:
            out[name] = value
    removals: dict[str, list[str]] = getattr(patch, "remove", None) or {}
    for name, ids in removals.items():
        key = patch.keyed[name]
        items = out.get(name) or []
        unknown = sorted(set(ids) - {getattr(i, key) for i in items})
        if unknown:
            raise ValueError(f"remove.{name} names {unknown}, which the layers below lack")
        out[name] = [i for i in items if getattr(i, key) not in ids]
    return out


def _by_key(name: str, key: str, old: list[Any], new: list[Any]) -> list[Any]:
    """``old`` with each item of ``new`` in place of the one with its key, or at the end."""
    keys = [getattr(i, key) for i in new]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"{name} gives {key} {repeated} more than once")
    items = {getattr(i, key): i for i in old}
    items.update(zip(keys, new, strict=True))
    return list(items.values())


def _without_none(annotation: Any) -> Any:
    """``X`` for ``X | None``; the annotation itself otherwise."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_settings(annotation: Any) -> bool:
    """A group of settings patched setting by setting (not fitted numbers kept whole)."""
    return (
        isinstance(annotation, type)
        and issubclass(annotation, Strict)
        and not annotation.layer_whole
    )


def _list_item(annotation: Any) -> Any:
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return item
    return None


def _item_key(item: Any) -> str | None:
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        return None
    if isinstance(item, type) and issubclass(item, Strict) and item.layer_key is not None:
        return item.layer_key
    return "id" if "id" in item.model_fields else None
