"""Reading behaviour on the toy taxonomy: sections, levels, negation, lists, title, flags."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolelens.core.reader import PostingReader, company_spans, guess_title, opening_employers
from rolelens.core.sections import SectionSplitter
from rolelens.core.text import fold
from rolelens.taxonomy.models import Taxonomy

POSTING = """# Senior ML Engineer

## About us
We build AI agents for retail and train models for fun.

## What you'll do
- Train models in PyTorch for our ranking system.
- No RAG work: we do not use retrieval augmented generation.

## Requirements
- 6+ years of experience; machine learning in production.
- Experience with AI agents is a plus.

## Benefits
- Free RAG lunches.
"""


def by_item(reading: object) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for ev in reading.evidence:  # type: ignore[attr-defined]
        out.setdefault(ev.item, []).append(ev)
    return out


def test_reader_splits_sections_by_headings(toy_taxonomy: Taxonomy) -> None:
    sections = SectionSplitter(toy_taxonomy.reading).split(POSTING)
    kinds = [s.kind for s in sections]
    assert kinds[:1] == ["other"]  # the title heading, carved out by the reader
    assert "about_company" in kinds and "responsibilities" in kinds and "benefits" in kinds
    assert sections[0].start == 0 and sections[-1].end == len(POSTING)
    for a, b in pairwise(sections):
        assert a.end == b.start


def test_reader_about_us_and_benefits_barely_vote(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    about = [e for e in reading.evidence if e.section == "about_company"]
    assert about and all(e.factor <= 0.1 for e in about)
    benefits = [e for e in reading.evidence if e.section == "benefits"]
    assert benefits and all(not e.contributions for e in benefits)


def test_reader_negation_sets_evidence_aside(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    duties_rag = [e for e in by_item(reading)["rag"] if e.section == "responsibilities"]
    assert duties_rag and all(e.negated and not e.contributions for e in duties_rag)


def test_reader_preferred_cue_lowers_the_level(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    agents = [e for e in by_item(reading)["ai_agents"] if e.section == "requirements"]
    assert agents and agents[0].level == "preferred"


def test_reader_keyword_list_counts_less_than_a_duty(toy_reader: PostingReader) -> None:
    duty = toy_reader.read("## Responsibilities\n- Build ranking models in PyTorch every day.\n")
    listed = toy_reader.read("## Responsibilities\n- PyTorch, React, Go, C++, RAG, golang\n")
    d = next(e for e in duty.evidence if e.item == "pytorch")
    lst = next(e for e in listed.evidence if e.item == "pytorch")
    assert lst.listed and not d.listed
    assert lst.factor < d.factor


def test_reader_reads_title_and_seniority(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    assert reading.title.text == "Senior ML Engineer"
    assert reading.title_role == "ml_engineer"
    assert reading.seniority == "senior" and reading.seniority_basis == "title"
    assert reading.role == "ml_engineer"
    assert not reading.mismatch


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Senior Product Manager, AI", "senior"),
        ("Principal Program Manager", "principal"),
        ("Product Manager", None),
        ("Engineering Manager, ML", "manager"),
        ("Senior Manager, Data Science", "manager"),
    ],
)
def test_reader_manager_in_a_job_name_is_no_level(
    reader: PostingReader, title: str, level: str | None
) -> None:
    """'Manager' in 'product manager' names an individual job, not a people manager."""
    assert reader.titles.parse(title).seniority == level


def test_reader_seniority_from_years_when_title_is_silent(toy_reader: PostingReader) -> None:
    reading = toy_reader.read("We need 7+ years of Go.", title="Backend Developer")
    assert reading.seniority == "senior" and reading.seniority_basis == "years"


def test_reader_flags_mismatch_with_a_reason(toy_reader: PostingReader) -> None:
    text = (
        "## What you'll do\n- Build RAG features with retrieval augmented generation.\n"
        "- Ship AI agents. RAG evaluation. More RAG.\n"
    )
    reading = toy_reader.read(text, title="Machine Learning Engineer")
    assert reading.role == "ai_engineer"
    assert reading.title_role == "ml_engineer"
    assert reading.mismatch
    assert reading.mismatch_reason and "AI engineer" in reading.mismatch_reason


def test_reader_the_documented_mismatch_example_reads_as_documented(
    reader: PostingReader,
) -> None:
    """The API's own example (docs/service.md, the OpenAPI schema) says what it shows: an ML
    title over LLM-integration work, flagged, for reasons the body gives (not the title's own
    words)."""
    from rolelens.inputs import PostingInput

    example = PostingInput.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
    reading = reader.read(example["description"], title=example["title"])
    assert (reading.role, reading.title_role, reading.mismatch) == (
        "ai_engineer",
        "ml_engineer",
        True,
    )
    assert reading.mismatch_reason and "mentioned in the text" not in reading.mismatch_reason
    docs = (Path(__file__).parents[1] / "docs" / "service.md").read_text(encoding="utf-8")
    assert json.dumps(example["description"])[1:-1] in docs  # the curl sends the same text


def test_reader_ambiguous_title_is_never_a_mismatch(toy_reader: PostingReader) -> None:
    reading = toy_reader.read("## What you'll do\n- Build RAG features.\n", title="AI Engineer")
    assert reading.title_role == "ambiguous"
    assert not reading.mismatch


def test_reader_flags_hybrid_when_both_sides_are_central(toy_reader: PostingReader) -> None:
    text = (
        "## What you'll do\n- Train models in PyTorch; model training at scale.\n"
        "- Build RAG with retrieval augmented generation and AI agents.\n"
    )
    reading = toy_reader.read(text, title="AI Engineer")
    assert reading.hybrid and reading.hybrid_reason
    # the reason gives the smaller side's share of the two, not raw group sums that read
    # like (and can rank unlike) the role points shown beside them
    share = re.search(r"holds (\d+)% of the evidence for the two", reading.hybrid_reason)
    assert share is not None and "points" not in reading.hybrid_reason
    min_share = toy_reader.taxonomy.scoring.hybrid_min_share
    assert min_share * 100 - 0.5 <= int(share.group(1)) <= 50
    one_sided = toy_reader.read(
        "## What you'll do\n- Build RAG and AI agents.\n", title="AI Engineer"
    )
    assert not one_sided.hybrid


def test_reader_scores_are_a_distribution_over_every_role(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    assert set(reading.scores) == {"ml_engineer", "ai_engineer", "software_engineer"}
    assert abs(sum(reading.scores.values()) - 1) < 1e-3
    assert reading.confidence == max(reading.scores.values())


def test_reader_guess_title_only_takes_a_title_like_first_line() -> None:
    assert guess_title("# Data Engineer\nbody") == ("Data Engineer", len("# Data Engineer\n"))
    assert guess_title("We are hiring a great person to do many things.\n") == (None, 0)
    assert guess_title("") == (None, 0)


@given(
    st.lists(
        st.sampled_from(["", " ", "\r", "\n", "\r\n", "x" * 700, "# Data Engineer"]), max_size=12
    )
)
def test_reader_guess_title_reads_the_head_as_the_whole_text(parts: list[str]) -> None:
    """Only the text's head is split into lines: the answer is the whole text's."""
    text = "".join(parts)
    pos = 0
    expected: tuple[str | None, int] = (None, 0)
    for line in text.splitlines(keepends=True):  # what guess_title did over the whole text
        if not line.strip():
            pos += len(line)
            continue
        found, _ = guess_title(line)
        expected = (found, pos + len(line)) if found is not None else (None, 0)
        break
    assert guess_title(text) == expected


def test_reader_evidence_spans_point_into_the_text_or_the_title(toy_reader: PostingReader) -> None:
    reading = toy_reader.read(POSTING)
    assert any(ev.section == "title" for ev in reading.evidence)  # "ML" in the title
    for ev in reading.evidence:
        source = reading.title.text if ev.section == "title" else POSTING
        assert source[ev.start : ev.end] == ev.text


def test_reader_title_words_count_once_not_again_in_the_body(toy_reader: PostingReader) -> None:
    reading = toy_reader.read("# ML Engineer\n\nWe train models.\n")
    ml = [ev for ev in reading.evidence if ev.item == "machine_learning"]
    assert [ev.section for ev in ml] == ["title"]


def test_reader_generic_llm_words_count_more_when_the_job_works_with_them(
    reader: PostingReader,
) -> None:
    duties = "## Responsibilities\n- {}\n"
    worked = reader.read(duties.format("Apply large language models to billing."), title="Engineer")
    bare = reader.read(duties.format("Large language models and billing."), title="Engineer")
    (w,) = [e for e in worked.evidence if e.item == "llm_generic"]
    (b,) = [e for e in bare.evidence if e.item == "llm_generic"]
    assert w.worked_with and not b.worked_with
    assert w.factor == 2 * b.factor
    assert worked.points["ai_engineer"] > bare.points["ai_engineer"]


def test_reader_worked_with_does_not_inflate_the_hybrid_flag(reader: PostingReader) -> None:
    # Model building is central; the LLM side is generic words the job works with plus one
    # specific item. Counted at their boosted weight the LLM side would clear the hybrid bar
    # (8.4 points); counted at their bare weight (5.5) it does not.
    text = (
        "## Responsibilities\n- Train and evaluate ranking models in PyTorch on our data.\n"
        "- Fine-tune gradient boosting models and run hyperparameter tuning.\n"
        "- Build feature pipelines for model training.\n"
        "- Build features with large language models.\n- Apply generative AI to support.\n"
        "- Develop AI features for our customers.\n"
        "- Own prompt engineering for the support flow.\n"
    )
    reading = reader.read(text, title="Engineer")
    boosted = [e for e in reading.evidence if e.worked_with]
    assert len(boosted) >= 2
    assert reading.role == "ml_engineer"
    assert not reading.hybrid


@pytest.mark.parametrize(
    ("title", "role"),
    [
        # rule 1 comes first: a product manager stays one whatever the team builds
        ("Principal Product Manager, Gen AI Developer Tools", "other"),
        ("Forward Deployed Engineer, Applied AI", "forward_deployed_engineer"),
        ("RPA Developer", "rpa_engineer"),
        ("Senior AI Engineer – Intelligent Automation", "rpa_engineer"),
        ("Data Scientist, GenAI", "data_scientist"),
        ("Senior Data Engineer (AI/ML)", "data_engineer_bi"),
        ("ML Engineer - LLM", "ml_engineer"),
        ("Senior AI/ML Engineer", "ml_engineer"),
        ("Staff Software Engineer - AI/ML Platform", "ambiguous"),
        ("Research Scientist", "ambiguous"),
        ("AI Research Scientist", "ml_engineer"),
        ("Staff SRE, Agentic AI", "agentic_ai_engineer"),
        ("Software Engineer - AI Agents", "agentic_ai_engineer"),
        ("Senior Software Engineer, Generative AI", "ai_engineer"),
        ("Senior AI Engineer", "ambiguous"),
        ("Backend Engineer, AI Platform", "ambiguous"),
        ("Senior Backend Engineer", "software_engineer"),
        ("Frontend Lead (Remote)", "software_engineer"),
        ("Software Engineer, Data Platform", "ambiguous"),
        ("Founding Engineer", "ambiguous"),
        ("Engineer II", "ambiguous"),
        ("Customer Experience Agent (Evening Shift)", "other"),
        # several roles in one title: the first one named
        (
            "Acme AI - Senior Software Engineer, ML Engineer - Remote - https://acme.ai",
            "software_engineer",
        ),
        # what follows 'at' is the employer
        ("Backend Engineer at Agentic Labs", "software_engineer"),
    ],
)
def test_reader_title_rules_v2(reader: PostingReader, title: str, role: str) -> None:
    reading = reader.titles.parse(title)
    assert reading.role == role, reading
    assert reading.rule  # every verdict names the rule that gave it


def test_reader_title_rules_are_ordered_data(reader: PostingReader) -> None:
    numbers = [t.rule for t in reader.taxonomy.titles if t.role is not None]
    assert numbers == sorted(numbers) and set(numbers) <= set(range(1, 12))
    patterns = sum(len(t.patterns) for t in reader.taxonomy.titles)
    assert patterns < 2000  # a grammar of nouns and qualifiers, not generated combinations


def test_reader_empty_title_has_no_title_role(reader: PostingReader) -> None:
    assert reader.titles.parse("").role is None
    assert reader.titles.parse("Widget").role == "ambiguous"


def _evidence(reading: object, item: str) -> list[object]:
    return [e for e in reading.evidence if e.item == item]  # type: ignore[attr-defined]


def test_reader_negation_idioms_negate_nothing(reader: PostingReader) -> None:
    reading = reader.read(
        "## Responsibilities\n- Not just dashboards: build data pipelines and dbt models.\n",
        title="Engineer",
    )
    assert reading.evidence and not any(e.negated for e in reading.evidence)
    # a real negation still is one: the requirement is waived
    waived = reader.read("## Requirements\n- No prior RLHF experience required.\n", title="X")
    assert all(e.negated and not e.contributions for e in _evidence(waived, "rlhf"))


def test_reader_colleagues_are_not_the_job(reader: PostingReader) -> None:
    text = (
        "## Responsibilities\n- Collaborate with forward deployed engineers and data scientists "
        "to ship backend APIs in Go.\n"
    )
    reading = reader.read(text, title="Backend Engineer")
    (fde,) = _evidence(reading, "forward_deployed")
    assert fde.set_aside and not fde.contributions  # type: ignore[attr-defined]
    assert reading.role == "software_engineer"
    as_the_job = reader.read(
        "## Responsibilities\n- As one of our forward deployed engineers, ship fixes on site.\n",
        title="Engineer",
    )
    assert all(e.contributions for e in _evidence(as_the_job, "forward_deployed"))


@pytest.mark.parametrize(
    ("line", "theirs"),
    [
        ("Collaborate with our LLM platform team, who build RAG and agents.", ["LLM platform"]),
        ("Work alongside our MLOps team, who run Kubeflow and MLflow.", ["MLOps"]),
        ("Support the ML team.", ["ML"]),
        ("Hand over won deals to our forward deployed engineers.", ["forward deployed"]),
    ],
)
def test_reader_a_team_the_job_works_with_and_its_work_are_not_the_job(
    reader: PostingReader, line: str, theirs: list[str]
) -> None:
    """'The ML team' names people as 'ML engineers' does, and a relative clause right after
    them says what they do ('who run Kubeflow'): neither is the job's own work."""
    text = f"## Responsibilities\n- Build REST APIs in Go and PostgreSQL.\n- {line}\n"
    reading = reader.read(text, title="Backend Engineer")
    body = [e for e in reading.evidence if e.section != "title"]
    own = {"REST APIs", "Go", "PostgreSQL"}
    assert all(e.contributions for e in body if e.text in own)
    aside = [e for e in body if e.text not in own]
    assert aside and all(e.set_aside and not e.contributions for e in aside), aside
    assert any(e.text.startswith(tuple(theirs)) for e in aside)
    assert reading.role == "software_engineer" and not reading.mismatch


