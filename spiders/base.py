"""What every finews spider shares: following the text API and the source link.

A spider here only decides which request comes next; what a response means is decided
by the pure functions in ``crawler.parsers``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import Article
from crawler.parsers import SourceError
from crawler.parsers.article import parse_article
from crawler.parsers.textapi import parse_text_api

# A source link answering these has no article: the item is archived without a body
# (rolling news) or from elsewhere; any other failure is retried, then deferred.
NO_ARTICLE_STATUSES = [404, 410]
# Bodies go before the next list page: the list is read only as fast as its articles
# are fetched, so pending requests (each holding its item) stay about one page deep
# instead of growing with the whole backfill.
BODY_PRIORITY = 1


class FeedSpider(scrapy.Spider):
    """Base of the finews spiders (no ``name``: never run on its own)."""

    def stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"finews/{key}", count)

    def list_failed(self, reason: str, url: str, detail: str = "") -> None:
        """A list page that could not be read: counted, logged, paging of that list stops."""
        self.stat(f"list_error/{reason}")
        self.logger.error("list %s unreadable (%s) %s", url, reason, detail)

    def on_list_error(self, failure: Failure) -> None:
        self.list_failed(type(failure.value).__name__, failure.request.url, str(failure.value))

    # --- body through the text API, falling back to the source link ------------------------
    def text_request(self, item: Article) -> scrapy.Request:
        url = self.settings.get("FINEWS_TEXT_API_URL").format(code=item.id)
        return scrapy.Request(
            url,
            callback=self.on_text,
            errback=self.on_text_error,
            cb_kwargs={"item": item},
            priority=BODY_PRIORITY,
            dont_filter=True,
        )

    def on_text(self, response: Response, item: Article) -> Iterator:
        try:
            html = parse_text_api(response.text)
        except (SourceError, AttributeError) as exc:
            reason = getattr(exc, "reason", "not_text")
            self.stat(f"textapi_error/{reason}")
            html = ""
        if html:
            self.stat("body/textapi")
            yield replace(item, body_html=html, body_from="textapi")
        else:
            yield from self.fallback_to_source(item)

    def on_text_error(self, failure: Failure) -> Iterator:
        item = failure.request.cb_kwargs["item"]
        self.stat(f"textapi_error/{type(failure.value).__name__}")
        yield from self.fallback_to_source(item)

    def fallback_to_source(self, item: Article) -> Iterator:
        if item.source_url:
            yield self.source_request(item)
        else:
            self.drop_no_body(item, "no text and no source link")

    # --- the source link (the article page) ---------------------------------------------
    def source_request(self, item: Article) -> scrapy.Request:
        return scrapy.Request(
            item.source_url,
            callback=self.on_source,
            errback=self.on_source_error,
            cb_kwargs={"item": item},
            meta={"handle_httpstatus_list": NO_ARTICLE_STATUSES},
            priority=BODY_PRIORITY,
            dont_filter=True,
        )

    def on_source(self, response: Response, item: Article) -> Iterator:
        page = None
        if response.status not in NO_ARTICLE_STATUSES and hasattr(response, "text"):
            page = parse_article(response.text)
        if page is not None and page.body_html:
            self.stat("body/source")
            yield replace(
                item,
                body_html=page.body_html,
                body_from="source",
                media=item.media or page.media,
                title=item.title or page.title,
                published=item.published or page.published,
            )
        else:
            yield from self.no_article(item)

    def no_article(self, item: Article) -> Iterator:
        """The source link has no article. Rolling news overrides this (digest-only post)."""
        self.drop_no_body(item, "source link has no article")
        return iter(())

    def drop_no_body(self, item: Article, why: str) -> None:
        self.stat("dropped/no_body")
        self.logger.warning("dropped %s: %s", item.id, why)

    def on_source_error(self, failure: Failure) -> None:
        """Still failing after the retries: left for the next run, never archived half-done."""
        item = failure.request.cb_kwargs["item"]
        self.stat(f"deferred/{self.name}")
        self.logger.warning(
            "deferred %s: source %s failed (%s); left for the next run",
            item.id,
            item.source_url,
            failure.getErrorMessage(),
        )
