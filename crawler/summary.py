"""Per-feed run summaries from Scrapy stats: one table for people, one JSON for machines."""

from __future__ import annotations

from typing import Any

COLUMNS = ("listed", "new", "updated", "unchanged", "dropped", "deferred", "errors")


def feed_summary(feed: str, stats: dict[str, Any]) -> dict[str, Any]:
    """What one spider run did, read from its ``finews/…`` stats."""

    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

    dropped = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("finews/dropped/")}
    list_errors = total("finews/list_error/")
    return {
        "feed": feed,
        "listed": stats.get(f"finews/listed/{feed}", 0),
        "new": stats.get("finews/written/new", 0),
        "updated": stats.get("finews/written/updated", 0),
        "unchanged": stats.get("finews/written/unchanged", 0),
        "dropped": sum(dropped.values()),
        "dropped_by_reason": dict(sorted(dropped.items())),
        "deferred": total("finews/deferred/"),
        "errors": stats.get("log_count/ERROR", 0),
        "list_errors": list_errors,
        "finish_reason": stats.get("finish_reason", ""),
    }


def feed_failed(summary: dict[str, Any]) -> bool:
    """A feed failed entirely when its list could not be read at all."""
    return summary["listed"] == 0 and summary["list_errors"] > 0


def format_table(summaries: list[dict[str, Any]]) -> str:
    width = max([len("feed")] + [len(s["feed"]) for s in summaries])
    lines = ["feed".ljust(width) + "".join(c.rjust(10) for c in COLUMNS)]
    for s in summaries:
        lines.append(s["feed"].ljust(width) + "".join(str(s[c]).rjust(10) for c in COLUMNS))
    for s in summaries:
        if s["dropped_by_reason"]:
            reasons = ", ".join(f"{k}={v}" for k, v in s["dropped_by_reason"].items())
            lines.append(f"dropped in {s['feed']}: {reasons}")
    return "\n".join(lines)
