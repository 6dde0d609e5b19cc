"""A worker asks the shared queue again within POLL_SECONDS, not Scrapy's 5 s.

Scrapy's engine asks its scheduler for the next request when something happens in its
process (a response, a request scheduled there) and otherwise on a heartbeat every 5 s
(``ExecutionEngine._SLOT_HEARTBEAT_INTERVAL``). A worker whose queue came up empty while
other workers hold leases has nothing happening: the bodies another worker's list callback
pushes would wait up to 5 s for it. ``QueuePoll`` (a worker's extension) sets that
heartbeat of its engine, read when the spider's requests start, to POLL_SECONDS. A beat
while the downloader is full costs nothing; one while it has room costs a lease attempt.
"""

from __future__ import annotations

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

POLL_SECONDS = 0.1


class QueuePoll:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "QueuePoll":
        return cls(crawler)

    def spider_opened(self, spider: scrapy.Spider) -> None:
        assert self.crawler.engine is not None
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = POLL_SECONDS
