"""Published JSON Schemas of rolelens output (and of its inputs), generated from the models.

The files beside this module are checked in; a test fails when a model changes and
the file was not regenerated (``python -m rolelens.schemas``), so a schema change is
always a visible diff.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import BaseModel

from rolelens.assist import LLMAssist
from rolelens.core.aggregate import MarketAggregate
from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.core.models import Reading, RowError
from rolelens.core.scoping_models import Scoping
from rolelens.inputs import BriefInput, PostingInput
from rolelens.market.models import RunSummary

MODELS: dict[str, type[BaseModel]] = {"reading": Reading, "row-error": RowError, "scoping": Scoping}
MODELS.update({"cv": CvReading, "match": FitReport, "career": CareerAdvice})
MODELS["llm-assist"] = LLMAssist  # `rolelens scope --llm-url ... --json` prints it under "llm"
MODELS["market-aggregate"] = MarketAggregate  # rolelens market: DIR/aggregate.json
MODELS["market-manifest"] = RunSummary  # rolelens market: DIR/manifest.json
# what every interface takes: a --jsonl row, an HTTP body, an MCP tool's arguments
MODELS.update({"posting-input": PostingInput, "brief-input": BriefInput})


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema of one output, freshly generated from its model."""
    model = MODELS[name]
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://rolelens.dev/schemas/{name}.schema.json"
    return schema


def schema_text(name: str) -> str:
    """The shipped schema file's text (KeyError for an unknown name)."""
    if name not in MODELS:
        raise KeyError(name)
    return (resources.files("rolelens.schemas") / f"{name}.schema.json").read_text("utf-8")


def render(name: str) -> str:
    """The schema as it should appear on disk."""
    return json.dumps(generate(name), indent=2, sort_keys=True) + "\n"
