"""Run health monitors (spidermon): what makes a feed's run failing, or worth a warning.

Spidermon runs both suites when each feed spider closes; at the end of the whole run the
command judges again every feed whose spider never closed (``judge_unclosed``), which no
monitor would otherwise have seen. Their verdicts go into the
crawler's stats (``finews/health/failing`` and ``finews/health/warning``, lists of
reasons) where the commands read them for the exit code, the run history and the
alerts (crawler.run.health): a monitor only judges, it never sends anything itself.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner
from spidermon.core.actions import Action

from crawler.archive.dates import run_now
from crawler.run.health import FAILING, WARNING, busy_at_this_hour
from crawler.run.history import read_runs
from crawler.run.summary import feed_summary

EASTMONEY = ("emnews", "media", "market")


class FeedMonitor(Monitor):
    """Base: the closing spider's summary (crawler.run.summary) and settings."""

    @property
    def summary(self) -> dict:
        return feed_summary(self.data.spider.name, dict(self.data.stats))

    @property
    def settings(self):
        return self.data.crawler.settings

    @property
    def one_off(self) -> bool:
        """``share`` fetches what it is told: no list, so no list monitors."""
        return self.data.spider.name == "share"


@monitors.name("feed")
class FeedFailing(FeedMonitor):
    @monitors.name("list read")
    def test_list_was_read(self):
        if self.one_off or not self.data.stats.get("finish_reason"):  # never ran: "finish reason" says so
            return
        s = self.summary
        if s["list_errors"]:
            self.fail(f"list error after retries ({_reasons(self.data.stats, 'finews/list_error/')})")
        if not s["listed"] and not self.data.stats.get("finews/feed/not_modified"):  # 304: nothing new
            self.fail("the list gave 0 rows")

    @monitors.name("drop share")
    def test_drop_share(self):
        s = self.summary
        rows = s["listed"] or s["fetched"]
        limit = self.settings.getfloat("FINEWS_HEALTH_MAX_DROP_SHARE")
        if rows and s["dropped"] / rows > limit:
            reasons = ", ".join(f"{k}={v}" for k, v in s["dropped_by_reason"].items())
            self.fail(f"{s['dropped'] / rows:.0%} of rows dropped (over {limit:.0%}: {reasons})")

    @monitors.name("post fields")
    def test_posts_have_title_date_category(self):
        missing = self.data.stats.get("finews/written/incomplete", 0)
        if missing:
            self.fail(f"{missing} posts written without a title, date or category")

    @monitors.name("finish reason")
    def test_finished(self):
        reason = self.data.stats.get("finish_reason", "")
        if not reason:
            self.fail("the spider never ran to its close")
        elif reason != "finished":
            self.fail(f"the run ended with {reason!r}, not 'finished'")


@monitors.name("feed warnings")
class FeedWarnings(FeedMonitor):
    @monitors.name("failover")
    def test_no_failover(self):
        used = _reasons(self.data.stats, "finews/failover/")
        if used:
            self.fail(f"failover used ({used})")

    @monitors.name("layout drift")
    def test_known_layouts(self):
        if self.data.spider.name not in EASTMONEY:
            return
        generic = self.data.stats.get("finews/body/generic", 0)
        bodies = sum(v for k, v in self.data.stats.items() if k.startswith("finews/body/") and isinstance(v, int))
        limit = self.settings.getfloat("FINEWS_HEALTH_MAX_GENERIC_SHARE")
        if bodies and generic / bodies > limit:
            self.fail(f"layout drift: {generic} of {bodies} article pages matched no known layout")

    @monitors.name("stale")
    def test_not_stale(self):
        if self.one_off or self.summary["new"]:
            return
        hours = self.settings.getfloat("FINEWS_HEALTH_STALE_HOURS")
        runs = read_runs(self.settings.get("FINEWS_OUTPUT_DIR"))
        name = self.data.spider.name
        now = run_now(self.settings.get("FINEWS_NOW"), self.settings.get("FINEWS_TIMEZONE"))
        if busy_at_this_hour(runs, name, now, hours):
            self.fail(f"no new article for {hours:g} h, though {name} is normally busy at this hour")


def _reasons(stats, prefix: str) -> str:
    return ", ".join(f"{k[len(prefix):]}={v}" for k, v in sorted(stats.items()) if k.startswith(prefix))


class RecordVerdict(Action):
    """Put the failed monitors' messages into the stats, under ``key``."""

    key = FAILING

    def run_action(self):
        reasons = [str(r.reason) for r in self.result.monitors_failed_results if getattr(r, "reason", None)]
        self.data.crawler.stats.set_value(self.key, reasons)


class RecordWarning(RecordVerdict):
    key = WARNING


class FailingSuite(MonitorSuite):
    monitors = [FeedFailing]
    monitors_failed_actions = [RecordVerdict]


class WarningSuite(MonitorSuite):
    monitors = [FeedWarnings]
    monitors_failed_actions = [RecordWarning]


class MonitorLog(SpiderMonitorResult):
    """Spidermon's report through the spider's logger (``Spider.log`` is deprecated): its
    step-by-step lines at DEBUG, a failed monitor at WARNING (not ERROR: it is the run's
    verdict, not an error of the feed's own, and the summary table shows it)."""

    def log(self, msg, level=logging.DEBUG):
        level = logging.WARNING if level >= logging.WARNING else logging.DEBUG
        self.spider.logger.log(level, "[Spidermon] %s", msg)

    def write_errors(self):
        """One line per failed monitor, its reason: a monitor's verdict is no traceback."""
        for status in self.step.error_statuses:
            for result in self.step.items_for_status(status):
                reason = getattr(result, "reason", None) or str(result.error).strip().splitlines()[-1]
                self.log(f"{result.item.name}: {reason}", level=logging.WARNING)


class MonitorRunner(SpiderMonitorRunner):
    def create_result(self):
        return MonitorLog(self.spider)


class HealthMonitors(Spidermon):
    """Spidermon's extension, reporting through ``MonitorLog``."""

    def _run_suites(self, spider, suites):
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            MonitorRunner(spider=spider).run(suite, **data)


def judge_unclosed(crawler, name: str) -> None:
    """Run both suites over a feed whose spider never closed (it failed to start), so that
    its verdict is failing like any broken feed's rather than no verdict at all."""
    if crawler.stats is None or crawler.stats.get_value("finish_reason"):
        return
    spider = crawler.spider or SimpleNamespace(name=name, logger=logging.getLogger(name))
    data = {"stats": crawler.stats.get_stats(), "stats_history": [], "crawler": crawler, "spider": spider,
            "sc_spider_name": name, "job": None}
    for suite in (FailingSuite, WarningSuite):
        MonitorRunner(spider=spider).run(suite(crawler=crawler), **data)