@pytest.mark.parametrize(
    ("line", "colleagues"),
    [
        (
            "Partner with our Engineering, Product Management and QA teams to plan releases.",
            ["Product Management", "QA"],
        ),
        (
            "Work closely with product managers, designers, and data science teams.",
            ["product managers", "data science teams"],
        ),
        ("Collaborate with Sales, Marketing & Customer Success teams.", ["Sales", "Marketing"]),
    ],
)
def test_reader_a_list_of_colleagues_shares_its_last_noun(
    reader: PostingReader, line: str, colleagues: list[str]
) -> None:
    """'Product Management and QA teams' names two teams: the people noun at a list's end
    goes with every item before it, so none of them is the job's own work."""
    text = f"## Responsibilities\n- Build REST APIs in Go and PostgreSQL.\n- {line}\n"
    reading = reader.read(text, title="Backend Engineer")
    body = [e for e in reading.evidence if e.section != "title"]
    own = {"REST APIs", "Go", "PostgreSQL"}
    assert all(e.contributions and not e.set_aside for e in body if e.text in own)
    aside = {e.text for e in body if e.set_aside == "names people the job works with, not the job"}
    assert set(colleagues) <= aside, body
    assert all(not e.contributions for e in body if e.text in aside)


def test_reader_a_colleague_takes_no_lead_duty_and_no_repeat_rank(reader: PostingReader) -> None:
    """The first duties count lead_weight times; a mention set aside as colleagues is no duty,
    so the next duty takes its place, and the job's own mention of the same item is not
    decayed as a repeat of the colleagues'."""
    duties = [
        "Work closely with the MLOps team and our data engineering teams.",
        "Build REST APIs in Go.",
        "Run PostgreSQL and Kafka in production.",
        "Own our CI/CD and Kubernetes deployments.",
        "Automate MLOps tooling for the platform.",
    ]
    text = "## Responsibilities\n" + "".join(f"- {d}\n" for d in duties)
    reading = reader.read(text, title="Platform Engineer")
    body = [e for e in reading.evidence if e.section == "responsibilities"]
    aside = [e for e in body if e.set_aside]
    assert {e.text for e in aside} >= {"MLOps", "data engineering"}
    assert not any(e.lead for e in aside)
    counted = [e for e in body if not e.set_aside]
    places = reader.taxonomy.scoring.lead_mentions
    assert len(counted) > places
    assert [e.lead for e in counted] == [i < places for i in range(len(counted))]
    # the job's own MLOps counts in full: its points are its item's weights times its factor
    (own,) = [e for e in counted if e.item == aside[0].item]
    (item,) = [i for i in reader.taxonomy.evidence if i.id == own.item]
    assert own.contributions == {
        r: pytest.approx(w * own.factor, abs=2e-3) for r, w in item.weights.items()
    }


