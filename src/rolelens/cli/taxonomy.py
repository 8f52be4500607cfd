"""``rolelens taxonomy``: check, summarise and start a taxonomy file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from rolelens.cli.common import TaxonomyOption, stale_fit, taxonomy_from

app = typer.Typer(help="Inspect and validate taxonomies.", no_args_is_help=True)


@app.command("check")
def check(taxonomy: list[Path] = TaxonomyOption) -> None:
    """Validate the bundled taxonomy with any user files on top; print a summary."""
    tax = taxonomy_from(taxonomy, warn=False)  # said below, in the summary
    kinds = Counter(e.kind for e in tax.evidence)
    aliases = sum(len(e.aliases) for e in tax.evidence)
    typer.echo(f"{tax.name} {tax.version}: valid")
    typer.echo(
        f"  {len(tax.roles)} roles, {len(tax.evidence)} evidence items ({aliases} aliases), "
        f"{sum(len(t.patterns) for t in tax.titles)} title patterns, {len(tax.figures)} figures "
        f"from {len(tax.sources)} sources"
    )
    typer.echo("  items by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    fit = tax.fitted
    if fit is None:
        typer.echo("  numbers: hand-set")
    else:
        cv = f"; {fit.cv.n}-row grouped CV accuracy {fit.cv.accuracy:.3f}" if fit.cv else ""
        typer.echo(
            f"  numbers: fitted on {fit.rows} rows of {', '.join(fit.fitted_on)} "
            f"(sha256 {fit.sha256[:12]}, {fit.date}, seed {fit.seed}, scorer "
            f"{fit.scorer_version}){cv}"
        )
        stale = stale_fit(tax)
        if stale is not None:
            typer.echo(f"  warning: {stale}")


@app.command("roles")
def roles(taxonomy: list[Path] = TaxonomyOption) -> None:
    """List the roles with their definitions."""
    tax = taxonomy_from(taxonomy)
    for role in tax.roles:
        typer.echo(f"{role.id}: {role.name}\n  {role.definition}\n")


@app.command("template")
def template() -> None:
    """Print the commented template for a user taxonomy file."""
    from rolelens.taxonomy.loader import template_path

    typer.echo(template_path().read_text(encoding="utf-8"), nl=False)
