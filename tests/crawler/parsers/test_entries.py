"""Entries → items of feed ``feeds``, completed from their page; read back as posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from crawler.archive.exporters import render_post
from crawler.archive.items import FEEDS, SYNDICATION
from crawler.parsers.entries import ENTRY_SIG, Entry, entry_item, page_item
from crawler.parsers.targets import NotNews, from_post
from crawler.parsers.urls import article_id

WHEN = datetime(2026, 11, 19, 1, 0, tzinfo=timezone.utc)
URL = "http://News.Example.test/a/1.html?utm_source=rss#top"
CLEAN = "http://news.example.test/a/1.html"


@dataclass
class Page:
    title: str = "Page title"
    published: str = "2026-11-19T08:30:00+08:00"
    body_html: str = "<p>body</p>"
    canonical: str = ""


def test_entry_item_is_keyed_by_its_canonical_url():
    item = entry_item(Entry(URL, "Feed title", WHEN), "示例日报", "shiliribao")
    assert (item.id, item.feed, item.source_url, item.share_url) == (article_id(CLEAN), SYNDICATION, CLEAN, CLEAN)
    assert (item.title, item.published, item.media, item.category) == ("Feed title", WHEN, "示例日报", "shiliribao")
    assert item.row_sig == ENTRY_SIG and SYNDICATION in FEEDS


def test_entry_without_a_link_has_no_id():
    assert entry_item(Entry("", "t"), "示例日报").id == ""  # dropped as no_id, never fetched


def test_feed_title_and_date_win_over_the_page():
    item = page_item(entry_item(Entry(URL, "Feed title", WHEN), "m"), Page(), CLEAN)
    assert (item.title, item.published, item.body_html, item.body_from) == ("Feed title", WHEN, "<p>body</p>", "page")
    assert item.id == article_id(CLEAN)


def test_page_fills_what_the_entry_lacks_and_its_canonical_decides():
    item = page_item(entry_item(Entry(URL), "m"), Page(canonical="/articles/one.html"), CLEAN)
    assert (item.title, item.published) == ("Page title", "2026-11-19T08:30:00+08:00")
    assert item.share_url == "http://news.example.test/articles/one.html"
    assert item.id == article_id("http://news.example.test/articles/one.html")


def test_a_feeds_post_is_left_alone_by_share_archive_repair(tmp_path):
    item = page_item(entry_item(Entry("http://nw.example.test/1", "t", WHEN), "示例日报"), Page(), "http://nw.example.test/1")
    item.published = WHEN.astimezone(timezone(timedelta(hours=8)))
    item.category, item.tags = "shiliribao", ["示例日报新闻"]
    assert item.id.startswith("nw-")  # looks like an info code to a careless check
    path, text = render_post(item, "//finews.withounder.com")
    post = tmp_path / path.split("/")[-1]
    post.write_text(text, encoding="utf-8")
    with pytest.raises(NotNews):
        from_post(post, "http://share/{code}", "http://article/{code}")
