"""Feeds of every format → entries: absolute links (xml:base too), plain titles, aware dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import SourceError
from crawler.parsers.entries import Entry
from crawler.parsers.feeds import parse_feed
from tests.support import FIXTURES, ROOT

FEEDS = FIXTURES / "feeds"
UTC = timezone.utc
BJ = timezone(timedelta(hours=8))


def read(name: str, url: str = "http://host.example.test/feeds/feed.xml"):
    feed = parse_feed((FEEDS / name).read_bytes(), url)
    return feed.format, feed.title, list(feed.entries)


def test_rss_091_undated_entities_and_a_relative_link():
    assert read("rss091.xml") == ("rss", "Café Wire", [
        Entry("http://wire.example.test/stories/latte.html", 'Café prices & the "Latte Index"', None),
        # RSS 0.91 has no xml:base: relative to the feed's own URL
        Entry("http://host.example.test/stories/relative.html", "Relative link story", None),
    ])


def test_rss_10_rdf_with_and_without_dc_date():
    assert read("rss10_rdf.xml") == ("rdf", "RDF Daily", [
        Entry("http://rdf.example.test/2026/11/19/markets.html", "Markets close higher — again",
              datetime(2026, 11, 18, 23, 30, tzinfo=UTC)),
        Entry("http://rdf.example.test/2026/11/19/undated.html", "An item without a date", None),
    ])


def test_rss_20_offsets_xml_base_entities_and_guid_permalink():
    assert read("rss20.xml") == ("rss", "Example News – Markets", [
        # double-escaped entities and escaped markup: one plain line
        Entry("http://news.example.test/articles/1.html?utm_source=rss&utm_medium=feed", "Tom & Jerry’s bold bet",
              datetime(2026, 11, 19, 0, 0, tzinfo=UTC)),
        # ../ under the root's xml:base; &nbsp; (undefined in XML) inside CDATA
        Entry("http://news.example.test/articles/2.html", "CDATA title with entity",
              datetime(2026, 11, 19, 1, 30, tzinfo=UTC)),
        Entry("http://news.example.test/section/articles/3.html#comments", "No date at all", None),
        # no <link>: the permalink guid; an unparseable pubDate is no date
        Entry("http://news.example.test/articles/4.html", "Only a permalink guid", None),
    ])


def test_atom_03_issued_and_escaped_title():
    assert read("atom03.xml") == ("atom0.3", "Old Atom Blog", [
        Entry("http://old.example.test/blog/2026/first.html", "Atom 0.3 issued date",
              datetime(2026, 11, 19, 1, 0, tzinfo=UTC)),
        Entry("http://old.example.test/2026/second.html", "Escaped title & more", None),
    ])


def test_atom_10_nested_xml_base_updated_only_and_text_titles():
    assert read("atom10.xml") == ("atom1.0", "Atom & Co.", [
        # entry xml:base /posts/2026/ under the feed's: the alternate link, not the edit link
        Entry("http://blog.example.test/posts/2026/rates.html", "Rates & bonds",
              datetime(2026, 11, 19, 1, 0, tzinfo=UTC)),
        Entry("http://blog.example.test/notes/updated.html", "Updated only",
              datetime(2026, 11, 19, 8, 15, tzinfo=UTC)),
        # type="text": angle brackets are the title's own characters
        Entry("http://blog.example.test/notes/plain.html", "Plain <not a tag> title", None),
    ])


def test_json_feed_10_relative_external_and_naive_dates():
    assert read("jsonfeed10.json") == ("json", "JSON One", [
        Entry("http://json.example.test/a/1", "Fish & chips", datetime(2026, 11, 19, 9, 30, tzinfo=BJ)),
        Entry("http://json.example.test/a/2", "Relative and undated", None),
        # external_url when there is no url; a time without offset is no date
        Entry("http://elsewhere.example.test/story", "External only", None),
    ])


def test_json_feed_11_modified_date_and_missing_title():
    assert read("jsonfeed11.json") == ("json", "JSON One-One", [
        Entry("http://json.example.test/a/11", "新闻 “标题”", datetime(2026, 11, 19, 1, 0, tzinfo=UTC)),
        Entry("http://json.example.test/v11/a/12", "", datetime(2026, 11, 19, 3, 0, tzinfo=UTC)),
    ])


@pytest.mark.parametrize("name, reason, says", [
    ("malformed.xml", "malformed_xml", "Opening and ending tag mismatch"),
    ("html_served_as_feed.html", "not_a_feed", "is an HTML page ('Page not found – Example'), not RSS"),
])
def test_broken_feed_is_refused_whole_with_a_reason(name, reason, says):
    with pytest.raises(SourceError) as caught:
        parse_feed((FEEDS / name).read_bytes(), "http://host.example.test/feed")
    assert caught.value.reason == reason
    assert says in str(caught.value)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"  \n", "empty"),
    (b'{"items": []}', "not_a_feed"),
    (b"{not json", "malformed_json"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "not_a_feed"),
    (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "not_a_feed"),
    (b'<rss version="2.0"><channel><item><title>a</title></item>', "malformed_xml"),  # cut short
])
def test_not_a_feed(data, reason):
    with pytest.raises(SourceError) as caught:
        parse_feed(data, "http://host.example.test/feed")
    assert caught.value.reason == reason


def test_a_broken_feed_gives_no_entry_at_all():
    """Well-formedness is checked before the first entry: no half-read feed."""
    data = (FEEDS / "rss20.xml").read_bytes().replace(b"</channel>", b"</chanel>")
    with pytest.raises(SourceError):
        parse_feed(data, "http://host.example.test/feed")


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<rss version="2.0"><channel><item><title>a &x; b</title><link>http://x.test/1</link>'
            '</item></channel></rss>').encode()
    with pytest.raises(SourceError) as caught:  # an entity not resolved is an undefined one
        parse_feed(data, "http://x.test/feed")
    assert "SECRET" not in str(caught.value)


MEMORY = """
import resource, sys
from crawler.parsers.feeds import parse_feed
n = int(sys.argv[1])
items = "".join(f"<item><title>Title {i} &amp; more</title><link>/a/{i}.html</link><guid>g{i}</guid>"
                f"<pubDate>Thu, 19 Nov 2026 10:00:00 +0800</pubDate><description>Text {i} "
                f"{'x' * 200}</description></item>" for i in range(n))
data = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
del items
list(parse_feed(data[:0] + b'<rss version="2.0"><channel><item><link>/a</link></item></channel></rss>',
                "http://a.test/").entries)  # imports and caches warmed up
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
count = sum(1 for _ in parse_feed(data, "http://a.test/feed").entries)
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_ten_thousand_entries_in_flat_memory():
    """Reading a 10,000-entry feed (3.8 MB) raises peak RSS by less than a fifth of what
    feedparser holding every entry takes (about 25 MB here): one batch at a time."""
    proc = subprocess.run([sys.executable, "-c", MEMORY, "10000"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True)
    count, growth_kb = map(int, proc.stdout.split())
    assert count == 10000
    assert growth_kb < 5 * 1024, f"peak RSS grew {growth_kb} KB"
