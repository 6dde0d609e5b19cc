"""Acknowledge a leased queue entry once its work is done (docs/scale-out.md, "Leases").

``LeaseAckMiddleware`` is a spider middleware (and, registered in
``DOWNLOADER_MIDDLEWARES`` too, a downloader one) that acks ``meta["finews_lease"]`` on the
spider's LeasedQueue:

- once the callback's (or errback's) output is exhausted: an entry whose output was not
  fully produced (the worker died or Redis went away mid-callback) is NOT acked and comes
  back to some worker after its lease. Scrapy pushes the yielded requests to the shared
  queue right after (its scraper runs outputs through a buffer of 2 × CONCURRENT_ITEMS,
  in the same pass of the event loop unless the callback awaits): a worker killed in that
  narrow gap loses them;
- when the callback raises (running it again would fail again);
- as a downloader middleware, when the download finally fails (after retries) or a
  middleware ignores the request: no callback will ever run for it. The errback, if any,
  runs after this ack, so its output is lost if the worker dies just then.

Requests a callback yields lose ``finews_lease`` (a spider copying ``response.meta`` would
otherwise pass its own entry's id on), so that pushing them never acknowledges the entry
they came from (crawler.distributed.queue acks the entry a pushed request replaces).
Items are handed to the item pipelines, not waited for. In single-process mode there is no
LeasedQueue and no lease: nothing to do. Give it a low order in both settings (e.g. 10)
so that it sees the final output of the other middlewares and the exceptions no other
middleware turned into a retry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.distributed.queue import LEASE_META, queue_for


class LeaseAckMiddleware:
    """Acks a leased entry once its callback's output is exhausted, or when it can never run."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LeaseAckMiddleware":
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            if isinstance(output, scrapy.Request):
                output.meta.pop(LEASE_META, None)
            yield output
        self._ack(response.meta)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        self._ack(response.meta)

    def process_exception(self, request: scrapy.Request, exception: Exception) -> None:
        self._ack(request.meta)

    def _ack(self, meta: dict[str, Any]) -> None:
        entry_id = meta.get(LEASE_META)
        queue = queue_for(self.crawler.spider)
        if entry_id and queue is not None:
            queue.ack(entry_id)
