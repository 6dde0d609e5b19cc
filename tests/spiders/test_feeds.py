"""feeds end to end against the replay: generic sources → media-shaped posts, once each."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from crawler.archive.index import ArchiveIndex
from crawler.parsers.urls import article_id
from crawler.replay.server import Reply
from crawler.replay.sites import ATOM, BEIJING, MAP_NEWS, RSS, RSS_HOST, DEMO_SOURCES, SiteFile, demo_sites
from tests.support import crawl_stats, run_crawl

DAY = date(2026, 11, 19)
SETTINGS = {"FINEWS_SOURCES": str(DEMO_SOURCES), "FINEWS_NOW": "2026-11-20T09:00:00"}
BASE = "//finews.withounder.com"


def posts(root: Path) -> dict[str, str]:
    folder = root / "_posts"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))} if folder.is_dir() else {}


def post_of(root: Path, url: str) -> str:
    return (root / "_posts" / f"{DAY}-{article_id(url)}.md").read_text(encoding="utf-8")


def table(stdout: str) -> dict[str, int]:
    lines = stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("feed "))
    return dict(zip(lines[head].split()[1:], map(int, lines[head + 1].split()[1:])))


def sources_file(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return {**SETTINGS, "FINEWS_SOURCES": str(path)}


def test_demo_sources_become_media_shaped_posts(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    proc = run_crawl("feeds", server.url, tmp_path, settings=SETTINGS)
    written = posts(tmp_path)
    # 4 RSS items (1 behind robots.txt) + 1 sitemap-only page, 2 Atom, 2 JSON, 3 sitemap pages
    assert len(written) == 11, list(written)
    rss = post_of(tmp_path, RSS[1].url())
    assert rss.startswith(f"""---
layout: post
title: "新能源车企&电池厂商 三季度交付量创新高"
date: {DAY} 09:30:00 +0800
categories: shilicaijingkuaibao
tags: 示例财经快报新闻
---
""")
    assert "<p>分析人士认为，短期波动不改长期趋势" in rss
    assert rss.endswith(f"\n\n<{RSS[1].url()}>\n\n"
                        f"[返回示例财经快报新闻]({BASE}/category/shilicaijingkuaibao.html)｜[返回首页]({BASE}/)")
    assert (tmp_path / "category" / "shilicaijingkuaibao.html").read_text(encoding="utf-8") == (
        "---\nlayout: category\ntitle: 示例财经快报新闻\ncategory: shilicaijingkuaibao\n---")
    # the source's fixed slug; the Atom time (UTC) in Beijing time
    atom = post_of(tmp_path, ATOM[0].url())
    assert f"date: {DAY} 07:45:00 +0800\ncategories: exampleatommarkets\ntags: Example Atom Markets新闻\n" in atom
    counts = table(proc.stdout)
    assert (counts["listed"], counts["fetched"], counts["new"], counts["dropped"]) == (13, 11, 11, 0)
    assert "skipped in feeds: duplicate=1, robots=1" in proc.stdout  # the robots.txt one was never asked


def test_robots_txt_disallowed_page_is_never_fetched(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    proc = run_crawl("feeds", server.url, tmp_path, settings=SETTINGS)
    assert crawl_stats(proc.stderr)["finews/skipped/robots"] == 1
    assert not [p for p in server.replay.paths if "/private/" in p]
    assert server.replay.paths[f"/{RSS_HOST}/robots.txt"] == 1
    assert "/robots.txt" not in server.replay.paths  # asked of each source host, not of the replay


def test_page_selectors_and_news_sitemap_of_a_gzipped_index(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    run_crawl("feeds", server.url, tmp_path, "source=示例地图报", settings=SETTINGS)
    assert len(posts(tmp_path)) == 3
    news = post_of(tmp_path, MAP_NEWS.url())
    assert news.startswith(f'---\nlayout: post\ntitle: "{MAP_NEWS.title}"\ndate: {DAY} 18:25:00 +0800\n'
                           "categories: shiliditubao\ntags: 示例地图报新闻\n---\n")
    assert "<p>记者从相关部门获悉" in news and "相关阅读" not in news  # the body selector, not the page
    assert not [p for p in server.replay.paths if RSS_HOST in p]  # -a source=: that source only


def test_second_run_asks_changed_since_and_fetches_no_page(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    run_crawl("feeds", server.url, tmp_path, settings=SETTINGS)
    before = posts(tmp_path)
    server.replay.reset()
    proc = run_crawl("feeds", server.url, tmp_path, settings=SETTINGS)
    counts = server.counts
    assert counts["not_modified"] == 6  # 3 feeds, the RSS site's sitemap, the index's 2 children
    assert counts["article"] == 0 and counts["feed"] == 0
    assert counts["sitemap"] == 1  # the index is read whole every time
    assert table(proc.stdout)["new"] == 0 and crawl_stats(proc.stderr)["finews/feed/not_modified"] == 6
    assert posts(tmp_path) == before


def test_one_article_whatever_feed_sitemap_source_or_spelling(replay, tmp_path):
    story = RSS[0]
    feed = f"""<rss version="2.0"><channel><title>a</title>
