"""What a feed's progress is made of: its counts from the crawler's stats, the rate over
the last seconds and the time left. Shared by the log line and the terminal display."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from crawler.run.summary import feed_summary

# The rate (and so the ETA) is measured over at least this many recent seconds: long
# enough not to jump with every response, short enough to follow a source slowing down.
RATE_WINDOW = 10.0


@dataclass(frozen=True)
class Counts:
    """Where a feed stands. ``total``: rows whose body is to be fetched (share: targets
    asked), as far as the lists were read yet; ``done``: those written, dropped or deferred."""

    listed: int
    total: int
    done: int
    written: int


def read_counts(feed: str, stats: dict[str, Any]) -> Counts:
    """A feed's counts from its crawler's stats (``share`` lists nothing: its targets count)."""
    summary = feed_summary(feed, stats)
    asked = stats.get("finews/share/asked", 0)
    written = summary["new"] + summary["updated"] + summary["unchanged"]
    total = summary["fetched"] + asked
    done = written + summary["dropped"] + summary["deferred"]
    # Rows dropped before their body was asked for (duplicate ids) are not in the total.
    return Counts(summary["listed"] + asked, total, min(done, total), written)


class Meter:
    """Rows done per second over the last ``window`` seconds."""

    def __init__(self, window: float, start: float):
        self.window = window
        self.samples: deque[tuple[float, int]] = deque([(start, 0)])

    def rate(self, done: int, now: float) -> float:
        self.samples.append((now, done))
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()
        then, before = self.samples[0]
        return (done - before) / (now - then) if now > then else 0.0


def eta(counts: Counts, rate: float) -> str:
    """Time left at ``rate``, as H:MM:SS; empty while the total or the rate is unknown."""
    if not counts.total or counts.done >= counts.total or rate <= 0:
        return ""
    return str(timedelta(seconds=math.ceil((counts.total - counts.done) / rate)))


def describe(counts: Counts, rate: float) -> str:
    """The log line's text: ``listed 120, fetched 40/80, written 38, 2.1/s[, ETA 0:00:19]``."""
    text = (f"listed {counts.listed}, fetched {counts.done}/{counts.total}, "
            f"written {counts.written}, {rate:.1f}/s")
    left = eta(counts, rate)
    return f"{text}, ETA {left}" if left else text
