"""Live progress of a crawl: a rich display on a terminal, a periodic log line off one.

A backfill or an archive repair runs for many minutes, and the run summary only speaks at
the end. Counts are the crawler's own ``finews/…`` stats (crawler.run.summary.feed_summary),
read a few times a second on the reactor thread: the crawl does nothing more per item.

On a terminal (stderr is a TTY: Scrapy logs there) every crawler of the process shares
one display, a row per feed, with Scrapy's log printed above it. Elsewhere (cron) each
feed logs a ``finews.progress`` line every FINEWS_PROGRESS_SECONDS.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.run.counts import RATE_WINDOW, Counts, Meter, describe, read_counts

if TYPE_CHECKING:
    from crawler.run.display import Display

logger = logging.getLogger("finews.progress")


class CrawlProgress:
    """Extension: this crawler's feed on the shared display, or its periodic log line."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.display: Display | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        s = crawler.settings
        if not s.getbool("FINEWS_PROGRESS"):
            raise NotConfigured
        # At least 0.1 s: crawler.run.arguments checks it before any crawl starts.
        progress = cls(crawler, s.getfloat("FINEWS_PROGRESS_SECONDS"))
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self, spider: Spider) -> None:
        self.feed = spider.name
        self.started = time.monotonic()
        self.meter = Meter(max(RATE_WINDOW, self.interval), self.started)
        if sys.stderr.isatty():
            from crawler.run.display import Display  # rich, on a terminal only

            self.display = Display.shared()
            self.task = self.display.add(self.feed)
        self.loop = create_looping_call(self.tick)
        every = self.interval if self.display is None else self.display.period
        self.loop.start(every, now=False)

    def read(self) -> tuple[Counts, float]:
        counts = read_counts(self.feed, self.crawler.stats.get_stats())
        return counts, self.meter.rate(counts.done, time.monotonic())

    def tick(self) -> None:
        counts, rate = self.read()
        if self.display is not None:
            self.display.show(self.task, counts, rate)
        else:
            logger.info("progress %s: %s", self.feed, describe(counts, rate))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.display is not None:
            counts, _ = self.read()
            # The final row shows the run's average rate, not its last seconds'.
            seconds = time.monotonic() - self.started
            self.display.finish(self.task, counts, counts.done / max(seconds, 1e-6), seconds)