<item><title>{story.title}</title><link>{story.url()}?utm_source=rss&amp;fbclid=1</link>
<pubDate>Thu, 19 Nov 2026 08:00:00 +0800</pubDate></item></channel></rss>"""
    sitemap = f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{story.url().upper().replace("/ARTICLES/1001.HTML", "/articles/1001.html")}#top</loc></url></urlset>"""
    json_feed = ('{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "%s", "title": "t",'
                 ' "date_published": "2026-11-19T08:00:00+08:00"}]}' % story.url().replace("http:", "https:"))
    files = demo_sites(DAY)
    modified = datetime.combine(DAY, time(21), BEIJING)
    files.update({
        "a.example.test/rss.xml": SiteFile("feed", "application/rss+xml", feed.encode(), modified),
        "a.example.test/sitemap.xml": SiteFile("sitemap", "application/xml", sitemap.encode(), modified),
        "b.example.test/feed.json": SiteFile("feed", "application/feed+json", json_feed.encode(), modified),
    })
    server = replay({}, files=files)
    settings = sources_file(tmp_path, """sources:
  - name: 甲报
    feeds: [http://a.example.test/rss.xml]
    sitemaps: [http://a.example.test/sitemap.xml]
  - name: 乙报
    feeds: [http://b.example.test/feed.json]
""")
    proc = run_crawl("feeds", server.url, tmp_path / "out", settings=settings)
    assert len(posts(tmp_path / "out")) == 1
    assert server.replay.paths[f"/{RSS_HOST}/articles/1001.html"] == 1
    assert "skipped in feeds: duplicate=2" in proc.stdout


def test_a_page_naming_another_canonical_url_is_not_fetched_again(replay, tmp_path):
    files = demo_sites(DAY)
    server = replay({}, files=files)
    settings = {**SETTINGS}
    run_crawl("feeds", server.url, tmp_path, "source=Example Atom Markets", settings=settings)
    aliased = f"http://blog.example-atom.test{ATOM[1].path}"
    canonical = "http://blog.example-atom.test/posts/story-7.html"
    assert f"<{canonical}>" in post_of(tmp_path, canonical)
    index = ArchiveIndex(tmp_path)
    assert index.alias_of(article_id(aliased)) == article_id(canonical)
    index.close()
    # the feed changes (so it is read again): its aliased entry is known, not fetched
    atom = files["blog.example-atom.test/posts/atom.xml"]
    server.replay.files["blog.example-atom.test/posts/atom.xml"] = replace(atom, body=atom.body + b"\n")
    server.replay.reset()
    proc = run_crawl("feeds", server.url, tmp_path, "source=Example Atom Markets", settings=settings)
    assert server.counts["feed"] == 1 and server.counts["article"] == 0
    assert "skipped in feeds: known=2" in proc.stdout


def test_deferred_page_makes_the_next_run_read_its_feed_whole(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    files, route = server.replay.files, server.replay.route
    del files[RSS_HOST + RSS[0].path]  # answered by route: a 503, every time
    server.replay.route = lambda host, path, query: (
        ("article", Reply(503, "text/html", "busy")) if path == RSS[0].path else route(host, path, query))
    settings = {**SETTINGS, "RETRY_TIMES": 0}
    proc = run_crawl("feeds", server.url, tmp_path, "source=示例财经快报", settings=settings)
    assert table(proc.stdout)["deferred"] == 1
    server.replay.reset()
    run_crawl("feeds", server.url, tmp_path, "source=示例财经快报", settings=settings)
    assert server.counts["feed"] == 1 and server.counts["not_modified"] == 1  # rss.xml whole; sitemap.xml 304
    assert server.replay.paths[f"/{RSS_HOST}{RSS[0].path}"] == 1  # asked again, and only it
    assert server.counts["article"] == 1


def test_limit_caps_pages_and_keeps_the_feed_unread(replay, tmp_path):
    server = replay({}, files=demo_sites(DAY))
    run_crawl("feeds", server.url, tmp_path, "source=示例财经快报", "limit=2", settings=SETTINGS)
    assert len(posts(tmp_path)) == 2
    server.replay.reset()
    run_crawl("feeds", server.url, tmp_path, "source=示例财经快报", settings=SETTINGS)
    assert server.counts["feed"] == 1  # cut short last time: no "changed since?"
    assert len(posts(tmp_path)) == 4  # 4 RSS items (one behind robots.txt) and a sitemap-only page


def test_broken_feeds_are_reported_by_reason_and_the_rest_archived(replay, tmp_path):
    files = demo_sites(DAY)
    modified = datetime.combine(DAY, time(21), BEIJING)
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
    files["c.example.test/broken.xml"] = SiteFile("feed", "application/rss+xml",
                                                  (fixtures / "malformed.xml").read_bytes(), modified)
    files["c.example.test/feed"] = SiteFile("feed", "text/html",
                                            (fixtures / "html_served_as_feed.html").read_bytes(), modified)
    server = replay({}, files=files)
    settings = sources_file(tmp_path, """sources:
  - name: 丙报
    feeds: [http://c.example.test/broken.xml, http://c.example.test/feed, http://www.example-json.test/feed.json]
""")
    proc = run_crawl("feeds", server.url, tmp_path / "out", settings=settings, check=False)
    output = proc.stdout + proc.stderr
    # the only traceback is spidermon's report of the failed "list read" monitor
    assert "Traceback" not in re.sub(r"\[Spidermon\] \n=+\nFAIL: .*?\n\n", "", output, flags=re.S)
    assert "list http://c.example.test/broken.xml unreadable: malformed_xml: " in output
    assert "list http://c.example.test/feed unreadable: not_a_feed: http://c.example.test/feed is an HTML page" in output
    stats = crawl_stats(proc.stderr)
    assert (stats["finews/list_error/malformed_xml"], stats["finews/list_error/not_a_feed"]) == (1, 1)
    assert len(posts(tmp_path / "out")) == 2  # the good feed's
    assert proc.returncode == 3  # a feed of the run failed: the health verdict (README exit codes)
