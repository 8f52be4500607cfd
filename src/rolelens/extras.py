"""Checks for optional packages (the extras), each with its install hint: one
:func:`require_extra` for every feature that needs one."""

from __future__ import annotations

import importlib.util

from rolelens.errors import ExtraMissing


def require_extra(modules: tuple[str, ...], extra: str, what: str) -> None:
    """Raise :class:`ExtraMissing` naming the missing modules and the extra that brings them."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ExtraMissing(f"{what} needs {', '.join(missing)}: pip install 'rolelens[{extra}]'")


def require_pyarrow() -> None:
    """Raise :class:`ExtraMissing` unless pyarrow is installed."""
    require_extra(("pyarrow",), "market", "reading Parquet and writing market output")


def require_market() -> None:
    """Raise :class:`ExtraMissing` unless the ``market`` extra is installed."""
    require_extra(
        ("pyarrow", "duckdb", "statsmodels", "scipy", "datasketch", "xlsxwriter", "resvg_py"),
        "market",
        "rolelens market",
    )


def require_spark() -> None:
    """Raise :class:`ExtraMissing` unless the ``spark`` extra (pyspark, pandas) is installed."""
    require_extra(("pyspark", "pandas", "pyarrow"), "spark", "--engine spark")
