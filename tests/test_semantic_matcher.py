"""The semantic layer's pure core: sentences, acronym expansion, matching, the reader and
scoper hooks, and the taxonomy's ``semantic:`` block (with the hash-based FakeEmbedder)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolelens.backends.embeddings import Embedder, FakeEmbedder, Vector
from rolelens.core.cv import CvReader
from rolelens.core.job_fit import FitMatcher
from rolelens.core.reader import PostingReader
from rolelens.core.scoping import Scoper
from rolelens.core.semantic import Expander, SemanticMatcher, split_sentences
from rolelens.errors import TaxonomyError
from rolelens.taxonomy.loader import load_taxonomy, parse_document
from rolelens.taxonomy.models import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
GROUNDED = "answer customer questions using our own help-centre articles and documents"
AGENT = "decide which internal API to call next and act on the result"


class CountingFake(FakeEmbedder):
    """The fake, counting the texts it was asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        self.seen.extend(texts)
        return super().embed_batch(texts)


@pytest.fixture(scope="module")
def matcher(taxonomy: Taxonomy) -> SemanticMatcher:
    return SemanticMatcher(taxonomy, FakeEmbedder())


def test_semantic_bundled_taxonomy_has_activities_for_every_ai_role(taxonomy: Taxonomy) -> None:
    assert taxonomy.semantic is not None
    roles = {r for a in taxonomy.semantic.activities for r in a.weights}
    assert {"ai_engineer", "agentic_ai_engineer", "ml_engineer"} <= roles
    assert any(not a.weights for a in taxonomy.semantic.activities), "a background activity"


def test_semantic_block_rejects_unknown_role() -> None:
    bad = """
semantic:
  activities:
    - id: x
      label: x
      weights: {astronaut: 1}
      statements: [fly to the moon]
"""
    doc = parse_document(bad)
    with pytest.raises(TaxonomyError, match="unknown role 'astronaut'"):
        from rolelens.taxonomy.loader import bundled_paths, merge

        docs = [parse_document(p.read_text(encoding="utf-8"), str(p)) for p in bundled_paths()]
        merge([*docs, doc], split=len(docs))


