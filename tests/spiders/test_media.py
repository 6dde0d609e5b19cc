"""media end to end: list → text API, falling back to the source page."""

from __future__ import annotations

import frontmatter

from crawler.replay.dataset import generate
from crawler.replay.server import Reply
from tests.support import fixture_text, run_crawl

CODE = "202608191746000002"
ROW = {"code": CODE, "showTime": "2026-08-19 17:46:00", "title": "示例文章：园区签约十个项目",
       "mediaName": "界面新闻", "url": f"http://finance.eastmoney.com/a/{CODE}.html"}
PAGE = {f"finance.eastmoney.com/a/{CODE}.html": fixture_text("articles", "article_2026_layout.html")}
ON_THE_DAY = {"FINEWS_NOW": "2026-08-19T18:00:00"}
FROM_SOURCE = f"""---
layout: post
title: "示例文章：园区签约十个项目"
date: 2026-08-19 17:46:00 +0800
categories: jiemianxinwen
tags: 界面新闻新闻
---
<!-- EM_StockImg_Start --><p style="text-align:center;"><img src="https://img.example/k.png"></p><!-- EM_StockImg_End -->
<p>园区当天签约十个项目，<span id="stock_1.600000"><a href="http://quote.example/1.600000" class="keytip">示例股份</a></span>参与其中。</p>
<p>项目总投资约百亿元。</p>
<p class="em_media">（文章来源：界面新闻）</p>
<p>（责任编辑：测试编辑）</p>

<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW{CODE}>

[返回界面新闻新闻](//finews.withounder.com/category/jiemianxinwen.html)｜[返回首页](//finews.withounder.com/)"""


def test_empty_text_api_falls_back_to_the_source_page(replay, tmp_path):
    server = replay({"columns": {"350": [ROW]}, "textapi": {f"NW{CODE}": {"text": ""}}, "pages": PAGE})
    run_crawl("media", server.url, tmp_path, settings=ON_THE_DAY)
    assert (tmp_path / "_posts" / f"2026-08-19-NW{CODE}.md").read_text(encoding="utf-8") == FROM_SOURCE
    assert (server.counts["textapi"], server.counts["article"]) == (1, 1)


def test_failing_text_api_falls_back_to_the_source_page(replay, tmp_path):
    server = replay({"columns": {"350": [ROW]}, "pages": PAGE})
    answer = server.replay.route
    server.replay.route = lambda host, path, query: (
        ("textapi", Reply(200, "text/html", "<html>系统繁忙</html>")) if path.endswith("GetNewsText.do")
        else answer(host, path, query)
    )
    run_crawl("media", server.url, tmp_path, settings=ON_THE_DAY)
    assert (tmp_path / "_posts" / f"2026-08-19-NW{CODE}.md").read_text(encoding="utf-8") == FROM_SOURCE


def test_every_post_reads_back_to_its_list_row(replay, tmp_path):
    data = generate(seed=7, emnews=40, media=40, market=0)
    server = replay(data)
    # The generated articles span 2026-11-19/20: crawl "then", so all stay in _posts/.
    then = {"FINEWS_NOW": "2026-11-20T12:00:00"}
    run_crawl("media", server.url, tmp_path, settings=then)
    run_crawl("emnews", server.url, tmp_path, settings=then)
    rows = {f"NW{r['code']}": r for r in data["columns"]["350"]}
    rows.update({r["id"]: r for r in data["kuaixun"]})
    posts = sorted((tmp_path / "_posts").glob("*.md"))
    assert len(posts) == 80
    for path in posts:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        item_id = path.name[11:-3]
        row = rows[item_id]
        when = row.get("showTime") or row["showtime"]
        assert post["title"] == row["title"]
        assert post["date"] == f"{when} +0800"
        assert path.name.startswith(when[:10])
        if item_id.startswith("NW"):
            media = row["mediaName"]
            assert post["tags"] == f"{media}新闻"
            assert (tmp_path / "category" / f"{post['categories']}.html").read_text(encoding="utf-8") \
                == f"---\nlayout: category\ntitle: {media}新闻\ncategory: {post['categories']}\n---"
        else:
            assert (post["categories"], post["tags"]) == ("emnews", "东财滚动新闻")
