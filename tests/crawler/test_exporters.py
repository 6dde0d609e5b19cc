import json
from datetime import datetime
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from crawler.archive.exporters import ExportError, JekyllPostExporter, render_category_page, render_post
from crawler.archive.items import Article
from crawler.archive.text import clean_title

BJ = ZoneInfo("Asia/Shanghai")
WHEN = datetime(2026, 11, 20, 9, 5, 7, tzinfo=BJ)

HOSTILE_TITLES = [
    'He said "buy"',
    "back\\slash \\n not a newline",
    "colon: after key: value",
    "# not a comment",
    "line one\nline two\r\nline three",
    "tab\there",
    "{{ site.title }} and {% include x.html %}",
    "'single' and \"double\" quotes",
    "trailing backslash \\",
    "- looks like a list",
    "&amp; &lt;b&gt; entities &quot;",
    "emoji 📈🚀 and 全角：标点",
    "[not a link](http://x) > quote | pipe",
    "   leading and trailing spaces   ",
    "@at `backtick` *star* !bang %percent",
    "null",
    "true",
    "0123",
    "x" * 2000,
    "\x07bell\x00nul\u2028sep\ufeffbom",
]


@pytest.mark.parametrize("raw", HOSTILE_TITLES)
def test_hostile_titles_parse_back_to_the_normalized_title(raw):
    title = clean_title(raw)
    item = Article(id="NW1", feed="media", title=title, published=WHEN, media="测试报",
                   category="ceshibao", tags=["测试报新闻"], body_html="<p>x</p>", share_url="http://s/1")
    _, text = render_post(item, "//site")
    post = frontmatter.loads(text)
    assert post["title"] == title
    assert post["categories"] == "ceshibao" and post["tags"] == "测试报新闻"
    # YAML 1.1 has no timestamp form with "+0800": the value stays a string, as Jekyll
    # reads it (Ruby's Time.parse), so parse it the way Jekyll does.
    assert datetime.strptime(post["date"], "%Y-%m-%d %H:%M:%S %z") == WHEN
    assert "\n" not in title and "\t" not in title


def test_plain_title_bytes_are_unescaped_as_in_the_archive():
    item = Article(id="1", feed="emnews", title="凝心聚力“过万亿”——目标", published=WHEN,
                   category="emnews", tags=["东财滚动新闻"], digest="d", source_url="http://a/1.html")
    _, text = render_post(item, "//site")
    assert 'title: "凝心聚力“过万亿”——目标"\n' in text


def test_rolling_news_forms():
    item = Article(id="202611200000000001", feed="emnews", title="T", published=WHEN,
                   category="emnews", tags=["东财滚动新闻"], digest="摘要", source_url="http://a/x.html")
    path, flash = render_post(item, "//site")
    assert path == "_posts/2026-11-20-202611200000000001.md"
    assert flash == (
        '---\nlayout: post\ntitle: "T"\ndate: 2026-11-20 09:05:07 +0800\ncategories: emnews\n'
        "tags: 东财滚动新闻\n---\n\n摘要\n\n<http://a/x.html>\n\n"
        "[返回东财滚动新闻](//site/emnews/)｜[返回首页](//site/)"
    )
    item.body_html = "<p>正文</p>"
    _, full = render_post(item, "//site")
    assert full.endswith(
        "---\n> 摘要\n\n<p>正文</p>\n\n<http://a/x.html>\n\n"
        "[返回东财滚动新闻](//site/emnews/)｜[返回首页](//site/)"
    )


@pytest.mark.parametrize("bad_id", ["../../x", "a/b", "", "NW 1", "x.md"])
def test_ids_outside_the_charset_are_refused(bad_id):
    item = Article(id=bad_id, feed="emnews", title="T", published=WHEN, category="emnews",
                   tags=["东财滚动新闻"])
    with pytest.raises(ExportError):
        render_post(item, "//site")


def test_unnormalized_date_is_refused():
    item = Article(id="1", feed="emnews", title="T", published="2026-11-20 09:05:07")
    with pytest.raises(ExportError):
        render_post(item, "//site")


def test_category_page_bytes():
    assert render_category_page("重庆晨报", "zhongqingchenbao") == (
        "category/zhongqingchenbao.html",
        "---\nlayout: category\ntitle: 重庆晨报新闻\ncategory: zhongqingchenbao\n---",
    )


def test_feed_exporter_writes_one_json_line_per_post(tmp_path):
    item = Article(id="NW2", feed="media", title="T", published=WHEN, media="M", category="m",
                   tags=["M新闻"], body_html="<p>b</p>", share_url="http://s/2")
    target = tmp_path / "posts.jsonl"
    with target.open("wb") as fh:
        exporter = JekyllPostExporter(fh, site_base="//site")
        exporter.start_exporting()
        exporter.export_item(item)
        exporter.export_item(item)
        exporter.finish_exporting()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["path"] == "_posts/2026-11-20-NW2.md"
    assert record["text"] == render_post(item, "//site")[1]


@pytest.mark.parametrize("value, written", [
    ("shijiazhuangribao", "shijiazhuangribao"), ("21世纪经济报道新闻", "21世纪经济报道新闻"),
    ("anxinguojizhengquan(xianggang)", "anxinguojizhengquan(xianggang)"), ("Wall Street Journal", "Wall Street Journal"),
    ("Bloomberg: Asia新闻", '"Bloomberg: Asia新闻"'), ("#1财经新闻", '"#1财经新闻"'), ("123", '"123"'),
    ("Yes", '"Yes"'), ("null", '"null"'), ("- x", '"- x"'), ('a "b" \\c: d', '"a \\"b\\" \\\\c: d"'),
])
def test_categories_and_tags_are_plain_unless_yaml_would_misread_them(value, written):
    from crawler.archive.exporters import yaml_scalar

    assert yaml_scalar(value) == written
    head = frontmatter.loads(f"---\ncategories: {written}\ntags: {written}\n---\n")
    assert head["categories"] == value and head["tags"] == value


def test_link_line_cannot_end_early_or_break():
    """A ">" or a line break in a source link would leave the rest of it to be read as markup."""
    item = Article(id="1", feed="emnews", title="t", published=WHEN, digest="d",
                   source_url='http://x/a.html"><img src=x onerror="f()">\n<b>')
    _, text = render_post(item, "//s")
    assert "\n<http://x/a.html%22%3E%3Cimg%20src=x%20onerror=%22f()%22%3E%0A%3Cb%3E>\n" in text
    plain = Article(id="1", feed="emnews", title="t", published=WHEN, digest="d",
                    source_url="http://finance.eastmoney.com/a/202611201234567890.html?a=1&b=%E4")
    assert "\n<http://finance.eastmoney.com/a/202611201234567890.html?a=1&b=%E4>\n" in render_post(plain, "//s")[1]


def test_media_name_in_the_back_link_is_text():
    item = Article(id="NW1", feed="media", title="t", published=WHEN, body_html="<p>x</p>", share_url="http://s",
                   category="c", tags=['媒<img src=x onerror="f()">](javascript:f()){: onclick=f}新闻'])
    _, text = render_post(item, "//s")
    assert text.endswith('[返回媒&lt;img src=x onerror="f()">&#93;(javascript:f())&#123;: onclick=f}新闻]'
                         "(//s/category/c.html)｜[返回首页](//s/)")
