"""``scrapy crawlall``: every feed spider in one process, one summary at the end.

This is what the scheduled job runs. It holds the output directory's run lock for the
whole run (a second run exits 0 at once), and writes ``.finews/last-run.json`` only
when the run changed the archive: a run with nothing new leaves every byte and mtime of
the output tree as it was, so a site repository never sees a commit for it. The table on
stdout (with timings) is printed every run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler.dates import run_now
from crawler.replay.server import ReplayServer, load_dataset
from crawler.runlock import LockHeld, RunLock
from crawler.storage import atomic_write
from crawler.summary import archive_changed, feed_failed, feed_summary, format_table

LAST_RUN = ".finews/last-run.json"
LOCK = ".finews/lock"


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run every feed spider (FINEWS_FEEDS) once and print a per-feed summary"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--replay",
            action="store_true",
            help="serve the bundled offline replay of the sources on 127.0.0.1 and crawl it "
            "(its dates moved so the newest article is today)",
        )
        parser.add_argument(
            "-a",
            dest="spargs",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="argument for every feed spider (e.g. -a refresh=1); may be repeated",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            self.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False)
        self.replay = None
        if opts.replay:
            today = run_now(self.settings.get("FINEWS_NOW"), self.settings.get("FINEWS_TIMEZONE"))
            self.replay = ReplayServer(load_dataset(), rebase_to=today).start()
            self.settings.set("FINEWS_REPLAY_URL", self.replay.url, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            if args:
                raise UsageError("crawlall takes no arguments; choose feeds with -s FINEWS_FEEDS=…")
            root = self.settings.get("FINEWS_OUTPUT_DIR")
            try:
                lock = RunLock(Path(root) / LOCK).acquire()
            except LockHeld as exc:
                print(f"finews crawlall: {exc}; not starting")
                return
            try:
                self.crawl_feeds(root)
            finally:
                lock.release()
        finally:
            if self.replay is not None:
                self.replay.stop()

    def crawl_feeds(self, root: str) -> None:
        assert self.crawler_process is not None
        names = self.settings.getlist("FINEWS_FEEDS")
        known = set(self.crawler_process.spider_loader.list())
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UsageError(f"unknown feed spider(s) in FINEWS_FEEDS: {', '.join(unknown)}")
        started = time.monotonic()
        crawlers = []
        for name in names:
            crawler = self.crawler_process.create_crawler(name)
            crawlers.append(crawler)
            self.crawler_process.crawl(crawler, **self.spargs)
        self.crawler_process.start()
        summaries = [feed_summary(c.spidercls.name, c.stats.get_stats()) for c in crawlers]
        seconds = round(time.monotonic() - started, 2)
        print(f"finews crawlall: {len(summaries)} feeds in {seconds} s")
        print(format_table(summaries))
        if archive_changed(summaries):
            report = {
                "finished": run_now(self.settings.get("FINEWS_NOW"),
                                    self.settings.get("FINEWS_TIMEZONE")).isoformat(),
                "seconds": seconds,
                "replay": bool(self.replay),
                "feeds": summaries,
            }
            atomic_write(root, LAST_RUN, json.dumps(report, ensure_ascii=False, indent=1))
            print(f"summary written to {root}/{LAST_RUN}")
        else:
            print(f"archive unchanged: {root}/{LAST_RUN} left as it was")
        failed = [s["feed"] for s in summaries if feed_failed(s)]
        if failed or self.crawler_process.bootstrap_failed:
            print(f"FAILED: could not read the list of {', '.join(failed) or 'a feed'}")
            self.exitcode = 1
