"""Career advice: the seeds' paths, likes, gaps against core skills, the learning path order."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from rolelens.core.career import CareerAdvisor
from rolelens.schemas import schema_text
from rolelens.taxonomy.models import Taxonomy

CVS = Path(__file__).parent / "data" / "cvs"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def advisor(taxonomy: Taxonomy) -> CareerAdvisor:
    return CareerAdvisor(taxonomy)


def _cv(name: str) -> str:
    return (CVS / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("cv", "likes", "target"),
    [
        ("software_engineer", "", "ai_engineer"),  # shipping software: AI engineer first
        ("software_engineer", "I love maths, research papers and training models", "ml_engineer"),
        ("software_engineer", "autonomy and orchestrating tools and agents", "agentic_ai_engineer"),
        (
            "software_engineer",
            "working with customers and delivery on site",
            "forward_deployed_engineer",
        ),
        ("data_scientist", "", "ml_engineer"),
        ("rpa_developer", "", "agentic_ai_engineer"),
        ("ml_engineer", "", "ml_engineer"),
        ("ai_engineer", "", "ai_engineer"),
    ],
)
def test_career_target(advisor: CareerAdvisor, cv: str, likes: str, target: str) -> None:
    advice = advisor.advise(_cv(cv), today=TODAY, likes=likes)
    assert advice.target_role == target
    assert abs(sum(advice.scores.values()) - 1) < 1e-3
    if likes:
        assert any(s.role == target for s in advice.interests)
        assert "you enjoy" in advice.reason


def test_career_gaps_and_strengths(advisor: CareerAdvisor, taxonomy: Taxonomy) -> None:
    advice = advisor.advise(_cv("software_engineer"), today=TODAY)
    skills = taxonomy.role("ai_engineer").core_skills
    assert [g.skill for g in advice.gaps] == skills
    statuses = {g.skill: g.status for g in advice.gaps}
    assert statuses[skills[1]] == "missing"  # retrieval: nothing in a backend CV
    assert statuses[skills[7]] == "shown"  # production software: the CV ships APIs
    assert advice.strengths == [g.skill for g in advice.gaps if g.status == "shown"]


def test_career_learning_path_durable_concepts_first(advisor: CareerAdvisor) -> None:
    advice = advisor.advise(_cv("software_engineer"), today=TODAY)
    path = advice.learning_path
    assert [s.step for s in path] == list(range(1, len(path) + 1))
    durable = [s.durable for s in path]
    assert durable == sorted(durable, reverse=True)  # every durable step before any framework
    concepts = [s.concept for s in path]
    for early, late in [
        ("llm_behaviour", "embeddings"),
        ("embeddings", "retrieval"),
        ("retrieval", "evaluation"),
        ("evaluation", "llm_frameworks"),
    ]:
        assert concepts.index(early) < concepts.index(late)
    jsonschema.validate(advice.model_dump(mode="json"), json.loads(schema_text("career")))


def test_career_path_skips_what_the_work_shows(advisor: CareerAdvisor) -> None:
    advice = advisor.advise(_cv("ai_engineer"), today=TODAY)
    concepts = {s.concept for s in advice.learning_path}
    assert "retrieval" not in concepts and "evaluation" not in concepts
    refresh = {s.concept: s.status for s in advice.learning_path}
    assert refresh.get("embeddings") == "refresh"  # listed in skills, never shown in work


def test_career_role_skills_mirror_the_roles(taxonomy: Taxonomy) -> None:
    assert taxonomy.cv is not None
    for role, skills in taxonomy.cv.role_skills.items():
        assert [s.skill for s in skills] == taxonomy.role(role).core_skills, role


# -- issue 15 ---------------------------------------------------------------------------
def test_issue15_name_only_cv_gets_no_advice(advisor: CareerAdvisor) -> None:
    advice = advisor.advise("Jonas Velde\n", today=TODAY, likes="maths and research")
    assert advice.target_role == "undetermined" and advice.undetermined_reason
    assert advice.gaps == [] and advice.learning_path == [] and advice.strengths == []
    assert advice.alternatives == [] and advice.scores == {}
    jsonschema.validate(advice.model_dump(mode="json"), json.loads(schema_text("career")))


def test_issue15_degree_and_outcome_statements_are_shown(advisor: CareerAdvisor) -> None:
    # an M.Sc. in Statistics shows statistics; "Ran 40+ A/B tests" shows A/B testing
    advice = advisor.advise(_cv("senior_ml_engineer"), today=TODAY)
    assert advice.target_role == "ml_engineer"
    concepts = {s.concept: s.status for s in advice.learning_path}
    assert "stats_foundations" not in concepts  # never "listed but never shown: refresh"
    assert all(s.status == "new" for s in advice.learning_path)  # nothing shown is refreshed
    shown = {e for g in advice.gaps if g.status == "shown" for e in g.evidence}
    assert "A/B testing" in shown
    uses = advisor.cv_reader.uses(advice.cv)
    assert uses["statistics_generic"] == "studied" and uses["ab_testing"] == "shipped"
    # no gap contradicts shown work: every item of a gap that is not shown is unshown
    for gap in advice.gaps:
        if gap.status != "shown":
            skill = next(s for s in advisor.cues.role_skills["ml_engineer"] if s.skill == gap.skill)
            assert not any(uses.get(i) in ("shipped", "described", "studied")
                           for i in skill.items)  # fmt: skip


def test_career_targets_are_the_roles_the_taxonomy_allows(
    advisor: CareerAdvisor, taxonomy: Taxonomy
) -> None:
    """Which roles advice may point to is data (Role.career_target), not ids in the code:
    the bundled taxonomy keeps 'not an engineering role' out, and a layer can drop another."""
    allowed = {r.id for r in taxonomy.roles if r.career_target}
    assert set(advisor.targets) <= allowed
    assert {r.id for r in taxonomy.roles if not r.career_target} == {"other"}
    roles = [
        r.model_copy(update={"career_target": False}) if r.id == "rpa_engineer" else r
        for r in taxonomy.roles
    ]
    narrowed = CareerAdvisor(taxonomy.model_copy(update={"roles": roles}))
    assert "rpa_engineer" not in narrowed.targets and "other" not in narrowed.targets
    assert set(narrowed.targets) == set(advisor.targets) - {"rpa_engineer"}
