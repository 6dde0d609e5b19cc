"""``scrapy crawlall``: every feed spider in one process, one summary at the end.

This is what the scheduled job runs: FINEWS_FEEDS, plus ``feeds`` whenever the sources
file (FINEWS_SOURCES) has an enabled source. It holds the output directory's run lock for the
whole run (a second run exits 0 at once). Every run appends a line to
``.finews/runs.jsonl``; ``.finews/last-run.json`` is written only when the run changed
the archive or a feed failed: a quiet run leaves every byte and mtime of the site as it
was, so a site repository never sees a commit for it. The table goes to stdout, once.

With ``--workers N`` (FINEWS_REDIS_URL set) it coordinates a distributed run
(docs/scale-out.md): workers fetch, this process alone writes, through one collector
crawler per feed whose items come from Redis; the summary and exit code are as above.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import arglist_to_dict

# Imported here, not by Scrapy deep inside the crawl: Scrapy's TLS module builds deprecated
# aliases with inspect.stack(), which reads the source of every frame on the stack (~0.3 s
# of CPU at the crawl's depth, a fraction of it here).
from crawler.net import hostgate  # noqa: F401
from crawler.distributed.collector import collector_for
from crawler.distributed.connection import checked_redis, mask_url
from crawler.distributed.coordinator import Coordinator
from crawler.run.arguments import ArgumentError, check_settings, check_spider, fail_usage
from crawler.archive.dates import run_now
from crawler.archive.items import SYNDICATION
from crawler.run.health import EXIT_BROKEN, close_run
from crawler.run.monitors import judge_unclosed
from crawler.run.preload import preload
from crawler.run.quietlog import dumps_once
from crawler.replay.server import ReplayServer, load_dataset
from crawler.replay.sites import DEMO_SOURCES
from crawler.run.runlock import LOCK, LockHeld, RunLock
from crawler.run.sources import SourcesError, any_enabled, sources_file
from crawler.archive.storage import atomic_write
from crawler.run.summary import archive_changed, feed_summary, format_table

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
            help="serve the bundled offline replay of the sources on 127.0.0.1 and crawl it "
            "(its dates moved by whole days so the newest article is yesterday: every "
            "run on one day sees the same articles), with the demo's generic sources "
            "(crawler/replay/data/sources.yml unless -s FINEWS_SOURCES is given)",
        )
        parser.add_argument(
            "-a",
            dest="spargs",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="argument for every feed spider (e.g. -a refresh=1); may be repeated",
        )
        parser.add_argument(
            "--workers",
            type=int,
            metavar="N",
            help="coordinate a distributed run (needs FINEWS_REDIS_URL): start N local "
            "`scrapy worker` processes (0: only workers started elsewhere) and write what they fetch",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Everything checked before the crawler process (and its start-up log) exists."""
        try:
            super().process_options(args, opts)
            self.spargs = arglist_to_dict(opts.spargs)
        except UsageError as exc:
            fail_usage("crawlall", str(exc))
        except ValueError:
            fail_usage("crawlall", "invalid -a value; expected -a NAME=VALUE")
        if args:
            fail_usage("crawlall", "crawlall takes no arguments; choose feeds with -s FINEWS_FEEDS=…")
        loader = get_spider_loader(self.settings)
        self.feeds = self.settings.getlist("FINEWS_FEEDS")
        unknown = [n for n in self.feeds if n not in loader.list()]
        if unknown or not self.feeds:
            fail_usage("crawlall", f"-s FINEWS_FEEDS: unknown feed(s) {', '.join(unknown) or '(none)'}; "
                                   f"expected names from: {', '.join(sorted(loader.list()))}")
        try:
            check_settings(self.settings)
            if opts.replay and not sources_file(self.settings)[1]:
                self.settings.set("FINEWS_SOURCES", str(DEMO_SOURCES), priority="cmdline")
            if SYNDICATION not in self.feeds and any_enabled(self.settings):
                self.feeds = [*self.feeds, SYNDICATION]
            for name in self.feeds:
                check_spider(loader.load(name), self.spargs, self.settings)
        except (ArgumentError, SourcesError) as exc:
            fail_usage("crawlall", str(exc))
        self.replay = None
        self.replay_wanted = opts.replay
        self.workers = opts.workers
        if self.workers is not None:
            if self.workers < 0:
                fail_usage("crawlall", f"--workers {self.workers}: expected 0 or more")
            # before the run lock, so that a missing Redis leaves the archive untouched
            self.client = checked_redis("crawlall", self.settings,
                                        "--workers needs FINEWS_REDIS_URL (redis://…): "
                                        "without it crawlall runs in one process", "; not starting")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        root = self.settings.get("FINEWS_OUTPUT_DIR")
        try:
            lock = RunLock(Path(root) / LOCK).acquire()
        except LockHeld as exc:
            print(f"finews crawlall: {exc}; not starting")
            return
        try:
            if self.replay_wanted:
                self.start_replay()
            if self.workers is None:
                self.crawl_feeds(root, [(name, self.spargs) for name in self.feeds])
            else:
                self.coordinate(root, Coordinator(self.client, self.settings, root, self.spargs))
        finally:
            lock.release()
            if self.replay is not None:
                self.replay.stop()

    def start_replay(self) -> None:
        today = run_now(self.settings.get("FINEWS_NOW"), self.settings.get("FINEWS_TIMEZONE"))
        self.replay = ReplayServer(load_dataset(), rebase_to=today, sites=True).start()
        self.settings.set("FINEWS_REPLAY_URL", self.replay.url, priority="cmdline")

    def coordinate(self, root: str, coordinator: Coordinator) -> None:
        """Seed and open the run, start the local workers, collect what they send."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        try:
            # Local workers start first: their start-up overlaps mirroring and seeding.
            coordinator.start_workers(self.workers)
            run = coordinator.open([loader.load(name) for name in self.feeds])
            crawls: list[tuple[str | type, dict[str, str]]] = [(collector_for(name, run.id), {}) for name in run.feeds]
            crawlers = self.crawl_feeds(root, crawls)
        finally:
            coordinator.close()
        lost = next((c.spider.lost for c in crawlers if getattr(c.spider, "lost", "")), "")
        if lost:  # the collectors stopped after their last whole post; the index holds what was written
            self.exitcode = EXIT_BROKEN
            print(f"finews crawlall: lost Redis at {mask_url(self.settings.get('FINEWS_REDIS_URL'))} mid-run: "
                  f"{lost}; stopped after the last whole post, run again to complete the archive",
                  file=sys.stderr, flush=True)

    def crawl_feeds(self, root: str, crawls: list[tuple[str | type, dict[str, str]]]) -> list[Crawler]:
        """Run each spider (a name or class) with its arguments, then summarize and record the
        run; returns the crawlers."""
        assert self.crawler_process is not None
        dumps_once()
        preload(self.settings, {})
        started = time.monotonic()
        crawlers = []
        for spider, spargs in crawls:
            crawler = self.crawler_process.create_crawler(spider)
            crawlers.append(crawler)
            self.crawler_process.crawl(crawler, **spargs)
        self.crawler_process.start()
        for crawler in crawlers:
            judge_unclosed(crawler, crawler.spidercls.name)
        summaries = [feed_summary(c.spidercls.name, c.stats.get_stats() if c.stats else {})
                     for c in crawlers]
        seconds = round(time.monotonic() - started, 2)
        print(f"finews crawlall: {len(summaries)} feeds in {seconds} s")
        print(format_table(summaries))
        when = run_now(self.settings.get("FINEWS_NOW"), self.settings.get("FINEWS_TIMEZONE")).isoformat()
        self.exitcode = close_run("crawlall", root, self.settings, summaries, when, seconds,
                                  broken=self.crawler_process.bootstrap_failed)
        failing = [s for s in summaries if s["verdict"] == "failing"]
        if archive_changed(summaries) or failing:
            report = {"finished": when, "seconds": seconds, "replay": bool(self.replay),
                      "failed": [s["feed"] for s in failing], "feeds": summaries}
            atomic_write(root, LAST_RUN, json.dumps(report, ensure_ascii=False, indent=1))
            print(f"summary written to {root}/{LAST_RUN}")
        else:
            print(f"archive unchanged: {root}/{LAST_RUN} left as it was")
        for s in failing:
            print(f"FAILED: {s['feed']}: {'; '.join(s['reasons'])}")
        return crawlers