@pytest.mark.parametrize(
    "line",
    [
        "Work with LLM APIs and our team to ship features.",  # the APIs, not the team
        "Join our ML team and train models in PyTorch.",  # 'join' is no collaboration
        # a list names colleagues only when it ends in people, and 'our team' is a phrase
        # of its own, not a noun the list's items share
        "Work with Python, SQL and Airflow to build pipelines.",
        "Work with LLM APIs, vector databases and our team to ship features.",
        "Collaborate with Product and Design; build RAG pipelines and QA teams' tools.",
    ],
)
def test_reader_a_team_named_near_the_jobs_own_work_does_not_hide_it(
    reader: PostingReader, line: str
) -> None:
    text = f"## Responsibilities\n- Build REST APIs in Go and PostgreSQL.\n- {line}\n"
    reading = reader.read(text, title="Engineer")
    body = [e for e in reading.evidence if e.section != "title"]
    assert body and not any(e.set_aside for e in body)


def test_reader_the_employers_name_is_not_evidence(reader: PostingReader) -> None:
    text = "## About Arize\nArize builds tools.\n\n## Responsibilities\n- Build React frontends.\n"
    reading = reader.read(text, title="Frontend Engineer")
    named = [e for e in reading.evidence if e.text == "Arize"]
    assert named and all(e.set_aside and not e.contributions for e in named)
    given = reader.read("Arize builds tools. Build React frontends.", title="X", company="Arize")
    assert all(not e.contributions for e in given.evidence if e.text == "Arize")


