"""emnews end to end: list → article page → post, through the loopback replay."""

from __future__ import annotations

from crawler.replay.server import Reply
from tests.support import fixture_text, run_crawl

ROW = {
    "id": "202608191746000001", "newsid": "202608191746000001",
    "title": "示例文章：园区签约十个项目", "digest": "【示例文章：园区签约十个项目】园区当天签约十个项目。",
    "showtime": "2026-08-19 17:46:31", "url_w": "http://finance.eastmoney.com/a/202608191746000001.html",
}
EXPECTED_WITH_ARTICLE = """---
layout: post
title: "示例文章：园区签约十个项目"
date: 2026-08-19 17:46:31 +0800
categories: emnews
tags: 东财滚动新闻
---
> 园区当天签约十个项目。

<!-- EM_StockImg_Start --><p style="text-align:center;"><img src="https://img.example/k.png"></p><!-- EM_StockImg_End -->
<p>园区当天签约十个项目，<span id="stock_1.600000"><a href="http://quote.example/1.600000" class="keytip">示例股份</a></span>参与其中。</p>
<p>项目总投资约百亿元。</p>
<p class="em_media">（文章来源：界面新闻）</p>
<p>（责任编辑：测试编辑）</p>

<http://finance.eastmoney.com/a/202608191746000001.html>

[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)"""


def test_digest_and_article_form(replay, tmp_path):
    server = replay({
        "kuaixun": [ROW],
        "pages": {"finance.eastmoney.com/a/202608191746000001.html":
                  fixture_text("articles", "article_2026_layout.html")},
    })
    proc = run_crawl("emnews", server.url, tmp_path, settings={"FINEWS_NOW": "2026-08-19T18:00:00"})
    post = tmp_path / "_posts" / "2026-08-19-202608191746000001.md"
    assert post.read_text(encoding="utf-8") == EXPECTED_WITH_ARTICLE
    assert "finews/body/source': 1" in proc.stderr


def test_source_5xx_is_deferred_not_archived_digest_only(replay, tmp_path):
    server = replay({"kuaixun": [ROW]})
    answer = server.replay.route
    server.replay.route = lambda host, path, query: (
        ("article", Reply(503, "text/html", "busy")) if path.startswith("/a/") else answer(host, path, query)
    )
    proc = run_crawl("emnews", server.url, tmp_path, settings={"RETRY_TIMES": 1})
    assert not (tmp_path / "_posts").exists()
    assert "finews/deferred/emnews': 1" in proc.stderr
    assert server.counts["article"] == 2  # the request and its one retry


def test_unreadable_list_is_counted_and_writes_nothing(replay, tmp_path):
    server = replay({"kuaixun": [ROW]})
    server.replay.route = lambda host, path, query: ("list", Reply(200, "text/html", "<html>err</html>"))
    proc = run_crawl("emnews", server.url, tmp_path, check=False)
    assert proc.returncode == 3  # the feed failed: its list could not be read
    assert "finews/list_error/html_error': 1" in proc.stderr
    assert not (tmp_path / "_posts").exists()
