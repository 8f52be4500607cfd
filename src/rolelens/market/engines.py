"""The market engines behind one base: the CLI (and any caller) picks one by name.

An engine turns :class:`~rolelens.market.engine.RunOptions` into the output folder
(readings.parquet, market.duckdb, report.html) and returns a
:class:`~rolelens.market.models.RunSummary`. Both share the run's preparation, resuming and
final write (``market/engine.py``); they differ in who reads the postings: a process pool
on this machine, or Spark.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from rolelens.market.engine import Progress, RunOptions, run_local
from rolelens.market.models import RunSummary


class Engine(ABC):
    """One way to read a corpus into the market output folder."""

    name: ClassVar[str]
    reports_progress: ClassVar[bool] = False  # whether ``progress`` is called as rows are read

    @abstractmethod
    def run(self, opts: RunOptions, progress: Progress | None = None) -> RunSummary:
        """Read ``opts.inputs`` into ``opts.out``; resumable unless ``opts.fresh``."""


class LocalEngine(Engine):
    """A process pool on this machine (``--jobs`` processes)."""

    name = "local"
    reports_progress = True

    def run(self, opts: RunOptions, progress: Progress | None = None) -> RunSummary:
        return run_local(opts, progress=progress)


class SparkEngine(Engine):
    """PySpark (the ``spark`` extra), local mode unless ``master`` names a cluster."""

    name = "spark"

    def __init__(self, master: str | None = None) -> None:
        self.master = master

    def run(self, opts: RunOptions, progress: Progress | None = None) -> RunSummary:
        from rolelens.market.spark import run_spark  # pyspark loads only when asked for

        return run_spark(opts, master=self.master)


ENGINE_NAMES: tuple[str, ...] = (LocalEngine.name, SparkEngine.name)


def engine_named(name: str, *, spark_master: str | None = None) -> Engine:
    """The engine called ``name``; :class:`ValueError` naming the choices for another."""
    if name == LocalEngine.name:
        return LocalEngine()
    if name == SparkEngine.name:
        return SparkEngine(spark_master)
    raise ValueError(f"unknown market engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")
