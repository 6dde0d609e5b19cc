"""Per-feed run summaries from Scrapy stats: one table for people, one JSON for machines."""

from __future__ import annotations

from typing import Any

from crawler.run.health import feed_verdict

COLUMNS = ("listed", "fetched", "new", "updated", "unchanged", "skipped", "dropped", "deferred",
           "errors")


def _by_reason(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    found = {k[len(prefix):]: v for k, v in stats.items()
             if k.startswith(prefix) and "/" not in k[len(prefix):] and isinstance(v, int)}
    return dict(sorted(found.items()))


def feed_summary(feed: str, stats: dict[str, Any]) -> dict[str, Any]:
    """What one spider run did, read from its ``finews/…`` stats.

    ``fetched``: list rows whose body was requested (by reason: new, changed, recheck,
    refresh); ``skipped``: rows the archive already holds (known, retired).
    """
    dropped = _by_reason(stats, "finews/dropped/")
    fetched = _by_reason(stats, "finews/fetch/")
    skipped = _by_reason(stats, "finews/skipped/")
    verdict, reasons = feed_verdict(stats)
    summary = {
        "feed": feed,
        "listed": stats.get(f"finews/listed/{feed}", 0),
        "fetched": sum(fetched.values()),
        "fetched_by_reason": fetched,
        "new": stats.get("finews/written/new", 0),
        "updated": stats.get("finews/written/updated", 0),
        "unchanged": stats.get("finews/written/unchanged", 0),
        "skipped": sum(skipped.values()),
        "skipped_by_reason": skipped,
        "dropped": sum(dropped.values()),
        "dropped_by_reason": dropped,
        "deferred": sum(_by_reason(stats, "finews/deferred/").values()),
        "retired": stats.get("finews/retired", 0),
        "errors": stats.get("finews/errors", 0),
        "list_errors": sum(_by_reason(stats, "finews/list_error/").values()),
        "unresolved": stats.get("finews/share/unresolved", 0),
        "failover": _by_reason(stats, f"finews/failover/{feed}/"),
        "verdict": verdict,
        "reasons": reasons,
        "finish_reason": stats.get("finish_reason", ""),
    }
    # Distributed runs only: shared-queue entries and inbox messages that were not ours.
    queue_dropped = _by_reason(stats, "finews/queue/dropped/")
    if queue_dropped:
        summary["queue_dropped"] = queue_dropped
    return summary


def archive_changed(summaries: list[dict[str, Any]]) -> bool:
    """Did the run write, update or retire any post?"""
    return any(s["new"] or s["updated"] or s["retired"] for s in summaries)


def format_table(summaries: list[dict[str, Any]]) -> str:
    width = max([len("feed")] + [len(s["feed"]) for s in summaries])
    lines = ["feed".ljust(width) + "".join(c.rjust(10) for c in COLUMNS)]
    for s in summaries:
        lines.append(s["feed"].ljust(width) + "".join(str(s[c]).rjust(10) for c in COLUMNS))
    for s in summaries:
        for what in ("fetched", "skipped", "dropped"):
            if s[f"{what}_by_reason"]:
                reasons = ", ".join(f"{k}={v}" for k, v in s[f"{what}_by_reason"].items())
                lines.append(f"{what} in {s['feed']}: {reasons}")
    for s in summaries:
        if s.get("queue_dropped"):
            reasons = ", ".join(f"{k}={v}" for k, v in s["queue_dropped"].items())
            lines.append(f"foreign queue entries dropped in {s['feed']}: {reasons}")
    for s in summaries:
        if s["verdict"] != "healthy":
            lines.append(f"{s['verdict']}: {s['feed']}: {'; '.join(s['reasons'])}")
    for s in summaries:
        if s["failover"]:
            lines.append(f"failover in {s['feed']}: {', '.join(s['failover'])}")
    for s in summaries:
        if s["unresolved"]:
            lines.append(f"unresolved in {s['feed']}: {s['unresolved']} (see the unresolved: lines of the log)")
    retired = sum(s["retired"] for s in summaries)
    if retired:
        lines.append(f"retired to old_post/: {retired}")
    return "\n".join(lines)
