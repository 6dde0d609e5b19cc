"""The terminal display of a crawl's progress (rich): only imported when stderr is a TTY,
so a cron run never loads rich (a quarter of an empty crawl's set-up)."""

from __future__ import annotations

import atexit
import logging
import sys
from datetime import timedelta
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from crawler.run.counts import Counts, eta

# Display updates per second: enough to look live, too few to cost the crawl anything.
REFRESH_PER_SECOND = 4


def _repoint_log(old: IO[str], new: IO[str]) -> None:
    """Point the root logger's stream handlers writing to ``old`` at ``new``: Scrapy's
    handler holds the stderr it was made with, which the display writes over."""
    for handler in logging.root.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is old:
            handler.setStream(new)


class Display:
    """The process's one rich display (``shared``): a row per feed, the log printed above.

    It starts with the first feed and stops, its last state left on screen, when the last
    feed of the process closes (or at exit, after a forced shutdown closed none).
    """

    _current: Display | None = None
    period = 1 / REFRESH_PER_SECOND  # seconds between two updates of a feed's row

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("listed {task.fields[listed]}"),
            TextColumn("fetched {task.fields[fetched]}"),
            TextColumn("written {task.fields[written]}"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[eta]}"),
            console=Console(stderr=True),
            refresh_per_second=REFRESH_PER_SECOND,
            redirect_stderr=True,
            redirect_stdout=sys.stdout.isatty(),
        )
        self.open = 0

    @classmethod
    def shared(cls) -> Display:
        if cls._current is None:
            cls._current = cls()
        return cls._current

    def add(self, feed: str) -> TaskID:
        if not self.open:
            self._start()
        self.open += 1
        return self.progress.add_task(feed, total=None, **self._fields(Counts(0, 0, 0, 0), 0.0))

    def show(self, task: TaskID, counts: Counts, rate: float) -> None:
        self.progress.update(task, completed=counts.done, total=counts.total or None,
                             **self._fields(counts, rate))

    def finish(self, task: TaskID, counts: Counts, rate: float, seconds: float) -> None:
        self.show(task, counts, rate)
        self.progress.update(task, eta=f"in {timedelta(seconds=round(seconds))}")
        self.progress.stop_task(task)
        self.open -= 1
        if not self.open:
            self._stop()

    def _start(self) -> None:
        stderr = sys.stderr
        self.progress.start()
        _repoint_log(stderr, sys.stderr)
        atexit.register(self._stop)

    def _stop(self) -> None:
        atexit.unregister(self._stop)
        proxy = sys.stderr
        self.progress.stop()
        _repoint_log(proxy, sys.stderr)
        Display._current = None

    @staticmethod
    def _fields(counts: Counts, rate: float) -> dict[str, Any]:
        left = eta(counts, rate)
        return {"listed": counts.listed, "fetched": f"{counts.done}/{counts.total}",
                "written": counts.written, "rate": f"{rate:.1f}/s",
                "eta": f"ETA {left}" if left else ""}
