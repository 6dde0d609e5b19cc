"""One writer at a time per output directory: an flock on ``.finews/lock``.

Every finews process that writes an archive holds it for its whole run: the index, the
slug registry, posts and retention are each read at the start and written until the end,
so two runs interleaving would lose each other's writes. ``crawlall`` does not wait (an
overlapping scheduled run is pointless); a one-off ``scrapy crawl`` waits its turn.
The kernel drops the lock when its process dies, so a killed run never blocks the next.
The lock file is created once and never written, so holding it changes no mtime.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

LOCK = ".finews/lock"
# How often a waiting run tries the lock again.
_POLL_SECONDS = 0.1


class LockHeld(RuntimeError):
    """Another process holds the run lock."""


class RunLock:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, wait: float = 0.0) -> "RunLock":
        """Take the lock, waiting up to ``wait`` seconds; raises LockHeld when another run
        still has it then."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    waited = f" after waiting {wait:g} s" if wait else ""
                    raise LockHeld(f"another run holds the lock {self.path}{waited}") from None
                time.sleep(_POLL_SECONDS)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def wait_for_lock(path: str | Path, wait: float, announce: Callable[[str], None]) -> RunLock:
    """The lock at ``path``, waiting up to ``wait`` seconds for another run to finish;
    ``announce`` is told once when waiting begins. Raises LockHeld when the wait runs out."""
    lock = RunLock(path)
    try:
        return lock.acquire()
    except LockHeld as exc:
        announce(f"{exc}; waiting up to {wait:g} s for it (FINEWS_LOCK_WAIT_SECONDS)")
    return lock.acquire(wait)
