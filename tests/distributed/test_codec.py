"""The JSON request codec: a faithful round trip for our requests, and nothing else gets in."""

from __future__ import annotations

import datetime
import json
import pickle
import re

import pytest
import scrapy
from scrapy.utils.request import request_from_dict

from crawler.distributed import codec
from crawler.distributed.codec import ForeignEntry, UnencodableRequest
from tests.distributed.armed import armed_pickle


class TinySpider(scrapy.Spider):
    name = "tiny"

    def parse_item(self, response):
        pass

    def on_error(self, failure):
        pass



def sample_request(spider: scrapy.Spider, **overrides) -> scrapy.Request:
    kwargs = dict(url="https://example.com/a?b=1", method="POST", body=b"\x00\xff\xfebinary", priority=5,
                  meta={"give_up_log_level": "INFO", "handle_httpstatus_list": [404], "nested": {"a": None, "f": 1.5}},
                  cb_kwargs={"page": 2, "cursor": "x"}, callback=spider.parse_item, errback=spider.on_error,
                  headers={"X-Token": "abc", "Accept-Language": "zh-CN"}, cookies={"c": "1"}, flags=["list"],
                  dont_filter=True)
    kwargs.update(overrides)
    return scrapy.Request(**kwargs)


def entry(spider: scrapy.Spider, **fields) -> bytes:
    """A well-formed entry with some fields changed, as raw JSON bytes."""
    d = json.loads(codec.dumps(sample_request(spider).to_dict(spider=spider)))
    d.update(fields)
    return json.dumps(d).encode()


def test_round_trip_keeps_every_field():
    spider = TinySpider()
    request = sample_request(spider)
    data = codec.dumps(request.to_dict(spider=spider))
    raw = json.loads(data)  # plain JSON, the body in base64
    assert raw["body"] == "AP/+YmluYXJ5" and raw["callback"] == "parse_item"
    d = codec.loads(data)
    codec.check_request_dict(d, spider, {"example.com"})
    back = request_from_dict(d, spider=spider)
    for name in scrapy.Request.attributes:
        assert getattr(back, name) == getattr(request, name), name
    assert back.callback == spider.parse_item and back.errback == spider.on_error


@pytest.mark.parametrize(("field", "value", "where"), [
    ("meta", {"when": datetime.date(2024, 1, 1)}, "meta['when']"),
    ("meta", {"pair": (1, 2)}, "meta['pair']"),
    ("meta", {"by_id": {1: "x"}}, "meta['by_id']"),
    ("meta", {"ratio": float("nan")}, "meta['ratio']"),
    ("cb_kwargs", {"item": object()}, "cb_kwargs['item']"),
])
def test_dumps_refuses_what_json_cannot_carry(field, value, where):
    spider = TinySpider()
    with pytest.raises(UnencodableRequest, match="^" + re.escape(where)):
        codec.dumps(sample_request(spider, **{field: value}).to_dict(spider=spider))


def test_dumps_refuses_request_subclasses():
    spider = TinySpider()
    request = scrapy.FormRequest("https://example.com/", formdata={"a": "1"}, callback=spider.parse_item)
    with pytest.raises(UnencodableRequest, match="FormRequest"):
        codec.dumps(request.to_dict(spider=spider))


