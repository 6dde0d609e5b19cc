"""Market channels: newmarket web API records, body through the text API."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.parsers.lists import parse_market
from crawler.parsers.rows import from_market
from spiders.base import LIST_PRIORITY, FeedSpider


class MarketSpider(FeedSpider):
    """Market-channel news (FINEWS_MARKET_TYPES): text API body, source page as fallback."""

    name = "market"

    async def start(self):
        for market in self.settings.getlist("FINEWS_MARKET_TYPES"):
            yield self.list_request(str(market))

    def list_request(self, market: str) -> scrapy.Request:
        url = self.settings.get("FINEWS_MARKET_LIST_URL").format(
            market=market, count=self.settings.getint("FINEWS_MARKET_COUNT")
        )
        return scrapy.Request(url, callback=self.parse_list, errback=self.on_list_error, priority=LIST_PRIORITY)

    def parse_list(self, response: Response) -> Iterator:
        share = self.settings.get("FINEWS_SHARE_URL")
        article = self.settings.get("FINEWS_ARTICLE_URL")
        items, _ = self.list_items(response, parse_market, lambda r: from_market(r, share, article))
        for item in items:
            yield self.text_request(item)
