"""Eastmoney article pages of no known layout are archived through generic extraction;
an error page answered with status 200 is still retried, never archived as the article."""

from __future__ import annotations

from crawler.replay.faults import ERROR_PAGE
from tests.support import crawl_stats, fixture_text, run_crawl

URL = "http://finance.eastmoney.com/a/202611201345101234.html"
ROW = {"id": "202611201345101234", "newsid": "202611201345101234", "title": "券商板块午后拉升 多只个股涨停",
       "digest": "【券商板块午后拉升】多只个股涨停。", "showtime": "2026-11-20 13:45:10", "url_w": URL}
SETTINGS = {"FINEWS_NOW": "2026-11-20T18:00:00"}
POST = "2026-11-20-202611201345101234.md"
BACK = "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)"


def test_page_of_no_known_layout_is_archived_through_generic_extraction(replay, tmp_path):
    server = replay({"kuaixun": [ROW], "pages": {URL.split("://", 1)[1]:
                                                 fixture_text("generic", "eastmoney_unknown_layout.html")}})
    stats = crawl_stats(run_crawl("emnews", server.url, tmp_path, settings=SETTINGS).stderr)
    text = (tmp_path / "_posts" / POST).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    assert 'title: "券商板块午后拉升 多只个股涨停"\ndate: 2026-11-20 13:45:10 +0800' in head
    assert body.startswith("> 多只个股涨停。\n\n<div class=\"news-text\">\n<p>午后券商板块快速拉升")  # indents gone
    assert "注意控制仓位。</p></div>" in body and "相关阅读" not in body and "newsConfig" not in body
    assert body.endswith(f"\n\n<{URL}>\n\n{BACK}")
    assert stats["finews/body/generic"] == 1 and "finews/body/source" not in stats
    assert server.counts["article"] == 1


def test_error_page_with_status_200_is_retried_then_no_article(replay, tmp_path):
    server = replay({"kuaixun": [ROW], "pages": {URL.split("://", 1)[1]: ERROR_PAGE}})
    stats = crawl_stats(run_crawl("emnews", server.url, tmp_path, settings=SETTINGS).stderr)
    assert server.counts["article"] == 4  # the first answer and RETRY_TIMES = 3 retries
    assert stats["retry/reason_count/finews/not_article"] == 3
    text = (tmp_path / "_posts" / POST).read_text(encoding="utf-8")
    assert text.endswith(f"---\n\n多只个股涨停。\n\n<{URL}>\n\n{BACK}")  # digest only: no article
    assert "finews/body/generic" not in stats and stats["finews/body/digest"] == 1