@pytest.mark.parametrize(("make", "reason"), [
    (lambda spider, marker: armed_pickle(marker), "not_json"),
    (lambda spider, marker: armed_pickle(marker, protocol=0),
     "not_json"),
    (lambda spider, marker: b"\x00\xff\x13garbage\x80", "not_json"),
    (lambda spider, marker: b"", "not_json"),
    (lambda spider, marker: b'{"url": NaN}', "not_json"),
    (lambda spider, marker: b"[1, 2]", "not_a_request"),
    (lambda spider, marker: b'{"url": "https://example.com/", "callback": "parse_item"}', "not_a_request"),
    (lambda spider, marker: entry(spider, priority="high"), "bad_field"),
    (lambda spider, marker: entry(spider, dont_filter=1), "bad_field"),
    (lambda spider, marker: entry(spider, _class="scrapy.http.FormRequest"), "bad_field"),
    (lambda spider, marker: entry(spider, body="not base64!"), "bad_field"),
    (lambda spider, marker: entry(spider, headers={"X": "not a list"}), "bad_field"),
])
def test_loads_refuses_foreign_entries(tmp_path, make, reason):
    marker = tmp_path / "ran"
    data = make(TinySpider(), marker)
    with pytest.raises(ForeignEntry) as caught:
        codec.loads(data)
    assert caught.value.reason == reason
    assert not marker.exists()
    if data.startswith(b"\x80") or data.startswith(b"("):  # the pickles were armed
        pickle.loads(data)
        assert marker.exists()


@pytest.mark.parametrize(("fields", "reason"), [
    ({"callback": "nope"}, "unknown_callback"),
    ({"callback": "os.system"}, "unknown_callback"),
    ({"errback": "builtins.eval"}, "unknown_callback"),
    ({"callback": "__init__"}, "unknown_callback"),
    ({"callback": "close"}, "unknown_callback"),  # Scrapy's Spider machinery, not a callback
    ({"callback": "name"}, "unknown_callback"),  # an attribute, not a method
    ({"url": "https://evil.example.org/steal"}, "foreign_url"),
    ({"url": "https://example.com.evil.org/"}, "foreign_url"),
    ({"url": "file:///etc/passwd"}, "foreign_url"),
    ({"url": "data:text/plain,hi"}, "foreign_url"),
    ({"meta": {"proxy": "http://evil.example.org:8080"}}, "foreign_url"),
])
def test_check_request_dict_refuses_foreign_requests(fields, reason):
    spider = TinySpider()
    d = codec.loads(entry(spider, **fields))
    with pytest.raises(ForeignEntry) as caught:
        codec.check_request_dict(d, spider, {"example.com"})
    assert caught.value.reason == reason


def test_check_request_dict_accepts_own_requests():
    spider = TinySpider()
    codec.check_request_dict(codec.loads(entry(spider, callback="parse")), spider, {"EXAMPLE.com"})
    codec.check_request_dict(codec.loads(entry(spider, callback=None, errback=None)), spider, {"example.com"})
    # No allowed hosts: any http(s) host, still no other scheme.
    codec.check_request_dict(codec.loads(entry(spider, url="https://anywhere.example.net/")), spider, None)
    with pytest.raises(ForeignEntry, match="foreign_url"):
        codec.check_request_dict(codec.loads(entry(spider, url="file:///etc/passwd")), spider, None)


def test_article_cb_kwargs_travel_as_tagged_data():
    from crawler.archive.items import Article

    spider = TinySpider()
    item = Article(id="202611253456789012", feed="emnews", title="标题", published="2026-11-25 08:00:00",
                   digest="d", source_url="http://finance.eastmoney.com/a/1.html", tags=["x"], row_sig="abc")
    request = scrapy.Request("https://example.com/a", callback=spider.parse_item, cb_kwargs={"item": item, "page": 2})
    data = codec.dumps(request.to_dict(spider=spider))
    assert json.loads(data)["cb_kwargs"]["item"] == {codec.ARTICLE_TAG: codec.article_data(item)[codec.ARTICLE_TAG]}
    back = request_from_dict(codec.loads(data), spider=spider)
    assert back.cb_kwargs == {"item": item, "page": 2}


@pytest.mark.parametrize("fields", [
    {"id": "1"},  # missing fields
    {"id": 1, "feed": "", "title": "", "published": None, "media": "", "digest": "", "body_html": "",
     "source_url": "", "share_url": "", "category": "", "tags": [], "body_from": "", "row_sig": ""},
    {"id": "1", "feed": "", "title": "", "published": None, "media": "", "digest": "", "body_html": "",
     "source_url": "", "share_url": "", "category": "", "tags": [1], "body_from": "", "row_sig": "", "x": 1},
])
def test_malformed_article_data_is_foreign(fields):
    with pytest.raises(ForeignEntry):
        codec.article_from_data({codec.ARTICLE_TAG: fields})


