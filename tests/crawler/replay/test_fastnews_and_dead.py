"""The replay's fast-news list (both row keys, sortEnd paging) and its dead endpoints."""

from __future__ import annotations

import json

import pytest

from crawler.parsers import SourceError
from crawler.parsers.lists import fastnews_cursor, parse_fastnews, parse_kuaixun
from crawler.replay.__main__ import parse_args
from crawler.replay.faults import Faults, dead_endpoints
from tests.support import replay_get as get

KUAIXUN = [{"id": f"2026112000000000{i:02d}", "sort": str(1763600000000 - i), "title": f"t{i}",
            "digest": f"【t{i}】d{i}", "showtime": f"2026-11-20 10:{59 - i:02d}:00",
            "url_w": f"http://finance.eastmoney.com/news/1354,2026112000000000{i:02d}.html" if i % 2 else ""}
           for i in range(5)]
FAST = "/np-listapi.eastmoney.com/comm/web/getFastNewsList?client=web&biz=web_724&fastColumn=102" \
       "&pageSize=2&req_trace=1&sortEnd="
KUAIXUN_PAGE = "/newsapi.eastmoney.com/kuaixun/v1/getlist_102_ajaxResult_50_1_.html"
TEXT = "/choicewzp1.eastmoney.com/NewsData/GetNewsText.do?id=NW1"


def pages(server) -> list[list[dict]]:
    """Every fast-news page, following sortEnd from the first to the empty one."""
    out, cursor = [], ""
    while True:
        status, body = get(server, FAST + cursor)
        assert status == 200
        rows = parse_fastnews(body.decode())
        if not rows:
            return out
        out.append(rows)
        cursor = fastnews_cursor(rows)


def test_fast_news_serves_the_kuaixun_rows_in_its_shape_paged_by_sort_end(replay):
    server = replay({"kuaixun": KUAIXUN})
    got = pages(server)
    assert [len(p) for p in got] == [2, 2, 1]
    rows = [r for p in got for r in p]
    assert [r["code"] for r in rows] == [r["id"] for r in KUAIXUN]
    assert rows[1] == {"code": KUAIXUN[1]["id"], "title": "t1", "summary": "【t1】d1",
                       "showTime": "2026-11-20 10:58:00", "realSort": KUAIXUN[1]["sort"], "url": KUAIXUN[1]["url_w"]}
    assert "url" not in rows[0]  # a flash without a link has no url on this list


def test_explicit_fast_news_rows_under_either_key(replay):
    fast = [{"code": "1", "title": "a", "realSort": "9"}, {"code": "2", "title": "b", "realSort": "8"}]
    for key in ("fastNewsList", "list"):
        server = replay({"fastnews": fast, "fastnews_key": key})
        body = json.loads(get(server, FAST)[1])
        assert list(body["data"]) == [key, "sortEnd"] and body["data"]["sortEnd"] == "8"
        assert [r["code"] for p in pages(server) for r in p] == ["1", "2"]


def test_an_unknown_cursor_has_no_rows(replay):
    server = replay({"kuaixun": KUAIXUN})
    assert parse_fastnews(get(server, FAST + "123")[1].decode()) == []


def test_fast_news_faults_are_its_own_shape(replay):
    server = replay({"kuaixun": KUAIXUN}, faults=Faults(seed=1, rc_error_rate=1.0, variant_rate=1.0,
                                                        max_failures_per_path=1))
    with pytest.raises(SourceError) as err:
        parse_fastnews(get(server, FAST)[1].decode())
    assert err.value.reason == "code"
    body = get(server, FAST)[1].decode()
    assert body.startswith("jQuery") and len(parse_fastnews(body)) == 2  # JSONP: still the list


@pytest.mark.parametrize("how, status, reason", [
    ("404", 404, None), ("503", 503, None), ("html", 200, "html_error"), ("code", 200, "code"),
])
def test_a_dead_endpoint_answers_only_as_told_and_the_others_live_on(replay, how, status, reason):
    server = replay({"kuaixun": KUAIXUN, "textapi": {"NW1": {"text": "x"}}}, dead=[f"fastnews:{how}"])
    got, body = get(server, FAST)
    assert got == status
    if reason:
        with pytest.raises(SourceError) as err:
            parse_fastnews(body.decode())
        assert err.value.reason == reason
    assert len(parse_kuaixun(get(server, KUAIXUN_PAGE)[1].decode())) == 5
    assert get(server, TEXT) == (200, b'{"text": "x"}')
    assert server.counts["list"] == 2 and server.counts["textapi"] == 1


def test_any_endpoint_can_be_killed(replay):
    server = replay({"kuaixun": KUAIXUN, "textapi": {"NW1": {"text": "x"}}}, dead=["kuaixun:500", "textapi"])
    assert get(server, KUAIXUN_PAGE)[0] == 500
    assert get(server, TEXT)[0] == 404
    assert get(server, FAST)[0] == 200


def test_dead_specs_are_checked():
    assert dead_endpoints(["fastnews", "kuaixun:503", "article:html"]) == {
        "fastnews": "404", "kuaixun": "503", "article": "html"}
    for bad in ("rss", "fastnews:teapot", "fastnews:200"):
        with pytest.raises(ValueError):
            dead_endpoints([bad])
    assert parse_args(["--dead", "fastnews", "--dead", "columns:code"]).dead == ["fastnews", "columns:code"]
    with pytest.raises(SystemExit):
        parse_args(["--dead", "rss"])
