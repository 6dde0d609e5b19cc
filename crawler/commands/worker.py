"""``scrapy worker``: fetch and parse for a distributed run, never write the archive.

Needs ``FINEWS_REDIS_URL`` (the coordinator's Redis). Waits for the open run
(``scrapy crawlall --workers N`` opens it), crawls its feeds from the shared queues and
sends the items to the coordinator, and exits when the run's queues are done. With
``--forever`` it then waits for the next run, each run in a fresh process (Scrapy's
reactor starts once per process). Redis lost mid-run: one line and exit 1, its unfinished
leases left in the queue; ``--forever`` waits for Redis to come back.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
import warnings

import redis

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import ScrapyDeprecationWarning, UsageError

from crawler.distributed import keys
from crawler.distributed.connection import checked_redis, error_text, mask_url
from crawler.distributed.mirrorstate import REDIS_LOST, lost_line
from crawler.distributed.modes import worker_settings
from crawler.distributed.runs import SHARED_SETTINGS, wait_for_run
from crawler.run.arguments import ArgumentError, check_settings, fail_usage
from crawler.replay.sites import DEMO_SOURCES
from crawler.run.quietlog import dumps_once
from crawler.run.sources import sources_file


# How often a ``--forever`` worker that lost Redis tries it again.
RETRY_SECONDS = 2.0


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[--forever]"

    def short_desc(self) -> str:
        return "Fetch and parse for the open distributed run (FINEWS_REDIS_URL); never writes the archive"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--forever", action="store_true",
                            help="after a run, wait for the next one instead of exiting")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)
            check_settings(self.settings)
        except (UsageError, ArgumentError) as exc:
            fail_usage("worker", str(exc))
        if args:
            fail_usage("worker", "worker takes no arguments; the coordinator names the feeds")
        self.client = checked_redis("worker", self.settings,
                                    "FINEWS_REDIS_URL is not set: a worker needs its coordinator's Redis "
                                    "(-s FINEWS_REDIS_URL=redis://…)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        client = self.client
        prefix = keys.prefix_of(self.settings)
        if opts.forever:
            self.serve_forever(client, prefix)
        else:
            self.work(client, prefix)

    def serve_forever(self, client, prefix: str) -> None:
        """One child ``scrapy worker`` per run, for ever."""
        # Scrapy has taken the command name out of sys.argv; the options are left.
        options = [a for a in sys.argv[1:] if a not in ("worker", "--forever")]
        done, lost = "", False
        while True:
            try:
                run = wait_for_run(client, prefix, not_id=done)
            except (redis.RedisError, OSError) as error:
                if not lost:
                    self.say(f"{self.unreachable(error)}; waiting for it")
                lost = True
                time.sleep(RETRY_SECONDS)
                continue
            lost = False
            subprocess.run([sys.executable, "-m", "scrapy", "worker", *options], env=os.environ)
            done = run.id

    def work(self, client, prefix: str) -> None:
        """Join the open run (waiting for one), crawl its feeds until their queues are done."""
        assert self.crawler_process is not None
        try:
            run = wait_for_run(client, prefix)
        except (redis.RedisError, OSError) as error:
            self.say(self.unreachable(error))
            self.exitcode = 1
            return
        client.close()
        for name, value in run.settings.items():
            if name in SHARED_SETTINGS:
                self.settings.set(name, value, priority="cmdline")
        if self.settings.get("FINEWS_REPLAY_URL") and not sources_file(self.settings)[1]:
            # as crawlall --replay: the replay's demo sources, unless a sources file is named
            self.settings.set("FINEWS_SOURCES", str(DEMO_SOURCES), priority="cmdline")
        worker_id = f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.settings.setdict(worker_settings(self.settings, run.id, worker_id), priority="cmdline")
        # scrapy-redis still passes spider= to the stats collector.
        warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
        dumps_once()
        crawlers = [self.crawler_process.create_crawler(name) for name in run.feeds]
        for crawler in crawlers:
            self.crawler_process.crawl(crawler, **run.spargs)
        self.crawler_process.start()
        if any(c.stats and c.stats.get_value("finish_reason") == REDIS_LOST for c in crawlers):
            print(lost_line(self.settings.get("FINEWS_REDIS_URL")), file=sys.stderr, flush=True)
            self.exitcode = 1

    def unreachable(self, error: Exception) -> str:
        url = self.settings.get("FINEWS_REDIS_URL")
        return f"lost Redis at {mask_url(url)}: {error_text(error, url)}"

    @staticmethod
    def say(line: str) -> None:
        print(f"finews worker: {line}", file=sys.stderr, flush=True)
