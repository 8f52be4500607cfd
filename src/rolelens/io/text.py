"""Turn bytes a user hands us (text, Markdown, HTML) into text the reader can use.

Everything here raises a coded :mod:`rolelens.errors` error for input it cannot read:
empty, too large, binary, undecodable. HTML goes through selectolax (Lexbor), keeping
headings, list items and paragraphs as lines so the section splitter still sees them;
scripts, styles and other non-content elements are dropped.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser, LexborNode

from rolelens.errors import BinaryInput, EmptyInput, EncodingError, InputTooLarge

MAX_BYTES = 2_000_000
_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "canvas"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "br", "tr",
    "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "form", "nav",
}  # fmt: skip
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The text in ``data``: UTF-8 (with or without BOM), UTF-16 with BOM, or a detected charset."""
    if len(data) > max_bytes:
        raise InputTooLarge(f"input is {len(data):,} bytes; the limit is {max_bytes:,}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"input claims UTF-16 but is not: {exc.reason}") from exc
    head = data[:8192]
    if b"\x00" in head or _control_share(head) > 0.1:
        raise BinaryInput("input looks like binary data, not text (give a .txt, .md or .html)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise EncodingError("input is not UTF-8 and no text encoding fits it")
    return str(best)


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head)


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment rather than prose."""
    start = text.lstrip()[:500].lower()
    return start.startswith(("<!doctype html", "<html", "<body", "<div", "<p>", "<section", "<h1"))


def html_to_text(html: str) -> str:
    """Readable text of an HTML page, one block a line, headings marked as Markdown."""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    out: list[str] = []
    # An explicit stack, not recursion: hostile HTML may nest thousands deep.
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag or ""
        if closing:
            if tag in _BLOCK or tag in _HEADINGS or tag == "li":
                out.append("\n")
            continue
        if tag == "-text":
            out.append(node.text_content or "")
            continue
        if tag in _DROP or tag.startswith("-"):
            continue
        if tag in _HEADINGS:
            out.append("\n" + _HEADINGS[tag])
        elif tag == "li":
            out.append("\n- ")
        elif tag in _BLOCK:
            out.append("\n")
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    lines = (" ".join(line.split()) for line in "".join(out).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def text_of(data: bytes, suffix: str = "", *, max_bytes: int = MAX_BYTES) -> str:
    """The readable text of a posting given as bytes; ``suffix`` hints the format."""
    text = decode(data, max_bytes=max_bytes)
    if suffix.lower() in (".html", ".htm", ".xhtml") or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise EmptyInput("there is no text to read")
    return text


def read_path(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The readable text of a file (txt, md, html)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,}")
    return text_of(path.read_bytes(), path.suffix, max_bytes=max_bytes)
