"""Article pages (the source link), one parser per page layout.

When the source changes its layout, a new ``parse_*`` function is added beside the old
ones and ``LAYOUTS`` learns how to recognise it; old parsers stay as they are, so pages
of every era keep parsing the way their fixtures say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from parsel import Selector

_SOURCE_PREFIX = re.compile(r"^\s*来源[:：]\s*")
_TRAILER = re.compile(r"[（(]\s*文章来源[:：]\s*(.+?)\s*[）)]")
_WS = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")

# Inside #ContentBody: scripts/styles, ad blocks and the promo paragraph that links out.
NOISE = (
    "script",
    "style",
    "div[class*='ad_context']",
    "div[class^='ad_']",
    "p:has(> a.toplink)",
)


@dataclass
class ArticlePage:
    title: str
    published: str
    media: str
    body_html: str
    layout: str


def _text(sel: Selector, query: str) -> str:
    return _WS.sub(" ", " ".join(sel.css(query).xpath("string()").getall())).strip()


def trailer_media(body: Selector) -> str:
    """Media named in the ``（文章来源：X）`` trailer; keyword spans inside X are flattened."""
    for node in body.css("p.em_media"):
        m = _TRAILER.search(node.xpath("string()").get(""))
        if m:
            return m.group(1).strip()
    return ""


def clean_content(body: Selector) -> str:
    """Inner HTML of the content node with the noise removed.

    The blank lines removed nodes leave behind are collapsed: in Markdown a blank line
    ends an HTML block, so they would change how the post renders.
    """
    for query in NOISE:
        for node in body.css(query):
            node.drop()
    return _BLANK_LINES.sub("\n", "".join(body.xpath("node()").getall())).strip()


def parse_2026(sel: Selector) -> ArticlePage | None:
    """Current layout: ``div.title``, ``div.infos div.item`` cells, ``div.txtinfos#ContentBody``."""
    body = sel.css("#ContentBody")
    if not body:
        return None
    body = body[0]
    cells = [_text(c, ":scope") for c in sel.css("div.infos div.item")]
    published = next((c for c in cells if re.search(r"\d{4}年\d{1,2}月\d{1,2}日", c)), "")
    media = next((_SOURCE_PREFIX.sub("", c) for c in cells if c.startswith("来源")), "")
    if not media:
        media = next(
            (c for c in cells if c and c != published and not c.startswith("作者")), ""
        )
    title = _text(sel, "div.title") or re.sub(r"_东方财富网$", "", _text(sel, "title"))
    media = media or trailer_media(body)
    return ArticlePage(title, published, media, clean_content(body), "2026")


def parse_legacy(sel: Selector) -> ArticlePage | None:
    """Older layout: ``div.newsContent h1``, ``div.time-source``, ``div.source[data-source]``."""
    content = sel.css("div.newsContent")
    body = sel.css("div#ContentBody")
    if not content or not body:
        return None
    body = body[0]
    title = _text(content, "h1")
    published = _text(content, "div.time-source div.time")
    source = content.css("div.source")
    media = source.attrib.get("data-source", "") if source else ""
    media = trailer_media(body) or media or _SOURCE_PREFIX.sub("", _text(content, "div.source"))
    return ArticlePage(title, published, media, clean_content(body), "legacy")


# Most specific first: the legacy page also has #ContentBody.
LAYOUTS: tuple[tuple[str, Callable[[Selector], ArticlePage | None]], ...] = (
    ("div.newsContent", parse_legacy),
    ("div.txtinfos#ContentBody, #ContentBody", parse_2026),
)


def parse_article(html: str) -> ArticlePage | None:
    """Parse an article page of any known layout; None when it holds no article."""
    sel = Selector(text=html)
    for marker, parser in LAYOUTS:
        if sel.css(marker):
            page = parser(sel)
            if page is not None:
                return page
    return None
