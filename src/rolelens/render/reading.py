"""A reading as a Markdown document a recruiter can forward (the page's "download as Markdown")."""

from __future__ import annotations

from rolelens.core.models import Reading
from rolelens.md import NO_MENTION, PRIORS_NOTE, md_escape, role_name, seniority_line, words_line
from rolelens.taxonomy.models import Taxonomy

_MAX_EVIDENCE = 20


def _name(taxonomy: Taxonomy, role: str | None) -> str:
    return role_name(taxonomy, role)


def _cell(text: str) -> str:
    return md_escape(text)


def reading_markdown(reading: Reading, taxonomy: Taxonomy) -> str:
    """The reading as Markdown: verdict, flags, role probabilities and the strongest evidence."""
    out: list[str] = []
    w = out.append
    name = _name(taxonomy, reading.role)
    w(f"# Reading: {name}")
    w("")
    if reading.undetermined_reason is not None:
        w(f"**By the work:** undetermined — {reading.undetermined_reason}.")
    else:
        w(f"**By the work:** {name} — probability {reading.confidence:.2f}.")
    title = reading.title
    if title.text:
        w("")
        w(f"**Title:** “{_cell(title.text)}” reads as {_name(taxonomy, title.role)}.")
    if reading.mismatch:
        w("")
        w(f"> **Mismatch:** {reading.mismatch_reason or ''}")
    if reading.hybrid:
        w("")
        w(f"> **Hybrid (ML + GenAI):** {reading.hybrid_reason or ''}")
    w("")
    w(f"**Seniority:** {seniority_line(reading.seniority, reading.seniority_basis)}.")
    w("")
    w("## Role probabilities")
    w("")
    w("| Role | Probability |")
    w("|---|---|")
    for role, p in sorted(reading.scores.items(), key=lambda kv: -kv[1]):
        if p >= 0.01:
            w(f"| {_name(taxonomy, role)} | {p:.2f} |")
    if reading.undetermined_reason is not None:
        w("")
        w(f"*{PRIORS_NOTE}*")
    shown = reading.role
    if reading.undetermined_reason is not None and reading.secondary:
        shown = reading.secondary  # the role the scores lean to
    counted = sorted(
        (e for e in reading.evidence if e.contributions.get(shown, 0) > 0),
        key=lambda e: -e.contributions[shown],
    )
    w("")
    w(f"## Strongest evidence for {_name(taxonomy, shown)}")
    w("")
    if counted:
        w("| As written | Evidence item | Where | Points |")
        w("|---|---|---|---|")
        for ev in counted[:_MAX_EVIDENCE]:
            points = ev.contributions[shown]
            w(f"| {_cell(ev.text)} | {_cell(ev.label)} | {ev.place()} | {points:+.2f} |")
    else:
        w(NO_MENTION)
    said = words_line(reading.words, _name(taxonomy, shown))
    if said is not None:
        w("")
        w(said + ".")
    negated = [e for e in reading.evidence if e.negated]
    if negated:
        w("")
        w("**Set aside as negated:** " + ", ".join(f"“{_cell(e.text)}”" for e in negated[:10]))
    w("")
    w(f"---\n*rolelens scorer {reading.scorer_version}, taxonomy {reading.taxonomy_version}.*")
    return "\n".join(out) + "\n"
