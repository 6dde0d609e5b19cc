"""The leased queue against a real redis-server: order, leases, acks, expiry, hostile entries,
and the ack middleware."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time

import pytest
import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat

from crawler.distributed import codec
from crawler.distributed.ack import LeaseAckMiddleware
from crawler.distributed.connection import redis_client
from crawler.distributed.queue import LEASE_META, LeasedQueue
from tests.support import ROOT, crawl_stats
from tests.distributed.armed import armed_pickle

KEY = "t:q:tiny"


class TinySpider(scrapy.Spider):
    name = "tiny"
    allowed_hosts = {"example.com"}

    def parse_item(self, response):
        pass



@pytest.fixture
def client(redis_server):
    return redis_client(redis_server.url)


def worker(client, lease_seconds: float = 120.0) -> LeasedQueue:
    """One worker's queue: its own spider (and crawler, for settings and stats) on the shared key."""
    crawler = get_crawler(TinySpider, {"FINEWS_LEASE_SECONDS": lease_seconds})
    crawler.spider = TinySpider.from_crawler(crawler)
    return LeasedQueue(client, crawler.spider, KEY)


def request(path: str, priority: int = 0, **kwargs) -> scrapy.Request:
    return scrapy.Request(f"https://example.com/{path}", priority=priority, **kwargs)


def drain(queue: LeasedQueue) -> list[str]:
    paths = []
    while (popped := queue.pop()) is not None:
        paths.append(popped.url.rsplit("/", 1)[1])
    return paths


def test_priority_first_then_fifo(client):
    queue = worker(client)
    for path, priority in [("a", 0), ("b", 5), ("c", 0), ("d", 5), ("e", -1), ("f", 0)]:
        queue.push(request(path, priority))
    assert drain(queue) == ["b", "d", "a", "c", "f", "e"]


def test_popped_request_is_the_pushed_one_with_its_lease(client):
    queue = worker(client)
    queue.push(request("x", 3, method="POST", body=b"\x00\x01", meta={"k": [1]}, cb_kwargs={"page": 2},
                       callback=queue.spider.parse_item))
    popped = queue.pop()
    assert (popped.method, popped.body, popped.priority, popped.cb_kwargs) == ("POST", b"\x00\x01", 3, {"page": 2})
    assert popped.callback == queue.spider.parse_item
    assert popped.meta == {"k": [1], LEASE_META: "1"}


def test_leased_entry_is_not_popped_again_and_ack_removes_it(client):
    queue = worker(client)
    queue.push(request("a"))
    popped = queue.pop()
    assert queue.pop() is None
    assert queue.counts() == {"pending": 0, "leased": 1}
    assert len(queue) == 1  # a scheduler holding it does not close
    queue.ack(popped.meta[LEASE_META])
    assert len(queue) == 0
    assert client.hlen(f"{KEY}:entries") == 0
    queue.ack(popped.meta[LEASE_META])  # twice is harmless


def test_expired_lease_comes_back_to_another_worker_in_its_place(client):
    first, second = worker(client, lease_seconds=1), worker(client, lease_seconds=1)
    first.push(request("b", 0))
    first.push(request("a", 1))
    leased = first.pop()
    assert leased.url.endswith("/a")
    time.sleep(1.2)  # the first worker "died" holding it
    again = second.pop()
    assert again.url.endswith("/a") and again.meta[LEASE_META] == leased.meta[LEASE_META]
    assert second.pop().url.endswith("/b")
    assert second.requeue_expired() == 0
    assert second.counts() == {"pending": 0, "leased": 2}


def test_requeue_expired_counts(client):
    queue = worker(client, lease_seconds=1)
    queue.push(request("a"))
    queue.push(request("b"))
    queue.pop(), queue.pop()
    assert queue.requeue_expired() == 0
    time.sleep(1.2)
    assert queue.requeue_expired() == 2
    assert queue.counts() == {"pending": 2, "leased": 0}


