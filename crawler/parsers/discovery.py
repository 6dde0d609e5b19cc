"""Where a site says its feeds and sitemaps are: ``<link rel=alternate>``, robots.txt ``Sitemap:``.

Used by ``scrapy addsource`` (crawler/commands/addsource.py), which also tries the paths
sites commonly use (``COMMON_PATHS``) and keeps only what really parses as a feed or sitemap.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml", "application/xml", "text/xml")
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml")
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


def feed_links(html: str, url: str) -> list[str]:
    """Absolute URLs of the page's ``<link rel="alternate">`` feeds, in page order."""
    found = []
    for link in Selector(text=html).css("link[href]"):
        rels = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            found.append(urljoin(url, link.attrib["href"].strip()))
    return list(dict.fromkeys(found))


def page_title(html: str) -> str:
    return " ".join(" ".join(Selector(text=html).css("title::text").getall()).split())


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt fetched from ``url``."""
    return list(dict.fromkeys(urljoin(url, m) for m in _SITEMAP_LINE.findall(text)))


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
