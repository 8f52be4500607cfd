"""Turn bytes a user hands us (text, Markdown, HTML) into text the reader can use.

Everything here raises a coded :mod:`rolelens.errors` error for input it cannot read:
empty, too large, binary, undecodable. How bytes become text is decided in one place,
:func:`decode`. HTML goes through selectolax (Lexbor), keeping headings, list items and
paragraphs as lines so the section splitter still sees them; scripts, styles and other
non-content elements are dropped, and so is the site's chrome around a posting (navigation,
footer, sidebars, forms). The text starts with the page's title, because the reader takes a
posting's first line as its title.

:func:`readable_text` is the one step every text a user gives goes through (a file, a
library or HTTP call, a JSONL row, a corpus row): an HTML page or fragment becomes its text,
and so does HTML escaped once (``&lt;p&gt;...``), as many job feeds ship descriptions.
"""

from __future__ import annotations

import html as _html
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from rolelens.errors import BinaryInput, EmptyInput, EncodingError, InputTooLarge

MAX_BYTES = 2_000_000
_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "canvas"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "br", "tr",
    "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "form", "nav",
}  # fmt: skip
# The site around a posting, not the posting: "Home | Jobs | AI Research" in a <nav> became
# the title, and "we use machine learning" in a <footer> counted as a requirement. A <header>
# is chrome only when it holds nothing but navigation (see html_to_text): it often holds the
# job's own title. ARIA roles name the same parts on pages built of <div>s.
_CHROME = {"nav", "footer", "aside", "form"}
_CHROME_BY_ROLE = ", ".join(
    f'[role="{role}"]' for role in ("navigation", "contentinfo", "complementary", "search")
)
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}
# The HTML5 tree builder (Lexbor) checks scope over the stack of open elements, so its
# time grows with the square of the nesting depth: 50,000 nested <div> take seconds, a
# 2 MB page of them minutes. Pages nested deeper than this are read tag by tag instead.
MAX_DEPTH = 2_000
# the tags postings are written with: a text that opens with one is HTML
_POSTING_TAGS = (
    "html|head|body|main|article|section|header|div|span|p|br|hr"
    "|h[1-6]|ul|ol|li|dl|table|blockquote|strong|b|em|i|u|font|center"
)
_HTML_START = re.compile(
    rf"<(?:!doctype\s+html|(?:{_POSTING_TAGS})\b[^<>]{{0,400}}>)", re.IGNORECASE
)
# The same tags escaped once, as job feeds ship descriptions ("&lt;p&gt;We build ...",
# "&lt;p class=&quot;x&quot;&gt;"): the name is followed by a space, "/" or "&gt;", and the
# tag ends at the first "&gt;" before the next "&lt;" (so the scan stays linear).
_ESCAPED_TAG = re.compile(
    rf"&lt;(?:!doctype\s+html|/?(?:{_POSTING_TAGS})(?=[\s/&]))(?:(?!&[lg]t;)[^<>]){{0,400}}&gt;",
    re.IGNORECASE,
)
_REAL_TAG = re.compile(
    rf"<(?:!doctype\s+html|/?(?:{_POSTING_TAGS})(?=[\s/>]))[^<>]{{0,400}}>", re.IGNORECASE
)
#: A text that does not open with an escaped tag is escaped HTML when it holds at least this
#: many ("About us&lt;br&gt;&lt;br&gt;We build ...&lt;ul&gt;"): one or two are more likely a
#: text that talks about tags.
ESCAPED_TAGS_MIN = 3
# A page's <title> names the site beside the job ("Senior ML Engineer - Acme Careers"): its
# parts are separated by a spaced bar or dash, and the site's parts hold a careers word.
# (matched after the title's spaces are collapsed to one: a pattern of \s+ runs would be
# tried at every space of a long run, quadratic on hostile text)
_TITLE_SEPARATOR = re.compile(r"( [|\u2013\u2014] | - )")
_CAREERS = re.compile(
    r"(?<!\w)(?:careers?|jobs|job board|job openings|open (?:positions|roles)|vacanc(?:y|ies)"
    r"|join us|join our team|work with us)(?!\w)",
    re.IGNORECASE,
)
# words that go with a careers word in a part that names nothing else ("Careers at ...")
_CAREERS_FILLER = re.compile(r"(?<!\w)(?:at|our|the|all|current|and|&)(?!\w)", re.I)
_DECLARATION = re.compile(r"<[!?][^<>]*>")  # <!doctype ...>, <?xml ...?>
# the name is possessive: "<aaaa..." with no ">" was quadratic (10 s on 20 kB)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*+)[^<>]*?(/?)>")
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
    # these close an open sibling of their kind, so on their own they do not nest
    "p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody", "tfoot",
}  # fmt: skip
# <head> may be left open (the tree builder closes it at <body>); skip just its <title>
_FLAT_DROP = (_DROP - {"head"}) | {"title"}
# Western text is far more common in postings than the code pages that decode the same
# bytes with equal "chaos"; prefer cp1252 when it is within this margin of the best guess.
_CP1252_MARGIN = 0.05
_UTF8_BOM = b"\xef\xbb\xbf"
# Text that is UTF-8 but for a few stray bytes (a bad paste, one byte of another charset) is
# read as UTF-8, each bad spot shown as U+FFFD, when its bad spots (runs of bytes that are not
# UTF-8) are at most this share of its valid multi-byte characters. Decoding it as cp1252
# instead would garble every accented letter ("München" -> "MÃ¼nchen"). Text in a legacy
# charset is far from it: its accented letters are the bad spots, and its bytes form valid
# multi-byte UTF-8 only by accident ("ß" then a curly quote in cp1252), so almost never.
STRAY_BYTE_SHARE = 0.5
_NOT_UTF8 = re.compile("[\udc80-\udcff]+")  # the bytes surrogateescape stood in for


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The text in ``data``, decoded by the first rule that fits:

    1. UTF-16 when it opens with a UTF-16 byte-order mark;
    2. UTF-8 (a UTF-8 BOM dropped) when every byte fits;
    3. UTF-8 with each bad spot as U+FFFD when it opens with the UTF-8 BOM, or is UTF-8 but
       for a few stray bytes (:data:`STRAY_BYTE_SHARE`);
    4. else the charset the bytes look like (charset-normalizer), cp1252 when it is close.
    """
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
    if _mostly_utf8(data):
        return data.decode("utf-8-sig", "replace")
    from charset_normalizer import from_bytes  # only for non-UTF-8 bytes: ~20 ms to import

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise EncodingError("input is not UTF-8 and no text encoding fits it")
    # charset-normalizer often names a Baltic, Arabic or Cyrillic code page for short
    # Latin-1 text ('Café' came out with an Arabic letter for the é): take cp1252 when a
    # near-best guess agrees.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return str(best)
    for match in matches:
        if match.chaos <= best.chaos + _CP1252_MARGIN and str(match) == western:
            return western
    return str(best)


def _mostly_utf8(data: bytes) -> bool:
    """True when ``data`` is UTF-8 but for a few stray bytes (:data:`STRAY_BYTE_SHARE`), or
    opens with the UTF-8 byte-order mark (which says so outright)."""
    if data.startswith(_UTF8_BOM):
        return True
    escaped = data.decode("utf-8-sig", "surrogateescape")
    bad_spots = _NOT_UTF8.findall(escaped)
    bad_bytes = sum(len(spot) for spot in bad_spots)
    non_ascii = len(escaped) - len(escaped.encode("ascii", "ignore"))
    multibyte = non_ascii - bad_bytes
    return len(bad_spots) <= STRAY_BYTE_SHARE * multibyte


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head)


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document or fragment rather than prose: it opens with
    a doctype or one of the tags postings are written with (ATS descriptions often open
    with ``<h2>``, ``<ul>``, ``<p class=...>`` or ``<strong>``)."""
    return _HTML_START.match(text.lstrip()[:500]) is not None


