"""market end to end: channel records → text API (or the source page) → post."""

from __future__ import annotations

from tests.support import fixture_text, run_crawl

RECORD = {"infoCode": "NW202611203333333333", "title": "市场频道测试稿", "medianame": "测试财经",
          "datetime": "2026-11-20 12:30:00"}
EXPECTED = """---
layout: post
title: "市场频道测试稿"
date: 2026-11-20 12:30:00 +0800
categories: ceshicaijing
tags: 测试财经新闻
---
<p>第一段。</p>
<p>第二段。</p>

<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW202611203333333333>

[返回测试财经新闻](//finews.withounder.com/category/ceshicaijing.html)｜[返回首页](//finews.withounder.com/)"""
ON_THE_DAY = {"FINEWS_NOW": "2026-11-20T18:00:00", "FINEWS_MARKET_TYPES": "38"}


def test_market_record_through_the_text_api(replay, tmp_path):
    server = replay({
        "market": {"38": [RECORD]},
        "textapi": {"NW202611203333333333": {"text": "<p>\u3000\u3000第一段。</p>\r\n<p>\u3000\u3000第二段。</p>"}},
    })
    run_crawl("market", server.url, tmp_path, settings=ON_THE_DAY)
    post = tmp_path / "_posts" / "2026-11-20-NW202611203333333333.md"
    assert post.read_text(encoding="utf-8") == EXPECTED
    assert (tmp_path / "category" / "ceshicaijing.html").read_text(encoding="utf-8") == (
        "---\nlayout: category\ntitle: 测试财经新闻\ncategory: ceshicaijing\n---")
    assert (server.counts["list"], server.counts["textapi"], server.counts["article"]) == (1, 1, 0)


def test_market_record_falls_back_to_its_article_page(replay, tmp_path):
    server = replay({
        "market": {"38": [RECORD]},
        "pages": {"finance.eastmoney.com/a/202611203333333333.html":
                  fixture_text("articles", "article_legacy_layout.html")},
    })
    run_crawl("market", server.url, tmp_path, settings=ON_THE_DAY)
    text = (tmp_path / "_posts" / "2026-11-20-NW202611203333333333.md").read_text(encoding="utf-8")
    assert "\n---\n<p>旧版正文第一段。</p>\n<p>旧版正文第二段。</p>\n\n<http://choicewzp1" in text
    assert server.counts["article"] == 1
