"""``scrapy worker``: fetch and parse for a distributed run, never write the archive.

Needs ``FINEWS_REDIS_URL`` (the coordinator's Redis). Waits for the open run
(``scrapy crawlall --workers N`` opens it), crawls its feeds from the shared queues and
sends the items to the coordinator, and exits when the run's queues are done. With
``--forever`` it serves run after run, each in a fresh process (Scrapy's reactor starts
once per process). That process starts as soon as the one before ends and waits, loaded,
for the next run: a run does not wait for its workers' start-up. Redis lost mid-run: one
line and exit 1, its unfinished leases left in the queue; ``--forever`` waits for Redis to
come back.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
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
from crawler.run.preload import preload
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
        # Between a --forever worker and its child: the run to skip (the one just served)
        # and the file the child names its run in.
        parser.add_argument("--after-run", default="", help=argparse.SUPPRESS)
        parser.add_argument("--served-file", default="", help=argparse.SUPPRESS)
        # A coordinator's local worker, started before its run opens, waits for that run.
        parser.add_argument("--run-id", default="", help=argparse.SUPPRESS)

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
            self.serve_forever(client)
        else:
            self.work(client, prefix, opts.after_run, opts.served_file, opts.run_id)

    def serve_forever(self, client) -> None:
        """One child ``scrapy worker`` per run, for ever; each started before its run opens.

        SIGTERM or SIGINT goes on to the child (a waiting one exits, a crawling one shuts
        down as Scrapy does), and this process ends with it.
        """
        # Scrapy has taken the command name out of sys.argv; the options are left.
        options = [a for a in sys.argv[1:] if a not in ("worker", "--forever")]
        child: subprocess.Popen | None = None
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                child.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        done, lost = "", False
        with tempfile.TemporaryDirectory(prefix="finews-worker-") as folder:
            served = os.path.join(folder, "served")
            while not stopping:
                try:
                    client.ping()
                except (redis.RedisError, OSError) as error:
                    if not lost:
                        self.say(f"{self.unreachable(error)}; waiting for it")
                    lost = True
                    time.sleep(RETRY_SECONDS)
                    continue
                lost = False
                child = subprocess.Popen([sys.executable, "-m", "scrapy", "worker", *options, "--after-run", done,
                                          "--served-file", served], env=os.environ)
                code = child.wait()
                if code == 2:  # a usage error: the next child would fail the same way
                    self.exitcode = 2
                    return
                if os.path.exists(served):
                    with open(served, encoding="utf-8") as f:
                        run_id = f.read().strip()
                    os.remove(served)
                    # Done with that run; a child that died in it may join it again.
                    done = run_id if code == 0 and run_id else done
                if code and not stopping:
                    time.sleep(RETRY_SECONDS)

    def work(self, client, prefix: str, after_run: str = "", served: str = "", run_id: str = "") -> None:
        """Join the open run (waiting for one other than ``after_run``, or for ``run_id``),
        crawl its feeds until their queues are done; name the run in the file ``served``."""
        assert self.crawler_process is not None
        worker_id = f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        preload(self.settings, worker_settings(self.settings, "", worker_id))
        try:
            run = wait_for_run(client, prefix, not_id=after_run, worker=worker_id, run_id=run_id)
        except (redis.RedisError, OSError) as error:
            self.say(self.unreachable(error))
            self.exitcode = 1
            return
        client.close()
        if served:
            with open(served, "w", encoding="utf-8") as f:
                f.write(run.id)
        for name, value in run.settings.items():
            if name in SHARED_SETTINGS:
                self.settings.set(name, value, priority="cmdline")
        if self.settings.get("FINEWS_REPLAY_URL") and not sources_file(self.settings)[1]:
            # as crawlall --replay: the replay's demo sources, unless a sources file is named
            self.settings.set("FINEWS_SOURCES", str(DEMO_SOURCES), priority="cmdline")
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
