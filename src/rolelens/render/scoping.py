"""A scoping as Markdown a CTO can forward (the terminal view is in ``rolelens.cli``).

Every sourced number goes through :func:`figure_line`, which prints the number and its
sources on one line: no figure reaches a reader without where it came from.
"""

from __future__ import annotations

from rolelens.core.scoping_models import Scoping, Signal, SourcedFigure
from rolelens.md import md_escape

MAX_SIGNALS = 4


def cite(fig: SourcedFigure) -> str:
    """Where a figure comes from, e.g. 'source: Durapid, "AI/ML ...", 2026 [durapid_2026]'."""
    parts = [f'{s.publisher.split(" (")[0]}, "{s.title}", {s.year} [{s.id}]' for s in fig.sources]
    label = "sources" if len(parts) > 1 else "source"
    derived = f"; computed as {fig.derived}" if fig.derived else ""
    return f"{label}: " + "; ".join(parts) + derived


def figure_line(fig: SourcedFigure, label: str | None = None) -> str:
    """One figure as a single line: the number, what it is, and its sources."""
    head = f"{label}: " if label else ""
    return f"{head}{fig.text} — {fig.description} ({cite(fig)})"


def distinct(signals: list[Signal]) -> list[Signal]:
    """Signals strongest first, one per quoted span."""
    out: list[Signal] = []
    seen: set[tuple[int, int]] = set()
    for sig in sorted(signals, key=lambda g: -max((abs(v) for v in g.points.values()), default=0)):
        if (sig.quote.start, sig.quote.end) not in seen:
            seen.add((sig.quote.start, sig.quote.end))
            out.append(sig)
    return out


def one_line(text: str) -> str:
    """A quote on one line, without Markdown heading marks: safe in a table cell or a list."""
    words = " ".join(text.split())
    return " ".join(w for w in words.split(" ") if w.strip("#")) if "#" in words else words


def pct(p: float) -> str:
    # a probability, printed as a decimal so it cannot be mistaken for a sourced percentage
    return f"{p:.2f}"


def points_text(points: dict[str, float]) -> str:
    shown = sorted(((r, a) for r, a in points.items() if a), key=lambda kv: -abs(kv[1]))[:2]
    return ", ".join(f"{r} {a:+.1f}" for r, a in shown)


