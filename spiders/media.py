"""Syndicated newspaper/media articles: getNewsByColumns, body through the text API."""

from __future__ import annotations

import time
from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.parsers.lists import parse_news_columns
from crawler.parsers.rows import from_news_columns
from spiders.base import LIST_PRIORITY, FeedSpider


class MediaSpider(FeedSpider):
    """Media articles (one category per media): text API body, source page as fallback."""

    name = "media"

    async def start(self):
        for column in self.settings.getlist("FINEWS_MEDIA_COLUMNS"):
            yield self.list_request(column, 1)

    def list_request(self, column: str, page: int) -> scrapy.Request:
        s = self.settings
        url = s.get("FINEWS_MEDIA_LIST_URL").format(
            column=column,
            page=page,
            size=s.getint("FINEWS_MEDIA_PAGE_SIZE"),
            trace=int(time.time() * 1000),
        )
        return scrapy.Request(
            url,
            callback=self.parse_list,
            errback=self.on_list_error,
            cb_kwargs={"column": column, "page": page},
            priority=LIST_PRIORITY,
        )

    def parse_list(self, response: Response, column: str, page: int) -> Iterator:
        share = self.settings.get("FINEWS_SHARE_URL")
        items, more = self.list_items(response, parse_news_columns, lambda row: from_news_columns(row, share))
        if more and page < self.settings.getint("FINEWS_MEDIA_MAX_PAGES"):
            yield from self.next_page(self.list_request(column, page + 1), len(items))
        for item in items:
            yield self.text_request(item)
