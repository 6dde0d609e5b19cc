"""Article pages of no known layout: body, title, publish time and canonical URL of any page.

``extract_generic`` finds the body with trafilatura and the rest in the page's metadata
(meta tags, JSON-LD, ``rel=canonical``; htmldate as the last resort for the date).
``extract_with_selectors`` reads what a source's own selectors name and falls back to the
same metadata for what they leave out. Both are pure: HTML text in, a ``GenericPage`` out.
The body is not sanitized here (the normalize pipeline sanitizes every body).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

import lxml.html
from parsel import Selector, SelectorList

# Less text than this is no article: an error page, a login wall, a "moved" notice. The
# shortest real bodies are a few sentences (a Chinese one of three is over 100 characters).
MIN_TEXT_CHARS = 80
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Link chrome after an article ("Most viewed", "Related stories", "Read more: …"): a list of
# headline-long items, most of them links, or a paragraph mostly of link text. A label (a
# heading, or a short bold paragraph) right before such a block goes with it.
HEADLINE_CHARS = 150
LINK_SHARE = 0.5
LABEL_CHARS = 60
_EMPHASIS = ("strong", "b", "em", "i")
# Where pages state their publish time, most specific first.
DATE_META = (
    'meta[property="article:published_time"]', 'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]', 'meta[property="og:published_time"]', 'meta[name="pubdate"]',
    'meta[name="publishdate"]', 'meta[name="PublishDate"]', 'meta[name="publish-date"]',
    'meta[name="parsely-pub-date"]', 'meta[name="sailthru.date"]', 'meta[name="dcterms.created"]',
    'meta[name="DC.date.issued"]', 'meta[name="dc.date"]', 'meta[name="date"]',
)
DATE_ELEMENTS = ("time[itemprop=datePublished]::attr(datetime)", "time[pubdate]::attr(datetime)")
TITLE_META = ('meta[property="og:title"]', 'meta[name="twitter:title"]', 'meta[name="title"]')
ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                 "Report", "WebPage"}
# trafilatura's settings on the labelled pages (bench/extraction.py --compare): mean F1
# 0.958 favoring precision, 0.923 balanced, 0.917 favoring recall; precision keeps the
# least page chrome. Links, images and tables are part of an article body.
EXTRACT_OPTIONS = dict(output_format="html", include_links=True, include_images=True, include_tables=True,
                       include_formatting=True, include_comments=False, favor_precision=True)


@dataclass(frozen=True)
class GenericPage:
    title: str  # "" when the page names none
    published: str  # as the page gives it (ISO from metadata, else the selected text); "" if none
    body_html: str  # one block element per line, links and images absolute
    canonical: str  # absolute ``rel=canonical`` (else og:url); "" when the page names none


def _text(found: SelectorList) -> str:
    """The first match as one line: a text or attribute value itself, an element's text."""
    for node in found:
        root = node.root
        value = root if isinstance(root, str) else node.xpath("string()").get("")
        value = " ".join(value.split())
        if value:
            return value
    return ""


def _select(sel: Selector, query: str) -> SelectorList:
    """XPath when ``query`` starts with ``/`` or ``(``, CSS otherwise (``::text``, ``::attr()``)."""
    return sel.xpath(query) if query.lstrip().startswith(("/", "(")) else sel.css(query)


def _json_ld(sel: Selector) -> list[dict]:
    """The page's JSON-LD objects describing an article (``@graph`` and lists unfolded)."""
    found: list[dict] = []
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if not isinstance(obj, dict):
                continue
            stack.extend(obj.get("@graph") or [])
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if ARTICLE_TYPES & {k for k in kinds if isinstance(k, str)}:
                found.append(obj)
    return found


def _ld_value(objects: list[dict], key: str) -> str:
    for obj in objects:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def _declared(sel: Selector, metas: tuple[str, ...], ld_key: str) -> str:
    """The first of ``metas``' content attributes, else JSON-LD's ``ld_key``: what the page
    says about itself, before anything is guessed from its text."""
    for query in metas:
        value = _text(sel.css(query + "::attr(content)"))
        if value:
            return value
    return _ld_value(_json_ld(sel), ld_key)


def page_title(sel: Selector) -> str:
    """og:title and the like, JSON-LD ``headline``, the only ``h1``, else ``<title>``."""
    value = _declared(sel, TITLE_META, "headline")
    if value:
        return value
    heads = sel.css("h1")
    return _text(heads) if len(heads) == 1 else _text(sel.css("title"))


def page_published(sel: Selector, html: str, url: str) -> str:
    """Publish time from meta tags, JSON-LD ``datePublished``, ``<time>``; else htmldate's day."""
    value = _declared(sel, DATE_META, "datePublished")
    if value:
        return value
    for query in DATE_ELEMENTS:
        value = _text(sel.css(query))
        if value:
            return value
    from htmldate import find_date  # heavy import (~0.2 s): only pages of no known layout need it

    return find_date(html, url=url, original_date=True, outputformat="%Y-%m-%d") or ""


def page_canonical(sel: Selector, url: str) -> str:
    for query in ('link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)'):
        value = _text(sel.css(query))
        if value:
            return urljoin(url, value)
    return ""