def test_semantic_block_rejects_unknown_section(tmp_path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(
        "semantic:\n  sections: [kitchen]\n  activities:\n"
        "    - {id: x, label: x, weights: {ai_engineer: 1}, statements: [a b c d]}\n",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError, match="unknown section 'kitchen'"):
        load_taxonomy([f])


def test_semantic_split_sentences_keeps_offsets() -> None:
    text = "## Duties\n- Build the thing we sell.\n- Fix bugs; write tests! Short.\n"
    got = split_sentences(text, min_words=2)
    assert [s.text for s in got] == ["Build the thing we sell.", "Fix bugs", "write tests!"]
    for s in got:
        assert text[s.start : s.end] == s.text


def test_semantic_split_sentences_joins_wrapped_lines() -> None:
    text = "- Build an assistant that answers questions, and\n  shows its sources.\n- Next item\n"
    got = split_sentences(text, min_words=2)
    assert [s.text for s in got] == [
        "Build an assistant that answers questions, and\n  shows its sources.",
        "Next item",
    ]


@given(st.text(alphabet=st.sampled_from("ab .;!?\n-*#•"), max_size=80))
def test_semantic_split_sentences_offsets_property(text: str) -> None:
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.text.strip()


def test_semantic_expander_writes_out_whole_acronyms_only(taxonomy: Taxonomy) -> None:
    assert taxonomy.semantic is not None
    ex = Expander(taxonomy.semantic)
    assert ex.expand("Build RAG over LLMs") == (
        "Build retrieval-augmented generation over large language models"
    )
    assert ex.expand("DRAGON storage rag") == "DRAGON storage rag"


def test_semantic_exact_statement_matches_its_activity(matcher: SemanticMatcher) -> None:
    found = matcher.match(GROUNDED.capitalize() + ".")
    assert [m.activity.id for m in found] == ["grounded_answers"]
    assert found[0].similarity > 0.99
    assert found[0].strength == 1.0


def test_semantic_background_text_matches_nothing(matcher: SemanticMatcher) -> None:
    assert (
        matcher.match(
            "Collaborate with cross-functional teams and stakeholders across the company."
        )
        == []
    )


def test_semantic_unrelated_text_matches_nothing(matcher: SemanticMatcher) -> None:
    assert matcher.match("The weather in Lisbon is lovely in spring, they say.") == []


def test_semantic_caps_per_activity(matcher: SemanticMatcher) -> None:
    text = "\n".join([f"- {GROUNDED}"] * 5)
    found = matcher.match(text)
    assert len(found) == 2  # max_per_activity
    assert found[0].strength == 1.0 and found[1].strength == 0.5  # repeat_decay


def test_semantic_reader_hook_adds_semantic_evidence(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    text = f"Support Platform Engineer\n\n## What you'll do\n- {GROUNDED}.\n- {AGENT}.\n"
    plain = PostingReader(taxonomy).read(text)
    with_semantic = PostingReader(taxonomy, semantic=matcher).read(text)
    sem = [e for e in with_semantic.evidence if e.kind == "semantic"]
    assert {e.item for e in sem} == {"semantic.grounded_answers", "semantic.agent_autonomy"}
    for e in sem:
        assert text[e.start : e.end] == e.text
        assert e.similarity is not None and e.similarity > 0.99
        assert e.section == "responsibilities"
    assert with_semantic.points["agentic_ai_engineer"] > plain.points["agentic_ai_engineer"]
    # alias evidence is unchanged and carries no similarity in its JSON
    alias = [e for e in with_semantic.evidence if e.kind != "semantic"]
    assert [e.model_dump() for e in alias] == [e.model_dump() for e in plain.evidence]
    assert all("similarity" not in e.model_dump() for e in alias)
    assert '"similarity":' in with_semantic.model_dump_json()


def test_semantic_reading_validates_against_published_schema(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import json

    from rolelens.schemas import schema_text

    reading = PostingReader(taxonomy, semantic=matcher).read(f"Engineer\n\n- {GROUNDED}.\n")
    jsonschema.validate(json.loads(reading.model_dump_json()), json.loads(schema_text("reading")))


def test_semantic_skips_a_role_the_sentence_aliases_already_gave(taxonomy: Taxonomy) -> None:
    # a sentence whose alias evidence (RAG) already points to ai_engineer does not count
    # again for ai_engineer through its paraphrase
    matcher = SemanticMatcher(taxonomy, FakeEmbedder())
    text = f"Engineer\n\n## Responsibilities\n- {GROUNDED} with RAG.\n"
    reading = PostingReader(taxonomy, semantic=matcher).read(text)
    assert not [e for e in reading.evidence if e.kind == "semantic"]
    assert any(e.kind != "semantic" for e in reading.evidence)


def test_semantic_about_us_and_benefits_are_not_matched(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    text = f"Engineer\n\n## About us\n{GROUNDED}.\n\n## Benefits\n{AGENT}.\n"
    reading = PostingReader(taxonomy, semantic=matcher).read(text)
    assert not [e for e in reading.evidence if e.kind == "semantic"]


def test_semantic_statement_vectors_embedded_once_and_reusable(taxonomy: Taxonomy) -> None:
    emb = CountingFake()
    m = SemanticMatcher(taxonomy, emb)
    m.match(GROUNDED)
    m.match(AGENT)
    assert taxonomy.semantic is not None
    n_statements = sum(len(a.statements) for a in taxonomy.semantic.activities)
    assert len(emb.seen) == n_statements + 2
    m.match(GROUNDED)  # a sentence seen before comes from the matcher's cache
    assert len(emb.seen) == n_statements + 2
    again = CountingFake()
    m2 = SemanticMatcher(taxonomy, again, statement_vectors=m.statement_vectors)
    assert m2.cache_key == m.cache_key
    assert [x.activity.id for x in m2.match(GROUNDED)] == ["grounded_answers"]
    assert again.seen == [GROUNDED]


def test_semantic_statement_vectors_must_fit(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValueError, match="do not fit"):
        SemanticMatcher(taxonomy, FakeEmbedder(), statement_vectors=[[1.0]])


def test_semantic_cache_key_changes_with_model(taxonomy: Taxonomy) -> None:
    class Other(FakeEmbedder):
        model_id = "other-model"

    assert (
        SemanticMatcher(taxonomy, Other()).cache_key
        != SemanticMatcher(taxonomy, FakeEmbedder()).cache_key
    )


def test_semantic_scoper_hook_adds_outcome_signals(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    brief = f"We want software that can {AGENT}, end to end."
    plain = Scoper(taxonomy).scope(brief)
    with_semantic = Scoper(taxonomy, semantic=matcher).scope(brief)
    # issue 18: with the matcher, the scoper matches sentences to the taxonomy's facts and
    # quotes them. The fitted semantic layer's sentence weights belong to the bundled MiniLM,
    # so with the hash-based fake the scoper keeps the cue-only fit: the facts are shown and
    # weigh nothing (tests/test_scoping.py checks the MiniLM layer's points)
    facts = [g for st in with_semantic.steps for g in st.signals if g.cue.startswith("fact:")]
    assert facts
    for sig in facts:
        assert brief[sig.quote.start : sig.quote.end] == sig.quote.text
        assert "(semantic, similarity" in sig.label
        assert not sig.points
    assert with_semantic.points == plain.points


def test_semantic_embedder_needs_only_embed_batch() -> None:
    class Tiny(Embedder):
        model_id = "tiny"
        dimensions = 2
        normalised = False

        def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
            return [[float(len(t)), 1.0] for t in texts]

    tiny = Tiny()
    assert tiny.embed("abc") == [3.0, 1.0]
    assert len(tiny.embed_many(["a"] * 70)) == 70
    sims = tiny.similarities([[3.0, 4.0]], [[3.0, 4.0], [-4.0, 3.0]])
    assert sims[0][0] == pytest.approx(1.0) and sims[0][1] == pytest.approx(0.0)
    with pytest.raises(TypeError):
        Embedder()  # type: ignore[abstract]


def test_semantic_fake_embedder_is_deterministic_and_unit_length() -> None:
    a, b = FakeEmbedder().embed_many(
        ["build agents that call tools", "build agents that call tools"]
    )
    assert a == b
    assert sum(x * x for x in a) == pytest.approx(1.0)
    assert FakeEmbedder().embed("") == [0.0] * 256


SURE_BODY = (
    "Backend Engineer\n\n## What you'll do\n- Build REST APIs in Go and PostgreSQL.\n"
    "- Write React and TypeScript front ends.\n- Run Kubernetes services on AWS.\n"
    "- Write unit tests, review pull requests in Git and tune Redis caches.\n"
    "- Ship Node.js microservices behind GraphQL.\n"
)


def test_semantic_pass_skips_a_posting_whose_body_already_reads_surely(
    taxonomy: Taxonomy,
) -> None:
    counting = CountingFake()
    reader = PostingReader(taxonomy, semantic=SemanticMatcher(taxonomy, counting))
    assert reader.semantic is not None and reader.semantic.cues.open_below < 1.0
    reader.read(SURE_BODY)
    assert counting.seen == []  # statement vectors are not even needed
    # the same posting with the gate open is embedded
    wide = taxonomy.model_copy(
        update={"semantic": reader.semantic.cues.model_copy(update={"open_below": 1.0})}
    )
    counting_wide = CountingFake()
    PostingReader(wide, semantic=SemanticMatcher(wide, counting_wide)).read(SURE_BODY)
    assert any("REST APIs" in t for t in counting_wide.seen)


def test_semantic_pass_reads_a_thin_body_even_under_a_sure_title(
    taxonomy: Taxonomy, matcher: SemanticMatcher
) -> None:
    # the title alone makes the reading sure; the body is what the layer is for
    text = f"Senior Software Engineer\n\n## What you'll do\n- {GROUNDED}.\n"
    reading = PostingReader(taxonomy, semantic=matcher).read(text)
    assert [e.item for e in reading.evidence if e.kind == "semantic"] == [
        "semantic.grounded_answers"
    ]


# -- CV <-> posting (match) --------------------------------------------------------------
REQ_POSTING = (
    "Support Search Engineer\n\n## Requirements\n"
    "- Experience with Pinecone to answer customer questions from help centre articles.\n"
)
REQ_CV = (
    "# Ana Silva\n\n## Experience\n\n**Engineer, Acme** — Jan 2021 – present\n"
    "- Answered customer questions from help centre articles with a search assistant.\n"
)
TODAY = date(2026, 6, 1)


def _loose(taxonomy: Taxonomy, **fit: float) -> Taxonomy:
    """The bundled taxonomy with the fit hook's thresholds set for the word-hash fake."""
    assert taxonomy.semantic is not None
    cues = taxonomy.semantic
    return taxonomy.model_copy(
        update={"semantic": cues.model_copy(update={"fit": cues.fit.model_copy(update=fit)})}
    )


def test_semantic_match_lifts_a_requirement_met_in_other_words(taxonomy: Taxonomy) -> None:
    loose = _loose(taxonomy, threshold=0.5, full=0.55)
    plain = FitMatcher(loose).match(REQ_CV, REQ_POSTING, today=TODAY)
    sem = FitMatcher(loose, semantic=SemanticMatcher(loose, FakeEmbedder()))
    lifted = sem.match(REQ_CV, REQ_POSTING, today=TODAY)
    (before,), (after,) = plain.requirements, lifted.requirements
    assert before.status == "partly" and before.similar is None
    assert "Vector databases" in plain.gaps
    assert after.status == "covered" and after.score == 0.8  # semantic.fit.credit
    assert after.similar is not None
    assert after.similar.text == (
        "Answered customer questions from help centre articles with a search assistant."
    )
    assert after.similar.similarity >= 0.5
    assert after.missing == before.missing  # the CV still never names Pinecone
    assert lifted.gaps == []  # ...but the line's work is shown, so it is no gap
    assert lifted.fit_score > plain.fit_score
    # the field is left out of the JSON where no sentence lifted the line
    assert "similar" not in before.model_dump()
    assert "similar" in after.model_dump()


def test_semantic_match_under_the_threshold_changes_nothing(taxonomy: Taxonomy) -> None:
    strict = _loose(taxonomy, threshold=0.95, full=0.99)
    plain = FitMatcher(strict).match(REQ_CV, REQ_POSTING, today=TODAY)
    sem = FitMatcher(strict, semantic=SemanticMatcher(strict, FakeEmbedder()))
    got = sem.match(REQ_CV, REQ_POSTING, today=TODAY)
    assert got.model_dump(exclude={"posting_role"}) == plain.model_dump(exclude={"posting_role"})


def test_semantic_match_never_quotes_a_job_heading(taxonomy: Taxonomy) -> None:
    loose = _loose(taxonomy, threshold=0.3, full=0.4)
    cv = (
        "# Ana Silva\n\n## Experience\n\n"
        "**Customer questions from help centre articles engineer, Acme** — Jan 2021 – present\n"
        "- Ran the team's weekly planning meeting and its budget.\n"
    )
    got = FitMatcher(loose, semantic=SemanticMatcher(loose, FakeEmbedder())).match(
        cv, REQ_POSTING, today=TODAY
    )
    assert all(r.similar is None or "Acme" not in r.similar.text for r in got.requirements)


# -- CVs -------------------------------------------------------------------------------
PLAIN_CV = (
    "# Ana Silva\nSupport engineer\n\n## Experience\n\n"
    "**Support Platform Engineer, Acme** — Jan 2021 – present\n"
    f"- {GROUNDED}\n"
    f"- {AGENT}, cutting handling time by 30%\n"
    "\n## Skills\nPython, SQL, Docker\n"
)


def test_semantic_cv_reads_work_written_in_plain_words(taxonomy: Taxonomy) -> None:
    counting = CountingFake()
    plain = CvReader(taxonomy).read(PLAIN_CV, today=TODAY)
    got = CvReader(taxonomy, semantic=SemanticMatcher(taxonomy, counting)).read(
        PLAIN_CV, today=TODAY
    )
    sem = {e.item: e for e in got.evidence if e.kind == "semantic"}
    assert set(sem) == {"semantic.grounded_answers", "semantic.agent_autonomy"}
    assert sem["semantic.agent_autonomy"].use == "shipped"  # an outcome: a verb and a number
    assert sem["semantic.grounded_answers"].use == "described"
    for e in sem.values():
        assert PLAIN_CV[e.start : e.end] == e.text
        assert e.similarity is not None and e.similarity > 0.8
    assert got.role == "agentic_ai_engineer" and plain.role != got.role
    # neither the job's heading line nor the skills list is embedded
    assert not [t for t in counting.seen if "Acme" in t or "Docker" in t]
    # alias evidence keeps its JSON shape
    assert all("similarity" not in e.model_dump() for e in got.evidence if e.kind != "semantic")
    assert not [e for e in plain.evidence if e.kind == "semantic"]


def test_semantic_cv_evidence_counts_in_match_alignment(taxonomy: Taxonomy) -> None:
    posting = (ROOT / "tests" / "data" / "postings" / "agent_platform.md").read_text("utf-8")
    plain = FitMatcher(taxonomy).match(PLAIN_CV, posting, today=TODAY)
    sem = FitMatcher(taxonomy, semantic=SemanticMatcher(taxonomy, FakeEmbedder()))
    got = sem.match(PLAIN_CV, posting, today=TODAY)
    assert got.cv_role == "agentic_ai_engineer" and got.posting_role == "agentic_ai_engineer"
    assert got.fit_score > plain.fit_score
