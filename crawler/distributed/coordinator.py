"""The coordinator's side of a distributed run (``scrapy crawlall --workers N``).

It publishes the archive index mirror, seeds each distributed feed's shared queue with the
requests its spider's ``start()`` makes, opens the run, starts local workers, and closes the
run when its collectors are done. Writing stays where it was: the collectors' pipelines.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import redis
import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from crawler.archive.index import open_index, release_index
from crawler.distributed import keys
from crawler.distributed.known import DocumentMirror, publish_documents, publish_known
from crawler.distributed.queue import LeasedQueue
from crawler.distributed.connection import mask_url
from crawler.distributed.runs import SHARED_SETTINGS, Run, close_run, open_run, waiting_workers

logger = logging.getLogger("finews.coordinator")

# How long workers get to exit once their run is closed, before they are terminated.
WORKER_EXIT_SECONDS = 30.0


def drain_start(start: AsyncIterator[Any]) -> list[Any]:
    """Everything a ``start()`` yields, driven outside the reactor: it must not await."""
    found = []
    while True:
        step = start.__anext__()
        try:
            step.send(None)
        except StopIteration as done:
            found.append(done.value)
        except StopAsyncIteration:
            return found
        else:
            step.close()
            raise RuntimeError("a distributed feed's start() may not await: it is run by the coordinator")


class Coordinator:
    def __init__(self, client: redis.Redis, settings: Settings, root: str, spargs: dict[str, str]):
        self.client = client
        self.settings = settings
        self.root = root
        self.spargs = spargs
        self.prefix = keys.prefix_of(settings)
        self.run: Run | None = None
        self.run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        self.workers: list[subprocess.Popen] = []

    def open(self, spiders: list[type[scrapy.Spider]]) -> Run:
        """Mirror the index, seed every feed's queue afresh, then announce the run."""
        index = open_index(self.root)
        try:
            known = publish_known(self.client, keys.known_key(self.prefix), index)
            publish_documents(self.client, self.prefix, index)
        finally:
            release_index(index)
        run_id = self.run_id
        for spidercls in spiders:
            self.seed(spidercls)
        shared = {name: str(self.settings.get(name)) for name in SHARED_SETTINGS if self.settings.get(name)}
        self.run = Run(run_id, [s.name for s in spiders], self.spargs, shared)
        open_run(self.client, self.prefix, self.run)
        logger.info("run %s open: %d known ids mirrored, feeds %s", run_id, known, ", ".join(self.run.feeds))
        if not self.workers and not waiting_workers(self.client, self.prefix):
            logger.warning("run %s: no worker is waiting for it; it goes on when `scrapy worker` joins "
                           "(FINEWS_REDIS_URL=%s)", run_id, mask_url(self.settings.get("FINEWS_REDIS_URL")))
        return self.run

    def seed(self, spidercls: type[scrapy.Spider]) -> None:
        """The feed's queue emptied of any earlier run, then its start requests pushed."""
        crawler = Crawler(spidercls, self.settings)
        spider = spidercls.from_crawler(crawler, **self.spargs)
        spider.state = DocumentMirror(self.client, self.prefix)  # feeds' validators, as just mirrored
        queue = LeasedQueue(self.client, spider, keys.queue_key(self.prefix, spidercls.name))
        queue.clear()
        for request in drain_start(spider.start()):
            queue.push(request)

    def start_workers(self, count: int) -> None:
        """``count`` local ``scrapy worker`` processes with this command line's settings, each
        waiting for this run (not any other open in Redis); their logs go to a temporary
        folder (the archive stays the coordinator's alone)."""
        if count <= 0:
            return
        logs = Path(tempfile.mkdtemp(prefix="finews-workers-"))
        cmdline = SETTINGS_PRIORITIES["cmdline"]
        args = []
        for name, attribute in self.settings.attributes.items():
            if attribute.priority == cmdline and isinstance(attribute.value, (str, int, float)):
                args += ["-s", f"{name}={attribute.value}"]
        for number in range(count):
            with open(logs / f"worker-{number}.log", "wb") as log:
                self.workers.append(subprocess.Popen([sys.executable, "-m", "scrapy", "worker", *args,
                                                      "--run-id", self.run_id],
                                                     stdout=log, stderr=subprocess.STDOUT))
        logger.info("%d local workers started, logs in %s", count, logs)

    def close(self) -> None:
        """Close the run in Redis (if it is still there), then wait for the local workers
        (terminated if they hang)."""
        if self.run is not None:
            try:
                close_run(self.client, self.prefix, self.run)
            except (redis.RedisError, OSError) as error:  # Redis lost: its keys went with it, or expire
                logger.warning("could not close run %s in Redis: %s", self.run.id, error)
        # Workers of a run that never opened would wait for it: they go at once.
        deadline = time.monotonic() + (WORKER_EXIT_SECONDS if self.run is not None else 0)
        for proc in self.workers:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("worker %d did not exit: terminated", proc.pid)
                proc.terminate()
                proc.wait()
