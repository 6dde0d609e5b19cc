"""Rows that can never be archived: no id, and rows dropped after fetching (not fetched again)."""

from __future__ import annotations

from crawler.replay.dataset import generate
from tests.support import crawl_stats, run_crawl

NOW = "2026-11-20T12:00:00+08:00"
# One row in two is dropped on purpose: far over the health monitor's drop share.
LENIENT = {"FINEWS_HEALTH_MAX_DROP_SHARE": 1}
DAY_LATER = "2026-11-21T13:00:00+08:00"  # 25 hours later: past FINEWS_DROP_RETRY_HOURS (24)


def test_a_row_without_code_is_dropped_as_no_id_and_never_fetched(replay, tmp_path):
    data = generate(seed=5, emnews=0, media=3, market=0)
    data["columns"]["350"][1]["code"] = ""
    server = replay(data)
    proc = run_crawl("media", server.url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    names = sorted(p.name for p in (tmp_path / "_posts").iterdir())
    assert len(names) == 2
    assert not any(n.endswith("-NW.md") for n in names)
    assert crawl_stats(proc.stderr)["finews/dropped/no_id"] == 1
    assert "dropped no_id" in proc.stderr
    assert server.counts["textapi"] == 2  # the row without a code was never fetched


def no_body_dataset() -> tuple[dict, str]:
    """Two media rows; the second has no text and no article page (dropped as no_body)."""
    data = generate(seed=6, emnews=0, media=2, market=0)
    row = data["columns"]["350"][1]
    code = f"NW{row['code']}"
    data["textapi"][code] = {"text": ""}
    data["pages"] = {}
    return data, code


def body_requests(server) -> int:
    return server.counts["textapi"] + server.counts["article"]


def test_a_dropped_row_is_fetched_again_only_when_it_changes_or_its_time_is_up(replay, tmp_path):
    data, code = no_body_dataset()
    first = replay(data)
    proc = run_crawl("media", first.url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    assert crawl_stats(proc.stderr)["finews/dropped/no_body"] == 1
    assert body_requests(first) == 3  # two text API answers, one article page (404)

    same = replay(data)
    proc = run_crawl("media", same.url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    stats = crawl_stats(proc.stderr)
    assert body_requests(same) == 0
    assert stats["finews/skipped/dropped_before"] == 1
    assert "finews/dropped/no_body" not in stats

    data["columns"]["350"][1]["title"] = "标题改过了"
    changed = replay(data)
    proc = run_crawl("media", changed.url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    assert body_requests(changed) == 2  # the changed row, through the text API and its page
    assert crawl_stats(proc.stderr)["finews/dropped/no_body"] == 1

    later = replay(data)
    proc = run_crawl("media", later.url, tmp_path, settings={"FINEWS_NOW": DAY_LATER, **LENIENT})
    assert body_requests(later) == 2
    assert crawl_stats(proc.stderr)["finews/fetch/drop_expired"] == 1


def test_a_dropped_row_that_is_archived_later_is_forgotten(replay, tmp_path):
    data, code = no_body_dataset()
    run_crawl("media", replay(data).url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    data["textapi"][code] = {"text": "<p>正文终于有了</p>"}
    data["columns"]["350"][1]["title"] = "标题改过了"
    run_crawl("media", replay(data).url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    assert any(p.name.endswith(f"-{code}.md") for p in (tmp_path / "_posts").iterdir())
    again = replay(data)
    run_crawl("media", again.url, tmp_path, settings={"FINEWS_NOW": NOW, **LENIENT})
    assert body_requests(again) == 0  # known now, as any archived post
