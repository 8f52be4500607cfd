"""The tree of rolelens errors drawn from the classes, with each one's code, exit and HTTP status.

errors.py's docstring and docs/errors.md show this drawing; ``tests/test_docs.py`` fails when
either differs from :func:`error_tree`, so a class moved to another parent is a docs diff.
"""

from __future__ import annotations

from rolelens import errors
from rolelens.errors import RolelensError


def error_classes() -> list[type[RolelensError]]:
    """Every error class in ``rolelens.errors``, in the order they are defined."""
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, RolelensError)
    ]


def parent(cls: type[RolelensError]) -> type[RolelensError]:
    """The class's parent in the tree: its one base that is a rolelens error."""
    (base,) = [b for b in cls.__bases__ if issubclass(b, RolelensError)]
    return base


def error_tree() -> str:
    """The tree as text: a header, then one line per class under its parent, in defined order."""
    classes = error_classes()
    children: dict[type[RolelensError], list[type[RolelensError]]] = {}
    for cls in classes:
        if cls is not RolelensError:
            children.setdefault(parent(cls), []).append(cls)
    rows: list[tuple[str, type[RolelensError]]] = [("", RolelensError)]

    def draw(parent: type[RolelensError], indent: str) -> None:
        kids = children.get(parent, [])
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            rows.append((indent + ("└── " if last else "├── "), kid))
            draw(kid, indent + ("    " if last else "│   "))

    draw(RolelensError, "")
    name_width = max(len(prefix) + len(cls.__name__) for prefix, cls in rows) + 2
    code_width = max(len(cls.code) for _, cls in rows) + 2
    lines = [f"{'class':<{name_width}}{'code':<{code_width}}exit  http"]
    for prefix, cls in rows:
        name = prefix + cls.__name__
        code = f"{cls.code:<{code_width}}"
        lines.append(f"{name:<{name_width}}{code}{cls.exit_code:<6}{cls.http_status}")
    return "\n".join(lines) + "\n"
