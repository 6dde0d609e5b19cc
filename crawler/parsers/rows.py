"""List rows → Article items (raw values; the normalize pipeline cleans them)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from crawler.archive.items import Article
from crawler.archive.text import strip_headline


def _s(row: dict[str, Any], *keys: str) -> str:
    """First non-empty value among ``keys``, as a stripped string."""
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def info_code(code: str) -> str:
    """The archive id of a media/market article: ``NW`` + the row's code; "" for no code."""
    code = code.strip()
    if code.upper().startswith("NW"):
        code = code[2:]
    return f"NW{code}" if code.strip() else ""


def row_signature(item: Article) -> str:
    """Fingerprint of what a list row says about an article (title, time, digest, media, link).

    A known article whose row still has the same fingerprint is not fetched again.
    """
    fields = (item.id, item.title, str(item.published or ""), item.digest, item.media, item.source_url)
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:32]


def _signed(item: Article) -> Article:
    return replace(item, row_sig=row_signature(item))


def rolling_link(link: str, code: str, article_url: str) -> str:
    """A rolling-news row's source link: its own, else the article page of its code
    (``article_url``, FINEWS_ARTICLE_URL). Only a code of digits names a page."""
    if link or not (code.isascii() and code.isdigit()):
        return link
    return article_url.format(code=code)


def from_kuaixun(row: dict[str, Any], article_url: str) -> Article:
    """A kuaixun ``LivesList`` row (sources.md §1). The digest loses its ``【headline】`` here,
    where both rolling-news lists meet: the fast-news list may leave it out."""
    code = _s(row, "id", "newsid")
    return _signed(Article(
        id=code,
        feed="emnews",
        title=_s(row, "title", "simtitle"),
        published=_s(row, "showtime", "ordertime"),
        digest=strip_headline(_s(row, "digest", "simdigest")),
        source_url=rolling_link(_s(row, "url_w", "url_unique"), code, article_url),
    ))


def from_fastnews(row: dict[str, Any], article_url: str) -> Article:
    """A getFastNewsList row (sources.md §6.1): the same Article, row signature included,
    as the kuaixun row of the same flash, so a failover between the lists re-fetches nothing."""
    code = _s(row, "code")
    return _signed(Article(
        id=code,
        feed="emnews",
        title=_s(row, "title"),
        published=_s(row, "showTime", "showtime"),
        digest=strip_headline(_s(row, "summary", "digest")),
        source_url=rolling_link(_s(row, "url"), code, article_url),
    ))


def from_news_columns(row: dict[str, Any], share_url: str) -> Article:
    code = info_code(_s(row, "code"))
    return _signed(Article(
        id=code,
        feed="media",
        title=_s(row, "title"),
        published=_s(row, "showTime"),
        media=_s(row, "mediaName"),
        source_url=_s(row, "url", "uniqueUrl"),
        share_url=share_url.format(code=code),
    ))


def from_market(record: dict[str, Any], share_url: str, article_url: str) -> Article:
    """A newmarket record; it names no page, so the source link is built from the code."""
    code = info_code(_s(record, "infoCode"))
    return _signed(Article(
        id=code,
        feed="market",
        title=_s(record, "title"),
        published=_s(record, "datetime"),
        media=_s(record, "medianame"),
        source_url=article_url.format(code=code[2:]),
        share_url=share_url.format(code=code),
    ))