def scoping_markdown(s: Scoping) -> str:
    """The scoping as a Markdown document."""
    out: list[str] = []
    w = out.append
    w(f"# Scoping: {s.name}")
    w("")
    if s.undetermined:
        w(
            "**No recommendation yet:** the brief states too few facts to choose a hire "
            f"(the little it says leans to {s.leading}, probability {pct(s.confidence)}). "
            "The questions below would decide it; no job description or pay is given for an "
            "undecided hire."
        )
    else:
        w(
            f"**Recommendation:** {s.name} — confidence {pct(s.confidence)} "
            f"({s.level} level, pay shown for {s.region})."
        )
    if s.no_ai_hire:
        w("")
        w(f"> {s.no_ai_hire}")
    w("")
    w("## Why: the procedure, step by step")
    for n, step in enumerate(s.steps, start=1):
        w("")
        w(f"### {n}. {step.title}")
        w("")
        w(f"*{step.asks}*")
        w("")
        finding = md_escape(step.finding)  # it may quote the brief's numbers as written
        w(finding if step.found else f"Found nothing: {finding}")
        signals = distinct(step.signals)
        if signals:
            w("")
            for sig in signals[:MAX_SIGNALS]:
                pts = points_text(sig.points)
                quote = md_escape(one_line(sig.quote.text))
                w(f'- "{quote}" — {sig.label}' + (f" ({pts})" if pts else ""))
            if len(signals) > MAX_SIGNALS:
                w(f"- … and {len(signals) - MAX_SIGNALS} more")
        for fig in step.figures:
            w("")
            w(f"- Threshold: {figure_line(fig)}")
    w("")
    w("## Alternatives and when each would win")
    w("")
    if s.alternatives:
        w("| Hire | Probability | Would win when |")
        w("|---|---|---|")
        for a in s.alternatives:
            tag = "" if a.ai_hire else " (no AI hire)"
            w(f"| {a.name}{tag} | {pct(a.probability)} | {a.wins_when} |")
    else:
        w("No alternative carries real weight.")
    w("")
    w("## Warnings")
    w("")
    if not s.warnings:
        w("None of the known failure modes shows in the brief.")
    for warn in s.warnings:
        w(f"### {warn.title}")
        w("")
        w(warn.message)
        if warn.because:
            w("")
            w("Raised by: " + ", ".join(f'"{md_escape(one_line(q.text))}"' for q in warn.because))
        for fig in warn.figures:
            w(f"- {figure_line(fig)}")
        w("")
    w("## Questions to ask")
    w("")
    for q in s.questions:
        w(f"- {q.text}")
    if not s.questions:
        w("- None: the brief covers every step.")
    w("")
    if s.undetermined:
        w(f"---\n*rolelens scoper {s.scoper_version}, taxonomy {s.taxonomy_version}.*")
        return "\n".join(out) + "\n"
    w("## What follows")
    w("")
    w(f"**Typical stack:** {', '.join(s.stack)}")
    w("")
    w("**KPIs:**")
    for k in s.kpis:
        w(f"- {k}")
    w("")
    w("**Evaluation metrics:** " + "; ".join(s.eval_metrics))
    w("")
    w(f"### Pay ({s.region})")
    w("")
    if s.pay_note:
        w(f"> {s.pay_note}")
        w("")
    if not s.salary:
        w(f"- No source in the taxonomy gives pay for {s.name}.")
    for band in s.salary:
        proxy = f" (stands in for {band.proxy_for})" if band.proxy_for else ""
        w(f"- {figure_line(band.amount, band.label + proxy)}")
    if s.comparisons:
        w("")
        w("### Where sources disagree")
        w("")
        for band in s.comparisons:
            w(f"- {figure_line(band.amount, band.label)}")
    w("")
    w("### Cost: the recommended hire next to the cheapest adequate alternative")
    w("")
    for line in s.cost:
        kind = "AI hire" if line.ai_hire else "no AI hire"
        if line.amount is not None:
            w(f"- **{line.name}** ({kind}, {line.basis}): {figure_line(line.amount)}")
        else:
            w(f"- **{line.name}** ({kind}): not priced by any source.")
        if line.note:
            w(f"  {line.note}")
    if s.budget is not None:
        w("")
        w(f'**Budget** ("{md_escape(one_line(s.budget.text))}"): {s.budget.verdict}')
    jd = s.job_description
    loop = s.interview_loop
    assert jd is not None and loop is not None  # only an undetermined scoping lacks them
    w("")
    w(f"## Job description draft: {jd.title}")
    w("")
    w(jd.summary)
    if jd.first_project:
        w("")
        w(f'**The first problem, in the brief\'s words:** "{md_escape(jd.first_project)}"')
    w("")
    w("**What you will do:**")
    for r in jd.responsibilities:
        w(f"- {r}")
    w("")
    w("**What you have shipped:**")
    for r in jd.shipped_work:
        w(f"- {r}")
    w("")
    w(f"**Tools you will use:** {', '.join(jd.stack)}")
    w("")
    w("**How success is measured:**")
    for r in jd.success_measures:
        w(f"- {r}")
    if jd.not_required:
        w("")
        w("**Not required:** " + "; ".join(jd.not_required))
    w("")
    w("## Interview loop (tests shipped work)")
    w("")
    for n, stage in enumerate(loop.stages, start=1):
        w(f"{n}. **{stage.name}** — {stage.purpose}")
    w("")
    w("### Probing questions per core skill")
    for probe in loop.probes:
        w("")
        w(f"**{probe.skill}**")
        for question in probe.questions:
            w(f"- {question}")
    w("")
    w(f"---\n*rolelens scoper {s.scoper_version}, taxonomy {s.taxonomy_version}.*")
    return "\n".join(out) + "\n"
