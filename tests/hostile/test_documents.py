"""Documents get a work budget, not just a byte limit (issue 17)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rolelens.errors import EmptyInput, InputTooLarge, ZipBomb
from rolelens.io import documents
from rolelens.io.documents import document_text

docx = pytest.importorskip("docx", reason="the cv extra is not installed")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_with_styles(styles: int, paragraphs: int) -> bytes:
    """A DOCX with many paragraph styles and many paragraphs that use the last one."""
    base = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Jane Doe")
    document.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                extra = "".join(
                    f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="Style {i}"/>'
                    "</w:style>"
                    for i in range(styles)
                )
                data = data.replace(b"</w:styles>", extra.encode() + b"</w:styles>")
            elif info.filename == "word/document.xml":
                body = "".join(
                    f'<w:p><w:pPr><w:pStyle w:val="S{styles - 1}"/></w:pPr>'
                    f"<w:r><w:t>Trained PyTorch models, line {i}</w:t></w:r></w:p>"
                    for i in range(paragraphs)
                )
                data = data.replace(b"<w:sectPr", body.encode() + b"<w:sectPr", 1)
            dst.writestr(info, data)
    return out.getvalue()


def test_docx_with_thousands_of_styles_reads_in_bounded_time(tmp_path: Path) -> None:
    """python-docx scans every style per paragraph: this file took ~70 s that way."""
    path = tmp_path / "styles.docx"
    path.write_bytes(_docx_with_styles(3_000, 20_000))
    code = (
        "import sys; from rolelens.io.documents import document_text; "
        "t = document_text(open(sys.argv[1], 'rb').read(), 'styles.docx'); "
        "print(t.count('Trained PyTorch'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "20000"


def test_docx_xml_past_the_budget_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _docx_with_styles(10, 2_000)
    assert "line 1999" in document_text(data, "cv.docx")
    monkeypatch.setattr(documents, "MAX_XML_BYTES", 100_000)
    with pytest.raises(ZipBomb, match="bytes of XML"):
        document_text(data, "cv.docx")


def test_every_document_kind_has_the_character_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 5_000)
    with pytest.raises(InputTooLarge):
        document_text(_docx_with_styles(1, 2_000), "cv.docx")
    with pytest.raises(InputTooLarge):
        document_text(("Trained models. " * 1_000).encode(), "cv.txt")
    assert document_text(b"Trained models.", "cv.txt") == "Trained models."


def _pdf_with_path_operators(count: int) -> bytes:
    """A one-page PDF whose content stream draws ``count`` lines (tiny once compressed)."""
    import zlib

    stream = zlib.compress(b"0 0 m 1 1 l S\n" * count, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_with_millions_of_drawing_operators_is_refused_unread() -> None:
    pytest.importorskip("pypdfium2", reason="the cv extra is not installed")
    data = _pdf_with_path_operators(2_000_000)  # 4 M operators in ~50 kB
    assert len(data) < 200_000
    with pytest.raises(InputTooLarge, match="drawing instructions"):
        document_text(data, "cv.pdf")
    # a page with a few thousand strokes is read as usual (here: it holds no text)
    with pytest.raises(EmptyInput, match="no text"):
        document_text(_pdf_with_path_operators(2_000), "cv.pdf")
