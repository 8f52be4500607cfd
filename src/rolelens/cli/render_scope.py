"""Render a scoping at a terminal (rich); the Markdown is :mod:`rolelens.render.scoping`.

Every sourced number goes through :func:`figure_line`, which prints the number and its
sources on one line: no figure reaches a reader without where it came from.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rolelens.core.scoping_models import Scoping
from rolelens.render.scoping import (
    MAX_SIGNALS,
    distinct,
    figure_line,
    one_line,
    pct,
    points_text,
)


def render_scoping(s: Scoping, console: Console | None = None) -> None:
    """Print the scoping at a terminal: verdict, steps, alternatives, warnings, what follows."""
    console = console or Console()
    if s.undetermined:
        head = [
            Text.assemble(("Hire: ", "bold"), ("not decided", "bold yellow")),
            Text(
                f"The brief states too few facts to choose (it leans to {s.leading}, "
                f"{pct(s.confidence)}). Answer the questions below and scope again.",
            ),
        ]
    else:
        head = [
            Text.assemble(
                ("Hire: ", "bold"), (s.name, "bold green"), f"  (confidence {pct(s.confidence)})"
            ),
            Text(f"Level {s.level}; pay shown for {s.region}", style="dim"),
        ]
    if s.no_ai_hire:
        head.append(Text(s.no_ai_hire, style="bold yellow"))
    console.print(Panel(Group(*head), title="rolelens scope", expand=False))
    steps = Table(title="The procedure, step by step", show_lines=True, expand=True)
    steps.add_column("step", ratio=1)
    steps.add_column("finding and the brief's words", ratio=4)
    for step in s.steps:
        body = Text(step.finding, style="" if step.found else "dim")
        for sig in distinct(step.signals)[:MAX_SIGNALS]:
            body.append(f'\n  "{one_line(sig.quote.text)}"', style="yellow")
            pts = points_text(sig.points)
            if pts:
                body.append(f"  {pts}", style="dim")
        steps.add_row(step.title, body)
    console.print(steps)
    for step in s.steps:
        for fig in step.figures:
            console.print(Text("Threshold: " + figure_line(fig), style="dim"), soft_wrap=True)
    if s.alternatives:
        alts = Table(
            "alternative", "probability", "would win when", title="Alternatives", expand=True
        )
        for a in s.alternatives:
            alts.add_row(
                a.name + ("" if a.ai_hire else " (no AI hire)"), pct(a.probability), a.wins_when
            )
        console.print(alts)
    for warn in s.warnings:
        lines: list[Text] = [Text(warn.message)]
        if warn.because:
            lines.append(
                Text(
                    "Raised by: " + ", ".join(f'"{one_line(q.text)}"' for q in warn.because),
                    style="yellow",
                )
            )
        console.print(Panel(Group(*lines), title=f"WARNING: {warn.title}", border_style="red"))
        for fig in warn.figures:
            console.print(Text("  " + figure_line(fig), style="dim"), soft_wrap=True)
    if s.questions:
        console.print(Text("Questions to ask", style="bold"))
        for q in s.questions:
            console.print(f"  • {q.text}", soft_wrap=True)
    if s.undetermined:
        return
    console.print(Text("What follows", style="bold"))
    console.print(f"  Stack: {', '.join(s.stack)}", soft_wrap=True)
    console.print(f"  KPIs: {'; '.join(s.kpis)}", soft_wrap=True)
    console.print(f"  Evaluation metrics: {'; '.join(s.eval_metrics)}", soft_wrap=True)
    console.print(Text(f"Pay ({s.region})", style="bold"))
    if s.pay_note:
        console.print(Text(f"  {s.pay_note}", style="yellow"), soft_wrap=True)
    if not s.salary:
        console.print(f"  No source in the taxonomy gives pay for {s.name}.")
    for band in s.salary:
        console.print("  " + figure_line(band.amount, band.label), soft_wrap=True, markup=False)
    for band in s.comparisons:
        console.print("  " + figure_line(band.amount, band.label), soft_wrap=True, markup=False)
    console.print(Text("Cost", style="bold"))
    for line in s.cost:
        kind = "AI hire" if line.ai_hire else "no AI hire"
        if line.amount is not None:
            console.print(
                f"  {line.name} ({kind}, {line.basis}): {figure_line(line.amount)}",
                soft_wrap=True,
                markup=False,
            )
        else:
            console.print(f"  {line.name} ({kind}): not priced by any source.", soft_wrap=True)
        if line.note:
            console.print(f"    {line.note}", style="dim", soft_wrap=True)
    if s.budget is not None:
        console.print(
            f'  Budget ("{one_line(s.budget.text)}"): {s.budget.verdict}',
            soft_wrap=True,
            markup=False,
        )
    jd, loop = s.job_description, s.interview_loop
    if jd is not None and loop is not None:
        # the terminal stays short: the whole JD and interview loop are in --format md / --json
        console.print(Text(f"Job description draft: {jd.title}", style="bold"))
        console.print(f"  {jd.summary}", soft_wrap=True)
        stages = "; ".join(stage.name for stage in loop.stages)
        console.print(f"  Interview loop: {stages}.", soft_wrap=True)
        console.print(
            Text(
                "The full job description and the probing questions per skill: "
                "--format md or --json.",
                style="dim",
            )
        )
