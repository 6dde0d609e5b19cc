"""Sitemaps → entries: index vs urlset, gzip by its magic bytes, Google News title and time."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import SourceError
from crawler.parsers.entries import Entry
from crawler.parsers.sitemaps import INDEX, URLSET, parse_sitemap
from tests.support import FIXTURES

FEEDS = FIXTURES / "feeds"
URL = "http://maps.example.test/sitemap.xml"


def read(name: str):
    sitemap = parse_sitemap((FEEDS / name).read_bytes(), URL)
    return sitemap.kind, list(sitemap.entries)


def test_index_lists_its_child_sitemaps_absolute():
    assert read("sitemap_index.xml") == (INDEX, [
        Entry("http://maps.example.test/sitemap-pages.xml.gz"),
        Entry("http://maps.example.test/sitemap-news.xml"),
    ])


def test_gzipped_urlset_is_recognised_by_its_magic_bytes():
    """Served as .xml.gz without Content-Encoding: the body is the gzip file itself."""
    assert (FEEDS / "sitemap_pages.xml.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert read("sitemap_pages.xml.gz") == (URLSET, [
        Entry("http://maps.example.test/story/alpha.html"),  # lastmod is no publish time
        Entry("http://MAPS.example.test/story/beta.html?utm_campaign=sitemap"),
    ])


def test_news_sitemap_gives_title_and_publication_time():
    assert read("news_sitemap.xml") == (URLSET, [
        Entry("http://maps.example.test/news/gamma.html", "Gamma & delta: a news sitemap title",
              datetime(2026, 11, 19, 10, 15, tzinfo=timezone(timedelta(hours=8)))),
        Entry("http://maps.example.test/news/epsilon.html", "A date without a time", None),  # a day alone
    ])


def test_empty_urlset_and_empty_index_keep_their_kind():
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    assert parse_sitemap(f"<sitemapindex {ns}/>".encode(), URL).kind == INDEX
    assert parse_sitemap(f"<urlset {ns}></urlset>".encode(), URL).kind == URLSET


@pytest.mark.parametrize("data, reason", [
    ((FEEDS / "sitemap_truncated.xml").read_bytes(), "malformed_xml"),
    (gzip.compress((FEEDS / "sitemap_truncated.xml").read_bytes()), "malformed_xml"),
    ((FEEDS / "html_served_as_feed.html").read_bytes(), "not_a_sitemap"),
    ((FEEDS / "rss20.xml").read_bytes(), "not_a_sitemap"),
    (b"\x1f\x8b\x08\x00garbage", "bad_gzip"),
    (b"", "empty"),
])
def test_broken_sitemap_is_refused_whole_with_a_reason(data, reason):
    with pytest.raises(SourceError) as caught:
        parse_sitemap(data, URL)
    assert caught.value.reason == reason


def test_gzip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr("crawler.parsers.sitemaps.MAX_BYTES", 10_000)
    body = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + b" " * 20_000 + b"</urlset>"
    with pytest.raises(SourceError) as caught:
        parse_sitemap(gzip.compress(body), URL)
    assert caught.value.reason == "too_large"
