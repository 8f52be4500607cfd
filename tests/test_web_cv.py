"""The CV routes of the HTTP API: /v1/cv (upload or text), /v1/match and /v1/career."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the 'serve' extra is not installed")
pytest.importorskip("multipart", reason="python-multipart is not installed")

from fastapi.testclient import TestClient

from rolelens.core.cv_models import CareerAdvice, CvReading, FitReport
from rolelens.service import Service
from rolelens.web.app import create_app
from rolelens.web.settings import ServiceSettings

CVS = Path(__file__).resolve().parent / "data" / "cvs"
ML_CV = (CVS / "ml_engineer.md").read_text(encoding="utf-8")
POSTING = """Senior Machine Learning Engineer

What you'll do
- Train and fine-tune forecasting models on five years of our own sales history.
- Own the feature pipeline, held-out evaluation and weekly retraining with drift monitoring.

What you'll bring
- 5+ years building models with PyTorch or XGBoost and serving them in production.
"""
SECRET = "OKAPI-2290"


def test_web_cv_from_text_and_from_a_file_agree(client: TestClient, service: Service) -> None:
    as_text = client.post("/v1/cv", data={"text": ML_CV, "id": "c-1"})
    as_file = client.post("/v1/cv", files={"file": ("cv.md", ML_CV.encode("utf-8"))})
    assert as_text.status_code == as_file.status_code == 200
    reading = CvReading.model_validate(as_text.json())
    assert reading.role == "ml_engineer" and reading.id == "c-1"
    assert as_file.json()["role"] == reading.role
    assert as_file.json()["evidence"] == as_text.json()["evidence"]
    for ev in reading.evidence:  # spans point into the CV as sent
        assert ML_CV[ev.start : ev.end] == ev.text


def test_web_cv_reads_a_pdf_upload() -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (test helper) is not installed")
    pytest.importorskip("pypdfium2", reason="the 'cv' extra is not installed")
    from tests.cv_files import pdf_bytes

    with TestClient(create_app()) as c:
        response = c.post("/v1/cv", files={"file": ("cv.pdf", pdf_bytes(ML_CV))})
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "ml_engineer"


def test_web_cv_redacts_on_request(client: TestClient) -> None:
    cv = "Ana Silva, ana.silva@example.com, +44 20 7946 0958\n\n" + ML_CV
    body = client.post("/v1/cv", data={"text": cv, "redact": "true"}).json()
    assert body["redacted"] is True and body["redactions"]


def test_web_match_and_career(client: TestClient) -> None:
    response = client.post("/v1/match", data={"text": ML_CV, "posting": POSTING})
    assert response.status_code == 200, response.text
    fit = FitReport.model_validate(response.json())
    assert fit.posting_role == "ml_engineer" and fit.requirements
    response = client.post(
        "/v1/career", files={"file": ("cv.md", ML_CV.encode())}, data={"likes": "research"}
    )
    assert response.status_code == 200, response.text
    advice = CareerAdvice.model_validate(response.json())
    assert advice.learning_path and advice.cv.role == "ml_engineer"


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "code"),
    [
        ("/v1/cv", {}, 422, "request_invalid"),
        (
            "/v1/cv",
            {"data": {"text": ML_CV}, "files": {"file": ("a.md", b"x")}},
            422,
            "request_invalid",
        ),
        ("/v1/cv", {"data": {"text": "   "}}, 400, "input_empty"),
        (
            "/v1/cv",
            {"files": {"file": ("cv.exe", bytes(range(256)) * 4)}},
            415,
            "document_unsupported",
        ),
        ("/v1/cv", {"files": {"file": ("cv.pdf", b"%PDF-1.4 not really")}}, 422, "document_broken"),
        ("/v1/match", {"data": {"text": ML_CV}}, 422, "request_invalid"),
        ("/v1/match", {"data": {"text": ML_CV, "posting": " "}}, 400, "input_empty"),
        ("/v1/career", {"data": {"likes": "maths"}}, 422, "request_invalid"),
    ],
    ids=[
        "nothing",
        "both",
        "empty",
        "binary",
        "broken-pdf",
        "no-posting",
        "empty-posting",
        "no-cv",
    ],
)
def test_web_cv_errors_are_coded(
    client: TestClient, path: str, kwargs: dict[str, object], status: int, code: str
) -> None:
    if code == "document_broken":
        pytest.importorskip("pypdfium2", reason="the 'cv' extra is not installed")
    response = client.post(path, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_web_cv_upload_over_the_limit_is_413(service: Service) -> None:
    with TestClient(create_app(ServiceSettings(max_bytes=2_000), service=service)) as c:
        response = c.post("/v1/cv", files={"file": ("cv.md", b"x" * 5_000)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "input_too_large"


def test_web_cv_text_never_reaches_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cv = ML_CV + f"\nHobbies: {SECRET}\n"
    assert client.post("/v1/cv", data={"text": cv}).status_code == 200
    assert (
        client.post("/v1/match", data={"text": cv, "posting": POSTING + SECRET}).status_code == 200
    )
    assert client.post("/v1/career", data={"text": cv, "likes": SECRET}).status_code == 200
    unknown = client.post("/v1/cv", data={"text": cv, "extra": SECRET})
    assert unknown.status_code == 422 and "extra" in unknown.json()["error"]["message"]
    assert SECRET not in unknown.text
    assert SECRET not in caplog.text
