"""``scrapy addsource URL`` against the replay: feeds found, YAML printed, appended with --write."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, datetime, time

from crawler.replay.sites import BEIJING, SiteFile, demo_sites
from crawler.run.sources import load_sources
from tests.support import ROOT

DAY = date(2026, 11, 19)


def addsource(server, sources, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "addsource", *args, "-s", f"FINEWS_REPLAY_URL={server.url}",
           "-s", f"FINEWS_SOURCES={sources}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def sites():
    files = demo_sites(DAY)
    files["plain.example.test/"] = SiteFile("page", "text/html", b"<html><title>Plain</title><p>hi</p></html>",
                                            datetime.combine(DAY, time(21), BEIJING))
    return files


def test_home_page_link_and_common_path_and_robots_sitemap(replay, tmp_path):
    server = replay({}, files=sites())
    proc = addsource(server, tmp_path / "sources.yml", "http://news.example-rss.test/")
    assert proc.returncode == 0, proc.stderr
    # <link rel=alternate> of the home page; /sitemap.xml at its common path
    assert proc.stdout == """  - name: 示例财经快报
    feeds:
    - http://news.example-rss.test/rss.xml
    sitemaps:
    - http://news.example-rss.test/sitemap.xml
"""
    assert proc.stderr == ""
    page = addsource(server, tmp_path / "sources.yml", "http://www.example-sitemap.test/story/s1.html")
    # a page URL: the site's robots.txt names its sitemap index; the name is the home page's title
    assert page.stdout == """  - name: 示例地图报
    sitemaps:
    - http://www.example-sitemap.test/sitemap_index.xml
"""
    assert not (tmp_path / "sources.yml").exists()  # printed only


def test_write_appends_to_the_shipped_file_and_refuses_a_name_twice(replay, tmp_path):
    server = replay({}, files=sites())
    sources = tmp_path / "sources.yml"
    shutil.copy(ROOT / "sources.yml", sources)
    shipped = sources.read_text(encoding="utf-8")
    assert addsource(server, sources, "http://www.example-json.test/", "--write").returncode == 0
    proc = addsource(server, sources, "http://blog.example-atom.test/posts/atom.xml", "--write", "--name", "原子")
    assert proc.returncode == 0, proc.stderr
    assert "added source '原子' to" in proc.stderr
    text = sources.read_text(encoding="utf-8")
    assert text.startswith(shipped)  # the comments stay
    assert [(s.name, s.feeds) for s in load_sources(sources, required=True)] == [
        ("示例JSON日报", ("http://www.example-json.test/feed.json",)),
        ("原子", ("http://blog.example-atom.test/posts/atom.xml",)),
    ]
    again = addsource(server, sources, "http://www.example-json.test/", "--write")
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        f"scrapy addsource: not added to {sources}: {sources}: source '示例JSON日报': name: used by an earlier source too"]
    assert sources.read_text(encoding="utf-8") == text


def test_site_without_feeds_or_unreachable_is_one_line_and_exit_1(replay, tmp_path):
    server = replay({}, files=sites())
    nothing = addsource(server, tmp_path / "s.yml", "http://plain.example.test/")
    assert nothing.returncode == 1 and nothing.stdout == ""
    assert nothing.stderr.splitlines() == [
        "scrapy addsource: no feed or sitemap found for http://plain.example.test/ (no feed <link> in the page, "
        "none at /feed, /rss.xml, /atom.xml, /feed.json, /sitemap.xml, no Sitemap: in robots.txt)"]
    gone = addsource(server, tmp_path / "s.yml", "http://gone.example.test/news/1.html")
    assert gone.returncode == 1
    assert gone.stderr.splitlines() == [
        "scrapy addsource: cannot reach http://gone.example.test/news/1.html: HTTP 404 at http://gone.example.test/"]