def test_a_dotted_allowed_host_allows_the_hosts_under_it():
    spider = TinySpider()
    allowed = {".example.com", "10.0.0.1"}
    for url in ("https://news.example.com/a", "http://10.0.0.1:8080/x"):
        codec.check_request_dict(codec.loads(entry(spider, url=url)), spider, allowed)
    for url in ("https://example.com.evil.org/", "https://evilexample.com/", "https://10.0.0.2/"):
        with pytest.raises(ForeignEntry, match="foreign_url"):
            codec.check_request_dict(codec.loads(entry(spider, url=url)), spider, allowed)


def test_worker_hosts_are_the_source_settings_hosts_and_the_replay():
    from scrapy.settings import Settings

    from crawler.distributed.hosts import source_hosts

    settings = Settings({"FINEWS_TEXT_API_URL": "http://api.news.example.com/t?id={code}",
                         "FINEWS_MARKET_LIST_URL": "http://43.240.125.15:1818/x", "FINEWS_REPLAY_URL": "http://127.0.0.1:9",
                         "FINEWS_REDIS_URL": "redis://redis.internal:6379/0", "FINEWS_ALERT_WEBHOOK": "https://hooks.x/y"})
    assert source_hosts(settings) == [".news.example.com", "127.0.0.1", "43.240.125.15", "api.news.example.com"]


def test_a_feed_entrys_published_datetime_travels_as_the_same_instant():
    when = datetime.datetime(2026, 11, 24, 14, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    from crawler.archive.items import Article

    item = Article(id="a1", feed="feeds", title="t", published=when, media="m", source_url="http://x.test/a")
    back = codec.article_from_data(json.loads(json.dumps(codec.article_data(item))))
    assert back == item and back.published.utcoffset() == when.utcoffset()
    bad = codec.article_data(item)
    bad[codec.ARTICLE_TAG]["published"] = {codec.DATETIME_TAG: "yesterday"}
    with pytest.raises(codec.ForeignEntry):
        codec.article_from_data(bad)


def test_worker_hosts_include_the_sources_files_feeds_and_sitemaps():
    from scrapy.settings import Settings

    from crawler.distributed.hosts import source_hosts
    from crawler.replay.sites import DEMO_SOURCES

    hosts = source_hosts(Settings({"FINEWS_SOURCES": str(DEMO_SOURCES)}))
    assert {"news.example-rss.test", ".example-rss.test", "www.example-sitemap.test"} <= set(hosts)


def test_a_feeds_request_naming_a_source_the_workers_file_lacks_is_foreign():
    from scrapy.crawler import Crawler
    from scrapy.utils.test import get_crawler

    from crawler.replay.sites import DEMO_SOURCES
    from spiders.feeds import FeedsSpider

    crawler: Crawler = get_crawler(FeedsSpider, {"FINEWS_SOURCES": str(DEMO_SOURCES), "FINEWS_RUN_ID": "r",
                                                 "FINEWS_TIMEZONE": "Asia/Shanghai"})
    spider = FeedsSpider.from_crawler(crawler)
    request = scrapy.Request("http://news.example-rss.test/rss.xml", callback=spider.on_document,
                             cb_kwargs={"source": "示例财经快报", "kind": "feed", "depth": 0})
    known = codec.loads(codec.dumps(request.to_dict(spider=spider)))
    codec.check_request_dict(known, spider, None)
    known["cb_kwargs"]["source"] = "Elsewhere Daily"
    with pytest.raises(ForeignEntry) as foreign:
        codec.check_request_dict(known, spider, None)
    assert foreign.value.reason == "unknown_source"