@pytest.mark.parametrize(
    ("company", "short"),
    [
        ("Arize AI", "Arize"),
        ("Grafana Labs, Inc.", "Grafana"),
        ("Kafka Technologies Group", "Kafka"),
    ],
)
def test_reader_the_employers_short_name_is_not_evidence(
    reader: PostingReader, company: str, short: str
) -> None:
    """Postings often write their employer's name without its generic last words."""
    text = f"{short} builds tools.\n\n## Responsibilities\n- Build React frontends.\n"
    plain = reader.read(text, title="Frontend Engineer")
    named = reader.read(text, title="Frontend Engineer", company=company)
    before = [e for e in plain.evidence if e.text == short]
    after = [e for e in named.evidence if e.text == short]
    assert len(before) == len(after) == 1
    assert after[0].set_aside == "the employer's name" and not after[0].contributions


def test_reader_a_short_name_is_matched_as_written(reader: PostingReader) -> None:
    """ "Scale AI" shortens to "Scale", matched with its capital: "at scale" is still work."""
    spans = company_spans(text := "Scale is hiring. Serve models at scale.", fold(text), "Scale AI")
    assert [text[a:b] for a, b in spans] == ["Scale"]
    assert company_spans("Grafana, AI", fold("Grafana, AI"), "AI") == []  # nothing left to cut


