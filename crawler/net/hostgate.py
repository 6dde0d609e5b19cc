"""Per-host politeness for the whole process, whichever crawler a request comes from.

Scrapy's per-domain concurrency and download delay live in each crawler's downloader, but
``crawlall`` runs one crawler per feed and feeds share hosts (article pages, the text
API), so a host would see the sum of them. Scrapy 2.19 also starts every request queued
in a slot at once when the slot has no download delay. This download handler wraps
Scrapy's HTTP/1.1 one and lets a request onto the network only when its source host has
fewer than ``FINEWS_HOST_CONCURRENCY`` requests open and the previous one started at least
``FINEWS_HOST_INTERVAL`` seconds before, counted across the process.

It is also where a request is sent to the offline replay (FINEWS_REPLAY_URL): the request
is rerouted on its way to the network and its response handed back under the real URL,
so it never goes through the scheduler again (in a distributed run, the shared queue).
"""

from __future__ import annotations

import asyncio
import weakref

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.net.replayroute import replay_url


def host_key(request: Request) -> str:
    """The host a request counts against: its download slot, else its URL's host. Shared
    with the Redis gate (crawler.distributed.gatehandler)."""
    return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""


class _Host:
    """The gate of one host: open requests and the earliest start of the next one."""

    def __init__(self, concurrency: int):
        self.open = asyncio.Semaphore(concurrency)
        self.next_start = 0.0


# Per event loop (a gate's semaphore belongs to one), (host, concurrency) → gate: shared
# by every crawler of the process.
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, int], _Host]] = (
    weakref.WeakKeyDictionary()
)


class HostGateHandler:
    """``DOWNLOAD_HANDLERS`` entry for http/https: HTTP/1.1 behind a per-host gate."""

    # Built on the first request of its scheme, as Scrapy's own handlers are.
    lazy = True

    def __init__(self, crawler):
        self.inner = HTTP11DownloadHandler(crawler)
        self.concurrency = max(1, crawler.settings.getint("FINEWS_HOST_CONCURRENCY"))
        self.interval = crawler.settings.getfloat("FINEWS_HOST_INTERVAL")
        self.replay = (crawler.settings.get("FINEWS_REPLAY_URL") or "").rstrip("/")

    @classmethod
    def from_crawler(cls, crawler) -> "HostGateHandler":
        return cls(crawler)

    def gate(self, request: Request) -> _Host:
        """The source host's gate."""
        host = host_key(request)
        gates = _GATES.setdefault(asyncio.get_running_loop(), {})
        key = (host, self.concurrency)
        if key not in gates:
            gates[key] = _Host(self.concurrency)
        return gates[key]

    async def download_request(self, request: Request) -> Response:
        host = self.gate(request)
        async with host.open:
            now = asyncio.get_running_loop().time()
            start = max(now, host.next_start)
            host.next_start = start + self.interval
            if start > now:
                await asyncio.sleep(start - now)
            return await self.transfer(request)

    async def transfer(self, request: Request) -> Response:
        """The request over HTTP/1.1, to the replay instead of its host when there is one."""
        if not self.replay or request.url.startswith(self.replay + "/"):
            return await self.inner.download_request(request)
        routed = request.replace(url=replay_url(self.replay, request.url))
        response = await self.inner.download_request(routed)
        request.meta.update(routed.meta)  # what the transfer noted (download_latency, …)
        return response.replace(url=request.url)

    async def close(self) -> None:
        await self.inner.close()
