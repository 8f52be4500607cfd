"""io/text.py: bytes a user hands us (text, Markdown, HTML) become text, or a coded error."""

from __future__ import annotations

import html
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolelens.core.reader import PostingReader
from rolelens.errors import BinaryInput, EmptyInput, EncodingError, InputTooLarge
from rolelens.io import text as textmod
from rolelens.io.text import (
    decode,
    html_to_text,
    looks_like_escaped_html,
    looks_like_html,
    page_title,
    read_path,
    readable_text,
    text_of,
)

FRENCH = "Ingénieur en apprentissage automatique. Équipe à Montréal, expérience requise."
GERMAN = "Entwickler für Künstliche Intelligenz, Größe, Straße, Übung."


# -- decode ------------------------------------------------------------------------------
def test_decode_utf8() -> None:
    assert decode("Café – naïve 🚀".encode()) == "Café – naïve 🚀"


def test_decode_strips_utf8_bom() -> None:
    assert decode(b"\xef\xbb\xbfHello") == "Hello"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    text = "Machine learning engineer, Café"
    data = text.encode(codec)
    if codec != "utf-16":  # the explicit-endian codecs write no BOM: add it
        data = ("\ufeff" + text).encode(codec)
    assert decode(data).lstrip("\ufeff") == text


def test_decode_broken_utf16_is_an_encoding_error() -> None:
    with pytest.raises(EncodingError) as exc:
        decode(b"\xff\xfeA")  # a BOM, then an odd byte
    assert exc.value.code == "input_encoding"


@pytest.mark.parametrize(
    "text",
    ["Café résumé", FRENCH, GERMAN, "Senior engineer – “quotes” needed, €100k"],
    ids=["short", "french", "german", "cp1252-punctuation"],
)
def test_decode_western_single_byte_text(text: str) -> None:
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data) == text


CITIES = "Data Scientist in München – Köln, Grüße aus Zürich.\n"


@pytest.mark.parametrize(
    ("stray", "at"),
    [(b"\xff", 10), (b"\xff", -1), (b"\x80", 25), (b"\xc3", 0), (b"\xe2\x80", 40)],
    ids=["ff-inside", "ff-at-end", "lone-continuation", "cut-2-byte", "cut-3-byte"],
)
def test_decode_utf8_with_a_stray_byte_stays_utf8(stray: bytes, at: int) -> None:
    """A UTF-8 file with one bad spot was read as cp1252, every umlaut garbled ("MÃ¼nchen")."""
    data = CITIES.encode()
    at = len(data) if at == -1 else at
    text = decode(data[:at] + stray + data[at:])
    assert text.replace("\ufffd", "") == CITIES
    assert text.count("\ufffd") == 1


def test_decode_utf8_bom_with_a_stray_byte_stays_utf8() -> None:
    assert decode(b"\xef\xbb\xbf" + "München".encode() + b"\xfe") == "München\ufffd"


def test_decode_mostly_broken_utf8_is_not_read_as_utf8() -> None:
    """More bad spots than STRAY_BYTE_SHARE allows: the bytes are not taken for UTF-8."""
    data = "Köln".encode() + b" \xfc \xe4 \xf6"
    assert "\ufffd" not in decode(data)


def test_decode_cp1252_with_an_accidental_utf8_pair_stays_cp1252() -> None:
    text = "Gruß“ und Grüße aus München, Straße"  # 'ß“' is 0xdf 0x93: valid UTF-8 by accident
    assert decode(text.encode("cp1252")) == text


def test_decode_latin1_bytes() -> None:
    assert decode(FRENCH.encode("latin-1")) == FRENCH


def test_decode_leaves_a_clear_cyrillic_code_page_alone() -> None:
    text = "Программист Python с опытом машинного обучения"
    assert decode(text.encode("cp1251")) == text


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02binary\x00data" * 10, bytes(range(0, 32)) * 20, b"PK\x03\x04\x14\x00" * 50],
    ids=["nul", "controls", "zip-like"],
)
def test_decode_binary(data: bytes) -> None:
    with pytest.raises(BinaryInput) as exc:
        decode(data)
    assert exc.value.code == "input_binary"


def test_decode_too_large() -> None:
    with pytest.raises(InputTooLarge) as exc:
        decode(b"x" * 11, max_bytes=10)
    assert exc.value.code == "input_too_large"
    assert decode(b"x" * 10, max_bytes=10) == "x" * 10


