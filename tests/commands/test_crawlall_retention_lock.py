"""Retention at the Beijing-midnight cut, retired ids in a list, and the run lock."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from crawler.run.runlock import LockHeld, RunLock
from tests.support import ROOT, run_crawlall, tree_state


def flash(newsid: str, when: str) -> dict:
    return {"id": newsid, "newsid": newsid, "title": f"快讯{newsid[-2:]}",
            "digest": f"【快讯】内容{newsid[-2:]}", "showtime": when,
            "url_w": f"http://finance.eastmoney.com/a/{newsid}.html"}


LATE = flash("202611170000000001", "2026-11-17 23:59:00")
EARLY = flash("202611180000000002", "2026-11-18 00:01:00")
# 00:30 on 2026-11-20 in Beijing, given in UTC: the window is 11-18, 11-19 and 11-20.
JUST_AFTER_MIDNIGHT = "2026-11-19T16:30:00+00:00"
# The data sets here hold rolling news only: an empty media or market list fails its health.
EMNEWS_ONLY = {"FINEWS_FEEDS": "emnews"}


def test_retention_cut_is_beijing_midnight(replay, tmp_path):
    server = replay({"kuaixun": [EARLY, LATE]})
    run_crawlall(server.url, tmp_path, settings={"FINEWS_NOW": "2026-11-19T23:59:00+08:00", **EMNEWS_ONLY})
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == [
        "2026-11-17-202611170000000001.md", "2026-11-18-202611180000000002.md"]

    proc = run_crawlall(replay({"kuaixun": [EARLY, LATE]}).url, tmp_path,
                        settings={"FINEWS_NOW": JUST_AFTER_MIDNIGHT, **EMNEWS_ONLY})
    assert [p.name for p in (tmp_path / "_posts").iterdir()] == ["2026-11-18-202611180000000002.md"]
    assert [p.name for p in (tmp_path / "old_post").iterdir()] == ["2026-11-17-202611170000000001.md"]
    assert "retired to old_post/: 1" in proc.stdout


def test_retired_id_in_a_list_is_never_fetched_or_written_again(replay, tmp_path):
    run_crawlall(replay({"kuaixun": [EARLY, LATE]}).url, tmp_path,
                 settings={"FINEWS_NOW": JUST_AFTER_MIDNIGHT, **EMNEWS_ONLY})
    before = tree_state(tmp_path)
    changed = dict(LATE, title="改过的标题")  # even a changed row, even with refresh
    for args in ((), ("refresh=1",)):
        server = replay({"kuaixun": [EARLY, changed]})
        proc = run_crawlall(server.url, tmp_path, *args, settings={"FINEWS_NOW": JUST_AFTER_MIDNIGHT, **EMNEWS_ONLY})
        assert not any(LATE["id"] in p for p in server.replay.paths if "getlist_" not in p)
        assert "retired=1" in proc.stdout
    assert not list((tmp_path / "_posts").glob(f"*{LATE['id']}*"))
    after = tree_state(tmp_path)
    assert after["old_post/2026-11-17-202611170000000001.md"] == before[
        "old_post/2026-11-17-202611170000000001.md"]


def test_second_run_exits_0_at_once_while_the_lock_is_held(replay, tmp_path):
    server = replay({"kuaixun": [EARLY]})
    with RunLock(tmp_path / ".finews" / "lock"):
        started = time.monotonic()
        proc = run_crawlall(server.url, tmp_path, settings={"FINEWS_NOW": JUST_AFTER_MIDNIGHT, **EMNEWS_ONLY})
        seconds = time.monotonic() - started
    assert proc.returncode == 0
    assert "another run holds the lock" in proc.stdout
    assert sum(server.counts.values()) == 0
    assert not (tmp_path / "_posts").exists()
    assert seconds < 10


def test_lock_of_a_killed_run_does_not_block(replay, tmp_path):
    lock = tmp_path / ".finews" / "lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from crawler.run.runlock import RunLock; "
         f"RunLock({str(lock)!r}).acquire(); print('held', flush=True); time.sleep(120)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld):
            RunLock(lock).acquire()
    finally:
        holder.kill()
        holder.wait()
    assert lock.exists()  # left behind by the killed run
    server = replay({"kuaixun": [EARLY]})
    proc = run_crawlall(server.url, tmp_path, settings={"FINEWS_NOW": JUST_AFTER_MIDNIGHT, **EMNEWS_ONLY})
    assert "another run holds the lock" not in proc.stdout
    assert (tmp_path / "_posts" / "2026-11-18-202611180000000002.md").exists()