def looks_like_escaped_html(text: str) -> bool:
    """True when the text is HTML escaped once, as job feeds often ship a description
    (``&lt;p&gt;We build &lt;strong&gt;LLM&lt;/strong&gt; features&lt;/p&gt;``): it holds
    escaped tags of the kinds :func:`looks_like_html` knows, more of them than real tags, and
    either opens with one or holds at least :data:`ESCAPED_TAGS_MIN`. A text that merely
    mentions ``&lt;`` ("salary &lt; 100k") or a tag or two is not."""
    if "&" not in text:
        return False
    escaped = sum(1 for _ in _ESCAPED_TAG.finditer(text))
    if not escaped:
        return False
    opens = _ESCAPED_TAG.match(text.lstrip()) is not None
    return (opens or escaped >= ESCAPED_TAGS_MIN) and escaped > len(_REAL_TAG.findall(text))


def readable_text(text: str) -> str:
    """The text to read in a text a user gave: an HTML page or fragment becomes its text
    (:func:`html_to_text`); HTML escaped once (:func:`looks_like_escaped_html`) is unescaped
    once, then read as HTML; anything else is returned as it is. Offsets in a reading of the
    result refer to the result, never to the text given."""
    if looks_like_html(text):
        return html_to_text(text)
    if looks_like_escaped_html(text):
        return html_to_text(_html.unescape(text))
    return text


