"""The sources file: every mistake is one message naming the file, the source and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.replay.sites import DEMO_SOURCES
from crawler.run.sources import Source, SourcesError, load_sources, parse_sources, selected, sources_file

FEED = "http://news.example.test/rss.xml"


def test_demo_sources_file_reads_whole():
    sources = load_sources(DEMO_SOURCES, required=True)
    assert [s.name for s in sources] == ["示例财经快报", "Example Atom Markets", "示例JSON日报", "示例地图报"]
    assert sources[1].slug == "exampleatommarkets"
    assert sources[3] == Source("示例地图报", (), ("http://www.example-sitemap.test/sitemap_index.xml",), "",
                                {"title": "div.headline", "published": "span.stamp", "body": "div.story-text"},
                                7, True)


def test_shipped_sources_file_has_examples_only():
    assert load_sources("sources.yml", required=True) == []


def test_missing_file_is_no_sources_unless_named(tmp_path):
    assert load_sources(tmp_path / "none.yml") == []
    with pytest.raises(SourcesError, match=r"FINEWS_SOURCES=.*none.yml'?: no such file"):
        load_sources(tmp_path / "none.yml", required=True)


def test_named_file_is_required_the_default_is_not():
    assert sources_file(Settings({"FINEWS_SOURCES": "sources.yml"}, priority="project"))[1] is False
    named = Settings({"FINEWS_SOURCES": "sources.yml"}, priority="project")
    named.set("FINEWS_SOURCES", "mine.yml", priority="cmdline")
    assert sources_file(named) == (Path("mine.yml"), True)


BAD = [
    ("[1, 2]", "f.yml: expected a mapping with a sources: list"),
    ("source: []", "f.yml: unknown key 'source'; expected sources"),
    ("sources: {name: x}", "f.yml: sources: expected a list"),
    ("sources: [x]", "f.yml: source #1: expected a mapping of name, feeds"),
    (f"sources: [{{feeds: [{FEED}]}}]", "f.yml: source #1: name: required"),
    (f"sources: [{{name: A, feeds: [{FEED}]}}, {{name: B, feed: [{FEED}]}}]",
     "f.yml: source 'B': unknown key 'feed'; expected name, feeds, sitemaps"),
    ("sources: [{name: A}]", "source 'A': feeds: expected at least one feed or sitemap URL"),
    (f"sources: [{{name: A, feeds: {FEED}}}]", "source 'A': feeds: expected a list of URLs"),
    ("sources: [{name: A, sitemaps: [ftp://x.test/s.xml]}]", "source 'A': sitemaps: 'ftp://x.test/s.xml' is not an http(s) URL"),
    (f"sources: [{{name: A, feeds: [{FEED}], slug: a/b}}]", "source 'A': slug: 'a/b' is not a slug"),
    (f"sources: [{{name: '!!', feeds: [{FEED}]}}]", "source '!!': name: '!!' leaves no slug character"),
    (f"sources: [{{name: A, feeds: [{FEED}], page: {{body: div, when: time}}}}]",
     "source 'A': page.when: unknown key; expected title, published, body"),
    (f"sources: [{{name: A, feeds: [{FEED}], page: {{body: ''}}}}]", "source 'A': page.body: expected a CSS or XPath"),
    (f"sources: [{{name: A, feeds: [{FEED}], since_days: 0}}]", "source 'A': since_days: 0; expected a whole number"),
    (f"sources: [{{name: A, feeds: [{FEED}], enabled: maybe}}]", "source 'A': enabled: 'maybe'; expected true or false"),
    (f"sources: [{{name: A, feeds: [{FEED}]}}, {{name: A, feeds: [{FEED}]}}]", "source 'A': name: used by an earlier"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m for _, m in BAD])
def test_bad_file_names_source_and_key(tmp_path, text, message):
    path = tmp_path / "f.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert message.replace("f.yml", str(path)) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "f.yml"
    path.write_text("sources:\n  - name: A\n    feeds: [http://x.test/rss\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"f.yml: not valid YAML at line \d"):
        load_sources(path)


def test_selected_sources():
    a, b = Source("A", (FEED,)), Source("B", (FEED,), enabled=False)
    assert selected([a, b]) == [a]
    assert selected([a, b], "B") == [b]  # named: run even when disabled
    with pytest.raises(SourcesError, match="-a source='C': no such source; the sources file has 'A', 'B'"):
        selected([a, b], "C")


def test_empty_sources_list_is_fine():
    assert parse_sources({"sources": None}, "f.yml") == []
    assert parse_sources(None, "f.yml") == []
