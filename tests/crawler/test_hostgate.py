"""The per-host gate: open requests and start spacing per source host, across crawlers."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from scrapy.http import Request, Response

from crawler.net.hostgate import HostGateHandler


class FakeHTTP:
    """Stands for Scrapy's HTTP/1.1 handler: records starts and open requests per host."""

    def __init__(self) -> None:
        self.open: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.starts: defaultdict[str, list[float]] = defaultdict(list)

    async def download_request(self, request: Request) -> Response:
        host = request.meta["download_slot"]
        self.starts[host].append(asyncio.get_running_loop().time())
        self.open[host] += 1
        self.peak[host] = max(self.peak[host], self.open[host])
        await asyncio.sleep(0.03)
        self.open[host] -= 1
        return Response(request.url)


def gate(inner: FakeHTTP, concurrency: int, interval: float) -> HostGateHandler:
    handler = HostGateHandler.__new__(HostGateHandler)  # no Twisted reactor in unit tests
    handler.inner, handler.concurrency, handler.interval, handler.replay = inner, concurrency, interval, ""
    return handler


def test_two_crawlers_share_one_gate_per_host():
    inner = FakeHTTP()
    feeds = [gate(inner, 2, 0.0), gate(inner, 2, 0.0)]  # e.g. emnews and media

    async def crawl():
        requests = [Request(f"http://x/{i}", meta={"download_slot": host})
                    for i, host in enumerate(["a.example"] * 6 + ["b.example"] * 3)]
        await asyncio.gather(*(feeds[i % 2].download_request(r) for i, r in enumerate(requests)))

    asyncio.run(crawl())
    assert inner.peak == {"a.example": 2, "b.example": 2}


def test_starts_on_one_host_are_spaced_by_the_interval():
    inner = FakeHTTP()
    handler = gate(inner, 4, 0.05)

    async def crawl():
        requests = [Request(f"http://x/{i}", meta={"download_slot": "a.example"}) for i in range(5)]
        await asyncio.gather(*(handler.download_request(r) for r in requests))

    asyncio.run(crawl())
    starts = inner.starts["a.example"]
    assert len(starts) == 5
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.045