def test_hostile_entries_are_dropped_counted_and_never_run(client, tmp_path, caplog):
    queue = worker(client)
    queue.push(request("good", 0))
    marker = tmp_path / "ran"
    spider = queue.spider
    good = json.loads(codec.dumps(request("x", callback=spider.parse_item).to_dict(spider=spider)))
    hostile = {
        "pickled": armed_pickle(marker),
        "garbage": b"\x00\xff\x13garbage",
        "foreign": json.dumps({**good, "url": "https://evil.example.org/"}).encode(),
        "dotted": json.dumps({**good, "callback": "os.system"}).encode(),
    }
    for rank, (entry_id, data) in enumerate(hostile.items()):  # all ahead of the good entry
        client.hset(f"{KEY}:entries", entry_id, data)
        client.zadd(f"{KEY}:pending", {entry_id: -1e15 + rank})
    with caplog.at_level(logging.WARNING, logger="crawler.distributed.queue"):
        assert drain(queue) == ["good"]
    assert not marker.exists()
    dropped = {k.decode(): int(v) for k, v in client.hgetall(f"{KEY}:dropped").items()}
    assert dropped == {"not_json": 2, "foreign_url": 1, "unknown_callback": 1}
    assert set(client.hkeys(f"{KEY}:entries")) == {b"1"}  # only the good one, still leased
    stats = spider.crawler.stats.get_stats()
    assert stats["finews/queue/dropped/not_json"] == 2 and stats["finews/queue/dropped/foreign_url"] == 1
    assert sum("Dropped queue entry" in r.getMessage() for r in caplog.records) == 4


def test_pushing_a_replacement_acks_the_leased_entry(client):
    """A redirect or a retry copies the request, meta and all: the
    copy takes the leased entry's place."""
    queue = worker(client)
    queue.push(request("a"))
    popped = queue.pop()
    queue.push(popped.replace(url="https://example.com/moved"))
    assert queue.counts() == {"pending": 1, "leased": 0}
    moved = queue.pop()
    assert moved.url.endswith("/moved") and moved.meta[LEASE_META] != popped.meta[LEASE_META]
    assert client.hlen(f"{KEY}:entries") == 1


def test_a_replacement_dropped_as_duplicate_acks_the_leased_entry(client):
    queue = worker(client)
    queue.push(request("a"))
    popped = queue.pop()
    duplicate = popped.replace(url="https://example.com/b")
    queue.spider.crawler.signals.send_catch_log(signals.request_dropped, request=duplicate, spider=queue.spider)
    assert len(queue) == 0


def test_clear_deletes_every_key(client):
    queue = worker(client)
    queue.push(request("a"))
    queue.push(request("b"))
    queue.pop()
    client.hincrby(f"{KEY}:dropped", "not_json", 1)
    queue.clear()
    assert client.keys(f"{KEY}*") == []


def test_pickle_serializer_is_refused(client):
    spider = TinySpider()
    with pytest.raises(ValueError, match="codec"):
        LeasedQueue(client, spider, KEY, serializer=picklecompat)
    assert LeasedQueue(client, spider, KEY, serializer=codec).lease_seconds == 120.0  # no crawler: default


def middleware(queue: LeasedQueue) -> LeaseAckMiddleware:
    return LeaseAckMiddleware.from_crawler(queue.spider.crawler)


async def consume(agen, limit: int | None = None) -> list:
    out = []
    async for value in agen:
        out.append(value)
        if limit is not None and len(out) == limit:
            break
    return out


def test_middleware_acks_once_the_output_is_exhausted(client):
    queue = worker(client)
    queue.push(request("list"))
    popped = queue.pop()
    response = HtmlResponse(popped.url, body=b"<html></html>", request=popped)

    async def callback_output():
        yield {"title": "t"}
        yield request("article", meta=dict(response.meta))  # a spider copying meta on

    mw = middleware(queue)

    async def partly():  # the output not yet exhausted: still leased
        agen = mw.process_spider_output(response, callback_output())
        out = await consume(agen, limit=1)
        await agen.aclose()
        return out

    asyncio.run(partly())
    assert queue.counts() == {"pending": 0, "leased": 1}
    out = asyncio.run(consume(mw.process_spider_output(response, callback_output())))
    assert LEASE_META not in out[1].meta  # pushing the child must not ack its parent
    assert queue.counts() == {"pending": 0, "leased": 0}


