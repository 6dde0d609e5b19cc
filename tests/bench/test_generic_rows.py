"""The generic-source rows' pieces on a tiny dataset (no timing assertions)."""

from __future__ import annotations

from bench.generic_rows import (
    PAGES, feeds_crawl, library, make_generic, posts_written, sources_yaml,
)
from bench.harness import ReplayProcess
from bench.run import PINNED_NOW, Setup
from crawler.run.sources import load_sources


def test_feeds_crawl_of_real_pages_then_a_quiet_rerun(tmp_path):
    setup = Setup(tmp_path, None, (PINNED_NOW,))
    data = make_generic(tmp_path / "g.json", 4, 2, PAGES)
    sources = sources_yaml(tmp_path / "g.yml", 2)
    assert [s.feeds for s in load_sources(sources)] == [
        ("http://site-001.example-generic.test/feed.xml",), ("http://site-002.example-generic.test/feed.xml",)]
    with ReplayProcess(data) as replay:
        run = feeds_crawl(setup, replay, tmp_path / "out", sources)
        assert run.cpu > 0 and posts_written(tmp_path / "out") == 4
        assert replay.report()["counts"] == {"robots": 2, "feed": 2, "article": 4}
        replay.reset()
        feeds_crawl(setup, replay, tmp_path / "out", sources)
        assert replay.report()["counts"] == {"robots": 2, "not_modified": 2}
    assert "of 4" in library(data, 4).output
    assert "extracted 0 of 0" in library(data, 0).output
