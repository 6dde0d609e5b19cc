"""Sitemaps → entries: a sitemap index (its child sitemaps) or a urlset (its pages).

Sitemaps run to 50,000 URLs and 50 MB, gzipped or not: they are streamed with lxml's
``iterparse`` (gzip recognised by its magic bytes, whatever the URL or Content-Type
says), one ``<url>`` in memory at a time. As for feeds, the whole document is checked
first, so a broken sitemap is refused before any entry. Google News sitemaps
(``news:news``) give each page its title and publication time.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from crawler.parsers import SourceError
from crawler.parsers.entries import Entry
from crawler.parsers.feeds import HTML_START

GZIP_MAGIC = b"\x1f\x8b"
# The sitemaps protocol's limit on an uncompressed sitemap; more is a gzip bomb, not a sitemap.
MAX_BYTES = 50 * 1024 * 1024
INDEX, URLSET = "index", "urlset"


@dataclass
class Sitemap:
    kind: str  # "index": entries are child sitemaps; "urlset": entries are pages
    entries: Iterator[Entry]


class _Capped(io.RawIOBase):
    """A gzip stream that refuses to give more than MAX_BYTES."""

    def __init__(self, data: bytes):
        self.inner = gzip.GzipFile(fileobj=io.BytesIO(data))
        self.left = MAX_BYTES

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            chunk = self.inner.read(min(len(buffer), self.left + 1))
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError("bad_gzip", f"gzip data is broken ({exc})") from None
        if len(chunk) > self.left:
            raise SourceError("too_large", f"over {MAX_BYTES} bytes uncompressed")
        self.left -= len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _open(data: bytes) -> io.RawIOBase | io.BytesIO:
    return _Capped(data) if data.startswith(GZIP_MAGIC) else io.BytesIO(data)


def _walk(data: bytes, url: str) -> Iterator[tuple[str, etree._Element | None]]:
    """``(kind, None)`` once the root is read, then ``(kind, element)`` for each finished
    child of the root (``<sitemap>``, ``<url>``)."""
    kind = ""
    try:
        events = etree.iterparse(_open(data), events=("start", "end"), load_dtd=False, no_network=True,
                                 resolve_entities="internal", remove_comments=True, remove_pis=True)
        for event, el in events:
            if event == "start":
                if not kind:
                    kind = {"sitemapindex": INDEX, "urlset": URLSET}.get(_local(el.tag), "")
                    if not kind:
                        what = "an HTML page" if _local(el.tag).lower() == "html" else f"XML <{_local(el.tag)}>"
                        raise SourceError("not_a_sitemap", f"{url} is {what}, not a sitemap")
                    yield kind, None
                continue
            parent = el.getparent()
            if parent is not None and parent.getparent() is None:
                yield kind, el
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise SourceError("malformed_xml", f"{url}: {exc.msg}") from None
    if not kind:
        raise SourceError("empty", f"{url} holds no XML element")


def parse_sitemap(data: bytes, url: str) -> Sitemap:
    """The sitemap (or sitemap index) in ``data``, gzipped or not, fetched from ``url``.

    SourceError reasons: ``empty``, ``not_a_sitemap`` (an HTML page, other XML),
    ``malformed_xml``, ``bad_gzip``, ``too_large``. Entries are read lazily.
    """
    head = data if data.startswith(GZIP_MAGIC) else data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise SourceError("empty", f"{url} answered nothing")
    if HTML_START.match(head[:4096]):
        raise SourceError("not_a_sitemap", f"{url} is an HTML page, not a sitemap")
    kind = ""
    for kind, _ in _walk(data, url):  # the whole document, checked before any entry is used
        pass
    return Sitemap(kind, _entries(data, url))


def _entries(data: bytes, url: str) -> Iterator[Entry]:
    for _, el in _walk(data, url):
        if el is None or _local(el.tag) not in ("sitemap", "url"):
            continue
        fields = {}
        for child in el:
            local = _local(child.tag)
            if local == "news":
                fields.update({f"news:{_local(c.tag)}": (c.text or "").strip() for c in child})
            else:
                fields[local] = (child.text or "").strip()
        loc = fields.get("loc", "")
        yield Entry(urljoin(url, loc) if loc else "", " ".join(fields.get("news:title", "").split()),
                    _w3c_time(fields.get("news:publication_date", "")))


def _w3c_time(text: str) -> datetime | None:
    """A W3C datetime with its offset (``2026-11-19T10:00:00+08:00``, ``…Z``); None for a bare
    date or a time without offset: a day alone is no publish time."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
