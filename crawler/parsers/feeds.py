"""Syndication feeds → entries: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser, JSON Feed 1.x.

A feed may hold thousands of entries, and feedparser builds every one of them (a few
kilobytes each) before it returns. So an XML feed is read twice with lxml's ``iterparse``,
keeping few entries in memory at a time: first to check it is a well-formed feed (a broken
one is refused whole, before any entry), then a batch of entries at a time, handed to
feedparser inside a copy of the feed's root element, which is what makes their dates,
relative links and ``xml:base`` come out exactly as for the whole feed. feedparser 6.0 has no JSON Feed
reader (6.1's is unreleased): JSON Feed, one JSON object, is read with ``json``.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from html.entities import name2codepoint
from io import BytesIO
from urllib.parse import urljoin

import feedparser
from lxml import etree

from crawler.parsers import SourceError
from crawler.parsers.entries import Entry

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS_RDF = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
_ATOM = {"http://www.w3.org/2005/Atom": "atom1.0", "http://purl.org/atom/ns#": "atom0.3"}
_JSON_FEED = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$")
# HTML's named entities (&nbsp;, &eacute;…) are undefined in XML, yet common in real feeds:
# they are rewritten as character references before parsing; XML's own five stay.
_NAMED = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")
# Entries handed to feedparser at once: its per-call cost shared, memory still bounded.
BATCH = 50
# What an entry is read for: feedparser is given only these children (local names) of it;
# the rest (descriptions, full content) would only cost its HTML sanitizer time.
_KEPT = frozenset({"title", "link", "guid", "id", "pubDate", "date", "published", "updated", "issued",
                   "modified", "created"})
HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass
class Feed:
    format: str  # rss (0.9x/2.0), rdf (RSS 0.90/1.0), atom1.0, atom0.3, json
    title: str
    entries: Iterator[Entry]  # lazy: parsed a batch at a time as they are asked for


@dataclass(frozen=True)
class _Root:
    """The feed's root element (without children), and where its entries are."""

    tag: str
    nsmap: dict
    attrib: dict
    channel: str  # tag of the element holding the entries below the root; "" for the root itself
    entry: str  # tag of an entry
    format: str


def parse_feed(data: bytes, url: str) -> Feed:
    """The feed in ``data`` (fetched from ``url``); SourceError when it is not one.

    Reasons: ``empty``, ``not_a_feed`` (an HTML page, other XML or JSON), ``malformed_xml``,
    ``malformed_json``. Entries are read lazily as the caller iterates.
    """
    head = data.lstrip()
    for bom in _BOMS:
        head = head.removeprefix(bom).lstrip()
    if not head:
        raise SourceError("empty", f"{url} answered nothing")
    if head[:1] in (b"{", b"["):
        return _json_feed(data, url)
    if HTML_START.match(head[:4096]):
        raise SourceError("not_a_feed", f"{url} is an HTML page{_html_title(head)}, not RSS, Atom or JSON Feed")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _NAMED.search(data):  # ASCII-based text only
        data = _NAMED.sub(_character_reference, data)
    root, title = _inspect(data, url)
    return Feed(root.format, title, _xml_entries(data, url, root))


def _html_title(head: bytes) -> str:
    m = _HTML_TITLE.search(head[:8192])
    if not m:
        return ""
    title = " ".join(html.unescape(m.group(1).decode("utf-8", "replace")).split())
    return f" ({title[:60]!r})" if title else ""


def _character_reference(m: re.Match) -> bytes:
    code = name2codepoint.get(m.group(1).decode())
    return b"&#%d;" % code if code else m.group(0)


def _iterparse(data: bytes) -> etree.iterparse:
    # No DTD, no network, no external entities: a feed is data, never instructions.
    return etree.iterparse(BytesIO(data), events=("start", "end"), load_dtd=False, no_network=True,
                           resolve_entities="internal", remove_comments=True, remove_pis=True)


def _root_of(el: etree._Element) -> _Root | None:
    ns, local = _split(el.tag)
    attrib = {k: v for k, v in el.attrib.items() if k != XML_BASE}
    nsmap = dict(el.nsmap)
    if ns == "" and local == "rss":
        return _Root(el.tag, nsmap, attrib, "channel", "item", "rss")
    if ns == _RDF and local == "RDF":
        items = next((n for n in el.nsmap.values() if n in _RSS_RDF), _RSS_RDF[0])
        return _Root(el.tag, nsmap, attrib, "", f"{{{items}}}item", "rdf")
    if local == "feed" and ns in _ATOM:
        return _Root(el.tag, nsmap, attrib, "", f"{{{ns}}}entry", _ATOM[ns])
    return None


