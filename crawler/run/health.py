"""Incidents and alerts: one alert when a feed starts failing, one when it recovers.

A cron job that fails every five minutes must not send an alert every five minutes. The
current verdict of each feed and whether its incident was alerted live in
``.finews/health.json``; alerts that could not be delivered wait there for the next run.
Delivery never fails a crawl: an alert a channel did not take is logged and retried
through that channel on the next run.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from crawler.archive.storage import atomic_write, resolve_inside
from crawler.run.alerts import Channel, channels
from crawler.run.history import append_run

logger = logging.getLogger("finews.health")

HEALTH = ".finews/health.json"
FAILING = "finews/health/failing"
WARNING = "finews/health/warning"
PENDING = "_pending"  # alerts not delivered yet, in health.json
UNSENT = "_unsent"  # in a pending alert: the channels it has not reached
# Exit codes (README "Exit codes"): a monitor failed; the run could not work at all.
EXIT_FAILING = 3
EXIT_BROKEN = 1
# A one-off crawl of named articles: judged by what it resolved, never an incident.
ONE_OFF = "share"


def feed_verdict(stats: dict[str, Any]) -> tuple[str, list[str]]:
    """``failing``, ``warning`` or ``healthy``, with the monitors' reasons."""
    if stats.get(FAILING):
        return "failing", list(stats[FAILING])
    if stats.get(WARNING):
        return "warning", list(stats[WARNING])
    return "healthy", []


def busy_at_this_hour(runs: list[dict], feed: str, now: datetime, hours: float) -> bool:
    """Has ``feed`` had no new article for ``hours`` although on most earlier days it had
    news at this hour of the day? (Needs history of two days or more to say.)"""
    window = timedelta(hours=hours)
    recent_new, covered = 0, False
    news_by_day: dict[Any, int] = defaultdict(int)
    for run in runs:
        try:
            finished = datetime.fromisoformat(run["finished"]).astimezone(now.tzinfo)
        except (KeyError, TypeError, ValueError):
            continue
        for summary in run.get("feeds", []):
            if summary.get("feed") != feed:
                continue
            if now - finished <= window:
                recent_new += summary.get("new", 0)
            else:
                covered = True
                if finished.hour == now.hour:
                    news_by_day[finished.date()] += summary.get("new", 0)
    if recent_new or not covered or len(news_by_day) < 2:
        return False
    busy_days = sum(1 for new in news_by_day.values() if new > 0)
    return busy_days * 2 > len(news_by_day)


def transition(previous: dict[str, Any], verdict: str) -> str | None:
    """The alert a verdict calls for, given the feed's state: ``failing`` once per incident,
    ``warning`` once while nothing was alerted, ``recovered`` on the first healthy run after
    an alerted incident; None otherwise."""
    alerted = previous.get("alerted", "")
    if verdict == "failing":
        return None if alerted == "failing" else "failing"
    if verdict == "warning":
        return None if alerted else "warning"
    return "recovered" if alerted else None


class HealthState:
    """``.finews/health.json`` of one archive (read at open, written by ``save``)."""

    def __init__(self, root: str):
        self.root = root
        path = resolve_inside(root, HEALTH)
        try:
            self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.data = {}
        if not isinstance(self.data, dict):
            self.data = {}

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.data.items() if not k.startswith("_") and isinstance(v, dict)}

    def update(self, feed: str, verdict: str, reasons: list[str], when: str, payload: dict[str, Any]) -> None:
        """Record the feed's verdict; queue the alert it calls for (see ``transition``)."""
        previous = self.data.get(feed, {})
        status = transition(previous, verdict)
        alerted = previous.get("alerted", "")
        if status == "recovered":
            alerted = ""
        elif status:
            alerted = status
        since = previous.get("since", when) if previous.get("verdict") == verdict else when
        self.data[feed] = {"verdict": verdict, "since": since, "reasons": reasons, "alerted": alerted}
        if status:
            self.data.setdefault(PENDING, []).append({**payload, "status": status, "feed": feed,
                                                      "reasons": reasons})

    def deliver(self, to: dict[str, Channel]) -> int:
        """Send every pending alert through each channel it has not reached yet; what fails
        stays pending for that channel alone. Returns how many deliveries went out."""
        left, sent = [], 0
        for alert in self.data.get(PENDING, []):
            message = {k: v for k, v in alert.items() if k != UNSENT}
            unsent = []
            for name in alert.get(UNSENT, list(to)):
                if name not in to:
                    continue  # a channel no longer configured
                try:
                    to[name](message)
                    sent += 1
                except Exception as exc:  # a dead receiver never fails the crawl
                    logger.warning("alert %s for %s not delivered to %s (%s); retried next run",
                                   alert.get("status"), alert.get("feed"), name, exc)
                    unsent.append(name)
            if unsent:
                left.append({**message, UNSENT: unsent})
        self.data[PENDING] = left
        return sent

    def save(self) -> None:
        if not self.data.get(PENDING):
            self.data.pop(PENDING, None)
        atomic_write(self.root, HEALTH, json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True))

    @property
    def failing(self) -> list[str]:
        return sorted(feed for feed, state in self.feeds().items() if state.get("verdict") == "failing")


def close_run(command: str, root: str, settings, summaries: list[dict[str, Any]], when: str,
              seconds: float, broken: bool = False) -> int:
    """After a run: alerts and health state, one history line; returns the exit code.

    3 when a feed's monitors failed, 1 when the run could not work at all (``broken``,
    an unresolved ``share`` target), else 0.
    """
    state = HealthState(root)
    for s in summaries:
        if s["feed"] == ONE_OFF:
            continue
        counts = {k: s[k] for k in ("listed", "fetched", "new", "updated", "dropped", "deferred", "errors")}
        payload = {"run": {"time": when, "command": command, "counts": counts},
                   "site": settings.get("FINEWS_SITE_BASE")}
        state.update(s["feed"], s["verdict"], s["reasons"], when, payload)
    state.deliver(channels(settings))
    state.save()
    failing = [s["feed"] for s in summaries if s["verdict"] == "failing" and s["feed"] != ONE_OFF]
    append_run(root, {"command": command, "finished": when, "seconds": seconds, "failed": failing,
                      "feeds": summaries}, settings.getint("FINEWS_HEALTH_HISTORY"))
    if broken or any(s["unresolved"] for s in summaries):
        return EXIT_BROKEN
    return EXIT_FAILING if failing else 0
