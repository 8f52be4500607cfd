"""What a scoping hands the hiring manager: the role's stack and skills, a job-description
draft and an interview loop, all from the taxonomy's role profiles (no brief text is
invented; the first project is the brief's own sentence)."""

from __future__ import annotations

from rolelens.core.scoping.budget import article
from rolelens.core.scoping_models import (
    InterviewLoop,
    InterviewStage,
    JobDescription,
    SkillProbe,
)
from rolelens.taxonomy.models import Taxonomy
from rolelens.taxonomy.models.scoping import HYBRID, InterviewPlan, RoleProfile


def role_info(taxonomy: Taxonomy, top: str) -> dict[str, list[str]]:
    """The stack, KPIs, evaluation metrics and core skills of the hire (hybrid: both sides
    interleaved, ten core skills at most)."""
    assert taxonomy.scoping is not None
    scoping = taxonomy.scoping
    keys = ("stack", "kpis", "eval_metrics", "core_skills")
    if top == HYBRID:
        h = scoping.hybrid
        sides = [taxonomy.role(r) for r in (*h.model_roles, *h.llm_roles[:1])]
        merged: dict[str, list[str]] = {}
        for k in keys:
            items: list[str] = []
            lists = [list(getattr(r, k)) for r in sides]
            for i in range(max(len(x) for x in lists)):
                for x in lists:
                    if i < len(x) and x[i] not in items:
                        items.append(x[i])
            merged[k] = items
        merged["core_skills"] = merged["core_skills"][:10]
        return merged
    role = taxonomy.role(top)
    return {k: list(getattr(role, k)) for k in keys}


def job_description(
    p: RoleProfile, name: str, level: str, info: dict[str, list[str]], first_project: str | None
) -> JobDescription:
    """A job-description draft for the hire ``name`` from its profile and role info;
    ``first_project``: the brief's own sentence to start from."""
    title = p.jd_title
    if level == "senior" and not title.lower().startswith("senior"):
        title = "Senior " + title
    a = article(name)
    return JobDescription(
        title=title,
        summary=f"We are hiring {a} {name} to {' '.join(p.jd_mission.split())}.",
        first_project=first_project,
        responsibilities=info["core_skills"],
        shipped_work=list(p.shipped_work),
        stack=info["stack"],
        success_measures=info["kpis"][:5],
        not_required=list(p.not_required),
    )


def interview_loop(
    p: RoleProfile, plan: InterviewPlan, info: dict[str, list[str]]
) -> InterviewLoop:
    """The interview loop for the hire: screen, work sample, a probe per core skill, a design
    conversation and the debrief."""
    probes = [
        SkillProbe(
            skill=skill,
            questions=[t.format(skill=lower_first(skill)) for t in plan.probe_templates],
        )
        for skill in info["core_skills"]
    ]
    stages = [
        InterviewStage(
            name="Shipped-work screen", purpose=" ".join(plan.shipped_work_screen.split())
        ),
        InterviewStage(name="Work sample", purpose=" ".join(p.work_sample.split())),
        InterviewStage(
            name="Skill probes",
            purpose=f"Probe each of the {len(probes)} core skills with the questions below; "
            "ask for a concrete case every time.",
        ),
        InterviewStage(name="Design conversation", purpose=" ".join(p.design_question.split())),
        InterviewStage(name="Debrief", purpose=" ".join(plan.debrief.split())),
    ]
    return InterviewLoop(
        stages=stages,
        work_sample=" ".join(p.work_sample.split()),
        design_question=" ".join(p.design_question.split()),
        probes=probes,
        debrief=" ".join(plan.debrief.split()),
    )


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, unless it starts an acronym."""
    if len(text) > 1 and text[1].isupper():  # an acronym: keep it
        return text
    return text[:1].lower() + text[1:]
