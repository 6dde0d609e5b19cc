"""-a limit and -a since on the feed spiders."""

from __future__ import annotations

import pytest

from crawler.replay.dataset import generate
from tests.support import run_crawl

THEN = {"FINEWS_NOW": "2026-11-20T12:00:00", "FINEWS_EMNEWS_PAGE_SIZE": 10, "FINEWS_EMNEWS_MAX_PAGES": 50}


def written(root) -> list[str]:
    folder = root / "_posts"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_limit_caps_rows_and_stops_paging(replay, tmp_path):
    data = generate(seed=3, emnews=50, media=0, market=0)
    server = replay(data)
    run_crawl("emnews", server.url, tmp_path, "limit=15", settings=THEN)
    newest = {r["id"] for r in data["kuaixun"][:15]}
    assert {n[11:-3] for n in written(tmp_path)} == newest
    assert server.counts["list"] == 2  # pages of 10: the second is cut at 5 rows


def test_since_skips_older_rows_and_stops_paging(replay, tmp_path):
    data = generate(seed=3, emnews=100, media=0, market=0)  # 7 minutes apart, 09:00 back to 11-19
    server = replay(data)
    run_crawl("emnews", server.url, tmp_path, "since=2026-11-20", settings=THEN)
    expected = {r["id"] for r in data["kuaixun"] if r["showtime"] >= "2026-11-20"}
    assert 0 < len(expected) < 100
    assert {n[11:-3] for n in written(tmp_path)} == expected
    assert server.counts["list"] == -(-len(expected) // 10)  # no page beyond the first older row


@pytest.mark.parametrize("arg", ["limit=ten", "since=20/11/2026"])
def test_bad_argument_is_a_clear_error(replay, tmp_path, arg):
    server = replay(generate(seed=3, emnews=5, media=0, market=0))
    proc = run_crawl("emnews", server.url, tmp_path, arg, settings=THEN, check=False)
    assert proc.returncode == 2  # a usage error: refused before the crawl starts
    assert "expected" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert server.counts["list"] == 0 and written(tmp_path) == []
