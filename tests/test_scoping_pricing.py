"""The scoping package's pricing and hiring rooms, read on their own (the scoper's golden
files and budget tests cover them end to end)."""

from __future__ import annotations

from rolelens.core.figures import FigureBook
from rolelens.core.scoping.hiring import interview_loop, job_description, lower_first, role_info
from rolelens.core.scoping.outcomes import is_ai_hire, outcome_name
from rolelens.core.scoping.pricing import Pricing, level_rank
from rolelens.core.scoping_models import ScopingForm
from rolelens.core.text import fold
from rolelens.taxonomy.loader import load_taxonomy
from rolelens.taxonomy.models.scoping import HYBRID

TAX = load_taxonomy()
PRICING = Pricing(TAX, FigureBook(TAX))


def test_pricing_region_from_the_form_then_the_brief_then_the_default() -> None:
    assert PRICING.region(ScopingForm(region="Germany"), "") == "Germany"
    assert PRICING.region(None, fold("Our two plants in Munich and Hamburg ...")) == "Germany"
    assert PRICING.region(None, fold("We sell garden furniture.")) == "US"  # the default


def test_pricing_says_plainly_when_no_figure_covers_the_region() -> None:
    note = PRICING.pay_note("ml_engineer", "Germany")
    assert note is not None and "No sourced pay figure for Germany" in note
    assert PRICING.pay_note("ml_engineer", "US") is None


def test_pricing_hybrid_pay_applies_the_premium_once() -> None:
    bands, _ = PRICING.salary(HYBRID, "US", "senior")
    hybrid = [b for b in bands if b.role == HYBRID]
    assert len(hybrid) == 1 and "premium" in hybrid[0].label
    lines = PRICING.cost(HYBRID, [HYBRID, "ml_engineer"], {HYBRID: 0.8, "ml_engineer": 0.2},
                         "US", "senior")  # fmt: skip
    assert lines[0].amount == hybrid[0].amount  # the cost line is the same derived figure


def test_pricing_an_ai_hire_is_costed_beside_an_alternative() -> None:
    lines = PRICING.cost(
        "ai_engineer", ["ai_engineer", "data_engineer_bi"],
        {"ai_engineer": 0.7, "data_engineer_bi": 0.3}, "US", "mid",
    )  # fmt: skip
    assert [ln.role for ln in lines] == ["ai_engineer", "data_engineer_bi"]
    assert lines[0].ai_hire and not lines[1].ai_hire


def test_hiring_rooms_use_the_role_profiles() -> None:
    assert outcome_name(TAX, None) == "" and is_ai_hire(TAX, HYBRID)
    info = role_info(TAX, "ml_engineer")
    assert info["core_skills"] and info["stack"]
    assert TAX.scoping is not None
    profile = next(p for p in TAX.scoping.profiles if p.role == "ml_engineer")
    jd = job_description(profile, "ML engineer", "senior", info, "We want to stop fraud.")
    assert jd.title.startswith("Senior") and jd.first_project == "We want to stop fraud."
    loop = interview_loop(profile, TAX.scoping.interview, info)
    assert len(loop.probes) == len(info["core_skills"]) and loop.stages[0].name
    assert lower_first("LLM features") == "LLM features" and lower_first("Feature") == "feature"
    assert level_rank("junior") < level_rank("mid") < level_rank("senior")
