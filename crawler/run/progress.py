"""Live progress of a crawl: a rich display on a terminal, a periodic log line off one.

A backfill or an archive repair runs for many minutes, and the run summary only speaks at
the end. Counts are the crawler's own ``finews/…`` stats (crawler.run.summary.feed_summary),
read a few times a second on the reactor thread: the crawl does nothing more per item.

On a terminal (stderr is a TTY: Scrapy logs there) every crawler of the process shares
one display, a row per feed, with Scrapy's log printed above it. Elsewhere (cron) each
feed logs a ``finews.progress`` line every FINEWS_PROGRESS_SECONDS.
"""

from __future__ import annotations

import atexit
import logging
import math
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.run.summary import feed_summary

logger = logging.getLogger("finews.progress")

# Display updates per second: enough to look live, too few to cost the crawl anything.
REFRESH_PER_SECOND = 4
# The rate (and so the ETA) is measured over at least this many recent seconds: long
# enough not to jump with every response, short enough to follow a source slowing down.
RATE_WINDOW = 10.0


@dataclass(frozen=True)
class Counts:
    """Where a feed stands. ``total``: rows whose body is to be fetched (share: targets
    asked), as far as the lists were read yet; ``done``: those written, dropped or deferred."""

    listed: int
    total: int
    done: int
    written: int


def read_counts(feed: str, stats: dict[str, Any]) -> Counts:
    """A feed's counts from its crawler's stats (``share`` lists nothing: its targets count)."""
    summary = feed_summary(feed, stats)
    asked = stats.get("finews/share/asked", 0)
    written = summary["new"] + summary["updated"] + summary["unchanged"]
    total = summary["fetched"] + asked
    done = written + summary["dropped"] + summary["deferred"]
    # Rows dropped before their body was asked for (duplicate ids) are not in the total.
    return Counts(summary["listed"] + asked, total, min(done, total), written)


class Meter:
    """Rows done per second over the last ``window`` seconds."""

    def __init__(self, window: float, start: float):
        self.window = window
        self.samples: deque[tuple[float, int]] = deque([(start, 0)])

    def rate(self, done: int, now: float) -> float:
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()
        then, before = self.samples[0]
        return (done - before) / (now - then) if now > then else 0.0


def eta(counts: Counts, rate: float) -> str:
    """Time left at ``rate``, as H:MM:SS; empty while the total or the rate is unknown."""
    if not counts.total or counts.done >= counts.total or rate <= 0:
        return ""
    return str(timedelta(seconds=math.ceil((counts.total - counts.done) / rate)))


def describe(counts: Counts, rate: float) -> str:
    """The log line's text: ``listed 120, fetched 40/80, written 38, 2.1/s[, ETA 0:00:19]``."""
    text = (f"listed {counts.listed}, fetched {counts.done}/{counts.total}, "
            f"written {counts.written}, {rate:.1f}/s")
    left = eta(counts, rate)
    return f"{text}, ETA {left}" if left else text


def _repoint_log(old: IO[str], new: IO[str]) -> None:
    """Point the root logger's stream handlers writing to ``old`` at ``new``: Scrapy's
    handler holds the stderr it was made with, which the display writes over."""
    for handler in logging.root.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is old:
            handler.setStream(new)


class Display:
    """The process's one rich display (``shared``): a row per feed, the log printed above.

    It starts with the first feed and stops, its last state left on screen, when the last
    feed of the process closes (or at exit, after a forced shutdown closed none).
    """

    _current: Display | None = None

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("listed {task.fields[listed]}"),
            TextColumn("fetched {task.fields[fetched]}"),
            TextColumn("written {task.fields[written]}"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[eta]}"),
            console=Console(stderr=True),
            refresh_per_second=REFRESH_PER_SECOND,
            redirect_stderr=True,
            redirect_stdout=sys.stdout.isatty(),
        )
        self.open = 0

    @classmethod
    def shared(cls) -> Display:
        if cls._current is None:
            cls._current = cls()
        return cls._current

    def add(self, feed: str) -> TaskID:
        if not self.open:
            self._start()
        self.open += 1
        return self.progress.add_task(feed, total=None, **self._fields(Counts(0, 0, 0, 0), 0.0))

    def show(self, task: TaskID, counts: Counts, rate: float) -> None:
        self.progress.update(task, completed=counts.done, total=counts.total or None,
                             **self._fields(counts, rate))

    def finish(self, task: TaskID, counts: Counts, rate: float, seconds: float) -> None:
        self.show(task, counts, rate)
        self.progress.update(task, eta=f"in {timedelta(seconds=round(seconds))}")
        self.progress.stop_task(task)
        self.open -= 1
        if not self.open:
            self._stop()

    def _start(self) -> None:
        stderr = sys.stderr
        self.progress.start()
        _repoint_log(stderr, sys.stderr)
        atexit.register(self._stop)

    def _stop(self) -> None:
        atexit.unregister(self._stop)
        proxy = sys.stderr
        self.progress.stop()
        _repoint_log(proxy, sys.stderr)
        Display._current = None

    @staticmethod
    def _fields(counts: Counts, rate: float) -> dict[str, Any]:
        left = eta(counts, rate)
        return {"listed": counts.listed, "fetched": f"{counts.done}/{counts.total}",
                "written": counts.written, "rate": f"{rate:.1f}/s",
                "eta": f"ETA {left}" if left else ""}


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
            self.display = Display.shared()
            self.task = self.display.add(self.feed)
        self.loop = create_looping_call(self.tick)
        every = self.interval if self.display is None else 1 / REFRESH_PER_SECOND
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
