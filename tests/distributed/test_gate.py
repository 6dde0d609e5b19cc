"""The Redis host gate: one politeness budget per host across workers, slots as leases."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from redis.asyncio import Redis
from scrapy.http import Request, Response
from scrapy.settings import Settings

from crawler.distributed.gate import RedisHostGate
from crawler.distributed.gatehandler import RedisHostGateHandler, gate_from_settings
from tests.support import ROOT


def workers(url: str, n: int, **options) -> list[RedisHostGate]:
    """``n`` gates on clients of their own: workers sharing nothing but Redis."""
    return [RedisHostGate(Redis.from_url(url), "t", **options) for _ in range(n)]


async def close(gates: list[RedisHostGate]) -> None:
    for gate in gates:
        await gate.client.aclose()


def test_concurrency_is_capped_across_workers_and_hosts_are_independent(redis_server):
    async def run() -> tuple[int, int]:
        gates = workers(redis_server.url, 3, concurrency=2, interval=0.0)
        held = peak = done = 0

        async def fetch(gate: RedisHostGate) -> None:
            nonlocal held, peak, done
            token = await gate.acquire("a.example")
            held += 1
            peak = max(peak, held)
            await asyncio.sleep(0.03)
            held -= 1
            await gate.release("a.example", token)
            done += 1

        await asyncio.gather(*(fetch(gate) for gate in gates for _ in range(6)))
        await close(gates)
        return peak, done

    assert asyncio.run(run()) == (2, 18)


def test_a_full_host_blocks_only_itself(redis_server):
    async def run() -> None:
        first, second = workers(redis_server.url, 2, concurrency=2, interval=0.0)
        for _ in range(2):
            await first.acquire("a.example")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(second.acquire("a.example"), 0.3)
        await asyncio.wait_for(second.acquire("b.example"), 0.3)
        await close([first, second])

    asyncio.run(run())


def test_starts_on_one_host_are_spaced_by_the_interval_across_workers(redis_server):
    async def run() -> list[float]:
        gates = workers(redis_server.url, 3, concurrency=10, interval=0.2)
        starts = []

        async def fetch(gate: RedisHostGate) -> None:
            await gate.acquire("a.example")
            starts.append(time.monotonic())

        await asyncio.gather(*(fetch(gate) for gate in gates for _ in range(2)))
        await close(gates)
        return sorted(starts)

    starts = asyncio.run(run())
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 6
    assert min(gaps) >= 0.18
    assert starts[-1] - starts[0] < 5 * 0.2 + 0.3  # waits the interval, not a poll's multiple


def test_a_dead_workers_slots_come_back_after_their_lease(redis_server):
    async def run() -> float:
        dead, alive = workers(redis_server.url, 2, concurrency=2, interval=0.0, lease_seconds=1.0)
        for _ in range(2):
            await dead.acquire("a.example")  # never released: the worker was killed
        begin = time.monotonic()
        await alive.acquire("a.example")
        waited = time.monotonic() - begin
        await close([dead, alive])
        return waited

    assert 0.9 <= asyncio.run(run()) < 1.5


def test_settings_choose_the_gate(redis_server):
    assert gate_from_settings(Settings({}), 4, 0.25) is None
    assert gate_from_settings(Settings({"FINEWS_REDIS_URL": ""}), 4, 0.25) is None
    gate = gate_from_settings(Settings({"FINEWS_REDIS_URL": redis_server.url}), 4, 0.25)
    assert (gate.prefix, gate.concurrency, gate.interval, gate.lease_seconds) == ("finews", 4, 0.25, 120.0)
    gate = gate_from_settings(Settings({"FINEWS_REDIS_URL": redis_server.url, "FINEWS_REDIS_PREFIX": "p",
                                        "FINEWS_LEASE_SECONDS": 30}), 4, 0.25)
    assert (gate.prefix, gate.lease_seconds) == ("p", 30.0)
    asyncio.run(gate.client.aclose())


class FailingHTTP:
    """Stands for Scrapy's HTTP/1.1 handler: every download fails."""

    async def download_request(self, request: Request) -> Response:
        raise ConnectionError("refused")


def test_the_slot_is_released_when_the_download_fails(redis_server):
    handler = RedisHostGateHandler.__new__(RedisHostGateHandler)  # no Twisted reactor in unit tests
    handler.inner, handler.replay = FailingHTTP(), ""

    async def run() -> None:
        handler.redis_gate = RedisHostGate(Redis.from_url(redis_server.url), "t", 1, 0.0)
        for _ in range(3):  # with a leaked slot the second one would wait the whole lease
            with pytest.raises(ConnectionError):
                await asyncio.wait_for(handler.download_request(Request("http://a.example/")), 1)
        await handler.redis_gate.client.aclose()

    asyncio.run(run())
    assert redis.Redis.from_url(redis_server.url).zcard("t:gate:a.example") == 0


class Recorder(BaseHTTPRequestHandler):
    """Answers after a pause, recording per request (worker, start, end) and the most
    requests ever open at once."""

    lock = threading.Lock()
    open = peak = 0
    log: list[tuple[str, float, float]] = []

    def do_GET(self) -> None:
        cls = type(self)
        start = time.monotonic()
        with cls.lock:
            cls.open += 1
            cls.peak = max(cls.peak, cls.open)
        time.sleep(0.2)
        with cls.lock:  # before answering: the client's slot is still held until then
            cls.open -= 1
            cls.log.append((self.path.split("/")[1], start, time.monotonic()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


# Two crawlers in one process, each with its own handler (its own Redis client, no state
# shared but Redis), each asking for 6 pages at once: Scrapy alone would open all 12.
CRAWL = """
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class Pages(scrapy.Spider):
    name = "pages"

    async def start(self):
        for i in range(6):
            yield scrapy.Request(f"{self.base}/{self.name}/{i}", dont_filter=True)

    def parse(self, response):
        pass


base, redis_url = sys.argv[1:]
process = CrawlerProcess({
    "DOWNLOAD_HANDLERS": {"http": "crawler.distributed.gatehandler.RedisHostGateHandler"},
    "FINEWS_REDIS_URL": redis_url, "FINEWS_REDIS_PREFIX": "t",
    "FINEWS_HOST_CONCURRENCY": 2, "FINEWS_HOST_INTERVAL": 0,
    "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "LOG_LEVEL": "WARNING",
})
for name in ("c1", "c2"):
    process.crawl(Pages, name=name, base=base)
process.start()
"""


def test_two_crawlers_handlers_share_the_cap_on_a_real_server(redis_server, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Server", (Recorder,), {"log": []}))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run([sys.executable, str(script), f"http://127.0.0.1:{server.server_address[1]}",
                               redis_server.url], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    handler = server.RequestHandlerClass
    spans = {c: (min(s for n, s, _ in handler.log if n == c), max(e for n, _, e in handler.log if n == c))
             for c in ("c1", "c2")}
    assert len(handler.log) == 12
    assert handler.peak == 2
    assert spans["c1"][0] < spans["c2"][1] and spans["c2"][0] < spans["c1"][1]  # the crawlers overlapped
    client = redis.Redis.from_url(redis_server.url)
    assert client.info("commandstats")["cmdstat_zrem"]["calls"] == 12  # the Redis gate, every slot back
    assert client.zcard("t:gate:127.0.0.1") == 0