def html_to_text(html: str) -> str:
    """Readable text of an HTML page, one block a line, headings marked as Markdown.

    The text starts with the page's title: its first ``<h1>`` that holds text, moved to the
    top, else its ``<title>`` without the site's name (:func:`page_title`). The site's chrome
    is left out: ``<nav>``, ``<footer>``, ``<aside>``, ``<form>`` and their ARIA roles, and a
    ``<header>`` that holds nothing but navigation (a header with a heading or any text outside
    links is kept).
    """
    if _nesting_bound(html) > MAX_DEPTH:
        return _tidy(_flat_text(html))
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    # innermost first, so that no node is removed after an ancestor of it was
    for chrome in reversed(tree.css(_CHROME_BY_ROLE)):
        chrome.decompose()
    out: list[str] = []
    h1: list[int] = []  # where the first <h1> with text starts and ends in ``out``
    h1_node = -1  # its mem_id: an <h1> may hold another one (inside a <div>)
    # the <header>s open, innermost last: where each starts in ``out``, and whether it holds
    # more than navigation (a heading, or text outside a link) so far
    headers: list[list[int]] = []
    links = 0  # <a> elements open
    # An explicit stack, not recursion: hostile HTML may nest thousands deep.
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag or ""
        if closing:
            if tag == "a":
                links -= 1
            elif tag == "header":
                begin, content = headers.pop()
                if not content:
                    del out[begin:]
                    continue
            if tag in _BLOCK or tag in _HEADINGS or tag == "li":
                out.append("\n")
            if tag == "h1" and node.mem_id == h1_node:
                h1.append(len(out))
            continue
        if tag == "-text":
            text = node.text_content or ""
            if headers and not links and any(c.isalnum() for c in text):
                _holds_content(headers)
            out.append(text)
            continue
        if tag in _DROP or tag in _CHROME or tag.startswith("-"):
            continue
        if tag in _HEADINGS:
            if tag == "h1" and not h1 and _has_words(node.text()):
                h1.append(len(out))
                h1_node = node.mem_id
            if headers:
                _holds_content(headers)
            out.append("\n" + _HEADINGS[tag])
        elif tag == "li":
            out.append("\n- ")
        elif tag in _BLOCK:
            out.append("\n")
        if tag == "a":
            links += 1
        elif tag == "header":
            headers.append([len(out), 0])
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    if len(h1) == 2:
        first, last = h1
        out = [*out[first:last], *out[:first], *out[last:]]
    elif tree.head is not None and (title := tree.head.css_first("title")) is not None:
        words = page_title(title.text())
        if _has_words(words):
            out.insert(0, "# " + words + "\n")
    return _tidy("".join(out))


def page_title(title: str) -> str:
    """The job a page's ``<title>`` names, without the site's name; "" when it names the site
    alone. The title is split at spaced separators (`` | ``, `` - ``, `` – ``, `` — ``); a part
    that holds a careers word (careers, jobs, vacancies, open positions, join us...) names the
    site:

    - a later part naming the site goes, with every part after it: "Senior ML Engineer - Acme
      Careers" and "Data Scientist | Careers | Acme" keep their job;
    - a first part naming the site goes alone when it also holds a name ("Acme Careers -
      Senior ML Engineer"); when it is nothing but the careers words ("Careers | Acme",
      "Jobs - Acme") the page is a careers page, not a posting, and no title is taken.

    A title without a careers word is kept whole ("Data Scientist – Acme"): a company's name
    cannot be told from a job's specialism by its words.
    """
    parts = _TITLE_SEPARATOR.split(" ".join(title.split()))  # part, separator, part, ...
    if _CAREERS.search(parts[0]):
        if not _has_words(_CAREERS_FILLER.sub("", _CAREERS.sub("", parts[0]))):
            return ""
        parts = parts[2:]
    for i in range(2, len(parts), 2):
        if _CAREERS.search(parts[i]):
            parts = parts[: i - 1]
            break
    return "".join(parts)