def test_decode_empty_is_empty_text() -> None:
    assert decode(b"") == ""


# -- looks_like_html -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body>x</body></html>",
        "  \n<html lang='en'>",
        "<body><p>x</p></body>",
        "<div class='job'>x</div>",
        "<p>We hire</p>",
        "<section>x</section>",
        "<H1>Title</H1>",
        # ATS descriptions as scraped
        "<h2>Responsibilities</h2><ul><li>Build RAG</li></ul>",
        "<ul><li>Python</li></ul>",
        '<p class="intro">We hire</p>',
        "<strong>About the role</strong><br>We hire",
        "<br/>We hire",
    ],
)
def test_looks_like_html_yes(text: str) -> None:
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "# ML Engineer\n\n- PyTorch\n",
        "We need a <div> expert. Also a < b and b > c.",
        "Plain prose about machine learning.",
        "",
        "<<<>>>",
        "<Python> and <Go> wanted",
        "<pre-sales engineer>",
    ],
)
def test_looks_like_html_no(text: str) -> None:
    assert not looks_like_html(text)


# -- html_to_text --------------------------------------------------------------------------
PAGE = """<!doctype html>
<html><head><title>Page title here</title>
<style>.job { color: red } /* stylesecret */</style>
<script>var scriptsecret = "pytorch";</script></head>
<body>
<h1>Senior ML Engineer</h1>
<p>We train   models &amp; ship them.</p>
<script type="text/javascript">trackingsecret("rag");</script>
<h2>Responsibilities</h2>
<ul><li>Train models</li><li>Deploy with Docker</li></ul>
<noscript>noscriptsecret</noscript>
<template><p>templatesecret</p></template>
<svg><text>svgsecret</text></svg>
<h3>Requirements</h3>
<ol><li>Python</li></ol>
</body></html>"""

SECRETS = ("scriptsecret", "stylesecret", "trackingsecret", "noscriptsecret", "templatesecret")


def test_html_to_text_drops_non_content() -> None:
    text = html_to_text(PAGE)
    for secret in (*SECRETS, "svgsecret", "Page title here"):
        assert secret not in text


def test_html_to_text_keeps_headings_and_lists() -> None:
    lines = html_to_text(PAGE).splitlines()
    assert "# Senior ML Engineer" in lines
    assert "## Responsibilities" in lines
    assert "### Requirements" in lines
    assert "- Train models" in lines
    assert "- Deploy with Docker" in lines
    assert "- Python" in lines
    assert "We train models & ship them." in lines  # entities decoded, spaces collapsed
    assert lines.index("## Responsibilities") < lines.index("- Train models")


def test_html_to_text_tidies_blank_lines() -> None:
    text = html_to_text("<div><p>a</p><p></p><p></p><div></div><p>b</p></div>")
    assert "\n\n\n" not in text
    assert text.startswith("a") and text.endswith("b")


def test_html_to_text_of_empty_page() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<html><head><script>x()</script></head><body></body></html>") == ""


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 50_000 + "Python engineer" + "</div>" * 50_000,
        "<div>" * 50_000 + "Python engineer",  # never closed
        "<ul><li>" * 50_000 + "Python engineer",
        "<div></span>" * 50_000 + "Python engineer",  # stray end tags do not hide the depth
        "<b><div>" * 25_000 + "Python engineer",
    ],
    ids=["div-closed", "div-open", "ul-li", "stray-ends", "b-div"],
)
def test_html_to_text_survives_hostile_nesting(html: str) -> None:
    started = time.perf_counter()
    text = html_to_text(html)
    assert "Python engineer" in text
    assert time.perf_counter() - started < 5  # quadratic tree building took 3-15 s here


def test_deep_html_still_drops_scripts_and_keeps_structure() -> None:
    html = (
        "<h1>ML Engineer</h1><script>scriptsecret()</script><style>stylesecret</style>"
        + "<div>" * 10_000
        + "<h2>Responsibilities</h2><ul><li>Train models</li><li>Ship</li></ul>"
        + "<p>Fish &amp; chips</p>"
    )
    assert textmod._nesting_bound(html) > textmod.MAX_DEPTH  # the tag-by-tag path
    lines = html_to_text(html).splitlines()
    assert "# ML Engineer" in lines
    assert "## Responsibilities" in lines
    assert "- Train models" in lines
    assert "Fish & chips" in lines
    assert not any("secret" in line for line in lines)


