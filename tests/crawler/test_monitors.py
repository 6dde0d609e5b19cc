"""A feed whose spider never closed is judged after the run: failing, not verdict-less."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings

from crawler.run.health import FAILING, feed_verdict
from crawler.run.monitors import judge_unclosed


def crawler_with_stats(stats: dict) -> SimpleNamespace:
    """What ``judge_unclosed`` reads of a crawler whose spider was never created."""
    crawler = SimpleNamespace(settings=get_project_settings(), spider=None)
    crawler.stats = MemoryStatsCollector(crawler)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    return crawler


def test_a_feed_that_never_closed_is_failing():
    crawler = crawler_with_stats({})
    judge_unclosed(crawler, "emnews")
    assert feed_verdict(crawler.stats.get_stats()) == ("failing", ["the spider never ran to its close"])


def test_a_closed_feed_keeps_the_verdict_of_its_close():
    crawler = crawler_with_stats({"finish_reason": "finished"})
    judge_unclosed(crawler, "emnews")
    assert crawler.stats.get_value(FAILING) is None
