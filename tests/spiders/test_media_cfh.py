"""Caifuhao (CFH) rows of getNewsByColumns: empty ``uniqueUrl``, ``url`` on caifuhao.

Archived through the text API, else through their caifuhao page (generic extraction); a
row that has neither is dropped with its reason and counted, never lost without a trace.
"""

from __future__ import annotations

import pytest

from tests.support import crawl_stats, fixture_text, run_crawl

CODE = "202611201030001234"
PAGE_URL = "https://caifuhao.eastmoney.com/news/20261120103000123456780"
ROW = {"code": CODE, "showTime": "2026-11-20 10:30:00", "title": "财富号测试：储能行业三季度观察",
       "mediaName": "测试研究所", "summary": "储能行业三季度观察：订单、价格与产能。", "image": "",
       "url": PAGE_URL, "uniqueUrl": "", "Np_dst": "CFH"}
NOW = {"FINEWS_NOW": "2026-11-20T12:00:00"}
POST = f"2026-11-20-NW{CODE}.md"
PARAGRAPHS = ("三季度国内储能新增装机继续增长，订单集中在大型独立储能电站。",
              "电芯价格较年初回落约两成，系统集成商的毛利率承压，头部企业通过海外订单消化产能。",
              "展望四季度，招标规模有望维持高位，行业仍处在以价换量的阶段，建议关注现金流稳健的企业。")
FROM_TEXT_API = f"""---
layout: post
title: "财富号测试：储能行业三季度观察"
date: 2026-11-20 10:30:00 +0800
categories: ceshiyanjiusuo
tags: 测试研究所新闻
---
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>

<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW{CODE}>

[返回测试研究所新闻](//finews.withounder.com/category/ceshiyanjiusuo.html)｜[返回首页](//finews.withounder.com/)"""


@pytest.mark.parametrize("kind_key", ["Np_dst", "np_dst"])
def test_cfh_row_is_archived_through_the_text_api(replay, tmp_path, kind_key):
    row = {k: v for k, v in ROW.items() if k != "Np_dst"} | {kind_key: "CFH"}
    text = f"<p>\u3000\u3000{PARAGRAPHS[0]}</p>\r\n<p>\u3000\u3000{PARAGRAPHS[1]}</p>"
    server = replay({"columns": {"350": [row]}, "textapi": {f"NW{CODE}": {"text": text}}})
    run_crawl("media", server.url, tmp_path, settings=NOW)
    assert (tmp_path / "_posts" / POST).read_text(encoding="utf-8") == FROM_TEXT_API
    assert (server.counts["textapi"], server.counts["article"]) == (1, 0)


def test_cfh_row_without_text_is_archived_from_its_caifuhao_page(replay, tmp_path):
    server = replay({"columns": {"350": [ROW]}, "textapi": {f"NW{CODE}": {"text": ""}},
                     "pages": {PAGE_URL.split("://", 1)[1]: fixture_text("articles", "caifuhao_page.html")}})
    proc = run_crawl("media", server.url, tmp_path, settings=NOW)
    text = (tmp_path / "_posts" / POST).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    assert head.endswith("title: \"财富号测试：储能行业三季度观察\"\ndate: 2026-11-20 10:30:00 +0800\n"
                         "categories: ceshiyanjiusuo\ntags: 测试研究所新闻")
    assert all(p in body for p in PARAGRAPHS)
    assert "相关阅读" not in body and "cfhConfig" not in body  # the page's chrome stays out
    assert body.endswith(f"<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW{CODE}>\n\n"
                         "[返回测试研究所新闻](//finews.withounder.com/category/ceshiyanjiusuo.html)"
                         "｜[返回首页](//finews.withounder.com/)")
    stats = crawl_stats(proc.stderr)
    assert not [k for k in stats if k.startswith("finews/dropped/")]
    assert (server.counts["textapi"], server.counts["article"]) == (1, 1)


def test_cfh_row_with_no_text_and_no_page_is_dropped_with_its_reason(replay, tmp_path):
    server = replay({"columns": {"350": [ROW]}, "textapi": {f"NW{CODE}": {"text": ""}}})  # the page: 404
    proc = run_crawl("media", server.url, tmp_path, settings=NOW, check=False)  # all dropped: unhealthy
    assert crawl_stats(proc.stderr)["finews/dropped/no_body"] == 1
    assert f"dropped no_body: 'NW{CODE}'" in proc.stderr
    assert not (tmp_path / "_posts").exists()
