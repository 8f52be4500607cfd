"""The taxonomy is data: validated on load, layered, versioned, with a source for every figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolelens.errors import TaxonomyError
from rolelens.taxonomy.loader import (
    load_taxonomy,
    merge,
    parse_document,
    template_path,
    toy_path,
)
from rolelens.taxonomy.models import Taxonomy

ROLE_IDS = [
    "ml_engineer",
    "ai_engineer",
    "agentic_ai_engineer",
    "forward_deployed_engineer",
    "data_scientist",
    "data_engineer_bi",
    "rpa_engineer",
    "software_engineer",
    "other",
]


def test_taxonomy_bundled_has_exactly_the_role_ids(taxonomy: Taxonomy) -> None:
    assert taxonomy.role_ids == ROLE_IDS


def test_taxonomy_bundled_is_large_and_covers_every_role(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.evidence) >= 300
    for role in ROLE_IDS:
        strong = [e for e in taxonomy.evidence if e.weights.get(role, 0) >= 1.5]
        assert len(strong) >= 5, f"{role} has only {len(strong)} strong evidence items"


def test_taxonomy_every_figure_cites_a_known_source(taxonomy: Taxonomy) -> None:
    sources = {s.id for s in taxonomy.sources}
    assert taxonomy.figures
    for figure in taxonomy.figures:
        assert figure.source in sources
        assert figure.year >= 2000


def test_taxonomy_onet_codes_exist_in_onet_when_shared_is_present(taxonomy: Taxonomy) -> None:
    occupations = Path(__file__).resolve().parents[2] / "shared/data/onet/Occupation_Data.csv"
    if not occupations.exists():
        pytest.skip(f"{occupations} is missing: ../shared is not beside this clone")
    codes = occupations.read_text(encoding="utf-8", errors="replace")
    for role in taxonomy.roles:
        for link in role.onet:
            assert link.code in codes, f"{role.id}: {link.code} is not an O*NET code"


def test_taxonomy_user_file_overrides_and_extends(tmp_path: Path, taxonomy: Taxonomy) -> None:
    some = taxonomy.evidence[0]
    user = tmp_path / "mine.yaml"
    user.write_text(
        f"""
version: "2026.11.0-test.1"
remove_evidence: [{some.id}]
evidence:
  - id: prompt_versioning_test
    label: Prompt versioning
    kind: activity
    aliases: [prompt versioning zz]
    weights: {{ai_engineer: 2.0}}
