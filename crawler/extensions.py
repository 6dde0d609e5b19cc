"""Scrapy extensions."""

from __future__ import annotations

import logging

from scrapy import signals

from crawler.summary import feed_summary, format_table

logger = logging.getLogger("finews.summary")


class RunSummary:
    """Log the per-feed summary table when a spider closes (what ``crawlall`` prints)."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        summary = feed_summary(spider.name, self.crawler.stats.get_stats())
        logger.info("run summary (%s):\n%s", reason, format_table([summary]))