def test_middleware_acks_on_callback_error_and_on_final_download_failure(client):
    queue = worker(client)
    queue.push(request("a"))
    queue.push(request("b"))
    mw = middleware(queue)
    a, b = queue.pop(), queue.pop()
    mw.process_spider_exception(HtmlResponse(a.url, body=b"", request=a), ValueError("parse bug"))
    assert queue.counts()["leased"] == 1
    mw.process_exception(b, TimeoutError())
    assert len(queue) == 0


def test_middleware_without_a_leased_queue_does_nothing(client):
    crawler = get_crawler(TinySpider)
    crawler.spider = TinySpider.from_crawler(crawler)
    mw = LeaseAckMiddleware.from_crawler(crawler)
    mw.process_exception(request("a", meta={LEASE_META: "1"}), TimeoutError())


# A real crawl over the leased queue: a list page whose links meet a redirect, a 404, a
# callback error and (from the start) a dead port. Each entry must be acked, or the run
# would wait for its 120 s lease instead of ending.
CRAWL = """
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import scrapy
from scrapy.crawler import CrawlerProcess


class Site(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/moved")
            self.end_headers()
            return
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            return
        body = b"".join(b'<a href="/%s">x</a>' % p for p in (b"a", b"redirect", b"missing", b"boom"))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body if self.path == "/list" else b"<p>page</p>")

    def log_message(self, *args):
        pass


site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
threading.Thread(target=site.serve_forever, daemon=True).start()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]


class Tiny(scrapy.Spider):
    name = "tiny"
    allowed_hosts = {"127.0.0.1"}

    async def start(self):
        yield scrapy.Request(f"http://127.0.0.1:{site.server_address[1]}/list", callback=self.parse_list)
        yield scrapy.Request(f"http://127.0.0.1:{dead}/dead", callback=self.parse_page)

    def parse_list(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_page, meta=dict(response.meta))

    def parse_page(self, response):
        if response.url.endswith("/boom"):
            raise ValueError("boom")
        yield {"url": response.url}


process = CrawlerProcess({
    "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.LeasedQueue",
    "SCHEDULER_SERIALIZER": "crawler.distributed.codec",
    "SCHEDULER_QUEUE_KEY": "t:q:%(spider)s",
    "SCHEDULER_PERSIST": True,
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "REDIS_URL": sys.argv[1],
    "SPIDER_MIDDLEWARES": {"crawler.distributed.ack.LeaseAckMiddleware": 10},
    "DOWNLOADER_MIDDLEWARES": {"crawler.distributed.ack.LeaseAckMiddleware": 10},
    "RETRY_TIMES": 1, "CLOSESPIDER_TIMEOUT": 20,
    "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "INFO",
})
process.crawl(Tiny)
process.start()
"""


def test_a_crawl_acks_every_entry_and_ends(client, redis_server, tmp_path):
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, str(script), redis_server.url], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    stats = crawl_stats(proc.stderr)
    assert "'finish_reason': 'finished'" in proc.stderr, proc.stderr[-3000:]
    assert stats["item_scraped_count"] == 2  # /a and /moved
    assert stats["scheduler/enqueued/redis"] == stats["scheduler/dequeued/redis"] == 8
    assert client.zcard("t:q:tiny:pending") == client.zcard("t:q:tiny:leases") == client.hlen("t:q:tiny:entries") == 0


def test_an_entry_names_callbacks_as_scrapy_would_without_searching_the_spider():
    """The queue names a request's spider methods by direct look-up; the entry is the dict
    Request.to_dict(spider=…) gives, for a plain and a form request."""
    import scrapy

    from crawler.distributed.queue import LeasedQueue

    class Spider(scrapy.Spider):
        name = "s"

        def parse(self, response):
            return None

        def failed(self, failure):
            return None

    queue = LeasedQueue.__new__(LeasedQueue)
    queue.spider = spider = Spider()
    requests = [scrapy.Request("http://a.example/x", callback=spider.parse, errback=spider.failed, priority=3,
                               meta={"m": 1}, cb_kwargs={"k": [1, 2]}),
                scrapy.Request("http://a.example/y"),
                scrapy.FormRequest("http://a.example/z", formdata={"q": "1"}, callback=spider.parse)]
    for request in requests:
        assert queue._request_dict(request) == request.to_dict(spider=spider)
    assert queue._request_dict(requests[0])["errback"] == "failed"
