"""emnews reads the fast-news list and fails over to the kuaixun list when it cannot.

The same flashes give the same posts byte for byte whichever list they came from; a dead
primary list costs one warning and a counted failover, never a post; both lists dead fail
the feed and leave the archive as it was.
"""

from __future__ import annotations

import re

import pytest

from crawler.archive.text import strip_headline
from crawler.replay.dataset import generate
from crawler.replay.server import ReplayServer
from tests.support import crawl_stats, run_crawl, run_crawlall, tree_state

SETTINGS = {"FINEWS_NOW": "2026-11-20T12:00:00", "FINEWS_EMNEWS_PAGE_SIZE": 5}  # 12 rows: 3 pages
FAILOVER_WARNING = re.compile(
    r"\[emnews\] WARNING: list fastnews unreadable \(.*\): failing over to kuaixun$", re.M)


def flashes() -> dict:
    """12 flashes on the kuaixun list (the replay serves them on the fast-news list too)."""
    return generate(seed=3, emnews=12, media=0, market=0)


def as_fastnews(rows: list[dict]) -> list[dict]:
    """The same flashes in getFastNewsList's own shape: no ``url`` where the link is the
    code's article page, every other summary without its 【headline】."""
    out = []
    for i, row in enumerate(rows):
        fast = {"code": row["id"], "title": row["title"], "showTime": row["showtime"],
                "realSort": row["sort"], "summary": strip_headline(row["digest"]) if i % 2 else row["digest"]}
        if row["url_w"] != f"http://finance.eastmoney.com/a/{row['id']}.html":
            fast["url"] = row["url_w"]
        out.append(fast)
    assert any("url" in r for r in out) and any("url" not in r for r in out)
    return out


def posts(root) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "_posts").iterdir()}


def site(root) -> dict:
    """The archive as a reader sees it: everything but the crawler's own state."""
    return {p: v for p, v in tree_state(root).items() if not p.startswith(".finews")}


def list_requests(server, marker: str) -> int:
    return sum(n for path, n in server.replay.paths.items() if marker in path)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The posts of a run where nothing fails."""
    root = tmp_path_factory.mktemp("reference")
    with ReplayServer(flashes()) as server:
        run_crawl("emnews", server.url, root, settings=SETTINGS)
        assert list_requests(server, "getlist_") == 0  # the fast-news list alone did it
    found = posts(root)
    assert len(found) == 12
    return found


def test_the_same_rows_from_either_list_give_byte_identical_posts(replay, tmp_path, reference):
    data = flashes()
    data["fastnews"] = as_fastnews(data["kuaixun"])
    for source in ("fastnews", "kuaixun"):
        server = replay(data)
        run_crawl("emnews", server.url, tmp_path / source,
                  settings={**SETTINGS, "FINEWS_EMNEWS_LISTS": source})
        assert server.counts["article"] == 12
        assert list_requests(server, "getlist_" if source == "fastnews" else "getFastNewsList") == 0
    assert posts(tmp_path / "fastnews") == posts(tmp_path / "kuaixun") == reference


def test_the_fast_news_list_of_older_answers_data_list_gives_the_same_posts(replay, tmp_path, reference):
    server = replay({**flashes(), "fastnews_key": "list"})
    run_crawl("emnews", server.url, tmp_path, settings={**SETTINGS, "FINEWS_EMNEWS_LISTS": "fastnews"})
    assert posts(tmp_path) == reference
    assert list_requests(server, "getFastNewsList") == 4  # pages of 5 by sortEnd: 5, 5, 2, then empty


def test_a_failover_fetches_nothing_the_other_list_archived(replay, tmp_path):
    run_crawl("emnews", replay(flashes()).url, tmp_path, settings=SETTINGS)
    before = site(tmp_path)
    server = replay(flashes(), dead=["fastnews"])
    proc = run_crawl("emnews", server.url, tmp_path, settings=SETTINGS)
    assert crawl_stats(proc.stderr)["finews/skipped/known"] == 12  # same row signatures
    assert server.counts["article"] == 0
    assert site(tmp_path) == before


@pytest.mark.parametrize("how, tries", [
    ("404", 1),     # gone: not retried
    ("503", 4),     # Scrapy's retries (RETRY_TIMES=3), then the failover
    ("html", 4),    # an HTML error page with status 200, retried by the spider
    ("code", 4),    # code≠"1"
    ("shape", 4),   # code "1" but no row list where one is expected
])
def test_a_dead_fast_news_list_fails_over_to_kuaixun(replay, tmp_path, reference, how, tries):
    if how == "shape":
        server = replay({**flashes(), "fastnews_key": "rows"})
    else:
        server = replay(flashes(), dead=[f"fastnews:{how}"])
    proc = run_crawl("emnews", server.url, tmp_path, settings=SETTINGS)
    stats = crawl_stats(proc.stderr)
    assert len(FAILOVER_WARNING.findall(proc.stderr)) == 1
    assert stats["finews/failover/emnews/fastnews->kuaixun"] == 1
    assert not [k for k in stats if k.startswith("finews/list_error/")]
    assert stats.get("log_count/ERROR", 0) == 0 and stats.get("finews/errors", 0) == 0
    assert list_requests(server, "getFastNewsList") == tries
    assert posts(tmp_path) == reference
    assert "failover in emnews: fastnews->kuaixun" in proc.stdout.splitlines()


def test_crawlall_shows_the_failover_in_its_summary(replay, tmp_path, reference):
    server = replay(flashes(), dead=["fastnews"])
    proc = run_crawlall(server.url, tmp_path, settings={**SETTINGS, "FINEWS_FEEDS": "emnews"})
    assert "failover in emnews: fastnews->kuaixun" in proc.stdout.splitlines()
    assert posts(tmp_path) == reference


def test_both_lists_dead_fail_the_feed_and_leave_the_archive_alone(replay, tmp_path):
    run_crawl("emnews", replay(flashes()).url, tmp_path, settings=SETTINGS)
    before = site(tmp_path)
    server = replay(flashes(), dead=["fastnews", "kuaixun:503"])
    proc = run_crawl("emnews", server.url, tmp_path, settings=SETTINGS, check=False)
    assert proc.returncode == 3  # the feed failed (README "exit codes")
    stats = crawl_stats(proc.stderr)
    assert stats["finews/failover/emnews/fastnews->kuaixun"] == 1
    assert stats["finews/list_error/http_503"] == 1
    assert "finews/listed/emnews" not in stats
    assert server.counts["article"] == 0
    assert site(tmp_path) == before


def test_a_bad_list_name_is_a_usage_error(replay, tmp_path):
    server = replay(flashes())
    proc = run_crawl("emnews", server.url, tmp_path, settings={"FINEWS_EMNEWS_LISTS": "fastnews,rss"},
                     check=False)
    assert proc.returncode == 2
    assert "FINEWS_EMNEWS_LISTS" in proc.stderr and "Traceback" not in proc.stderr
    assert server.counts["list"] == 0

