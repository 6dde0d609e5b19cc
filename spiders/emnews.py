"""Rolling 7x24 news: kuaixun list pages, each row followed to its article page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import scrapy
from scrapy.http import Response

from crawler.archive.items import Article
from crawler.parsers.lists import parse_kuaixun
from crawler.parsers.rows import from_kuaixun
from spiders.base import FeedSpider


class EmnewsSpider(FeedSpider):
    """Eastmoney 7x24 rolling news → category emnews (digest, plus the article when it has one)."""

    name = "emnews"

    async def start(self):
        yield self.list_request(1)

    def list_request(self, page: int) -> scrapy.Request:
        s = self.settings
        url = s.get("FINEWS_EMNEWS_LIST_URL").format(
            column=s.get("FINEWS_EMNEWS_COLUMN"), size=s.getint("FINEWS_EMNEWS_PAGE_SIZE"), page=page
        )
        return scrapy.Request(
            url, callback=self.parse_list, errback=self.on_list_error, cb_kwargs={"page": page}
        )

    def parse_list(self, response: Response, page: int) -> Iterator:
        items, more = self.list_items(response, parse_kuaixun, from_kuaixun)
        for item in items:
            if item.source_url:
                yield self.source_request(item)
            else:
                yield from self.no_article(item)
        if more and page < self.settings.getint("FINEWS_EMNEWS_MAX_PAGES"):
            yield self.list_request(page + 1)

    def no_article(self, item: Article) -> Iterator:
        """Most flashes have no article page: archive the digest alone."""
        self.stat("body/digest")
        yield replace(item, body_html="", body_from="digest")
