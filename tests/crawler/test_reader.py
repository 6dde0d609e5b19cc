"""Every post the archive ever had loads, broken ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.archive.reader import read_post
from tests.support import SAMPLES, load_sample

ALL_POSTS = sorted(p for p in SAMPLES.glob("posts*/**/*.md"))


def test_the_samples_are_there():
    assert len(ALL_POSTS) > 60


@pytest.mark.parametrize("path", ALL_POSTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_loads(path: Path):
    item = read_post(path)
    assert item.id and item.id in path.name
    assert item.feed in ("emnews", "media")
    assert item.tags and item.category


def test_current_flash_post():
    item = read_post(SAMPLES / "posts" / "2021-12-08-202112082207166310.md")
    sample = load_sample(SAMPLES / "posts" / "2021-12-08-202112082207166310.md")
    assert (item.id, item.feed, item.title, item.published) == (
        "202112082207166310", "emnews", sample.title, "2021-12-08 15:42:07")
    assert item.digest == sample.body.strip() and item.body_html == ""
    assert item.source_url == "http://finance.eastmoney.com/news/1355,202112082207166310.html"


def test_seed_media_post():
    item = read_post(SAMPLES / "posts" / "2022-01-19-NW202201192253830311.md")
    assert (item.id, item.feed, item.media, item.category) == (
        "NW202201192253830311", "media", "石家庄日报", "shijiazhuangribao")
    assert item.published == "2022-01-19 21:17:09"
    assert item.share_url.endswith("infoCode=NW202201192253830311")
    assert item.body_html.startswith("<p>1月12日") and item.body_html.endswith("（文章来源：石家庄日报）</p>")


def test_broken_post_reads_with_empty_values():
    item = read_post(SAMPLES / "posts" / "-202205262391921712.md")
    assert (item.id, item.title, item.published, item.source_url) == ("202205262391921712", "", None, "")
    assert item.digest.startswith("据霍尼韦尔官网消息") and item.body_html.startswith("<p style=\"display:none")


def test_leading_newline_and_no_timezone():
    path = SAMPLES / "posts-versions" / "_posts@cfbae48" / "2021-12-08-202112082206672930.md"
    item = read_post(path)
    assert item.title == "离岸人民币兑美元升至2018年以来最高水平"
    assert item.published == "2021-12-08 10:46:18"
    assert item.source_url.endswith("202112082206672930.html")


def test_escaped_title_reads_back_unescaped(tmp_path):
    post = tmp_path / "2026-11-20-NW1.md"
    post.write_text('---\nlayout: post\ntitle: "a \\"b\\" c\\\\"\ndate: 2026-11-20 10:00:00 +0800\n'
                    "categories: x\ntags: X新闻\n---\n<p>b</p>\n\n<http://s/NW1>\n\n[返回]", encoding="utf-8")
    item = read_post(post)
    assert (item.title, item.media, item.body_html) == ('a "b" c\\', "X", "<p>b</p>")
