"""Downloader middlewares."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

ORIGINAL_URL = "finews_original_url"


def replay_url(base: str, url: str) -> str:
    """``scheme://HOST[:PORT]/PATH?QUERY`` → ``BASE/HOST[:PORT]/PATH?QUERY`` (sources.md)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class ReplayMiddleware:
    """Send every request to the replay server named by ``FINEWS_REPLAY_URL``.

    Only the transport changes: the response is handed back under its real URL, so
    spiders, items, share links and source links never see the replay host, and the
    request keeps its real host's download slot, so per-host concurrency and delays
    apply per source host exactly as they would against the sources.
    """

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("FINEWS_REPLAY_URL") or "")

    def process_request(self, request: Request, spider=None):
        if not self.base or request.url.startswith(self.base + "/"):
            return None
        meta = dict(request.meta)
        meta[ORIGINAL_URL] = request.url
        meta.setdefault("download_slot", urlsplit(request.url).hostname or "")
        # robots.txt (when obeyed) was checked under the real URL: the rerouted request, which
        # passes the middlewares again, must not ask the replay server's own robots.txt.
        meta["dont_obey_robotstxt"] = True
        return request.replace(url=replay_url(self.base, request.url), meta=meta)

    def process_response(self, request: Request, response: Response, spider=None):
        original = request.meta.get(ORIGINAL_URL)
        if original and response.url != original:
            return response.replace(url=original)
        return response


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
