"""``scrapy crawlall``: every feed spider in one process, one summary at the end."""

from __future__ import annotations

import argparse
import json
import time

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.replay.server import ReplayServer, load_dataset
from crawler.storage import atomic_write
from crawler.summary import feed_failed, feed_summary, format_table

LAST_RUN = ".finews/last-run.json"


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
            help="serve the bundled offline replay of the sources on 127.0.0.1 and crawl it",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        self.replay = None
        if opts.replay:
            self.replay = ReplayServer(load_dataset()).start()
            self.settings.set("FINEWS_REPLAY_URL", self.replay.url, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("crawlall takes no arguments; choose feeds with -s FINEWS_FEEDS=…")
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
            self.crawler_process.crawl(crawler)
        try:
            self.crawler_process.start()
        finally:
            if self.replay is not None:
                self.replay.stop()
        summaries = [feed_summary(c.spidercls.name, c.stats.get_stats()) for c in crawlers]
        report = {
            "seconds": round(time.monotonic() - started, 2),
            "replay": bool(self.replay),
            "feeds": summaries,
        }
        atomic_write(
            self.settings.get("FINEWS_OUTPUT_DIR"),
            LAST_RUN,
            json.dumps(report, ensure_ascii=False, indent=1),
        )
        print(f"finews crawlall: {len(summaries)} feeds in {report['seconds']} s")
        print(format_table(summaries))
        print(f"summary written to {self.settings.get('FINEWS_OUTPUT_DIR')}/{LAST_RUN}")
        failed = [s["feed"] for s in summaries if feed_failed(s)]
        if failed or self.crawler_process.bootstrap_failed:
            print(f"FAILED: could not read the list of {', '.join(failed) or 'a feed'}")
            self.exitcode = 1
