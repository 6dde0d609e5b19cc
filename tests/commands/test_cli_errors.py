"""Usage errors: one line naming the bad value and what is expected, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import ROOT

BAD = [
    (["crawl", "emnews", "-a", "limit=bogus"], "-a limit='bogus': expected a whole number"),
    (["crawl", "media", "-a", "since=2026-13-01"], "-a since='2026-13-01': expected a date"),
    (["crawl", "market", "-a", "refresh=maybe"], "-a refresh='maybe': expected 1 or 0"),
    (["crawl", "emnews", "-a", "limt=5"], "-a limt: unknown argument; emnews takes -a limit="),
    (["crawl", "emnews", "-a", "limit"], "Invalid -a value, use -a NAME=VALUE"),
    (["crawl", "share"], "share needs -a codes="),
    (["crawl", "share", "-a", "file=/nonexistent/codes.txt"], "no such file"),
    (["crawl", "share", "-a", "archive=/nonexistent/posts"], "no such directory"),
    (["crawl", "nosuch"], "unknown spider 'nosuch'; expected one of emnews"),
    (["crawl"], "expected one spider name"),
    (["crawl", "emnews", "-s", "FINEWS_HOST_CONCURRENCY=many"], "FINEWS_HOST_CONCURRENCY='many': expected a whole number"),
    (["crawl", "emnews", "-s", "FINEWS_HOST_CONCURRENCY=0"], "expected at least 1"),
    (["crawl", "emnews", "-s", "FINEWS_HOST_INTERVAL=fast"], "expected a number"),
    (["crawl", "emnews", "-s", "FINEWS_NOW=yesterday"], "FINEWS_NOW='yesterday': expected an ISO time"),
    (["crawl", "emnews", "-s", "FINEWS_TIMEZONE=Mars/Base"], "expected a time zone"),
    (["crawl", "emnews", "-s", "FINEWS_PROFILE=turbo"], "expected one of default, backfill"),
    (["crawl", "emnews", "-s", "FINEWS_REPLAY_URL=localhost:1"], "expected http://HOST:PORT"),
    (["crawl", "emnews", "-s", "LOG_LEVEL=LOUD"], "LOG_LEVEL='LOUD'"),
    (["crawlall", "--replay", "-a", "limit=bogus"], "scrapy crawlall: error: -a limit='bogus'"),
    (["crawlall", "-a", "since=soon"], "expected a date"),
    (["crawlall", "-a", "codes=NW1"], "-a codes: unknown argument"),
    (["crawlall", "-s", "FINEWS_FEEDS=emnews,foo"], "unknown feed(s) foo"),
    (["crawlall", "-s", "FINEWS_RETENTION_DAYS=-1"], "expected at least 1"),
    (["crawlall", "extra"], "crawlall takes no arguments"),
    # the sources file of the feeds spider (crawlall runs it when a source is enabled)
    (["crawl", "feeds", "-s", "FINEWS_SOURCES=tests/fixtures/sources/unknown_key.yml"],
     "tests/fixtures/sources/unknown_key.yml: source '坏例子': unknown key 'feed'; expected name, feeds,"),
    (["crawlall", "-s", "FINEWS_SOURCES=tests/fixtures/sources/bad_since_days.yml"],
     "scrapy crawlall: error: tests/fixtures/sources/bad_since_days.yml: source '示例日报': since_days: 'a week'"),
    (["crawl", "feeds", "-s", "FINEWS_SOURCES=/nonexistent/sources.yml"],
     "-s FINEWS_SOURCES='/nonexistent/sources.yml': no such file"),
    (["crawlall", "--replay", "-s", "FINEWS_SOURCES=/nonexistent/sources.yml"], "no such file"),
    (["crawl", "feeds"], "sources.yml: no enabled source; add one (scrapy addsource URL --write)"),
    (["crawl", "feeds", "-s", "FINEWS_SOURCES=crawler/replay/data/sources.yml", "-a", "source=Nope"],
     "-a source='Nope': no such source; the sources file has '示例财经快报', 'Example Atom Markets'"),
    (["addsource"], "expected one site or page URL"),
    (["addsource", "news.example.com"], "'news.example.com' is not an http(s) URL"),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(argv) for argv, _ in BAD])
def test_bad_value_is_one_line_and_exit_2(argv, message, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", *argv, "-s", f"FINEWS_OUTPUT_DIR={tmp_path / 'out'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"scrapy {argv[0]}: error: ")
    assert message in lines[0]
    assert not (tmp_path / "out").exists()  # nothing started, nothing written
