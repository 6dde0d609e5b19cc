"""``scrapy crawl NAME``, with finews' checks and exit codes.

Scrapy's own command starts the crawl whatever its arguments, and exits 0 when a list
could not be read. This one checks every ``-s``/``-a`` value first (one line, exit 2),
exits 3 when the feed's health monitors fail (crawler/run/monitors.py) and 1 when the run
could not work at all (a ``share`` target unresolved). Like ``crawlall`` it prints the
summary table on stdout, records the run (history, health state, alerts). It holds the archive's run lock while it works, waiting up to
``FINEWS_LOCK_WAIT_SECONDS`` for a run that holds it (crawler/run/runlock.py says why).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

# Imported here, not by Scrapy deep inside the crawl: Scrapy's TLS module builds deprecated
# aliases with inspect.stack(), which reads the source of every frame on the stack (~0.3 s
# of CPU at the crawl's depth, a fraction of it here).
from crawler.net import hostgate  # noqa: F401
from crawler.run.arguments import ArgumentError, check_settings, check_spider, fail_usage
from crawler.archive.dates import run_now
from crawler.run.health import close_run
from crawler.run.monitors import judge_unclosed
from crawler.run.preload import preload
from crawler.run.runlock import LOCK, LockHeld, wait_for_lock
from crawler.run.summary import feed_summary, format_table

logger = logging.getLogger("finews.lock")


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Everything checked before the crawler process (and its start-up log) exists."""
        try:
            super().process_options(args, opts)
            check_settings(self.settings)
        except (UsageError, ArgumentError) as exc:
            fail_usage("crawl", str(exc))
        if len(args) != 1:
            fail_usage("crawl", "expected one spider name, e.g. scrapy crawl emnews (see scrapy list)")
        loader = get_spider_loader(self.settings)
        known = loader.list()
        if args[0] not in known:
            fail_usage("crawl", f"unknown spider {args[0]!r}; expected one of {', '.join(sorted(known))}")
        try:
            check_spider(loader.load(args[0]), opts.spargs, self.settings)
        except ArgumentError as exc:
            fail_usage("crawl", str(exc))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        spidercls = self.crawler_process.spider_loader.load(args[0])
        root = self.settings.get("FINEWS_OUTPUT_DIR")
        wait = self.settings.getfloat("FINEWS_LOCK_WAIT_SECONDS")
        try:
            lock = wait_for_lock(Path(root) / LOCK, wait, logger.info)
        except LockHeld as exc:
            print(f"finews crawl: {exc}; not starting", file=sys.stderr)
            self.exitcode = 1
            return
        try:
            self.crawl(spidercls, args[0], opts.spargs, root)
        finally:
            lock.release()

    def crawl(self, spidercls: type, name: str, spargs: dict, root: str) -> None:
        """Run the spider, print its summary, record the run and set the exit code."""
        assert self.crawler_process is not None
        preload(self.settings, {})
        crawler = self._create_crawler(spidercls)
        started = time.monotonic()
        self.crawler_process.crawl(crawler, **spargs)
        self.crawler_process.start()
        judge_unclosed(crawler, name)
        summary = feed_summary(name, crawler.stats.get_stats() if crawler.stats else {})
        print(format_table([summary]))
        when = run_now(self.settings.get("FINEWS_NOW"), self.settings.get("FINEWS_TIMEZONE")).isoformat()
        self.exitcode = close_run("crawl", root, self.settings, [summary], when,
                                  round(time.monotonic() - started, 2),
                                  broken=self.crawler_process.bootstrap_failed)