def _chars(node: lxml.html.HtmlElement) -> int:
    """Characters of text in ``node``, whitespace not counted."""
    return len("".join(node.text_content().split()))


def _mostly_links(node: lxml.html.HtmlElement) -> bool:
    """At least half of ``node``'s text is link text (true of a node with no text)."""
    return sum(_chars(link) for link in node.iterfind(".//a[@href]")) >= LINK_SHARE * _chars(node)


def _teaser(item: lxml.html.HtmlElement) -> bool:
    """A list item that is a link to another page: mostly link text, or opening with a link
    (trafilatura keeps a card's headline beside the link it was in, not inside it)."""
    first = item[0] if len(item) else None
    opens_with_link = (not (item.text or "").strip() and first is not None and first.tag == "a"
                       and "href" in first.attrib)
    return bool(_chars(item)) and (_mostly_links(item) or opens_with_link)


def _link_chrome(node: lxml.html.HtmlElement) -> bool:
    """A list of headline-long items, most of them links to other pages; or a paragraph
    mostly of link text (an empty one too)."""
    if node.tag in ("ul", "ol"):
        items = node.findall("li")
        return (bool(items) and all(_chars(item) <= HEADLINE_CHARS for item in items)
                and sum(map(_teaser, items)) >= LINK_SHARE * len(items))
    return node.tag == "p" and node.find(".//img") is None and _mostly_links(node)


def _label(node: lxml.html.HtmlElement) -> bool:
    """A heading, or a paragraph all in bold or italics, short enough to name a section."""
    text = _chars(node)
    if not text or text > LABEL_CHARS:
        return False
    return node.tag in _HEADINGS or (
        node.tag == "p" and sum(_chars(part) for part in node if part.tag in _EMPHASIS) == text)


def _trim_chrome(children: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """``children`` without the link chrome at their end, and the label of each. The first
    block stays: chrome trails an article, and a page of links alone is for the minimum text
    to turn down."""
    end = len(children)
    while end > 1 and _link_chrome(children[end - 1]):
        end -= 1
        if end > 1 and _label(children[end - 1]):
            end -= 1
    return children[:end]


def _blocks(html: str, title: str) -> str:
    """trafilatura's indented HTML document as its body's blocks, one per line and no blank
    line (to Markdown an indented line is code, and a blank line ends an HTML block), without
    a leading heading that repeats the title (the post shows the title already) and without
    the link chrome trailing the article."""
    body = lxml.html.document_fromstring(html).body
    for node in body.iter():
        if node is not body and node.tail is not None and not node.tail.strip():
            node.tail = None
    children = _trim_chrome(list(body))
    if children and children[0].tag in _HEADINGS and " ".join(children[0].text_content().split()) == title:
        children = children[1:]
    blocks = [escape(body.text.strip())] if body.text and body.text.strip() else []
    blocks += (lxml.html.tostring(child, encoding="unicode").strip() for child in children)
    return _BLANK_LINES.sub("\n", "\n".join(blocks))


def _text_size(html: str) -> int:
    """Characters of text in ``html``, whitespace not counted."""
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content() if html.strip() else ""
    return len("".join(text.split()))


def _page(sel: Selector, html: str, url: str, title: str, body_html: str,
          published: str | None = None) -> GenericPage | None:
    if _text_size(body_html) < MIN_TEXT_CHARS:
        return None
    return GenericPage(
        title=title,
        published=page_published(sel, html, url) if published is None else published,
        body_html=body_html,
        canonical=page_canonical(sel, url),
    )


def generic_body(html: str, url: str, title: str = "") -> str:
    """The article body trafilatura finds in ``html``; "" when it finds none."""
    import trafilatura  # heavy import (~0.2 s): only pages of no known layout need it

    found = trafilatura.extract(html, url=url, **EXTRACT_OPTIONS)
    return _blocks(found, title) if found else ""


def extract_generic(html: str, url: str, page_date: bool = True) -> GenericPage | None:
    """The article of any page; None when it holds too little text to be one (an error page).

    ``page_date=False`` when the caller has the date already (a feed entry's, a list row's):
    the page's own date, htmldate's guess among them, costs as much as half the extraction.
    """
    if not html.strip():
        return None
    sel = Selector(text=html)
    title = page_title(sel)
    return _page(sel, html, url, title, generic_body(html, url, title), None if page_date else "")


def extract_with_selectors(html: str, url: str, selectors: dict[str, str]) -> GenericPage | None:
    """The article as a source's selectors name it: ``title``, ``published`` and ``body``,
    each CSS or XPath (XPath when it starts with ``/`` or ``(``; ``::text``/``::attr()``
    allowed). A field without a selector comes from the page's metadata (the body from
    trafilatura); a body selector matching nothing means no article (None)."""
    if not html.strip():
        return None
    sel = Selector(text=html)
    title = _text(_select(sel, selectors["title"])) if selectors.get("title") else page_title(sel)
    published = _text(_select(sel, selectors["published"])) if selectors.get("published") else None
    if selectors.get("body"):
        parts = (part.strip() for part in _select(sel, selectors["body"]).getall())
        body_html = _BLANK_LINES.sub("\n", "\n".join(part for part in parts if part))
    else:
        body_html = generic_body(html, url, title)
    return _page(sel, html, url, title, body_html, published)