@pytest.mark.parametrize(
    ("opening", "names"),
    [
        ("At Arize, we build tools.", ["Arize"]),
        ("## Who we are\nArize AI is hiring engineers.", ["Arize AI"]),
        ("We grow fast. Weights & Biases is the leading developer platform.", ["Weights & Biases"]),
        ("Arize was founded in 2020.", ["Arize"]),
        ("Python is a must.", []),  # no employer's words after the name
        ("Our Platform is a fast-growing company.", []),  # a generic opening word
        ("Customer Care is the team that answers.", []),  # a department, not a name
        ("Build with Node.js. Use what Acme is hiring for.", []),  # not where a sentence starts
        ("x" * 600 + " At Arize, we build.", []),  # past the opening
    ],
)
def test_reader_the_opening_names_the_employer(opening: str, names: list[str]) -> None:
    assert opening_employers(opening) == names


def test_reader_an_employer_the_opening_names_is_not_evidence(reader: PostingReader) -> None:
    """Read without a company, "At Arize, we ..." still names the employer."""
    text = "At Arize, we build tools; Arize runs anywhere.\n\n## Responsibilities\n- Build React.\n"
    reading = reader.read(text, title="Frontend Engineer")
    named = [e for e in reading.evidence if e.text == "Arize"]
    assert len(named) == 2 and all(e.set_aside == "the employer's name" for e in named)


@pytest.mark.parametrize("opening", ["# Senior ML Engineer", "**Senior  ml engineer**"])
def test_reader_a_given_title_that_opens_the_text_is_read_once(
    reader: PostingReader, opening: str
) -> None:
    """--title equal to the body's first line: one title, not a title and a body mention."""
    body = "\n\n## Responsibilities\n- Train models in PyTorch.\n"
    given = reader.read(opening + body, title="Senior ML Engineer")
    found = reader.read(opening + body)
    assert [(e.item, e.section) for e in given.evidence] == [
        (e.item, e.section) for e in found.evidence
    ]
    assert [e.section for e in given.evidence if e.item == "ml_engineer_mention"] == ["title"]
    other = reader.read(opening + body, title="Staff Data Scientist")  # another title: kept
    assert any(e.section != "title" for e in other.evidence if e.item == "ml_engineer_mention")


@pytest.mark.parametrize(
    "job",
    [
        "We need someone to build our RAG search over contracts.",
        "You will build our RAG search over contracts.",
        "We are looking for an engineer to build our RAG search over contracts.",
    ],
)
def test_reader_a_clause_about_the_job_is_no_company_clause(
    reader: PostingReader, job: str
) -> None:
    """Outside the duties a clause that says 'we' or 'our' describes the employer and counts
    less, unless it speaks of the job ("we need someone to", "you will")."""

    def factor(text: str) -> float:
        reading = reader.read(text, title="Engineer")
        (rag,) = [e for e in reading.evidence if e.text.startswith("RAG")]
        assert rag.section == "summary"
        return rag.factor

    company = factor("We build our RAG search over contracts.")
    assert factor(job) > company
    assert company == pytest.approx(
        factor(job) * reader.taxonomy.scoring.company_clause_weight, abs=2e-3
    )


