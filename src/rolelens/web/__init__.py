"""The HTTP API and web page (``rolelens serve``; needs the ``serve`` extra).

``create_app`` is imported lazily so that ``rolelens.web.settings`` works without FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rolelens.web.app import create_app as create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from rolelens.web.app import create_app

        return create_app
    raise AttributeError(name)
