"""The benchmark's plumbing: datasets, a replay server in its own process, measured runs.

The replay runs in a separate process so that every CPU and memory figure is the
crawler's own; each crawl is a child process whose rusage is read with ``wait4``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_URL = re.compile(r"FINEWS_REPLAY_URL=(http://[\d.]+:\d+)")
_SECONDS = re.compile(r"finews crawlall: \d+ feeds in ([\d.]+) s")
# Measured runs start as on an installed machine, where Python caches bytecode: a sandbox's
# PYTHONDONTWRITEBYTECODE would make every child compile the project's modules again.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def make_dataset(path: Path, articles: int, newer_than: int = 0) -> Path:
    """Write a dataset file in a child process (``python -m bench.datasets``).

    The benchmark process never holds a dataset: a child's peak RSS as the kernel reports
    it is at least its parent's at fork, so a big parent would inflate every figure.
    """
    cmd = [PYTHON, "-m", "bench.datasets", str(articles), str(path)]
    if newer_than:
        cmd += ["--newer", str(newer_than)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return path


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


class ServerProcess:
    """A server the benchmark started as a child (``proc``): stopped on ``stop()`` or when its
    ``with`` block ends."""

    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ReplayProcess(ServerProcess):
    """``python -m crawler.replay`` on a free port; read its counters over HTTP."""

    def __init__(self, dataset_file: Path, latency: float = 0.0):
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "crawler.replay", "--dataset", str(dataset_file), "--port", "0",
             "--latency", str(latency), "--no-rebase"],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        m = _URL.search(line)
        if not m:
            self.stop()
            raise RuntimeError(f"replay did not start: {line!r}")
        self.url = m.group(1)

    def _get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=60) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        self._get("/_replay/reset")

    def report(self, paths: bool = False) -> dict[str, Any]:
        """Requests per kind, per host (``requests``, ``peak_rate``/s, ``peak_inflight``,
        ``first_arrival`` and ``last_answer`` on the replay's clock)."""
        return self._get("/_replay/counts" + ("?paths=1" if paths else ""))


@dataclass
class Measured:
    """One child process: wall seconds, CPU seconds (user + sys), peak RSS in MB, output."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    output: str


def run_measured(cmd: list[str], timeout: float = 600) -> Measured:
    """Run ``cmd`` (cwd = the project) and read its own rusage with ``wait4``."""
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=CHILD_ENV)
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    proc.returncode, text)


def crawlall(replay_url: str, output: Path, profile: str, *settings: str,
             options: tuple[str, ...] = ()) -> Measured:
    """``scrapy crawlall`` against the replay under a FINEWS_PROFILE; fails loudly.
    ``options``: more of its command line (``--workers 4``)."""
    cmd = [PYTHON, "-m", "scrapy", "crawlall", *options, "-s", f"FINEWS_PROFILE={profile}",
           "-s", f"FINEWS_REPLAY_URL={replay_url}", "-s", f"FINEWS_OUTPUT_DIR={output}"]
    for setting in settings:
        cmd += ["-s", setting]
    run = run_measured(cmd)
    # 3: a feed's health monitors failed (a synthetic data set may leave a feed empty);
    # the crawl itself ran, and its speed is what is measured here.
    if run.returncode not in (0, 3):
        raise RuntimeError(f"crawlall exited {run.returncode}:\n{run.output[-3000:]}")
    return run


def crawl_seconds(run: Measured) -> float:
    """The crawl's own wall time as crawlall prints it (interpreter start-up excluded)."""
    m = _SECONDS.search(run.output)
    if not m:
        raise RuntimeError(f"no crawl time in crawlall's output:\n{run.output[-2000:]}")
    return float(m.group(1))


class RedisProcess(ServerProcess):
    """Debian's ``redis-server`` on a free loopback port, no persistence, its files in ``folder``."""

    def __init__(self, folder: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
