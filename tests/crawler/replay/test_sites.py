"""The replay's generic sites: conditional GET answered with 304, demo dated on the newest list day."""

from __future__ import annotations

import http.client
import json
from datetime import date, datetime, time

from crawler.parsers.feeds import parse_feed
from crawler.replay.dataset import generate, newest_day
from crawler.replay.server import ReplayServer
from crawler.replay.sites import (
    BEIJING, RSS_HOST, SiteFile, demo_sites, files_from_json, files_to_json, many_sites, many_sites_host,
)

DAY = date(2026, 11, 19)
FEED = f"/{RSS_HOST}/rss.xml"


def get(server, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=5)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_validators_give_304_and_a_changed_file_200(replay):
    server = replay({}, files=demo_sites(DAY))
    status, headers, body = get(server, FEED)
    assert status == 200 and body.startswith(b"<?xml")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert modified == "Thu, 19 Nov 2026 13:00:00 GMT"  # 21:00 Beijing
    assert get(server, FEED, {"If-None-Match": etag})[0] == 304
    assert get(server, FEED, {"If-Modified-Since": modified})[0] == 304
    assert get(server, FEED, {"If-Modified-Since": "Thu, 19 Nov 2026 12:59:59 GMT"})[0] == 200
    assert get(server, FEED, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200  # ETag wins
    assert server.counts["not_modified"] == 2 and server.counts["feed"] == 3


def test_robots_txt_of_a_host_without_one_is_a_404(replay):
    server = replay({}, files=demo_sites(DAY))
    assert get(server, f"/{RSS_HOST}/robots.txt")[2] == b"User-agent: *\nDisallow: /private/\n"
    assert get(server, "/elsewhere.example.test/robots.txt")[0] == 404
    assert server.counts["robots"] == 2 and server.counts["article"] == 0


def test_a_page_with_a_query_is_its_own_file(replay):
    server = replay({}, files=demo_sites(DAY))
    assert get(server, "/blog.example-atom.test/story?id=7")[0] == 200
    assert get(server, "/blog.example-atom.test/story?id=8")[0] == 404


def test_demo_sites_are_dated_on_the_rebased_newest_day():
    """crawlall --replay's articles are yesterday's: so are the generic sources'."""
    server = ReplayServer(generate(seed=1, emnews=5, media=5, market=0), rebase_to=date(2026, 12, 3), sites=True)
    try:
        assert newest_day(server.replay.dataset) == date(2026, 12, 2)
        feed = server.replay.files[f"{RSS_HOST}/rss.xml"]
        dates = {e.published.astimezone(BEIJING).date() for e in parse_feed(feed.body, "http://x/").entries}
        assert dates == {date(2026, 12, 2)}
    finally:
        server.httpd.server_close()


def test_site_file_not_modified_rules():
    file = SiteFile("feed", "application/xml", b"x", datetime.combine(DAY, time(21), BEIJING))
    assert file.not_modified(file.etag, None) and file.not_modified(f"W/{file.etag}, \"b\"", None)
    assert file.not_modified("*", None)
    assert not file.not_modified(None, "not a date")
    assert not file.not_modified(None, None)


def test_a_dataset_carries_generic_hosts_as_files(replay):
    """many_sites → dataset JSON ``files`` → served with validators (the benchmark's backfill)."""
    page = "<html><head><title>t</title></head><body><p>real page</p></body></html>"
    files = many_sites(2, 3, DAY, pages=(page,))
    data = json.loads(json.dumps({"files": files_to_json(files)}))
    assert files_from_json(data["files"]) == files
    server = replay(data)
    host = many_sites_host(2)
    status, headers, body = get(server, f"/{host}/feed.xml")
    entries = list(parse_feed(body, f"http://{host}/feed.xml").entries)
    assert status == 200 and [e.url for e in entries] == [f"http://{host}/articles/{i}.html" for i in (1, 2, 3)]
    assert get(server, f"/{host}/feed.xml", {"If-None-Match": headers["ETag"]})[0] == 304
    article = get(server, f"/{host}/articles/2.html")[2].decode()
    assert article.startswith(f'<html><head><link rel="canonical" href="http://{host}/articles/2.html">')
    assert get(server, f"/{host}/robots.txt")[2] == b"User-agent: *\nAllow: /\n"
    assert server.counts == {"feed": 1, "not_modified": 1, "article": 1, "robots": 1}