def test_deep_and_shallow_paths_agree_on_a_normal_page(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = html_to_text(PAGE)
    monkeypatch.setattr(textmod, "MAX_DEPTH", 0)
    flat = html_to_text(PAGE)
    assert [line for line in flat.splitlines() if line] == [
        line for line in tree.splitlines() if line
    ]


# -- html_to_text: the site's chrome, and the title first ----------------------------------
CHROME_PAGE = """<!doctype html><html><head><title>Senior Data Engineer – Nimbus</title></head>
<body>
<header><a href="/">Nimbus</a> | <a href="/jobs">Jobs</a></header>
<nav>Home | Jobs | AI Research | Blog</nav>
<div role="navigation">Careers &gt; Engineering</div>
<h1>Senior Data Engineer</h1>
<h2>What you'll do</h2>
<ul><li>Build dbt models</li></ul>
<aside>Similar jobs: ML Engineer</aside>
<form><label>Have you used PyTorch?</label><input name="q"></form>
<footer>Nimbus uses machine learning and LLMs</footer>
<div role="contentinfo">© Nimbus</div>
</body></html>"""


@pytest.fixture(params=["tree", "flat"])
def html_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test below holds for the tree walk and for the tag-by-tag path of deep pages."""
    if request.param == "flat":
        monkeypatch.setattr(textmod, "MAX_DEPTH", -1)
    return str(request.param)


def test_html_to_text_drops_the_site_chrome(html_path: str) -> None:
    text = html_to_text(CHROME_PAGE)
    for chrome in ("AI Research", "Similar jobs", "PyTorch", "machine learning"):
        assert chrome not in text
    if html_path == "tree":  # the tag-by-tag path keeps headers and knows no ARIA roles
        assert "Careers" not in text
        assert "©" not in text
        assert "Nimbus" not in text
    assert text.splitlines()[0] == "# Senior Data Engineer"
    assert "- Build dbt models" in text.splitlines()


def test_html_to_text_keeps_a_header_that_holds_the_posting(html_path: str) -> None:
    page = (
        "<body><header><nav>Home | Jobs</nav><h1>ML Engineer</h1><p>Remote, EU</p></header>"
        "<p>Train models.</p></body>"
    )
    lines = [line for line in html_to_text(page).splitlines() if line]
    assert lines == ["# ML Engineer", "Remote, EU", "Train models."]  # only its <nav> goes
    no_heading = "<header><a href='/'>Acme</a><span>Staff Engineer</span></header><p>x</p>"
    assert html_to_text(no_heading).startswith("Acme")  # text outside links: not navigation


def test_html_to_text_starts_with_the_first_h1_with_text(html_path: str) -> None:
    page = (
        "<body><h1><img alt='Nimbus logo' src='logo.png'></h1>"
        "<p>Posted 3 days ago</p><h1>Senior Data Engineer</h1><p>Build pipelines.</p>"
        "<h1>Other</h1></body>"
    )
    lines = [line for line in html_to_text(page).splitlines() if line]
    assert lines == ["# Senior Data Engineer", "Posted 3 days ago", "Build pipelines.", "# Other"]


def test_html_to_text_title_element_when_there_is_no_h1(html_path: str) -> None:
    page = "<html><head><title>Data Scientist &ndash; Acme</title></head><body><p>Fit models.</p>"
    assert html_to_text(page).splitlines()[0] == "# Data Scientist – Acme"
    assert html_to_text("<html><head><title> </title></head><body><p>x</p>") == "x"
    assert html_to_text("<h2>Duties</h2><p>x</p>").startswith("## Duties")  # no title: as it is


@pytest.mark.parametrize(
    ("title", "job"),
    [
        ("Senior ML Engineer - Acme Careers", "Senior ML Engineer"),
        ("Senior ML Engineer | Careers at Acme", "Senior ML Engineer"),
        ("Data Scientist | Careers | Acme", "Data Scientist"),
        ("Data Scientist \u2014 Remote \u2013 Acme Jobs", "Data Scientist \u2014 Remote"),
        ("Acme Careers - Senior ML Engineer", "Senior ML Engineer"),
        ("Careers at Acme | Applied Scientist", "Applied Scientist"),
        ("Careers | Acme", ""),  # a careers page: no job named
        ("Jobs - Acme", ""),
        ("Acme Careers", ""),
        ("Open positions", ""),
        # no careers word: kept whole, a company's name reads like a specialism
        ("Data Scientist \u2013 Acme", "Data Scientist \u2013 Acme"),
        ("ML Engineer - Computer Vision | Acme", "ML Engineer - Computer Vision | Acme"),
        ("  Senior   ML Engineer  ", "Senior ML Engineer"),
        ("Site Reliability-Engineer-Jobs", ""),  # unspaced dashes do not separate
    ],
)
def test_page_title_drops_the_site_name(title: str, job: str) -> None:
    assert page_title(title) == job


def test_html_to_text_title_element_without_the_site_name(
    html_path: str, reader: PostingReader
) -> None:
    """A page without an <h1> took "Careers | Acme" or "... - Acme Careers" as its title."""
    page = "<html><head><title>Senior ML Engineer - Acme Careers</title></head><p>Fit models."
    assert html_to_text(page).splitlines()[0] == "# Senior ML Engineer"
    assert reader.read(html_to_text(page)).title.text == "Senior ML Engineer"
    page = "<html><head><title>Careers | Acme</title></head><body><p>Fit models.</p>"
    assert html_to_text(page) == "Fit models."


def test_readable_text_converts_html_only() -> None:
    assert readable_text("<h2>Duties</h2><ul><li>x</li></ul>") == "## Duties\n\n- x"
    prose = "# ML Engineer\n\nWe need a <div> expert."
    assert readable_text(prose) is prose


# -- HTML escaped once, as job feeds ship it -------------------------------------------------
FEED_HTML = (
    "<p>We build <strong>LLM</strong> features &amp; agents.</p>"
    '<h2 class="section">Responsibilities</h2><ul><li>Build RAG pipelines</li>'
    "<li>Evaluate prompts</li></ul><p>Salary &lt; 100k? No.<br/>Remote</p>"
)


@pytest.mark.parametrize(
    "escaped",
    [
        html.escape(FEED_HTML),  # every "&" escaped, quotes too
        FEED_HTML.replace("<", "&lt;").replace(">", "&gt;"),  # only the tags escaped
        "\n  " + html.escape(FEED_HTML),
    ],
    ids=["html.escape", "tags-only", "leading-space"],
)
def test_readable_text_reads_escaped_html_as_its_html(escaped: str) -> None:
    """A feed's "&lt;p&gt;We build ..." was read as flat text with the entity names in it."""
    assert looks_like_escaped_html(escaped)
    text = readable_text(escaped)
    assert text == readable_text(FEED_HTML) == html_to_text(html.unescape(escaped))
    assert text.splitlines() == [
        "We build LLM features & agents.",
        "",
        "## Responsibilities",
        "",
        "- Build RAG pipelines",
        "",
        "- Evaluate prompts",
        "",
        "Salary < 100k? No.",
        "",
        "Remote",
    ]


def test_readable_text_reads_escaped_tags_in_upper_case() -> None:
    assert readable_text("&LT;P&GT;Train models&LT;/P&GT;") == "Train models"


def test_readable_text_reads_escaped_html_that_opens_with_text() -> None:
    escaped = "About us&lt;br&gt;&lt;br&gt;We train models.&lt;ul&gt;&lt;li&gt;PyTorch&lt;/li&gt;"
    assert readable_text(escaped) == "About us\n\nWe train models.\n\n- PyTorch"


@pytest.mark.parametrize(
    "text",
    [
        "Salary &lt; 100k, team &gt; 10 people",
        "We need someone who knows &lt;div&gt; and &lt;span&gt; well.",  # two tags: talk
        "a &lt;p&gt; b",  # does not open with it
        "&lt;3 our users",
        "&lt;Python&gt; and &lt;Go&gt; wanted",  # not tags postings are written with
        "Use &amp;lt;p&amp;gt; for paragraphs &amp;lt;br&amp;gt; &amp;lt;li&amp;gt;",  # twice
        # more real tags than escaped ones: HTML (that does not open with a tag) about tags
        "Intro <p>Write &lt;p&gt;, &lt;li&gt; and &lt;br&gt;</p><ul><li>a</li><li>b</li></ul>",
        "",
    ],
)
def test_readable_text_leaves_text_that_mentions_escapes(text: str) -> None:
    assert not looks_like_escaped_html(text)
    assert readable_text(text) is text


_WORDS = st.sampled_from(
    ["We", "build", "LLM", "features", "p", "li", "br", "div", "salary", "100k", "x<y", "5 > 3"]
)
_ESCAPES = st.sampled_from(["&lt;", "&gt;", "&lt;=", "&amp;", "&lt;-", "&lt;3", "&quot;"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORDS, _ESCAPES), min_size=1, max_size=40))
def test_readable_text_never_changes_text_that_mentions_lt(tokens: list[str]) -> None:
    """Ordinary text with a literal "&lt;" (words apart, so no escaped tag forms) is kept."""
    text = " ".join(tokens)
    assert readable_text(text) is text


