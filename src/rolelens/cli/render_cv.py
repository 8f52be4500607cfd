"""Markdown for CV readings, fit reports and career advice (the terminal shows it with rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.md import md_escape, role_name

if TYPE_CHECKING:
    from rolelens.taxonomy.models import Taxonomy

_USE_NOTE = {
    "shipped": "in an outcome statement",
    "described": "in a job or project",
    "listed": "in a skills list",
    "mentioned": "elsewhere",
}


def _pct(p: float) -> str:
    return f"{p * 100:.0f}%"


def _md(text: str) -> str:
    """Text safe to drop into a Markdown line (no table breaks, emphasis, HTML or links)."""
    return md_escape(text)


def _top_scores(scores: dict[str, float], taxonomy: Taxonomy | None, n: int = 3) -> str:
    best = sorted(scores.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{role_name(taxonomy, r)} {_pct(p)}" for r, p in best)


def cv_markdown(r: CvReading, taxonomy: Taxonomy | None = None) -> str:
    """A CV reading as a Markdown document (roles by name when ``taxonomy`` is given)."""
    out = ["# CV reading", ""]
    if r.undetermined_reason is not None:
        out.append(f"**Role by shipped work:** undetermined — {_md(r.undetermined_reason)}")
    else:
        out.append(
            f"**Role by shipped work:** {role_name(taxonomy, r.role)} ({_pct(r.confidence)}); "
            f"{_top_scores(r.scores, taxonomy)}"
        )
    if r.listed_role and r.listed_role != r.role:
        out.append(f"\n**The skills list alone points to:** {role_name(taxonomy, r.listed_role)}")
    years = "unknown" if r.years_experience is None else f"{r.years_experience:g} years"
    out.append(f"\n**Experience:** {years}" + (f" ({r.seniority})" if r.seniority else ""))
    if r.years_early_career:
        out.append(
            f"\n**Internships, student jobs and volunteering:** {r.years_early_career:g} years "
            "(shown apart, counted at their weight)"
        )
    if r.years_note:
        out.append(f"\n**Years stated:** {_md(r.years_note)}")
    if r.degrees:
        out.append("\n**Degrees:** " + "; ".join(_md(d.text) for d in r.degrees))
    if r.languages:
        out.append(
            "\n**Languages:** "
            + ", ".join(f"{_md(s.language)} ({s.level or 'level not stated'})" for s in r.languages)
        )
    if r.keyword_stuffing:
        out.append(f"\n> **Keyword stuffing:** {_md(r.keyword_stuffing_reason or '')}")
    if r.redacted:
        removed = ", ".join(f"{n} {k}" for k, n in r.redactions.items() if n) or "nothing found"
        out.append(f"\n_Redacted: {removed}._")
    out += ["", "## Shipped work", ""]
    if r.outcomes:
        out += [f"- {_md(o.text)}" for o in r.outcomes]
    else:
        out.append("No outcome statements (a delivery verb with a number) in jobs or projects.")
    out += ["", "## Evidence", "", "| item | use | words | points |", "|---|---|---|---|"]
    seen: set[tuple[str, str]] = set()
    for e in sorted(r.evidence, key=lambda e: -max(e.contributions.values(), default=0.0)):
        if (e.item, e.use) in seen or not e.contributions:
            continue
        seen.add((e.item, e.use))
        top = max(e.contributions.values(), default=0.0)
        use = e.use if e.similarity is None else f"{e.use}, in other words ({e.similarity:.2f})"
        out.append(f"| {_md(e.label)} | {use} | {_md(e.text)} | {top:.2f} |")
    if r.claims:
        out += ["", "## Skills claimed", ""]
        for c in r.claims:
            shown = f"shown ({_USE_NOTE[c.shown_as]})" if c.shown and c.shown_as else "not shown"
            out.append(f"- {_md(c.label)}: {shown}")
    if r.entries:
        out += ["", "## Dated entries", ""]
        for en in r.entries:
            end = en.end_date or "present"
            kind = "" if en.kind == "professional" else f" _({en.kind.replace('_', ' ')})_"
            out.append(f"- {en.start_date} to {end} ({en.months} months): {_md(en.heading)}{kind}")
    if r.warnings:
        out += ["", "## Warnings", ""] + [f"- {_md(w)}" for w in r.warnings]
    out.append("")
    out.append(f"_taxonomy {r.taxonomy_version}, scorer {r.scorer_version}_")
    return "\n".join(out) + "\n"


def fit_markdown(f: FitReport, taxonomy: Taxonomy | None = None) -> str:
    """A fit report as a Markdown document (``taxonomy``: the same signature as the others;
    its role words come from the matcher already in names)."""
    out = ["# CV fit", ""]
    out.append(
        f"**Fit:** {f.fit_label} ({f.fit_score:.2f}); requirements covered {_pct(f.coverage)}"
    )
    if f.fit_band == "undetermined":
        out[-1] = f"**Fit:** cannot tell; requirements covered {_pct(f.coverage)}"
    out.append(f"\n**Role alignment:** {f.alignment}: {_md(f.alignment_reason)}")
    if f.penalties:
        out.append("\n**Taken off:** " + ", ".join(f"{k} {v:.2f}" for k, v in f.penalties.items()))
    if f.keyword_stuffing and f.cv.keyword_stuffing_reason:
        out.append(f"\n> **Keyword stuffing:** {_md(f.cv.keyword_stuffing_reason)}")
    out += [
        "",
        f"## Requirements ({f.covered} covered, {f.partly} partly, {f.missing} missing"
        + (f", {f.cannot_tell} cannot tell from a CV" if f.cannot_tell else "")
        + ")",
        "",
    ]
    out += ["| requirement | level | status | the CV's words |", "|---|---|---|---|"]
    for q in f.requirements:
        words = "; ".join(q.evidence) if q.evidence else "—"
        if q.note:
            words = f"{q.note}: {words}" if q.evidence else q.note
        if q.similar is not None:
            words += f"; in other words ({q.similar.similarity:.2f}): {q.similar.text}"
        status = "cannot tell from a CV" if q.status == "cannot_tell" else q.status
        out.append(f"| {_md(q.text)} | {q.level} | {status} | {_md(words)} |")
    if f.gaps:
        out += ["", "## Gaps", ""] + [f"- {_md(g)}" for g in f.gaps]
    if f.probes:
        out += ["", "## Interview probes", ""] + [f"- {_md(p.question)}" for p in f.probes]
    out.append("")
    out.append(f"_taxonomy {f.taxonomy_version}, scorer {f.scorer_version}_")
    return "\n".join(out) + "\n"


def career_markdown(c: CareerAdvice, taxonomy: Taxonomy | None = None) -> str:
    """Career advice as a Markdown document (roles by name when ``taxonomy`` is given)."""
    out = ["# Career advice", ""]
    if c.undetermined_reason is not None:
        out.append(f"**No advice:** {_md(c.undetermined_reason)}.")
        out.append("\nAdd the jobs and projects you have done, with what each delivered.")
        out += ["", f"_taxonomy {c.taxonomy_version}, scorer {c.scorer_version}_"]
        return "\n".join(out) + "\n"
    out.append(f"**Target:** {c.target_name}")
    out.append(f"\n**Why:** {_md(c.reason)}")
    if c.alternatives:
        out.append(
            "\n**Also worth a look:** " + ", ".join(role_name(taxonomy, a) for a in c.alternatives)
        )
    if c.interests:
        out.append(
            "\n**What you enjoy points to:** "
            + "; ".join(
                f"{s.label} → {role_name(taxonomy, s.role)} ({', '.join(s.words)})"
                for s in c.interests
            )
        )
    out += ["", "## Core skills of the target", ""]
    marks = {"shown": "shown in your work", "listed": "named, not shown", "missing": "missing"}
    for g in c.gaps:
        ev = f" ({_md(', '.join(g.evidence))})" if g.evidence else ""
        out.append(f"- **{marks[g.status]}**: {_md(g.skill)}{ev}")
    out += ["", "## Learning path", ""]
    if not c.learning_path:
        out.append("Nothing to add: your work already shows every step.")
    for s in c.learning_path:
        tag = "" if s.durable else " _(framework: learn it last)_"
        again = " _(you name it; show it in a project)_" if s.status == "refresh" else ""
        out.append(f"{s.step}. **{_md(s.label)}**{tag}{again}: {_md(s.why)}")
    out.append("")
    out.append(f"_taxonomy {c.taxonomy_version}, scorer {c.scorer_version}_")
    return "\n".join(out) + "\n"


def show(markdown: str) -> None:
    """Print a Markdown document at the terminal."""
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(markdown))
