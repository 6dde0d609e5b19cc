"""The benchmark's pieces run end to end on a tiny dataset (no timing assertions)."""

from __future__ import annotations

import json

from bench.harness import (
    PYTHON, ReplayProcess, crawl_seconds, crawlall, make_dataset, run_measured,
)
from bench.run import Row, table
from bench.sequential import ordered, run_sequential
from crawler.replay.server import Replay, peak_rate


def test_peak_rate_counts_the_busiest_second():
    assert peak_rate([]) == 0
    assert peak_rate([0.0, 0.1, 0.2, 1.05, 1.1]) == 3
    assert peak_rate([0.0, 0.25, 0.5, 0.75, 1.0, 1.25]) == 4


def test_replay_reports_per_host_and_resets():
    replay = Replay({"kuaixun": [], "pages": {}})
    host = replay.enter("/finance.eastmoney.com/a/1.html")
    replay.answer("/finance.eastmoney.com/a/1.html")
    replay.leave(host)
    report = replay.report(with_paths=True)
    assert report["counts"] == {"article": 1}
    assert report["hosts"]["finance.eastmoney.com"]["peak_inflight"] == 1
    assert report["served"] == [("article", "/finance.eastmoney.com/a/1.html")]
    replay.reset()
    assert replay.report() == {"counts": {}, "hosts": {}}


def test_sequential_reads_lists_first():
    served = [["list", "/a"], ["article", "/b"], ["list", "/c"], ["textapi", "/d"]]
    assert ordered(served) == ["/a", "/c", "/b", "/d"]


def test_crawl_baseline_and_bare_spider_issue_the_same_requests(tmp_path):
    data = make_dataset(tmp_path / "d.json", 6)
    with ReplayProcess(data) as replay:
        run = crawlall(replay.url, tmp_path / "out", "backfill")
        assert crawl_seconds(run) > 0 and run.cpu > 0 and run.rss_mb > 0
        finews = replay.report(paths=True)
        assert finews["counts"]["list"] >= 2 and finews["counts"]["textapi"] == 3
        assert max(h["peak_inflight"] for h in finews["hosts"].values()) <= 8

        replay.reset()
        run_sequential(replay, finews["served"])
        assert replay.report()["counts"] == finews["counts"]

        replay.reset()
        paths = tmp_path / "served.json"
        paths.write_text(json.dumps(finews["served"]), encoding="utf-8")
        bare = run_measured([
            PYTHON, "-m", "scrapy", "runspider", "bench/bare.py", "-a", f"paths={paths}",
            "-s", f"FINEWS_REPLAY_URL={replay.url}",
        ])
        assert bare.returncode == 0, bare.output[-2000:]
        assert replay.report()["counts"] == finews["counts"]


def test_newer_dataset_adds_articles_at_the_head(tmp_path):
    base = json.loads(make_dataset(tmp_path / "a.json", 10).read_text(encoding="utf-8"))
    newer = json.loads(make_dataset(tmp_path / "b.json", 10, newer_than=4).read_text("utf-8"))
    assert len(newer["kuaixun"]) == len(base["kuaixun"]) + 2
    assert newer["kuaixun"][2:] == base["kuaixun"]
    assert newer["kuaixun"][0]["showtime"] > base["kuaixun"][0]["showtime"]


def test_table_marks_targets():
    text = table([Row("a", "1", ">= 1", True), Row("b", "2", "", None), Row("c", "3", "x", False)])
    assert text.splitlines()[0].endswith("PASS") and text.splitlines()[2].endswith("FAIL")