_ITEM = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(_ITEM, st.lists(_ITEM, min_size=1, max_size=6), st.booleans())
def test_readable_text_of_escaped_html_is_the_text_of_the_html(
    intro: str, items: list[str], with_heading: bool
) -> None:
    """A fragment escaped once reads as the fragment itself does."""
    esc = html.escape
    fragment = (
        ("<h2>Duties</h2>" if with_heading else "")
        + f"<p>{esc(intro)}</p><ul>"
        + "".join(f"<li>{esc(item)}</li>" for item in items)
        + "</ul>"
    )
    assert readable_text(html.escape(fragment)) == readable_text(fragment)
    assert readable_text(html.escape(fragment)) == html_to_text(fragment)


def test_escaped_html_check_is_linear() -> None:
    started = time.perf_counter()
    for text in ("&lt;p " * 300_000, "&lt;p" + "x" * 1_000_000, "<p " * 300_000 + "&lt;p&gt;"):
        looks_like_escaped_html(text)
    assert time.perf_counter() - started < 5


def test_flat_siblings_are_not_deep() -> None:
    assert textmod._nesting_bound("<ul>" + "<li>x" * 50_000 + "</ul>") == 1
    assert textmod._nesting_bound("<p>x" * 50_000) == 0
    assert textmod._nesting_bound("<div><div></div></div>" * 1000) == 2


