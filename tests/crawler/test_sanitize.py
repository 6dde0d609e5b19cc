"""The body sanitizer: every XSS payload of the corpus is defused, safe bodies stay byte for byte."""

from __future__ import annotations

import json

import lxml.html
import pytest

from crawler.archive.sanitize import sanitize, sanitize_html
from crawler.archive.text import clean_body, clean_title
from crawler.parsers.article import parse_article
from tests.support import FIXTURES, SAMPLES, load_sample, runnable_markup

CORPUS = json.loads((FIXTURES / "xss" / "cases.json").read_text(encoding="utf-8"))
# Titles, media names and links are plain text, escaped where the post or the layouts place
# them (tests/crawler/test_exporters.py, tests/site/test_xss.py).
HTML_CASES = [c for c in CORPUS["cases"] if c["via"] not in ("title", "media", "link")]
BASE = "http://finance.eastmoney.com/a/202611201234567890.html"
KRAMDOWN_SYNTAX = ("](", "]:", "{:")


def as_pipeline_would(case: dict) -> str:
    """The payload as the normalize pipeline hands it to the sanitizer."""
    if case["via"] == "digest":
        return clean_title(case["payload"])
    return clean_body(case["payload"])


def dangers(html: str) -> list[str]:
    """What in ``html`` could run in a browser, or become runnable markup through kramdown."""
    found = [f"kramdown syntax {s!r}" for s in KRAMDOWN_SYNTAX if s in html]
    if html.strip():
        found += runnable_markup(lxml.html.fragment_fromstring(html, create_parent="div"))
    return found


def test_the_corpus_is_big_and_varied():
    assert len(CORPUS["cases"]) >= 25
    assert {c["via"] for c in CORPUS["cases"]} == {"textapi", "page", "generic_page", "digest", "title", "media", "link"}
    assert all(CORPUS["marker"] in c["payload"] for c in CORPUS["cases"])


@pytest.mark.parametrize("case", HTML_CASES, ids=lambda c: c["name"])
def test_every_payload_is_defused(case):
    result = sanitize(as_pipeline_would(case), BASE)
    assert dangers(result.html) == []
    assert result.sanitized


def test_the_danger_check_sees_what_it_must():
    """Guards the guard: the checks above would catch each kind of payload left in."""
    assert dangers('<img src="x" onerror="f()">') == ["onerror="]
    assert dangers('<a href=" Java\tScript:f()">x</a>')
    assert dangers('<p style="width:expression(f())">x</p>') and dangers("<svg></svg>")
    assert dangers("[a](javascript:f())") and dangers('<img src="data:image/png;base64,AA">') == []


def test_entity_encoded_digest_is_defused_after_the_title_clean_up():
    payload = next(c for c in CORPUS["cases"] if c["name"] == "digest_entities")["payload"]
    assert "<img" in clean_title(payload)
    assert "onerror" not in sanitize_html(clean_title(payload), BASE)


def sample_bodies() -> list[tuple[str, str]]:
    bodies = [(p.name, load_sample(p).body.strip()) for p in sorted((SAMPLES / "posts").glob("*.md"))]
    for path in sorted((FIXTURES / "articles").glob("article_*.html")):
        page = parse_article(path.read_text(encoding="utf-8"))
        if page is not None and page.body_html:
            bodies.append((path.name, clean_body(page.body_html)))
    return bodies


@pytest.mark.parametrize("name, body", sample_bodies(), ids=lambda v: v if v.endswith((".md", ".html")) else "")
def test_safe_bodies_come_back_byte_for_byte(name, body):
    result = sanitize(body, BASE)
    assert result.html == body and not result.sanitized


@pytest.mark.parametrize("body", [
    '<p>a<p>b<table><tr><td>1</td></tr></table>',  # implied end tags and tbody
    '<img src="https://x/a.png?a=1&b=2" alt="Image" width="552" style="border:#d1d1d1 1px solid;" />',
    "<!--EM_StockImg_Start--><p class='em_media' data-code=\"1,600000\">x</p><!--EM_StockImg_End-->",
    '<p>市盈率<10倍, a < b, &lt;b&gt; 与 &#60;i&#62;</p>',
    '<p title="&lt;img">t</p><a href="https://a/b" target="_blank" rel="nofollow">x</a>',
    '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="k"></p>',
])
def test_odd_but_safe_markup_is_kept_as_written(body):
    assert sanitize(body, BASE) == (body, False)


def test_relative_links_and_images_are_made_absolute():
    out = sanitize('<p><a href="/a/1.html">a</a><img src="k.png"><a href="#n">n</a><img src="//cdn.x/y.png"></p>', BASE)
    assert out.html == ('<p><a href="http://finance.eastmoney.com/a/1.html">a</a>'
                        '<img src="http://finance.eastmoney.com/a/k.png"><a href="#n">n</a>'
                        '<img src="//cdn.x/y.png"></p>')
    assert not out.sanitized  # nothing was removed
    assert sanitize('<p><a href="/a/1.html">a</a></p>').html == '<p><a href="/a/1.html">a</a></p>'


@pytest.mark.parametrize("body, kept", [
    ("<p>a</p><!-- <img src=x onerror=f()> --!>", "<p>a</p><!-- <img src=x onerror=f()> -->"),
    ("<span title='a\"<b>'>t</span>", '<span title="a&quot;&lt;b&gt;">t</span>'),
])
def test_markup_kramdown_would_misread_is_re_serialized(body, kept):
    """Nothing to remove, but kramdown would take a ``<`` the browser reads as text for a tag."""
    assert sanitize(body, BASE) == (kept, True)
