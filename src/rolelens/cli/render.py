"""Rich rendering of a reading for people at a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rolelens.core.models import Evidence, Reading
from rolelens.md import NO_MENTION, PRIORS_NOTE, seniority_line, words_line
from rolelens.taxonomy.models import Taxonomy

_BAR = 30
_CONTEXT_LINES = 14


def render_reading(
    reading: Reading, text: str, taxonomy: Taxonomy, console: Console | None = None
) -> None:
    """Print the reading: verdict, role bars, flags, evidence table and highlighted text."""
    console = console or Console()
    undetermined = reading.undetermined_reason is not None
    if undetermined:
        head = Text.assemble(
            ("By the work: ", "bold"),
            ("undetermined", "bold red"),
            f" — {reading.undetermined_reason}",
        )
    else:
        head = Text.assemble(
            ("By the work: ", "bold"),
            (taxonomy.role(reading.role).name, "bold green"),
            f"  ({reading.confidence:.0%})",
        )
    title = reading.title
    title_says = (
        "no title given"
        if not title.text
        else f"'{title.text}' reads as "
        + (
            "ambiguous"
            if title.role == "ambiguous"
            else (taxonomy.role(title.role).name if title.role else "no known role")
        )
    )
    lines: list[Text] = [head, Text(f"Title: {title_says}")]
    if reading.mismatch:
        lines.append(Text("MISMATCH: " + (reading.mismatch_reason or ""), style="bold yellow"))
    if reading.hybrid:
        lines.append(
            Text("HYBRID (ML + GenAI): " + (reading.hybrid_reason or ""), style="bold magenta")
        )
    seniority = seniority_line(reading.seniority, reading.seniority_basis)
    lines.append(Text(f"Seniority: {seniority}", style="dim"))
    # which numbers read it: a refit layered with --taxonomy shows in the version
    lines.append(
        Text(f"Scorer {reading.scorer_version}, taxonomy {reading.taxonomy_version}", style="dim")
    )
    console.print(Panel(Group(*lines), title="rolelens", expand=False))

    bars = Table.grid(padding=(0, 1))
    for role, p in sorted(reading.scores.items(), key=lambda kv: -kv[1]):
        if p < 0.01:
            continue
        filled = round(p * _BAR)
        bars.add_row(
            taxonomy.role(role).name,
            Text(
                "█" * filled + "·" * (_BAR - filled),
                style="green" if role == reading.role else "blue",
            ),
            f"{p:6.1%}",
        )
    if undetermined:
        console.print(PRIORS_NOTE, style="dim")
    console.print(bars)
    if undetermined and not any(e.contributions for e in reading.evidence):
        return

    shown = reading.secondary if undetermined and reading.secondary else reading.role
    top_name = taxonomy.role(shown).name
    table = Table(title=f"Strongest evidence for {top_name}", show_lines=False)
    table.add_column("as written", overflow="fold", max_width=28)
    table.add_column("evidence item", overflow="fold", max_width=30)
    table.add_column("where", overflow="fold", max_width=22)
    table.add_column("points", justify="right")
    counted = sorted(
        (e for e in reading.evidence if e.contributions.get(shown, 0) > 0),
        key=lambda e: -e.contributions[shown],
    )
    for ev in counted[:15]:
        table.add_row(ev.text, ev.label, ev.place(), f"{ev.contributions[shown]:+.2f}")
    set_aside = [e for e in reading.evidence if e.negated]
    if counted:
        console.print(table)
    else:  # an undetermined reading whose mentions all point elsewhere: no empty table
        console.print(f"Strongest evidence for {top_name}: {NO_MENTION}", style="dim")
    said = words_line(reading.words, top_name, quote="'{}'")
    if said is not None:
        console.print(said, style="dim", markup=False)
    if set_aside:
        console.print(
            "Set aside as negated: " + ", ".join(f"'{e.text}'" for e in set_aside[:8]), style="dim"
        )
    console.print(Panel(_highlight(text, reading.evidence), title="the text, evidence highlighted"))


def _highlight(text: str, evidence: list[Evidence]) -> Text:
    """The lines holding evidence (with a little context), spans highlighted."""
    rich = Text(text)
    keep: set[int] = set()
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    for ev in evidence:
        if ev.section == "title":  # its span is in the title, not in this text
            continue
        style = "strike dim" if ev.negated else ("bold yellow" if ev.contributions else "dim")
        rich.stylize(style, ev.start, ev.end)
        if ev.contributions:
            keep.add(_line_of(line_starts, ev.start))
    if len(line_starts) <= _CONTEXT_LINES * 2:
        return rich
    lines = rich.split("\n")
    out = Text()
    last = -2
    for n in sorted(keep):
        if n != last + 1:
            out.append("…\n", style="dim")
        out.append_text(lines[n])
        out.append("\n")
        last = n
    return out


def _line_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
