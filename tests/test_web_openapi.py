"""The OpenAPI document is a golden file: a change to the API shows up as a diff.

After an intended change, regenerate with ``ROLELENS_UPDATE_GOLDEN=1 pytest tests/test_web_openapi.py``
and review the diff of docs/openapi.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")

from rolelens.web.app import create_app, openapi_document
from rolelens.web.settings import ServiceSettings

GOLDEN = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
UPDATE = os.environ.get("ROLELENS_UPDATE_GOLDEN") == "1"


def test_web_openapi_matches_the_checked_in_document() -> None:
    got = openapi_document()
    if UPDATE:
        GOLDEN.write_text(got, encoding="utf-8")
    assert GOLDEN.exists(), "docs/openapi.json is missing: run with ROLELENS_UPDATE_GOLDEN=1"
    assert got == GOLDEN.read_text(encoding="utf-8"), (
        "the API changed: rerun with ROLELENS_UPDATE_GOLDEN=1 and review docs/openapi.json"
    )


def test_web_openapi_does_not_depend_on_settings() -> None:
    configured = create_app(ServiceSettings(token="t", cors_origins=("https://a.example",)))
    assert openapi_document(configured) == openapi_document()


def test_web_openapi_documents_every_route_and_coded_errors() -> None:
    doc = json.loads(openapi_document())
    assert {"/healthz", "/v1/read", "/v1/scope", "/v1/taxonomy", "/v1/roles/{role_id}"} <= set(
        doc["paths"]
    )
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            assert "200" in statuses, f"{method} {path}"
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), f"{method} {path} {status}"
            if path != "/healthz":
                assert op["security"] == [{"bearer": []}, {}]
    assert "HTTPValidationError" not in doc["components"]["schemas"]
