"""Checks for the optional packages the market lens needs, with an install hint."""

from __future__ import annotations

import importlib.util

from rolelens.errors import ExtraMissing


def _require(modules: tuple[str, ...], extra: str, what: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ExtraMissing(f"{what} needs {', '.join(missing)}: pip install 'rolelens[{extra}]'")


def require_pyarrow() -> None:
    """Raise :class:`ExtraMissing` unless pyarrow is installed."""
    _require(("pyarrow",), "market", "reading Parquet and writing market output")


def require_market() -> None:
    """Raise :class:`ExtraMissing` unless the ``market`` extra is installed."""
    _require(
        ("pyarrow", "duckdb", "statsmodels", "scipy", "datasketch", "xlsxwriter", "resvg_py"),
        "market",
        "rolelens market",
    )


def require_spark() -> None:
    """Raise :class:`ExtraMissing` unless the ``spark`` extra (pyspark, pandas) is installed."""
    _require(("pyspark", "pandas", "pyarrow"), "spark", "--engine spark")