# -- text_of / read_path -------------------------------------------------------------------
def test_text_of_html_by_suffix_and_by_sniffing() -> None:
    fragment = b"Hello <span>there</span><script>scriptsecret()</script>"
    assert text_of(fragment, ".html") == "Hello there"
    assert "scriptsecret" in text_of(fragment, ".txt")  # prose first: not sniffed as HTML
    assert text_of(b"<p>Hello</p><script>scriptsecret()</script>") == "Hello"


def test_text_of_plain_and_markdown_pass_through() -> None:
    md = "# ML Engineer\n\n- PyTorch\n- a < b\n"
    assert text_of(md.encode(), ".md") == md


@pytest.mark.parametrize(
    ("data", "suffix"),
    [(b"", ".txt"), (b"   \n\t\n", ".txt"), (b"<html><script>x()</script></html>", ".html")],
    ids=["empty", "whitespace", "html-without-text"],
)
def test_text_of_empty(data: bytes, suffix: str) -> None:
    with pytest.raises(EmptyInput) as exc:
        text_of(data, suffix)
    assert exc.value.code == "input_empty"


def test_read_path_formats(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(FRENCH.encode("utf-16"))
    (tmp_path / "b.txt").write_bytes(FRENCH.encode("latin-1"))
    (tmp_path / "c.htm").write_bytes(b"<h2>Requirements</h2><ul><li>Python</li></ul>")
    assert read_path(tmp_path / "a.txt").lstrip("\ufeff") == FRENCH
    assert read_path(tmp_path / "b.txt") == FRENCH
    assert read_path(tmp_path / "c.htm") == "## Requirements\n\n- Python"


def test_read_path_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    with pytest.raises(InputTooLarge) as exc:
        read_path(path, max_bytes=99)
    assert "big.txt" in exc.value.message


def test_script_words_are_not_evidence(toy_reader: PostingReader) -> None:
    html = (
        "<html><head><script>var x = 'pytorch torch';</script></head><body>"
        "<h1>AI Engineer</h1><style>.rag { }</style><h2>Responsibilities</h2>"
        "<ul><li>Build retrieval augmented generation features</li></ul>"
        "<script>ai_agents('ai agents');</script></body></html>"
    )
    reading = toy_reader.read(text_of(html.encode(), ".html"))
    items = {e.item for e in reading.evidence}
    assert "rag" in items  # the body's words count ...
    assert "pytorch" not in items  # ... the script's do not
    assert "ai_agents" not in items
