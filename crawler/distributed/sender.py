"""A worker's only item pipeline: each finished item goes to the coordinator as JSON, to be
validated, normalized and archived there (one writer for slugs, index and files)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.archive.items import Article
from crawler.distributed import keys, messages
from crawler.distributed.connection import redis_client


class ItemSender:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.client = redis_client(crawler.settings.get("FINEWS_REDIS_URL"))
        self.inbox = keys.inbox_key(keys.prefix_of(crawler.settings), crawler.spidercls.name)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ItemSender":
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        messages.send(self.client, self.inbox, messages.item_message(item))
        self.crawler.stats.inc_value("finews/sent")
        return item

    def close_spider(self) -> None:
        self.client.close()
