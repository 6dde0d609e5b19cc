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


def test_a_replayed_request_is_scheduled_once_and_answered_under_its_real_url(replay, tmp_path):
    """The replay is reached at the transport: each request passes the scheduler once (in a
    distributed run, one push and one pop in Redis), and the spider sees the real URL."""
    from crawler.replay.server import load_dataset
    from tests.support import crawl_stats, run_crawl

    server = replay(load_dataset())
    proc = run_crawl("emnews", server.url, tmp_path, "limit=5", settings={"FINEWS_NOW": "2026-11-25T08:00:00"})
    stats = crawl_stats(proc.stderr)
    assert stats["downloader/request_count"] == sum(server.counts.values()) > 5
    assert stats["scheduler/enqueued"] == stats["scheduler/dequeued"] == stats["downloader/request_count"]
    assert "127.0.0.1" not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "_posts").glob("*.md"))