def _holds_content(headers: list[list[int]]) -> None:
    """Mark the open headers as holding more than navigation (each outer one is marked
    whenever an inner one is, so the walk out stops at the first one marked)."""
    for header in reversed(headers):
        if header[1]:
            return
        header[1] = 1


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _tidy(raw: str) -> str:
    lines = (" ".join(line.split()) for line in raw.splitlines())
    # a heading with no text (a logo's <h1><img></h1>) would leave a bare "#" line
    lines = (line if line.strip("#") else "" for line in lines)
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _nesting_bound(html: str) -> int:
    """A cheap upper bound on how deep the page's elements nest (not its exact depth)."""
    depth = deepest = 0
    open_by_name: dict[str, int] = {}
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        if m.group(1):  # only an end tag that closes something open lowers the bound
            if open_by_name.get(name, 0) > 0:
                open_by_name[name] -= 1
                depth -= 1
        else:
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flat_text(html: str) -> str:
    """Text of a page read tag by tag, without a tree: for pages too deep to parse. Like
    :func:`html_to_text` it drops the chrome elements and puts the title first; a
    ``<header>`` is kept (its ``<nav>`` is dropped)."""
    html = _DECLARATION.sub(" ", _without_comments(html))
    parts: list[str] = []
    pos = 0
    # inside a dropped element (script, nav, ...) until its end tag: its name and depth
    skip: str | None = None
    depth = 0
    title: list[str] = []  # the text of the first <title>
    titled = False
    h1: list[int] = []  # where the first <h1> with text starts and ends in ``parts``
    for m in _TAG.finditer(html):
        closing, name, empty = bool(m.group(1)), m.group(2).lower(), bool(m.group(3))
        between = html[pos : m.start()]
        pos = m.end()
        if skip is not None:
            if skip == "title" and not titled:
                title.append(_html.unescape(between))
            if name == skip and not empty:
                depth += -1 if closing else 1
                if depth == 0:
                    titled = titled or skip == "title"
                    skip = None
            continue
        parts.append(_html.unescape(between))
        if name in _FLAT_DROP or name in _CHROME:
            if not closing and not empty:
                skip, depth = name, 1
        elif name in _HEADINGS and not closing:
            if name == "h1" and not h1:
                h1.append(len(parts))
            parts.append("\n" + _HEADINGS[name])
        elif name == "li" and not closing:
            parts.append("\n- ")
        elif name in _BLOCK or name in _HEADINGS or name == "li":
            parts.append("\n")
            if name == "h1" and len(h1) == 1:
                if _has_words("".join(parts[h1[0] :])):
                    h1.append(len(parts))
                else:
                    h1.clear()  # an empty <h1> (a logo): look for the next one
    if skip is None:
        parts.append(_html.unescape(html[pos:]))
    if len(h1) == 1:  # an <h1> never closed runs to the end
        h1.append(len(parts) if _has_words("".join(parts[h1[0] :])) else -1)
    if len(h1) == 2 and h1[1] >= 0:
        first, last = h1
        parts = [*parts[first:last], "\n", *parts[:first], *parts[last:]]
    elif _has_words(words := page_title("".join(title))):
        parts.insert(0, "# " + words + "\n")
    return "".join(parts)


def _without_comments(html: str) -> str:
    parts: list[str] = []
    pos = 0
    while (start := html.find("<!--", pos)) != -1:
        parts.append(html[pos:start])
        end = html.find("-->", start + 4)
        pos = len(html) if end == -1 else end + 3  # an unclosed comment runs to the end
    parts.append(html[pos:])
    return " ".join(parts)


def text_of(data: bytes, suffix: str = "", *, max_bytes: int = MAX_BYTES) -> str:
    """The readable text of a posting given as bytes; ``suffix`` hints the format."""
    text = decode(data, max_bytes=max_bytes)
    if suffix.lower() in (".html", ".htm", ".xhtml"):
        text = html_to_text(text)
    else:
        text = readable_text(text)
    if not text.strip():
        raise EmptyInput("there is no text to read")
    return text


def read_path(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The readable text of a file (txt, md, html)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,}")
    return text_of(path.read_bytes(), path.suffix, max_bytes=max_bytes)
