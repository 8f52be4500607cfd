"""Turn a document (a CV, posting or brief as PDF, DOCX, HTML, Markdown or text) into plain
text, or a coded error.

The format is sniffed from the bytes first and the file name second, so a PNG renamed
``cv.pdf`` is refused as what it is. PDF text comes from pypdfium2 (PDFium), DOCX from
python-docx; both are the optional ``cv`` extra and a missing one gives an install hint.
Hostile files are refused before parsing where possible: size and page limits, DOCX
archives whose unpacked size or compression ratio is out of proportion (zip bombs),
password-protected files. A PDF with pages but no text layer needs OCR, and says so.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any, Literal

from rolelens.errors import (
    BinaryInput,
    BrokenDocument,
    EmptyInput,
    EncryptedDocument,
    ExtraMissing,
    InputTooLarge,
    NeedsOcr,
    UnsupportedDocument,
    ZipBomb,
)
from rolelens.io.text import text_of

DocumentKind = Literal["pdf", "docx", "html", "markdown", "text"]

MAX_DOCUMENT_BYTES = 10_000_000
MAX_PAGES = 40
MAX_TEXT_CHARS = 2_000_000
# A DOCX is a zip: refuse archives that would unpack past this, or whose members
# compress better than this ratio (text XML compresses ~5-20x; bombs reach 1000x).
MAX_UNZIPPED_BYTES = 60_000_000
# ... and whose XML (the part python-docx parses into a tree) would pass this: a CV's
# document.xml is well under 1 MB; 58 MB of XML in a 615 kB file took minutes and gigabytes
MAX_XML_BYTES = 16_000_000
MAX_RATIO = 120
MAX_MEMBERS = 2_000
_MIN_TEXT_PER_PAGE = 15
_INSTALL = "pip install 'rolelens[cv]'"

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF file (WebP image or audio)"),
    (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
]
_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".text", ""}
_KNOWN_SUFFIXES = {".pdf", ".docx"} | _TEXT_SUFFIXES


def sniff(data: bytes, filename: str | None = None) -> DocumentKind:
    """The document's format, from its bytes (and name only for text kinds).

    Raises :class:`UnsupportedDocument` for bytes of another kind (an image, an archive,
    a legacy .doc) and when the name promises a PDF or DOCX the bytes are not.
    """
    suffix = Path(filename).suffix.lower() if filename else ""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix == ".docx":
            # Office saves password-protected .docx as an OLE2 container with the
            # encrypted package inside
            raise EncryptedDocument(f"{_name(filename)} is a password-protected Word file")
        raise UnsupportedDocument(
            f"{_name(filename)} is a legacy Office file (.doc); save it as .docx or PDF"
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedDocument(
                f"{_name(filename)} is {what}, not a document format (give PDF, DOCX, "
                "HTML, Markdown or text)"
                + ("; an image of text needs OCR first" if "image" in what else "")
            )
    if suffix in (".pdf", ".docx"):
        raise UnsupportedDocument(
            f"{_name(filename)} is named {suffix} but its bytes are not a {suffix[1:].upper()} file"
        )
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix not in _KNOWN_SUFFIXES:
        raise UnsupportedDocument(
            f"{_name(filename)}: {suffix} is not a document format (give PDF, DOCX, HTML, "
            "Markdown or text)"
        )
    return "text"


def document_text(
    data: bytes, filename: str | None = None, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> str:
    """The plain text of a document given as bytes (``filename`` hints the format)."""
    if len(data) > max_bytes:
        raise InputTooLarge(f"{_name(filename)} is {len(data):,} bytes; the limit is {max_bytes:,}")
    if not data.strip():
        raise EmptyInput(f"{_name(filename)} is empty")
    kind = sniff(data, filename)
    if kind == "pdf":
        text = pdf_text(data, filename)
    elif kind == "docx":
        text = docx_text(data, filename)
    else:
        suffix = ".html" if kind == "html" else (Path(filename).suffix if filename else "")
        try:
            text = text_of(data, suffix, max_bytes=max_bytes)
        except BinaryInput as exc:
            raise UnsupportedDocument(
                f"{_name(filename)} looks like binary data of a kind documents are not read from "
                "(give PDF, DOCX, HTML, Markdown or text)"
            ) from exc
    if not text.strip():
        raise EmptyInput(f"{_name(filename)} holds no text")
    if len(text) > MAX_TEXT_CHARS:  # every kind: a DOCX or text file can hold more than a PDF
        raise InputTooLarge(f"{_name(filename)} holds over {MAX_TEXT_CHARS:,} characters")
    return text


def read_document(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The plain text of a document on disk."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,}")
    return document_text(path.read_bytes(), path.name, max_bytes=max_bytes)


# -- PDF ------------------------------------------------------------------------------------
# PDFium parses a whole page's drawing operators when it loads the page: a 136 kB file whose
# page held 5 M path operators took 38 s and 1.4 GB. Before PDFium sees a file, its
# compressed streams other than images and fonts are unpacked (with a cap) and measured: a
# CV's pages come to well under 1 MB of drawing instructions.
MAX_PDF_STREAM_BYTES = 8_000_000
_NOT_DRAWING = (b"/Image", b"/Length1", b"/Length2", b"/Type1C", b"/CIDFontType0C", b"/OpenType")


def check_pdf_streams(data: bytes, filename: str | None = None) -> None:
    """Refuse a PDF whose compressed non-image streams unpack past MAX_PDF_STREAM_BYTES."""
    budget = MAX_PDF_STREAM_BYTES
    pos = 0
    while (start := data.find(b"stream", pos)) >= 0:
        pos = start + 6
        if data.startswith(b"end", start - 3):  # the word 'endstream'
            continue
        head = data[max(0, start - 400) : start]
        opened = head.rfind(b"<<")
        dictionary = head[opened:] if opened >= 0 else head
        if b"/FlateDecode" not in dictionary or any(k in dictionary for k in _NOT_DRAWING):
            continue
        body = pos + (2 if data.startswith(b"\r\n", pos) else 1)
        end = data.find(b"endstream", body)
        unpack = zlib.decompressobj()
        try:
            budget -= len(unpack.decompress(data[body : end if end >= 0 else None], budget + 1))
        except zlib.error:
            continue  # PDFium judges broken streams itself
        if budget < 0:
            raise InputTooLarge(
                f"{_name(filename)} holds over {MAX_PDF_STREAM_BYTES:,} bytes of drawing "
                "instructions; a CV holds far less (refused unread)"
            )
        pos = end if end >= 0 else len(data)


def pdf_text(data: bytes, filename: str | None = None) -> str:
    """The text layer of a PDF, page by page (pypdfium2)."""
    pdfium = _import("pypdfium2", "PDF")
    check_pdf_streams(data, filename)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message or "security" in message:
            raise EncryptedDocument(f"{_name(filename)} is a password-protected PDF") from exc
        raise BrokenDocument(f"{_name(filename)} is not a readable PDF: {exc}") from exc
    try:
        pages = len(pdf)
        if pages == 0:
            raise BrokenDocument(f"{_name(filename)} is a PDF with no pages")
        if pages > MAX_PAGES:
            raise InputTooLarge(
                f"{_name(filename)} has {pages} pages; a CV is read up to {MAX_PAGES}"
            )
        parts: list[str] = []
        total = 0
        images = 0
        for index in range(pages):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    chunk = textpage.get_text_bounded()
                finally:
                    textpage.close()
                images += _image_count(page)
            finally:
                page.close()
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_TEXT_CHARS:
                raise InputTooLarge(f"{_name(filename)} holds over {MAX_TEXT_CHARS:,} characters")
    finally:
        pdf.close()
    text = reflow("\n\n".join(p.strip("\n") for p in parts))
    if len("".join(text.split())) < _MIN_TEXT_PER_PAGE * pages:
        if images:
            raise NeedsOcr(
                f"{_name(filename)} holds images of text but no text layer: run OCR on it "
                "(for example ocrmypdf) and try again"
            )
        if not text.strip():
            raise EmptyInput(f"{_name(filename)} is a PDF with no text")
    return text


def reflow(text: str) -> str:
    """Join lines a PDF wrapped mid-sentence: a line starting in lower case or with a
    digit continues the line above unless that one ended a sentence or is a heading."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if (
            out
            and stripped
            and out[-1].strip()
            and (stripped[0].islower() or stripped[0].isdigit())
            and not out[-1].rstrip().endswith((".", ":", "!", "?"))
            and not out[-1].lstrip().startswith("#")
        ):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _image_count(page: Any) -> int:
    try:
        import pypdfium2.raw as raw  # type: ignore[import-untyped]

        return sum(1 for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    except Exception:  # an odd page object tree only loses the OCR hint
        return 0


# -- DOCX -----------------------------------------------------------------------------------
def check_zip(data: bytes, filename: str | None = None) -> None:
    """Refuse a DOCX archive that is broken, encrypted or would unpack out of proportion."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BrokenDocument(f"{_name(filename)} is not a readable DOCX: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ZipBomb(f"{_name(filename)} holds {len(infos):,} files; refused unread")
        total = xml = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedDocument(f"{_name(filename)} is an encrypted archive")
            total += info.file_size
            if info.filename.endswith((".xml", ".rels")):
                xml += info.file_size
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > MAX_RATIO and info.file_size > 1_000_000:
                raise ZipBomb(
                    f"{_name(filename)}: {info.filename} would unpack {ratio:,.0f} times its "
                    "size; refused unread"
                )
        if total > MAX_UNZIPPED_BYTES:
            raise ZipBomb(
                f"{_name(filename)} would unpack to {total:,} bytes (limit "
                f"{MAX_UNZIPPED_BYTES:,}); refused unread"
            )
        if xml > MAX_XML_BYTES:
            raise ZipBomb(
                f"{_name(filename)} holds {xml:,} bytes of XML (limit {MAX_XML_BYTES:,}); "
                "refused unread"
            )
        if "word/document.xml" not in archive.namelist():
            raise UnsupportedDocument(f"{_name(filename)} is a zip archive but not a DOCX")


def docx_text(data: bytes, filename: str | None = None) -> str:
    """The text of a DOCX: headings as Markdown headings, list paragraphs as bullets, tables."""
    check_zip(data, filename)
    docx = _import("docx", "DOCX")
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for bad packages
        raise BrokenDocument(f"{_name(filename)} is not a readable DOCX: {exc}") from exc
    # python-docx looks a paragraph's style up by scanning every style: minutes to hours for
    # a file with thousands of styles. Their names are read once here instead.
    style_names = {s.style_id: s.name or "" for s in document.styles}
    lines: list[str] = []
    chars = 0
    body = document.element.body
    for child in body.iterchildren():
        if chars > MAX_TEXT_CHARS:
            raise InputTooLarge(f"{_name(filename)} holds over {MAX_TEXT_CHARS:,} characters")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            line = _paragraph_line(Paragraph(child, document), style_names)
            chars += len(line)
            lines.append(line)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and value not in cells:
                        cells.append(value)
                if cells:
                    lines.append(" | ".join(cells))
                    chars += len(lines[-1])
    return "\n".join(lines).strip()


def _paragraph_line(paragraph: Any, style_names: dict[str, str]) -> str:
    text = " ".join(paragraph.text.split())
    if not text:
        return ""
    style_id = paragraph._p.style  # the pStyle id, or None for the default style
    style = style_names.get(style_id, "") if style_id else ""
    lowered = style.lower()
    if lowered.startswith("heading") or lowered == "title":
        level = "".join(c for c in style if c.isdigit()) or "1"
        return "#" * min(int(level), 6) + " " + text
    if "list" in lowered:
        return "- " + text
    return text


# -- helpers --------------------------------------------------------------------------------
def _import(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ExtraMissing(
            f"reading {what} files needs the 'cv' extra ({module} is not installed): {_INSTALL}"
        ) from exc


def _name(filename: str | None) -> str:
    return Path(filename).name if filename else "the document"
