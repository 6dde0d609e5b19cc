"""What the share spider makes of codes, links and archived posts."""

from __future__ import annotations

import pytest

from crawler.parsers.targets import (
    NotNews, TargetError, archive_posts, code_in_link, from_post, from_text, read_lines, split_codes,
    split_urls,
)
from crawler.archive.text import protect_liquid, unprotect_liquid

SHARE = "http://share.example/NewsShare.html?infoCode={code}"
ARTICLE = "http://finance.eastmoney.com/a/{code}.html"


@pytest.mark.parametrize("value, code, source", [
    ("NW202611250000000001", "NW202611250000000001", "http://finance.eastmoney.com/a/202611250000000001.html"),
    ("nw202611250000000001", "NW202611250000000001", "http://finance.eastmoney.com/a/202611250000000001.html"),
    ("202611250000000002", "NW202611250000000002", "http://finance.eastmoney.com/a/202611250000000002.html"),
    ("http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW202611250000000003",
     "NW202611250000000003", "http://finance.eastmoney.com/a/202611250000000003.html"),
    ("https://x.example/NewsShare.html?a=1&InfoCode=202611250000000004",
     "NW202611250000000004", "http://finance.eastmoney.com/a/202611250000000004.html"),
    ("http://finance.eastmoney.com/a/202611250000000005.html",
     "NW202611250000000005", "http://finance.eastmoney.com/a/202611250000000005.html"),
    ("http://finance.eastmoney.com/news/1354,202611250000000006.html",
     "NW202611250000000006", "http://finance.eastmoney.com/news/1354,202611250000000006.html"),
])
def test_codes_and_links_become_items(value, code, source):
    item = from_text(value, SHARE, ARTICLE)
    assert (item.id, item.feed, item.source_url) == (code, "media", source)
    assert item.share_url == SHARE.format(code=code)
    assert not item.title and not item.published


@pytest.mark.parametrize("value", ["", "hello", "NW12", "../../x", "http://x.example/about.html",
                                   "http://x.example/share.html?infoCode=abc"])
def test_values_naming_no_article_are_refused(value):
    with pytest.raises(TargetError):
        from_text(value, SHARE, ARTICLE)


def test_lists_split_on_commas_but_keep_commas_inside_links():
    assert split_codes(" NW1, NW2 ,,NW3\nNW4 ") == ["NW1", "NW2", "NW3", "NW4"]
    links = "http://a.example/news/1354,2026.html,http://b.example/a/1.html //c.example/x?infoCode=NW1"
    assert split_urls(links) == ["http://a.example/news/1354,2026.html", "http://b.example/a/1.html",
                                 "//c.example/x?infoCode=NW1"]


def test_file_lines_skip_blanks_and_comments(tmp_path):
    path = tmp_path / "codes.txt"
    path.write_text("# backfill\nNW1\n\n  http://x.example/a/1.html  \n#NW2\n", encoding="utf-8")
    assert read_lines(path) == ["NW1", "http://x.example/a/1.html"]


def test_code_in_link_ignores_other_parameters():
    assert code_in_link("http://x.example/s.html?id=5&infoCode=NW202611250000000007") == "NW202611250000000007"
    assert code_in_link("http://x.example/s.html?id=5") == ""


POST_EMNEWS_BROKEN = """---
layout: post
title: ""
date:  +0800
categories: emnews
tags: 东财滚动新闻
---
> 摘要一句。

{% raw %}<p>正文 {{ x }}</p>{% endraw %}

<>

[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)"""

POST_MEDIA = """---
layout: post
title: "标题"
date: 2026-11-20 08:00:00 +0800
categories: ceshibao
tags: 测试报新闻
---
<p>正文。</p>

<http://old.example/html_News/NewsShare.html?infoCode=NW202611200000000009>

[返回测试报新闻](//finews.withounder.com/category/ceshibao.html)｜[返回首页](//finews.withounder.com/)"""


def test_a_broken_rolling_news_post_gets_its_link_back(tmp_path):
    path = tmp_path / "-202611250000000010.md"
    path.write_text(POST_EMNEWS_BROKEN, encoding="utf-8")
    item = from_post(path, SHARE, ARTICLE)
    assert (item.id, item.feed, item.title, item.published) == ("202611250000000010", "emnews", "", None)
    assert item.source_url == "http://finance.eastmoney.com/a/202611250000000010.html"
    assert item.digest == "摘要一句。"
    assert item.body_html == "<p>正文 {{ x }}</p>" and item.body_from == "archive"


def test_a_media_post_is_refetched_through_its_share_code(tmp_path):
    path = tmp_path / "2026-11-20-NW202611200000000009.md"
    path.write_text(POST_MEDIA, encoding="utf-8")
    item = from_post(path, SHARE, ARTICLE)
    assert (item.id, item.title, item.published, item.media) == (
        "NW202611200000000009", "标题", "2026-11-20 08:00:00", "测试报")
    assert item.share_url == SHARE.format(code="NW202611200000000009")
    assert item.source_url == "http://finance.eastmoney.com/a/202611200000000009.html"


def test_site_notes_are_not_news(tmp_path):
    path = tmp_path / "2021-12-01-init.md"
    path.write_text("---\nlayout: post\ntitle: \"开站\"\ndate: 2021-12-01 13:33:50\n"
                    "categories: sitenews\ntags: 站长消息\n---\n\n你好\n", encoding="utf-8")
    with pytest.raises(NotNews):
        from_post(path, SHARE, ARTICLE)


def test_archive_posts_walks_sub_folders(tmp_path):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "old_post").mkdir()
    for name in ("_posts/b.md", "old_post/a.md", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in archive_posts(tmp_path)] == ["_posts/b.md", "old_post/a.md"]


@pytest.mark.parametrize("text", ["plain", "{{ a }}", "{% if %}", "x {% endraw %} y {%endraw%}",
                                  "{% raw %}already{% endraw %}"])
def test_unprotect_undoes_protect(text):
    assert unprotect_liquid(protect_liquid(text)) == text
