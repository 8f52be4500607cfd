"""CV files: real PDF and DOCX made in the test, and every kind of bad file, coded."""

from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rolelens.core.cv import CvReader
from rolelens.errors import (
    BrokenDocument,
    EmptyInput,
    EncryptedDocument,
    ExtraMissing,
    InputTooLarge,
    NeedsOcr,
    UnsupportedDocument,
    ZipBomb,
)
from rolelens.io.documents import document_text, sniff

pytest.importorskip("pypdfium2")
pytest.importorskip("docx")
pytest.importorskip("fpdf")
import cv_files

CVS = Path(__file__).parent / "data" / "cvs"
TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("name", sorted(cv_files.ONE_PER_ROLE))
def test_cv_documents_pdf_reads_like_the_text(cv_reader: CvReader, name: str) -> None:
    text = (CVS / f"{name}.md").read_text(encoding="utf-8")
    from_pdf = document_text(cv_files.pdf_bytes(text), f"{name}.pdf")
    reading = cv_reader.read(from_pdf, today=TODAY)
    assert reading.role == cv_files.ONE_PER_ROLE[name]
    assert reading.years_experience == cv_reader.read(text, today=TODAY).years_experience


@pytest.mark.parametrize("name", ["ai_engineer", "data_engineer", "keyword_stuffed"])
def test_cv_documents_docx_reads_like_the_text(cv_reader: CvReader, name: str) -> None:
    text = (CVS / f"{name}.md").read_text(encoding="utf-8")
    from_docx = document_text(cv_files.docx_bytes(text), f"{name}.docx")
    assert "## Experience" in from_docx  # Word headings come back as Markdown headings
    a = cv_reader.read(from_docx, today=TODAY)
    b = cv_reader.read(text, today=TODAY)
    assert (a.role, a.keyword_stuffing, len(a.outcomes)) == (
        b.role,
        b.keyword_stuffing,
        len(b.outcomes),
    )


def test_cv_documents_pdf_wrapped_lines_are_joined() -> None:
    long = (
        "- Built a retrieval pipeline "
        + "with many careful words " * 8
        + "that cut latency by 40%."
    )
    text = document_text(cv_files.pdf_bytes("## Experience\n" + long), "cv.pdf")
    assert "cut latency by 40%." in text.splitlines()[-1]
    assert len(text.splitlines()) == 2


def test_cv_documents_encrypted_pdf() -> None:
    data = cv_files.pdf_bytes("# CV\nSome text here", password="secret")
    with pytest.raises(EncryptedDocument) as exc:
        document_text(data, "locked.pdf")
    assert exc.value.code == "document_encrypted"


def test_cv_documents_image_only_pdf_needs_ocr() -> None:
    with pytest.raises(NeedsOcr, match="OCR"):
        document_text(cv_files.image_pdf_bytes(), "scan.pdf")


def test_cv_documents_broken_pdf() -> None:
    with pytest.raises(BrokenDocument):
        document_text(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "broken.pdf")


def test_cv_documents_truncated_pdf() -> None:
    data = cv_files.pdf_bytes("# CV\n" + "Built things. " * 50)
    with pytest.raises((BrokenDocument, EmptyInput)):
        document_text(data[: len(data) // 3], "cut.pdf")


def test_cv_documents_png_renamed_pdf() -> None:
    with pytest.raises(UnsupportedDocument, match="PNG image") as raised:
        document_text(cv_files.png_bytes(), "cv.pdf")
    # the same words for a posting or a brief as for a CV
    assert "an image of text needs OCR" in raised.value.message


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (b"hello there", "cv.pdf", "not a PDF"),
        (b"hello there", "cv.docx", "not a DOCX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cv.doc", "legacy"),
        (b"\x7fELF\x02\x01", "cv.txt", "program"),
        (b"plain words", "cv.xlsx", "not a document format"),
    ],
)
def test_cv_documents_wrong_types(data: bytes, name: str, match: str) -> None:
    with pytest.raises(UnsupportedDocument, match=match):
        document_text(data, name)


def test_cv_documents_encrypted_docx_container() -> None:
    with pytest.raises(EncryptedDocument):
        document_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cv.docx")


def test_cv_documents_zip_bomb_refused_unread() -> None:
    with pytest.raises(ZipBomb):
        document_text(cv_files.zip_bomb_docx(), "bomb.docx")


def test_cv_documents_zip_that_is_not_docx() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(UnsupportedDocument, match="not a DOCX"):
        document_text(buffer.getvalue(), "cv.docx")


def test_cv_documents_too_large() -> None:
    with pytest.raises(InputTooLarge):
        document_text(b"a" * 200, "cv.txt", max_bytes=100)


def test_cv_documents_text_html_markdown() -> None:
    assert sniff(b"# CV", "cv.md") == "markdown"
    html = b"<html><body><h2>Experience</h2><ul><li>Built RAG</li></ul></body></html>"
    assert "## Experience" in document_text(html, "cv.html")
    assert document_text("Caf\u00e9 owner".encode("cp1252"), "cv.txt") == "Caf\u00e9 owner"


def test_cv_documents_missing_extra_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith(("pypdfium2", "docx")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    import importlib

    monkeypatch.setattr(importlib, "import_module", lambda name: fake(name))
    with pytest.raises(ExtraMissing, match=r"rolelens\[cv\]"):
        document_text(b"%PDF-1.4 ...", "cv.pdf")
    # plain text CVs still work without it
    assert document_text(b"Built things", "cv.txt") == "Built things"