DUTIES_UNDER_TOPICS = """Acme builds tools for lawyers.

Generative AI Development
- Design and implement RAG pipelines over our contracts.
- Building evaluation sets for the assistant with the legal team.
- Python and TypeScript

Why Acme
- Competitive salary
- Remote first
- Shape the future of legal work
"""


def test_reader_a_list_of_duties_is_read_as_duties_under_any_heading(
    reader: PostingReader,
) -> None:
    text = DUTIES_UNDER_TOPICS
    sections = reader.splitter.split(text)
    kinds = [(s.kind, text[s.start : s.end].splitlines()[0]) for s in sections]
    # the bullets under a topic heading open with duty verbs: they are the duties, from the
    # first bullet to the end of the last; the heading line keeps its kind
    assert ("responsibilities", "- Design and implement RAG pipelines over our contracts.") in kinds
    duties = next(s for s in sections if s.kind == "responsibilities")
    assert text[duties.start : duties.end].endswith("- Python and TypeScript\n")
    # perks are no duties: one bullet of three opens with a verb
    assert all(
        s.kind != "responsibilities" for s in sections if "Competitive" in text[s.start : s.end]
    )
    assert sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in pairwise(sections):
        assert a.end == b.start
    # an untitled opening's bullets too, and the words of both reach the word layer
    opening = "We are Acme.\n\n* Own our RAG search.\n* Fine-tunes rerankers.\n"
    assert [s.kind for s in reader.splitter.split(opening)] == ["summary", "responsibilities"]
    assert {"rag", "search"} <= reader.word_bag(opening).keys()
    # the same words as prose of the opening are no duties: the word layer does not read them
    assert reader.word_bag("We are Acme.\n\nOur RAG search is fast.\n") == {}
    rag = [e for e in reader.read(text).evidence if e.item == "build_rag"]
    assert rag and all(e.section == "responsibilities" for e in rag)


def test_reader_a_list_of_requirements_is_read_as_requirements_under_any_heading(
    reader: PostingReader,
) -> None:
    text = (
        "## You may be a great fit if\n"
        "- 5+ years of Python in production\n"
        "- Experience with PyTorch and model serving\n"
        "- Strong written English\n"
        "\n## Ways to stand out\n"
        "- Experience with Kubernetes\n"
        "- Familiarity with Ray\n"
    )
    kinds = {text[s.start : s.end].splitlines()[0]: s.kind for s in reader.splitter.split(text)}
    assert kinds["- 5+ years of Python in production"] == "requirements"
    # a heading that pitches extras is the nice-to-have: its list is no requirement
    assert kinds["## Ways to stand out"] == "nice_to_have"
    pytorch = [e for e in reader.read(text).evidence if e.text == "PyTorch"]
    assert pytorch and all(e.section == "requirements" and e.level == "required" for e in pytorch)
    # a list of requirements under a heading that says it is optional is the nice-to-have:
    # under a heading no cue names ("Preferably", a preferred cue), the list is carved out
    # as such; a heading cue that names it optional makes the whole section the nice-to-have
    optional = "## Preferably\n- Experience with Ray\n- Knowledge of Go\n"
    assert reader.splitter.kind_of("Preferably") is None
    assert [s.kind for s in reader.splitter.split(optional)] == ["other", "nice_to_have"]
    named = "## Helpful, but not required\n- Experience with Ray\n- Knowledge of Go\n"
    assert [s.kind for s in reader.splitter.split(named)] == ["nice_to_have"]
    # a list of both kinds, neither the half, stays where it is
    mixed = "## Misc\n- Build agents\n- Experience with Go\n- Lunch\n- Gym\n"
    assert [s.kind for s in reader.splitter.split(mixed)] == ["other"]


_LIST_BITS = st.sampled_from(
    ["- ", "* ", "1. ", "  ", "\n", "\n\n", "Build ", "Experience ", "5+ years ", "Lunch ",
     "## Topic\n", "**Why us**\n", "Prose line.\n", "Design", "x", "\t"]
)  # fmt: skip


@given(st.lists(_LIST_BITS, max_size=40).map("".join))
def test_reader_sections_with_lists_still_tile_the_text(reader: PostingReader, text: str) -> None:
    sections = reader.splitter.split(text)
    assert sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in pairwise(sections):
        assert a.end == b.start and a.start < a.end


