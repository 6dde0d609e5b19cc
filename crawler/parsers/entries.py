"""Entries of generic sources (feed items, sitemap URLs) → Article items of feed ``feeds``.

A feed entry and a sitemap URL say the same three things (where, what title, when);
the article page fetched from there adds the body and its own canonical URL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from crawler.archive.items import SYNDICATION, Article
from crawler.parsers.urls import article_id, canonical_url, resolve_canonical

# The row signature of every entry: an article is known once archived, whichever feed,
# sitemap or URL spelling lists it, and a changed title in a feed does not fetch it again.
ENTRY_SIG = "entry"


@dataclass(frozen=True)
class Entry:
    url: str  # absolute (relative links and xml:base resolved); "" when the entry has none
    title: str = ""  # plain text, entities decoded; "" when the entry has none
    published: datetime | None = None  # aware; None when the entry gives no full date and time


class Page(Protocol):
    """What an extracted article page gives (crawler.parsers.generic.GenericPage)."""

    title: str
    published: str | datetime | None
    body_html: str
    canonical: str | None


def entry_item(entry: Entry, media: str, slug: str = "") -> Article:
    """The item of one entry, before its page is fetched: id from the entry's canonical URL.

    ``slug``: the source's fixed category slug ("" leaves it to the slug registry).
    """
    canonical = canonical_url(entry.url)
    return Article(
        id=article_id(canonical) if canonical else "",
        feed=SYNDICATION,
        title=entry.title,
        published=entry.published,
        media=media,
        source_url=canonical,
        share_url=canonical,  # the post's <…> line
        category=slug,
        row_sig=ENTRY_SIG,
    )


def page_item(item: Article, page: Page, url: str) -> Article:
    """The item completed from its article page (fetched from ``url``).

    The page's ``rel=canonical`` decides the id and the link line; the entry's title and
    date win over the page's (a feed's date has its time zone, a page's often not).
    """
    canonical = resolve_canonical(url, page.canonical)
    return replace(
        item,
        id=article_id(canonical),
        share_url=canonical,
        title=item.title or page.title or "",
        published=item.published or page.published,
        body_html=page.body_html or "",
        body_from="page",
    )
