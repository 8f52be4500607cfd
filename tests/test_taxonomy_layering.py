"""Issue 16, item 4: a layered file patches the blocks below it by id, setting by setting.

Changing one scoping cue, one role weight of an evidence item or one CV setting takes a few
lines, not a copy of the bundled block; the fitted layers are still replaced whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rolelens.errors import TaxonomyError
from rolelens.taxonomy.loader import load_taxonomy, template_path
from rolelens.taxonomy.models import Taxonomy


def _layered(tmp_path: Path, raw: dict[str, Any], name: str = "mine.yaml") -> Taxonomy:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return load_taxonomy([path])


def _without(objs: list[Any], key: str, value: str) -> list[Any]:
    return [o for o in objs if getattr(o, key) != value]


def test_taxonomy_layering_one_cue_changes_that_cue_alone(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    assert taxonomy.scoping is not None
    cue = next(c for c in taxonomy.scoping.cues if c.weights)
    role = next(iter(cue.weights))
    changed = cue.model_dump(mode="json", exclude_defaults=True)
    changed["weights"] = {role: 4.5}
    layered = _layered(tmp_path, {"scoping": {"cues": [changed]}})
    assert layered.scoping is not None
    after = layered.scoping
    assert [c.id for c in after.cues] == [c.id for c in taxonomy.scoping.cues]  # same place
    assert next(c for c in after.cues if c.id == cue.id).weights == {role: 4.5}
    assert _without(after.cues, "id", cue.id) == _without(taxonomy.scoping.cues, "id", cue.id)
    assert after.fit == taxonomy.scoping.fit and after.profiles == taxonomy.scoping.profiles


def test_taxonomy_layering_weights_patch_changes_one_role_weight(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    item = next(e for e in taxonomy.evidence if len(e.weights) >= 2)
    role, other = list(item.weights)[:2]
    layered = _layered(tmp_path, {"weights": {item.id: {role: -1.25}}})
    patched = next(e for e in layered.evidence if e.id == item.id)
    assert patched.weights[role] == -1.25  # over the fitted numbers too
    assert patched.weights[other] == item.weights[other]
    assert patched.aliases == item.aliases and patched.label == item.label
    assert _without(layered.evidence, "id", item.id) == _without(taxonomy.evidence, "id", item.id)


def test_taxonomy_layering_weights_patch_adds_a_role(tmp_path: Path, taxonomy: Taxonomy) -> None:
    item = next(e for e in taxonomy.evidence if "rpa_engineer" not in e.weights)
    layered = _layered(tmp_path, {"weights": {item.id: {"rpa_engineer": 0.5}}})
    patched = next(e for e in layered.evidence if e.id == item.id)
    assert patched.weights == {**item.weights, "rpa_engineer": 0.5}


def test_taxonomy_layering_adds_a_failure_mode(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert taxonomy.scoping is not None
    mode = {
        "id": "hired_before_the_data",
        "title": "Hiring before the data exists",
        "message": "Collect a few months of data before the first hire.",
        "when": [{"any_tags": ["no_data"]}],
    }
    layered = _layered(tmp_path, {"scoping": {"failure_modes": [mode]}})
    assert layered.scoping is not None
    modes = layered.scoping.failure_modes
    assert modes[:-1] == taxonomy.scoping.failure_modes
    assert modes[-1].id == "hired_before_the_data"


def test_taxonomy_layering_overrides_and_removes_settings(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    assert taxonomy.scoping is not None and taxonomy.scoping.fit is not None
    gone = taxonomy.scoping.failure_modes[0].id
    role = taxonomy.scoping.outcomes[0]
    layered = _layered(
        tmp_path,
        {
            "scoping": {
                "temperature": 2.0,
                "role_bias": {role: 0.75},
                "volume": {"window": 80},
                "fit": None,
                "remove": {"failure_modes": [gone]},
            }
        },
    )
    s = layered.scoping
    assert s is not None
    assert s.temperature == 2.0
    assert s.role_bias == {**taxonomy.scoping.role_bias, role: 0.75}
    assert s.volume == taxonomy.scoping.volume.model_copy(update={"window": 80})
    assert s.fit is None  # a null clears an optional setting
    assert s.semantic_fit == taxonomy.scoping.semantic_fit
    assert [m.id for m in s.failure_modes] == [m.id for m in taxonomy.scoping.failure_modes[1:]]
    assert s.cues == taxonomy.scoping.cues and s.max_repeats == taxonomy.scoping.max_repeats


def test_taxonomy_layering_fitted_layer_is_replaced_whole(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    assert taxonomy.scoping is not None and taxonomy.scoping.fit is not None
    fit = taxonomy.scoping.fit.model_dump(mode="json")
    fit["provenance"] = {**fit["provenance"], "fitted_on": "mine.jsonl"}
    del fit["provenance"]["hand_dev"]  # a part left out is not taken from the layer below
    layered = _layered(tmp_path, {"scoping": {"fit": fit}})
    assert layered.scoping is not None and layered.scoping.fit is not None
    assert layered.scoping.fit.provenance.fitted_on == "mine.jsonl"
    assert layered.scoping.fit.provenance.hand_dev is None
    with pytest.raises(TaxonomyError, match="provenance"):
        _layered(tmp_path, {"scoping": {"fit": {"features": ["cue:x"]}}}, "partial.yaml")


def test_taxonomy_layering_cv_cues_and_settings_by_id(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert taxonomy.cv is not None and taxonomy.cv.interests
    interest = taxonomy.cv.interests[0].model_dump(mode="json")
    interest["terms"] = ["zzq quantum knitting"]
    layered = _layered(tmp_path, {"cv": {"interests": [interest], "use_weights": {"listed": 0.2}}})
    cv = layered.cv
    assert cv is not None
    assert cv.interests[0].terms == ["zzq quantum knitting"]
    assert cv.interests[1:] == taxonomy.cv.interests[1:]
    assert cv.use_weights == {**taxonomy.cv.use_weights, "listed": 0.2}
    assert cv.fit == taxonomy.cv.fit and cv.section_headings == taxonomy.cv.section_headings


def test_taxonomy_layering_reading_and_semantic_settings(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    assert taxonomy.semantic is not None
    layered = _layered(
        tmp_path, {"reading": {"negation_window": 55}, "semantic": {"threshold": 0.6}}
    )
    assert layered.reading == taxonomy.reading.model_copy(update={"negation_window": 55})
    assert layered.semantic == taxonomy.semantic.model_copy(update={"threshold": 0.6})


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"scoping": {"temprature": 2.0}}, r"mine\.yaml: scoping\.temprature: Extra inputs"),
        ({"scoping": {"temperature": -1}}, r"mine\.yaml: scoping\.temperature: .*greater than 0"),
        (
            {"scoping": {"cues": [{"id": "x", "step": "data", "label": "x", "weights": {"a": 1}}]}},
            r"mine\.yaml: scoping\.cues\.0: .*needs either terms or all_of",
        ),
        (
            {
                "scoping": {
                    "cues": [
                        {
                            "id": "x",
                            "step": "data",
                            "label": "x",
                            "terms": ["zzq"],
                            "weights": {"astronaut": 1},
                        }
                    ]
                }
            },
            "astronaut",
        ),
        (
            {"scoping": {"remove": {"cues": ["no_such_cue"]}}},
            r"remove\.cues names \['no_such_cue'\]",
        ),
        ({"scoping": {"remove": {"outcomes": ["ml_engineer"]}}}, r"scoping\.remove\.outcomes"),
        ({"weights": {"no_such_item": {"ml_engineer": 1}}}, "no evidence item 'no_such_item'"),
        ({"weights": {"pytorch": {"astronaut": 1}}}, "unknown role 'astronaut'"),
        ({"weights": {"pytorch": {"ml_engineer": 9}}}, r"weights lie in \[-5, 5\]"),
        ({"cv": {"use_weights": {"glanced": 1.0}}}, r"mine\.yaml: cv\.use_weights\.glanced"),
    ],
    ids=[
        "typo",
        "out-of-bounds",
        "bad-cue",
        "unknown-role",
        "remove-unknown",
        "remove-unkeyed",
        "weights-unknown-item",
        "weights-unknown-role",
        "weights-range",
        "cv-unknown-use",
    ],
)
def test_taxonomy_layering_errors_stay_clear(
    tmp_path: Path, raw: dict[str, Any], message: str
) -> None:
    with pytest.raises(TaxonomyError, match=message):
        _layered(tmp_path, raw)


def test_taxonomy_layering_repeated_id_in_one_patch_is_an_error(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    assert taxonomy.scoping is not None
    cue = taxonomy.scoping.cues[0].model_dump(mode="json")
    with pytest.raises(TaxonomyError, match="more than once"):
        _layered(tmp_path, {"scoping": {"cues": [cue, cue]}})


def test_taxonomy_layering_template_examples_layer_cleanly(tmp_path: Path) -> None:
    # the commented `weights:` and block examples in `rolelens taxonomy template` stay true
    text = template_path().read_text(encoding="utf-8")
    weights = text[text.index("# weights:\n") : text.index("\n\n# fitted")]
    blocks = text[text.index("# scoping:\n") :]
    example = "\n".join(
        line[2:] for line in f"{weights}\n{blocks}".splitlines() if line.startswith("# ")
    )
    raw = yaml.safe_load(example)
    assert set(raw) == {"weights", "scoping", "cv"}
    layered = _layered(tmp_path, raw)
    assert layered.scoping is not None and layered.scoping.temperature == 1.4
    assert "dashboards_not_ai" not in {m.id for m in layered.scoping.failure_modes}


def test_taxonomy_layering_readme_example_layers_cleanly(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\nweights:")
    raw = yaml.safe_load(readme[start + len("```yaml\n") : readme.index("```", start + 7)])
    layered = _layered(tmp_path, raw)
    pytorch = next(e for e in layered.evidence if e.id == "pytorch")
    assert pytorch.weights["data_scientist"] == 1.0


def test_taxonomy_layering_lists_changed_by_id_are_the_documented_ones() -> None:
    # README.md, the template and taxonomy/layering.py name these lists: update them together
    from rolelens.taxonomy import models as schema

    keyed = {
        patch.__name__: patch.keyed
        for patch in (
            schema.ReadingPatch,
            schema.ScopingPatch,
            schema.CvPatch,
            schema.SemanticPatch,
        )
    }
    assert keyed == {
        "ReadingCuesPatch": {},
        "ScopingCuesPatch": {
            "steps": "id",
            "cues": "id",
            "failure_modes": "id",
            "profiles": "role",
            "facts": "id",
        },
        "CvCuesPatch": {"entry_kinds": "id", "interests": "id", "learning": "id"},
        "SemanticCuesPatch": {"activities": "id"},
    }
    nested = schema.ScopingPatch.model_fields["pay"].annotation
    assert "ranges" in str(getattr(nested, "__args__", [nested])[0].keyed)