def test_reader_duty_verbs_in_their_forms() -> None:
    from rolelens.core.sections import verb_forms

    assert {"build", "builds", "building"} <= verb_forms("build")
    assert {"analyze", "analyzes", "analyzing"} <= verb_forms("analyze")
    assert {"plan", "plans", "planning"} <= verb_forms("plan")
    assert {"apply", "applies", "applying"} <= verb_forms("apply")
    assert {"fine-tune", "fine-tunes", "fine-tuning"} <= verb_forms("fine-tune")


def test_reader_requirements_under_a_prose_heading(reader: PostingReader) -> None:
    assert reader.splitter.kind_of("What you need to excel") == "requirements"
    assert reader.splitter.kind_of("What you'll need") == "requirements"


@pytest.mark.parametrize(
    "heading",
    [
        "Helpful, but not required",
        "Ideally you'd have",
        "Ideally, you have",
        "Assets",
        "Pluses",
        "Preferred Experience",
        "Bonus Skills",
        "It would be a plus if you have",
        "Additional skills (a plus)",
        "Desirable Requirements",
        "Optional skills",
    ],
)
def test_reader_a_heading_that_calls_its_list_optional_is_the_nice_to_have(
    reader: PostingReader, heading: str
) -> None:
    # the optional word wins over a longer requirement's cue beside it ("experience",
    # "skills", "you have"), and one item under it is enough: no list needs reading
    assert reader.splitter.kind_of(heading) == "nice_to_have"
    text = f"Acme builds search.\n\n## {heading}\n- Experience with Kubernetes\n"
    k8s = [e for e in reader.read(text).evidence if e.text == "Kubernetes"]
    assert k8s and all(e.section == "nice_to_have" and e.level == "preferred" for e in k8s)


@pytest.mark.parametrize(
    "heading", ["Requirements", "Required skills", "You have", "Minimum qualifications", "Skills"]
)
def test_reader_a_heading_without_an_optional_word_keeps_its_requirements(
    reader: PostingReader, heading: str
) -> None:
    assert reader.splitter.kind_of(heading) == "requirements"


def test_reader_a_long_first_line_gives_its_first_clause_or_says_why(
    reader: PostingReader,
) -> None:
    line = "Senior Machine Learning Engineer - Payments Risk - Remote US - " + "we grow fast " * 8
    reading = reader.read(line + "\n\n## Responsibilities\n- Train models in PyTorch.\n")
    assert reading.title.text == "Senior Machine Learning Engineer"
    assert reading.title.note and "first clause" in reading.title.note
    prose = "We are a company that " + "does many things for many people " * 5
    no_title = reader.read(prose + "\n\n- Train models in PyTorch.\n")
    assert no_title.title.text == "" and no_title.title.note and "no title" in no_title.title.note


def test_reader_nice_to_have_agents_do_not_decide_agentic(reader: PostingReader) -> None:
    text = (
        "## Responsibilities\n- Build features on top of LLMs for our support product.\n"
        "- Write Python services.\n## Nice to have\n- Experience with AI agents, LangGraph, "
        "CrewAI, AutoGen, multi-agent systems, agent orchestration, agent memory.\n"
    )
    reading = reader.read(text, title="AI Engineer")
    assert reading.role == "ai_engineer"
    assert reading.confidence == reading.scores["ai_engineer"]
    duties = text.replace("## Nice to have\n", "")  # the same words as duties do decide it
    assert reader.read(duties, title="AI Engineer").role == "agentic_ai_engineer"


def test_reader_a_link_is_not_a_title(reader: PostingReader) -> None:
    reading = reader.read("https://jobs.example.com/postings/12345-senior-ml-engineer\n")
    assert reading.title.text == "" and reading.role == "undetermined"


def test_reader_title_memo_gives_the_same_reading(reader: PostingReader) -> None:
    """The title memo is invisible: a repeated title reads exactly as a fresh parse does."""
    text = "We build RAG pipelines with LangChain and evaluate LLM answers."
    first = reader.read(text, title="Senior AI Engineer (GenAI)")
    again = reader.read(text, title="Senior AI Engineer (GenAI)")
    fresh = PostingReader(reader.taxonomy).read(text, title="Senior AI Engineer (GenAI)")
    assert first.model_dump() == again.model_dump() == fresh.model_dump()
    long_first_line = "Machine Learning Engineer - " + "training and serving models, " * 8
    noted = reader.read(long_first_line + "\n\n" + text)
    assert reader.read(long_first_line + "\n\n" + text).model_dump() == noted.model_dump()