""",
        encoding="utf-8",
    )
    layered = load_taxonomy([user])
    ids = {e.id for e in layered.evidence}
    assert some.id not in ids
    assert "prompt_versioning_test" in ids
    assert layered.version == "2026.11.0-test.1"


def test_taxonomy_template_layers_cleanly_over_the_bundled_one() -> None:
    layered = load_taxonomy([template_path()])
    assert "prompt_ops_engineer" in layered.role_ids


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "evidence: [{id: x1, label: X, kind: tool, aliases: [pytorch], weights: {ml_engineer: 1}}]",
            "both",
        ),
        (
            "evidence: [{id: x2, label: X, kind: tool, aliases: [zzq], weights: {nobody: 1}}]",
            "unknown role",
        ),
        (
            "evidence: [{id: x3, label: X, kind: gadget, aliases: [zzq], weights: {ml_engineer: 1}}]",
            "kind",
        ),
        (
            "evidence: [{id: x4, label: X, kind: tool, aliases: [zzq], weights: {ml_engineer: 9}}]",
            "weights lie",
        ),
        (
            "figures: [{id: f1, kind: salary, description: d, value: 1, unit: USD, source: nowhere, year: 2026}]",
            "unknown source",
        ),
        (
            "figures: [{id: f2, kind: salary, description: d, unit: USD, source: toy_source, year: 2026}]",
            "needs value",
        ),
        (  # the same alias, as folded (hyphens read as spaces), in two items
            "evidence: [{id: x5, label: X, kind: tool, aliases: [zz-q], weights: {ml_engineer: 1}},"
            " {id: x6, label: Y, kind: tool, aliases: [ZZ Q], weights: {ml_engineer: 1}}]",
            "alias 'ZZ Q' belongs to both 'x5' and 'x6'",
        ),
        (  # a case-sensitive alias twice, one written as a plain string's object
            "evidence: [{id: x7, label: X, kind: tool, aliases: [{text: Zq, case_sensitive: true}],"
            " weights: {ml_engineer: 1}}, {id: x8, label: Y, kind: tool,"
            " aliases: [{text: Zq, case_sensitive: true}], weights: {ml_engineer: 1}}]",
            "alias 'Zq' belongs to both 'x7' and 'x8'",
        ),
        (
            "evidence: [{id: x9, label: X, kind: tool, aliases: ['  '], weights: {ml_engineer: 1}}]",
            "has an empty alias",
        ),
        ("titles: [{role: nobody, patterns: [x]}]", "unknown role"),
        ("roles: [{id: Bad-Id, name: n, definition: d}]", "id"),
        ("- just a list", "mapping"),
        ("evidence: [unclosed", "not valid YAML"),
    ],
)
def test_taxonomy_invalid_files_fail_with_a_clear_message(
    tmp_path: Path, snippet: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(snippet, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy([toy_path(), bad], bundled=False)
    assert message in str(info.value)


def test_taxonomy_a_case_sensitive_alias_does_not_clash_with_a_folded_one(tmp_path: Path) -> None:
    extra = tmp_path / "cases.yaml"
    extra.write_text(
        "evidence: [{id: x5, label: X, kind: tool, aliases: [zzq], weights: {ml_engineer: 1}},"
        " {id: x6, label: Y, kind: tool, aliases: [{text: ZZQ, case_sensitive: true}],"
        " weights: {ml_engineer: 1}}]",
        encoding="utf-8",
    )
    ids = {e.id for e in load_taxonomy([toy_path(), extra], bundled=False).evidence}
    assert {"x5", "x6"} <= ids


def test_taxonomy_missing_file_is_a_taxonomy_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="no such taxonomy file"):
        load_taxonomy([tmp_path / "absent.yaml"])


def test_taxonomy_parse_document_accepts_an_empty_file() -> None:
    assert parse_document("", "empty.yaml").evidence == []


def test_taxonomy_an_id_twice_within_one_taxonomy_is_an_error_but_a_user_file_overrides() -> None:
    item = (
        "evidence: [{id: dup, label: X, kind: tool, aliases: [zzq%s], weights: {ml_engineer: 1}}]"
    )
    base = parse_document(toy_path().read_text(encoding="utf-8"))
    one, two = parse_document(item % 1), parse_document(item % 2)
    with pytest.raises(TaxonomyError, match="defined twice"):
        merge([base, one, two], split=3)
    layered = merge([base, one, two], split=2)
    assert next(e for e in layered.evidence if e.id == "dup").aliases == ["zzq2"]


def test_taxonomy_parse_cache_gives_the_same_taxonomy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rolelens.taxonomy import loader

    monkeypatch.setenv("ROLELENS_CACHE_DIR", "")
    uncached = loader.load_taxonomy([loader.toy_path()], bundled=False)
    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path))
    first = loader.load_taxonomy([loader.toy_path()], bundled=False)
    (entry,) = tmp_path.glob("taxonomy-*.json")
    second = loader.load_taxonomy([loader.toy_path()], bundled=False)
    assert uncached == first == second
    entry.write_text("{not json", encoding="utf-8")  # a damaged entry is parsed anew
    assert loader.load_taxonomy([loader.toy_path()], bundled=False) == uncached


def test_taxonomy_parse_cache_follows_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rolelens.taxonomy import loader

    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(tmp_path / "cache"))
    mine = tmp_path / "mine.yaml"
    mine.write_text(loader.toy_path().read_text(encoding="utf-8"), encoding="utf-8")
    before = loader.load_taxonomy([mine], bundled=False)
    mine.write_text(
        mine.read_text(encoding="utf-8").replace("name: ", "name: Edited ", 1), encoding="utf-8"
    )
    after = loader.load_taxonomy([mine], bundled=False)
    assert after.name == "Edited " + before.name


def test_taxonomy_parse_cache_unwritable_is_harmless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rolelens.taxonomy import loader

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ROLELENS_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    assert loader.load_taxonomy([loader.toy_path()], bundled=False).name


def test_taxonomy_without_scoping_is_the_same_taxonomy_but_for_the_scoping_part(
    taxonomy: Taxonomy,
) -> None:
    light = load_taxonomy(scoping=False)
    assert taxonomy.scoping is not None and light.scoping is None
    for field in Taxonomy.model_fields:
        if field != "scoping":
            assert getattr(light, field) == getattr(taxonomy, field), field


def test_taxonomy_without_scoping_reads_postings_the_same(taxonomy: Taxonomy) -> None:
    from rolelens.core.reader import PostingReader

    examples = Path(__file__).resolve().parents[1] / "examples"
    full, light = PostingReader(taxonomy), PostingReader(load_taxonomy(scoping=False))
    for path in sorted(examples.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert light.read(text) == full.read(text), path.name


def test_taxonomy_without_scoping_sets_a_user_files_scoping_block_aside(tmp_path: Path) -> None:
    broken = tmp_path / "scoping_only.yaml"
    broken.write_text("scoping: {no_such_setting: 1}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="scoping"):
        load_taxonomy([broken])
    light = load_taxonomy([broken], scoping=False)
    assert light.scoping is None
    assert light.version.startswith(load_taxonomy(scoping=False).version + "+scoping_only@")
