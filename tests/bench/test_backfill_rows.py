"""The backfill-at-the-bound rows' pieces, end to end on a tiny dataset (no timing assertions)."""

from __future__ import annotations

from bench.backfill_rows import LATENCY, at_the_bound, crawl_run, crawlall_run, make_feeds
from bench.datasets import feeds
from bench.harness import ReplayProcess
from bench.run import PINNED_NOW, Setup


def test_a_feeds_dataset_holds_n_articles_of_each_feed_named_and_no_other():
    data = feeds(10, ["emnews", "market"])
    assert len(data["kuaixun"]) == 10
    assert all(not rows for rows in data["columns"].values())
    assert sorted(len(rows) for rows in data["market"].values()) == [3, 3, 4]
    assert {len(rows) for rows in feeds(0, ["emnews", "media", "market"])["columns"].values()} == {0}


def test_each_command_is_measured_against_its_busiest_hosts_bound(tmp_path):
    setup = Setup(tmp_path, None, (PINNED_NOW,))
    full = make_feeds(tmp_path / "full.json", 8, ("emnews", "market"))
    empty = make_feeds(tmp_path / "empty.json", 0, ("emnews", "market"))
    with ReplayProcess(full, LATENCY) as replay, ReplayProcess(empty, LATENCY) as nothing:
        one = at_the_bound("crawl emnews", crawl_run(setup, "emnews"), replay, nothing, 1, tmp_path / "one")
        both = at_the_bound("crawlall", crawlall_run(setup), replay, nothing, 1, tmp_path / "all")
    # 8 rolling-news rows, each followed to its article page: 8 x 50 ms / 8
    assert "finance.eastmoney.com" in one.figure and "/ 0.05 s = " in one.value
    assert "choicewzp1.eastmoney.com" in both.figure or "finance.eastmoney.com" in both.figure
    assert one.ok in (True, False) and both.ok in (True, False)
    assert len(list((tmp_path / "one-0" / "_posts").iterdir())) == 8
