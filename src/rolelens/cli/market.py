"""``rolelens market``: a corpus of postings into readings, aggregates and a report.

``rolelens market CORPUS... --out DIR`` is short for ``rolelens market run CORPUS... --out
DIR``; ``rolelens market report DIR`` re-renders the report from the folder's database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from rolelens.cli.common import TaxonomyOption, taxonomy_from


class _DefaultRun(TyperGroup):
    """A group whose first argument, when it names no sub-command, goes to ``run``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    cls=_DefaultRun,
    help="A corpus of postings into role-by-work trends, title-vs-work mismatch, skills and pay.",
    no_args_is_help=True,
)

_CORPUS = typer.Argument(
    ...,
    help="Corpus files or folders: .jsonl(.gz), .csv(.gz), .tsv, .parquet, "
    ".json/.jsonld (JSON-LD), .html pages with JobPosting JSON-LD.",
    show_default=False,
)
_OUT = typer.Option(..., "--out", "-o", help="Output folder (created; resumed if unfinished).")
_FOLDER = typer.Argument(
    ..., help="A market output folder (holding market.duckdb).", show_default=False
)


@app.command("run")
def run(
    corpus: list[str] = _CORPUS,
    out: Path = _OUT,
    engine: str = typer.Option("local", "--engine", help="local (all cores) or spark."),
    jobs: int = typer.Option(
        0, "--jobs", "-j", help="Worker processes for the local engine (0: all cores)."
    ),
    limit: int = typer.Option(0, "--limit", help="Read only the first N rows (0: all)."),
    title_col: str = typer.Option(None, "--title-col", help="Column holding the title."),
    text_col: str = typer.Option(None, "--text-col", help="Column holding the posting text."),
    date_col: str = typer.Option(None, "--date-col", help="Column holding the date or month."),
    salary_col: str = typer.Option(None, "--salary-col", help="Column holding the salary text."),
    company_col: str = typer.Option(None, "--company-col", help="Column holding the company."),
    location_col: str = typer.Option(None, "--location-col", help="Column holding the location."),
    id_col: str = typer.Option(None, "--id-col", help="Column holding the posting id."),
    source_col: str = typer.Option(
        None,
        "--source-col",
        help="Column naming each posting's source (board, site, scrape); postings are compared "
        "over time only within one source. Default: a 'source', 'site', 'board', 'platform' or "
        "'origin' column, else the file name.",
    ),
    chunk_size: int = typer.Option(
        1000, "--chunk-size", help="Rows per chunk (the unit of resuming)."
    ),
    min_support: int = typer.Option(
        20, "--min-support", help="Postings an item needs to be ranked as rising or top."
    ),
    min_n: int = typer.Option(
        30,
        "--min-n",
        help="Postings a month, row or bar needs to be named in a finding (smaller ones are "
        "drawn faded and marked 'small').",
    ),
    keep_duplicates: bool = typer.Option(
        False,
        "--keep-duplicates",
        help="Count exact and near-duplicate postings too (by default each copy of an earlier "
        "posting of the same employer is left out, and listed).",
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="Replace earlier market output in --out instead of resuming."
    ),
    spark_master: str = typer.Option(
        None, "--spark-master", help="Spark master URL (default local[*])."
    ),
    taxonomy: list[Path] = TaxonomyOption,
) -> None:
    """Read every posting of a corpus; write readings.parquet, market.duckdb and report.html."""
    from rolelens.io.corpus import Columns
    from rolelens.market.engine import RunOptions
    from rolelens.market.engines import engine_named

    try:
        runner = engine_named(engine, spark_master=spark_master)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--engine") from exc
    if chunk_size < 1 or limit < 0 or jobs < 0 or min_support < 1 or min_n < 1:
        raise typer.BadParameter(
            "--chunk-size, --min-support and --min-n must be >= 1; --limit, --jobs >= 0"
        )
    if taxonomy:
        # a user's layer may hold numbers fitted under another scorer: said once, here (the
        # engine's workers load the taxonomy themselves, and the bundled one is never stale)
        taxonomy_from(taxonomy, scoping=False)
    opts = RunOptions(
        inputs=tuple(corpus),
        out=out,
        columns=Columns(
            id=id_col,
            title=title_col,
            text=text_col,
            date=date_col,
            salary=salary_col,
            company=company_col,
            location=location_col,
            origin=source_col,
        ),
        jobs=jobs or None,
        limit=limit or None,
        chunk_size=chunk_size,
        taxonomy_files=tuple(str(t) for t in taxonomy or ()),
        fresh=fresh,
        min_support=min_support,
        min_n=min_n,
        keep_duplicates=keep_duplicates,
    )
    if runner.reports_progress:
        with _ProgressBar() as bar:
            summary = runner.run(opts, progress=bar.update)
    else:
        summary = runner.run(opts)
    errors = sum(summary.errors.values())
    dups = sum(summary.duplicates.values())
    typer.echo(
        f"{summary.rows:,} rows, {summary.readings:,} read, {dups:,} duplicates left out, "
        f"{errors:,} errors "
        f"in {summary.seconds:,.1f} s ({summary.engine}, {summary.jobs} process(es)"
        + (f", {summary.chunks_resumed} chunk(s) resumed" if summary.chunks_resumed else "")
        + ")",
        err=True,
    )
    if errors:
        codes = ", ".join(f"{code} {n:,}" for code, n in sorted(summary.errors.items()))
        typer.echo(
            f"rows that could not be read: {codes} (error rows in readings.parquet)", err=True
        )
    typer.echo(str(out / "report.html"))


@app.command("report")
def report(
    folder: Path = _FOLDER,
) -> None:
    """Re-render report.html from a market output folder's DuckDB database."""
    from rolelens.extras import require_market
    from rolelens.market.report import write_report
    from rolelens.market.store import DB_NAME

    require_market()
    if not (folder / DB_NAME).is_file():
        raise typer.BadParameter(f"{folder} holds no {DB_NAME}: run `rolelens market` first")
    import duckdb

    try:
        typer.echo(str(write_report(folder)))
    except duckdb.CatalogException as exc:  # a database from before a table was added
        raise typer.BadParameter(
            f"{folder / DB_NAME} was written by an older rolelens; run `rolelens "
            "market` over the corpus again with --fresh"
        ) from exc


class _ProgressBar:
    """A Rich progress bar with rate and ETA on stderr (silent when stderr is not a terminal)."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _ProgressBar:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("reading postings"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("market", total=None)
        return self

    def update(self, done: int, total: int | None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
