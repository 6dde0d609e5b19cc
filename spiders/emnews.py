"""Rolling 7x24 news: a rolling-news list, each row followed to its article page.

Two lists carry the same flashes (sources.md §1, §6.1); ``FINEWS_EMNEWS_LISTS`` orders them.
When one cannot be read after its retries, or answers something that is no list, the run
fails over to the next one, from its first page: one warning, a counted
``finews/failover/emnews/<from>-><to>``. Only when the last one fails does the feed fail.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import scrapy
from scrapy.http import Response

from crawler.archive.items import Article
from crawler.parsers.lists import fastnews_cursor, parse_fastnews, parse_kuaixun
from crawler.parsers.rows import from_fastnews, from_kuaixun
from spiders.base import LIST_PRIORITY, FeedSpider


class EmnewsSpider(FeedSpider):
    """Eastmoney 7x24 rolling news → category emnews (digest, plus the article when it has one)."""

    name = "emnews"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._current = 0  # index in FINEWS_EMNEWS_LISTS of the list being read

    async def start(self):
        yield self.list_request(1)

    @property
    def lists(self) -> list[str]:
        return self.settings.getlist("FINEWS_EMNEWS_LISTS")

    def list_request(self, page: int, cursor: str = "") -> scrapy.Request:
        """Page ``page`` of the current list; the fast-news list pages by ``cursor`` (sortEnd)."""
        s = self.settings
        column, size = s.get("FINEWS_EMNEWS_COLUMN"), s.getint("FINEWS_EMNEWS_PAGE_SIZE")
        if self.lists[self._current] == "fastnews":
            url = s.get("FINEWS_EMNEWS_FASTNEWS_URL").format(
                column=column, size=size, sort_end=cursor, trace=int(time.time() * 1000))
            callback = self.parse_fastnews
        else:
            url = s.get("FINEWS_EMNEWS_LIST_URL").format(column=column, size=size, page=page)
            callback = self.parse_kuaixun
        # Giving up on a list with another one after it is no error: the run fails over.
        meta = {"give_up_log_level": "INFO"} if self._current + 1 < len(self.lists) else {}
        return scrapy.Request(url, callback=callback, errback=self.on_list_error, cb_kwargs={"page": page},
                              meta=meta, priority=LIST_PRIORITY)

    def parse_kuaixun(self, response: Response, page: int) -> Iterator:
        article_url = self.settings.get("FINEWS_ARTICLE_URL")
        items, more = self.list_items(response, parse_kuaixun, lambda row: from_kuaixun(row, article_url))
        if more and page < self.settings.getint("FINEWS_EMNEWS_MAX_PAGES"):
            yield from self.next_page(self.list_request(page + 1), len(items))
        yield from self.bodies(items)

    def parse_fastnews(self, response: Response, page: int) -> Iterator:
        article_url = self.settings.get("FINEWS_ARTICLE_URL")
        rows: list[dict] = []  # kept for the cursor: the next page starts after the last row

        def parse(text: str) -> list[dict]:
            rows.extend(parse_fastnews(text))
            return rows

        items, more = self.list_items(response, parse, lambda row: from_fastnews(row, article_url))
        cursor = fastnews_cursor(rows)
        if more and cursor and page < self.settings.getint("FINEWS_EMNEWS_MAX_PAGES"):
            yield from self.next_page(self.list_request(page + 1, cursor), len(items))
        yield from self.bodies(items)

    def bodies(self, items: list[Article]) -> Iterator:
        for item in items:
            if item.source_url:
                yield self.source_request(item)
            else:
                yield from self.no_article(item)

    def list_failed(self, reason: str, url: str, detail: str = "") -> None:
        """The current list is unreadable: fail over to the next one, or fail (the last one)."""
        if self._current + 1 >= len(self.lists):
            super().list_failed(reason, url, detail)
            return
        failed, self._current = self.lists[self._current], self._current + 1
        following = self.lists[self._current]
        self.stat(f"failover/{self.name}/{failed}->{following}")
        self.logger.warning("list %s unreadable (%s): failing over to %s", failed, detail or reason, following)
        self.crawler.engine.crawl(self.list_request(1))

    def no_article(self, item: Article) -> Iterator:
        """Most flashes have no article page: archive the digest alone."""
        self.stat("body/digest")
        yield replace(item, body_html="", body_from="digest")
