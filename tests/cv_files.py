"""Build real CV files for the tests: text PDFs, an image-only PDF, an encrypted PDF, DOCX.

Test-only helpers (fpdf2 writes the PDFs, Pillow draws the scanned page, python-docx
writes the DOCX); every test that uses them skips cleanly without the ``cv`` extra.
"""

from __future__ import annotations

import io
import zipfile

# tests/data/cvs/NAME.md -> the role its shipped work describes: one CV per role first,
# then the special cases.
ONE_PER_ROLE = {
    "ai_engineer": "ai_engineer",
    "ml_engineer": "ml_engineer",
    "agentic_engineer": "agentic_ai_engineer",
    "forward_deployed": "forward_deployed_engineer",
    "data_scientist": "data_scientist",
    "data_engineer": "data_engineer_bi",
    "rpa_developer": "rpa_engineer",
    "software_engineer": "software_engineer",
    "product_manager": "other",
}
ROLE_OF = {**ONE_PER_ROLE, "llm_integrator_ml_title": "ai_engineer", "junior_ai": "ai_engineer"}

_LATIN = str.maketrans({"–": "-", "—": "-", "·": "|", "’": "'", "“": '"', "”": '"', "…": "..."})


def pdf_bytes(text: str, *, password: str | None = None) -> bytes:
    """A one-or-more page PDF with ``text`` as its text layer (Markdown marks kept)."""
    from fpdf import FPDF

    pdf = FPDF()
    if password is not None:
        from fpdf.enums import EncryptionMethod

        pdf.set_encryption(
            owner_password="owner-" + password,
            user_password=password,
            encryption_method=EncryptionMethod.RC4,
        )
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.translate(_LATIN).splitlines():
        if line.strip():
            pdf.multi_cell(
                0,
                5,
                line.encode("latin-1", "replace").decode("latin-1"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        else:
            pdf.ln(3)
    return bytes(pdf.output())


def image_pdf_bytes() -> bytes:
    """A PDF whose only page is a picture of a CV: no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(["Jane Scan", "Experience", "Built RAG assistants", "Skills"]):
        draw.text((40, 40 + 30 * i), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=180)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    """A DOCX with Markdown headings as Word headings and bullets as list paragraphs."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            document.add_heading(stripped.lstrip("# ").strip(), level=min(level, 3))
        elif stripped.startswith("- "):
            document.add_paragraph(stripped[2:], style="List Bullet")
        else:
            document.add_paragraph(stripped)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(unpacked: int = 5_000_000) -> bytes:
    """A DOCX-shaped zip whose document.xml unpacks to ``unpacked`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"0" * 1_000_000
            for _ in range(unpacked // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()