def test_reader_a_mention_said_to_be_not_needed_is_negated(reader: PostingReader) -> None:
    """'Kubernetes is not needed' after a mention says the job does without it: negated, as
    'no Kubernetes needed' is. 'Not required, but a plus' is a preference."""
    text = (
        "## Requirements\n- Docker for builds.\n- Kubernetes is not needed; PyTorch: not needed\n"
        "- Machine learning experience is not required.\n"
        "- Prior knowledge of AI agents isn't required.\n"
        "- Terraform is not required, but a plus."
    )
    reading = reader.read(text, title="Software Engineer")
    found = {e.text: e for e in reading.evidence if e.section != "title"}
    assert found["Docker"].level == "required" and not found["Docker"].negated
    for words in ("Kubernetes", "PyTorch", "Machine learning", "AI agents"):
        assert found[words].negated and not found[words].contributions, words
    assert found["Terraform"].level == "preferred" and not found["Terraform"].negated


def test_reader_a_negation_reaches_every_item_of_its_list(reader: PostingReader) -> None:
    """A negation before a list governs every item of it, and one after a list every item
    before it; the list ends at a verb, a contrast or the clause's end."""
    text = (
        "## What you'll do\n"
        "- Maintain our Spring Boot services.\n"
        "- You will not be building machine learning models, LLM chatbots, RAG pipelines or "
        "AI agents.\n"
        "## Requirements\n"
        "- No experience with PyTorch, TensorFlow, LangChain or vector databases required.\n"
        "- PyTorch, TensorFlow or Kubeflow experience is not needed.\n"
        "- Not a research role, but you will use Kafka, Docker and Kubernetes daily."
    )
    reading = reader.read(text, title="Java Developer")
    negated = {e.text for e in reading.evidence if e.negated}
    counted = {e.text for e in reading.evidence if e.contributions}
    for words in ("LLM chatbots", "RAG pipelines", "AI agents", "LangChain", "vector databases"):
        assert words in negated, words
    assert "Kubeflow" in negated and "TensorFlow" in negated
    assert {"Kafka", "Docker", "Kubernetes", "Spring Boot"} <= counted
    assert reading.role == "software_engineer" and not reading.mismatch


def test_reader_memos_give_the_same_reading(reader: PostingReader) -> None:
    """The contribution, heading and people memos are invisible: a second read of the same
    postings, through memos filled by the first, gives exactly a fresh reader's readings."""
    texts = [
        "## About Acme\nAcme builds agents.\n## Requirements\n- Work closely with ML engineers"
        " to train models in PyTorch; RAG is a plus.",
        "## What you'll do\n- Build RAG pipelines with LangChain, integrate LLMs.\n## Benefits\n- Lunch",
    ]
    first = [reader.read(t, title="AI Engineer", company="Acme").model_dump() for t in texts]
    again = [reader.read(t, title="AI Engineer", company="Acme").model_dump() for t in texts]
    fresh = PostingReader(reader.taxonomy)
    assert (
        first
        == again
        == [fresh.read(t, title="AI Engineer", company="Acme").model_dump() for t in texts]
    )


def test_reader_first_duties_count_lead_weight_times(toy_taxonomy: Taxonomy) -> None:
    """The first ``lead_mentions`` mentions of the responsibilities section are the lead
    duties: marked, and counted ``lead_weight`` times; later ones, other sections and negated
    mentions are not."""
    text = (
        "## Responsibilities\n"
        "- Train models in PyTorch.\n"
        "- No RAG work here.\n"
        "- Build AI agents with React front ends.\n"
        "- Ship C++ services.\n"
        "## Requirements\n"
        "- PyTorch and golang.\n"
    )

    def reader(weight: float, count: int, skips: tuple[str, ...] = ()) -> PostingReader:
        scoring = toy_taxonomy.scoring.model_copy(
            update={"lead_weight": weight, "lead_mentions": count, "lead_skips": list(skips)}
        )
        return PostingReader(toy_taxonomy.model_copy(update={"scoring": scoring}))

    plain = reader(1.0, 0).read(text).evidence
    marked = reader(1.0, 3).read(text).evidence
    lead = reader(2.0, 3).read(text).evidence
    assert [e.item for e in plain] == [e.item for e in lead]
    leads = [e.item for e in lead if e.lead]
    assert leads == ["train_models", "pytorch", "ai_agents"]  # 'RAG' is negated: no lead
    assert [e.lead for e in marked] == [e.lead for e in lead]  # marked at any weight
    for a, b in zip(plain, lead, strict=True):
        assert b.factor == pytest.approx(a.factor * (2.0 if b.lead else 1.0), abs=1e-3)
    assert not any(e.lead for e in plain)
    assert "a lead duty" in next(e for e in lead if e.lead).place()
    # a kind the taxonomy calls context is never a lead, and leaves its place to the next
    skipping = reader(2.0, 3, ("framework",)).read(text).evidence
    assert [e.item for e in skipping if e.lead] == ["train_models", "ai_agents", "cpp"]
