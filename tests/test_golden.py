"""Golden files: the full JSON reading of a few written postings, and the published schemas.

A change in behaviour shows up as a diff. After an intended change, regenerate with
``ROLELENS_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from rolelens.core.reader import PostingReader
from rolelens.schemas import MODELS, generate, render, schema_text

HERE = Path(__file__).parent
POSTINGS = [
    *sorted((HERE / "data" / "postings").glob("*.md")),
    HERE.parent / "examples" / "posting.md",
]
UPDATE = os.environ.get("ROLELENS_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("path", POSTINGS, ids=lambda p: p.stem)
def test_golden_reading_of_written_postings(reader: PostingReader, path: Path) -> None:
    reading = reader.read(path.read_text(encoding="utf-8"), id=path.stem)
    got = reading.model_dump(mode="json")
    golden = HERE / "golden" / f"{path.parent.name}_{path.stem}.json"
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with ROLELENS_UPDATE_GOLDEN=1"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", POSTINGS, ids=lambda p: p.stem)
def test_golden_readings_validate_against_the_published_schema(
    reader: PostingReader, path: Path
) -> None:
    reading = reader.read(path.read_text(encoding="utf-8"))
    schema = json.loads(schema_text("reading"))
    jsonschema.validate(reading.model_dump(mode="json"), schema)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_golden_shipped_schema_matches_the_models(name: str) -> None:
    assert schema_text(name) == render(name), "run `make schemas` and commit the result"
    jsonschema.Draft202012Validator.check_schema(generate(name))
