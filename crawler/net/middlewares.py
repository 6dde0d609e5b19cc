"""Downloader middlewares."""

from __future__ import annotations

import asyncio
import random
from scrapy import Request

def backoff_seconds(retry: int, base: float, cap: float, jitter: float = 1.0) -> float:
    """Pause before retry number ``retry`` (1, 2, …): ``base * 2**(retry-1)``, at most ``cap``,
    times ``jitter`` (0.5–1.5 in use, so retries of one outage do not all land together)."""
    if retry < 1 or base <= 0:
        return 0.0
    return min(cap, base * 2 ** (retry - 1)) * jitter


class RetryBackoffMiddleware:
    """Hold a retried request back before it goes out again (exponential backoff, jittered).

    Scrapy's retry middleware re-sends at once; a source answering 5xx or cutting
    responses short is usually overloaded, and hammering it again is how a client gets
    banned. The wait happens before the request takes a download slot, so other requests
    go on meanwhile. Applies to every retry, the retry middleware's or a spider's
    (``get_retry_request``): both count in ``retry_times``.
    """

    def __init__(self, base: float, cap: float):
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.getfloat("FINEWS_RETRY_BACKOFF"), s.getfloat("FINEWS_RETRY_BACKOFF_MAX"))

    async def process_request(self, request: Request, spider=None) -> None:
        delay = backoff_seconds(request.meta.get("retry_times", 0), self.base, self.cap,
                                random.uniform(0.5, 1.5))
        if delay:
            await asyncio.sleep(delay)