def _split(tag: str) -> tuple[str, str]:
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _forget(el: etree._Element) -> None:
    """Free a finished child of the entries' parent, and its finished siblings before it."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    while parent is not None and el.getprevious() is not None:
        del parent[0]


class _Walk:
    """The finished children of the entries' parent (channel or root), in document order.

    Iterating yields ``(element, base URL)``: the base is the parent's, the document's URL
    with every ``xml:base`` above applied. ``root`` is known once iteration has begun.
    Raises SourceError for XML that is not well-formed or not a feed.
    """

    def __init__(self, data: bytes, url: str):
        self.data, self.url = data, url
        self.root: _Root | None = None

    def __iter__(self) -> Iterator[tuple[etree._Element, str]]:
        bases: list[str] = []
        parent: etree._Element | None = None
        try:
            for event, el in _iterparse(self.data):
                if event == "start":
                    own = el.get(XML_BASE)
                    above = bases[-1] if bases else self.url
                    bases.append(urljoin(above, own) if own else above)
                    if self.root is None:
                        self.root = self._root(el)
                        parent = None if self.root.channel else el
                    elif parent is None and el.tag == self.root.channel and len(bases) == 2:
                        parent = el
                    continue
                bases.pop()
                if parent is not None and el.getparent() is parent:
                    yield el, bases[-1]
                    _forget(el)
        except etree.XMLSyntaxError as exc:
            raise SourceError("malformed_xml", f"{self.url}: {exc.msg}") from None

    def _root(self, el: etree._Element) -> _Root:
        root = _root_of(el)
        if root is None:
            local = _split(el.tag)[1]
            what = "an HTML page" if local.lower() == "html" else f"XML <{local}>"
            raise SourceError("not_a_feed", f"{self.url} is {what}, not RSS, Atom or JSON Feed")
        return root


def _inspect(data: bytes, url: str) -> tuple[_Root, str]:
    """First pass: the whole document is a well-formed feed; its root and its title."""
    walk, title = _Walk(data, url), ""
    for el, _ in walk:
        if not title:
            title = _title_of(el)
    if walk.root is None:
        raise SourceError("not_a_feed", f"{url} holds no XML element")
    return walk.root, title


def _title_of(el: etree._Element) -> str:
    """The feed's title, if ``el`` is it or (RSS 1.0) the channel holding it."""
    local = _split(el.tag)[1]
    if local == "channel":
        el = next((c for c in el if _split(c.tag)[1] == "title"), None)
        local = "title" if el is not None else ""
    if local != "title":
        return ""
    return _plain(" ".join(el.itertext()), markup=el.get("type") in ("html", "xhtml"))


def _xml_entries(data: bytes, url: str, root: _Root) -> Iterator[Entry]:
    batch: list[etree._Element] = []
    base = url
    for el, base in _Walk(data, url):
        if el.tag == root.entry:
            batch.append(_stripped(el))
            if len(batch) == BATCH:
                yield from _parse_batch(batch, root, base)
                batch = []
    if batch:
        yield from _parse_batch(batch, root, base)


def _stripped(el: etree._Element) -> etree._Element:
    """A copy of an entry with only the children it is read for (``_KEPT``)."""
    entry = etree.Element(el.tag, attrib=dict(el.attrib), nsmap=el.nsmap)
    entry.extend(copy.deepcopy(child) for child in el if _split(child.tag)[1] in _KEPT)
    return entry


def _parse_batch(batch: list[etree._Element], root: _Root, base: str) -> Iterator[Entry]:
    """Entries parsed by feedparser as the only entries of a copy of their feed.

    ``base`` is the URL the entries' parent resolves relative links against (entries share
    a parent; an entry's own ``xml:base`` is on its copy).
    """
    wrapper = etree.Element(root.tag, attrib=root.attrib, nsmap=root.nsmap)
    holder = etree.SubElement(wrapper, root.channel) if root.channel else wrapper
    holder.extend(batch)
    chunk = etree.tostring(wrapper, xml_declaration=True, encoding="utf-8")
    parsed = feedparser.parse(chunk, response_headers={"content-location": base, "content-type": "application/xml"})
    for e in parsed.entries:
        detail = e.get("title_detail") or {}
        title = _plain(e.get("title", ""), markup=detail.get("type") in ("text/html", "application/xhtml+xml"))
        # dict.get: FeedParserDict's own maps a missing key to another one, with a warning
        when = next(filter(None, (dict.get(e, k) for k in ("published_parsed", "updated_parsed", "created_parsed"))),
                    None)
        published = datetime(*when[:6], tzinfo=timezone.utc) if when else None
        link = e.get("link", "")
        yield Entry(urljoin(base, link) if link else "", title, published)


def _plain(text: str, markup: bool = False) -> str:
    """One line of text: tags removed (only from HTML titles), entities decoded."""
    if markup:
        text = _TAG.sub(" ", text)
    return " ".join(html.unescape(text).split())


def _json_feed(data: bytes, url: str) -> Feed:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise SourceError("malformed_json", f"{url}: {exc}") from None
    if not isinstance(doc, dict) or not _JSON_FEED.match(str(doc.get("version", ""))):
        raise SourceError("not_a_feed", f"{url} is JSON without a jsonfeed.org version 1 field")
    items = doc.get("items")
    if not isinstance(items, list):
        raise SourceError("not_a_feed", f"{url} is a JSON Feed without an items list")
    base = urljoin(url, str(doc.get("feed_url") or url))
    return Feed("json", _plain(str(doc.get("title") or "")), _json_entries(items, base))


def _json_entries(items: list, base: str) -> Iterator[Entry]:
    items.reverse()
    while items:  # popped: an item is released once read
        item = items.pop()
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        yield Entry(urljoin(base, link) if link else "", _plain(str(item.get("title") or "")),
                    _iso_time(item.get("date_published") or item.get("date_modified")))


def _iso_time(value: object) -> datetime | None:
    """An RFC 3339 time with its offset; None for anything else (a naive time is no date)."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
