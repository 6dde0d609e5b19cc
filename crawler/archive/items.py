"""The one article item every spider, pipeline and exporter speaks (README: the flow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    """One news article on its way from a source to the archive.

    Spiders fill the raw fields; ``published`` arrives as the source's string and the
    normalize pipeline turns it into an aware Asia/Shanghai datetime; ``category`` and
    ``tags`` are filled by the normalize pipeline from ``feed`` and ``media``; ``row_sig``
    fingerprints the list row the item came from (crawler.parsers.rows), so the archive
    index can tell a known row from a changed one without fetching its body.
    """

    id: str = ""
    feed: str = ""
    title: str = ""
    published: str | datetime | None = None
    media: str = ""
    digest: str = ""
    body_html: str = ""
    source_url: str = ""
    share_url: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    body_from: str = ""
    row_sig: str = ""


# The feed of generic syndication sources (spider ``feeds``, FINEWS_SOURCES): posts of the
# media-post shape whose <…> line is the article's canonical URL.
SYNDICATION = "feeds"
FEEDS = ("emnews", "media", "market", SYNDICATION)
