"""Canonical URLs and the ids made from them: one article, one id, on every machine."""

from __future__ import annotations

import re

import pytest

from crawler.parsers.urls import article_id, canonical_url, resolve_canonical

SPELLINGS = [
    "http://news.example.test/a/1.html",
    "HTTP://News.Example.TEST/a/1.html",
    "http://news.example.test:80/a/1.html",
    "http://news.example.test/a/1.html#comments",
    "http://news.example.test/a/1.html?utm_source=rss&utm_medium=feed&utm_campaign=x",
    "http://news.example.test/a/1.html?fbclid=IwAR0&gclid=Cj0&spm=a2c4e.1&msclkid=9",
    "https://news.example.test/a/1.html",  # the id ignores the scheme
    "https://news.example.test:443/a/1.html?utm_content=top#x",
]


@pytest.mark.parametrize("url", SPELLINGS)
def test_every_spelling_is_one_article(url):
    assert article_id(canonical_url(url)) == "news-example-test-58a2cfcf1572e5bf"


def test_id_is_fixed_by_the_url_alone():
    """Hard-coded: an id must not depend on the run, the machine or PYTHONHASHSEED."""
    assert article_id("http://www.example-sitemap.test/story/s1.html") == "example-sitemap-test-b79624d9ada8255a"
    assert article_id("http://x.test/a.php?123") == "x-test-4f15c08fe725a005"


@pytest.mark.parametrize("url", [
    "http://news.example.test/a/1.html",
    "http://例子.测试/新闻/一.html?标题=中",
    "http://" + "very-long-subdomain." * 12 + "example.test/" + "p" * 500,
    "http://[::1]:8080/a",
    "http://127.0.0.1/a",
])
def test_id_is_file_safe_and_short(url):
    found = article_id(canonical_url(url))
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,100}", found), found


@pytest.mark.parametrize("url, base, expected", [
    ("/a/2.html?b=2&a=1", "http://news.example.test/x/", "http://news.example.test/a/2.html?a=1&b=2"),
    ("../b.html", "http://news.example.test/x/y/", "http://news.example.test/x/b.html"),
    ("http://x.test/a.php?123", "", "http://x.test/a.php?123"),  # kept as written, not ?123=
    ("http://x.test/a?utm_source=a", "", "http://x.test/a"),  # no empty ?
    ("http://x.test/%e4%b8%ad?q=%e4", "", "http://x.test/%E4%B8%AD?q=%E4"),
    ("http://x.test/新闻 页", "", "http://x.test/%E6%96%B0%E9%97%BB%20%E9%A1%B5"),
    ("http://X.test:8080", "", "http://x.test:8080/"),
    ("mailto:a@x.test", "", ""),
    ("javascript:alert(1)", "", ""),
    ("", "", ""),
])
def test_canonical_url(url, base, expected):
    assert canonical_url(url, base) == expected


def test_page_canonical_wins_unless_it_is_the_home_page():
    page = "http://blog.example.test/story?id=7&utm_source=rss"
    assert resolve_canonical(page, "/posts/story-7.html") == "http://blog.example.test/posts/story-7.html"
    assert resolve_canonical(page, "") == "http://blog.example.test/story?id=7"
    assert resolve_canonical(page, "http://blog.example.test/") == "http://blog.example.test/story?id=7"
    assert resolve_canonical(page, "javascript:void(0)") == "http://blog.example.test/story?id=7"
