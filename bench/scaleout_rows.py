"""Issue 15's scaling rows: one backfill coordinated over 1, 2 and 4 workers.

600 rolling-news articles whose pages are spread over 40 hosts (``bench.datasets --spread``),
200 ms a response, at most 2 requests open per host over all workers together
(FINEWS_HOST_CONCURRENCY=2, FINEWS_HOST_INTERVAL=0), each worker at most 8 open requests
(CONCURRENT_REQUESTS=8: one worker stands for one machine's capacity). Each worker is a
standing ``scrapy worker --forever``, as a machine runs it (docs/scale-out.md): started
before the run, its process for the run loaded and waiting. Each run is ``crawlall
--workers 0`` against the replay, with a redis-server of its own on a free port; its wall
time is crawlall's crawl clock. The ``feeds`` spider still runs inside the coordinator, so
the dataset is Eastmoney's.

The CPU figure is the coordinator's and its workers' together (``wait4`` of each, the
workers' including their start-up): next to wall × cores it shows whether this machine,
not the design, is the limit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import CHILD_ENV, PYTHON, ROOT, Measured, RedisProcess, ReplayProcess, crawl_seconds, crawlall

if TYPE_CHECKING:  # bench.run imports this module: Row and check are imported when called
    from bench.run import Row, Setup

HOST_CAP, LATENCY, PER_WORKER = 2, 0.2, 8
MIN_EFFICIENCY = 0.8  # speed-up with N workers >= 0.8 x N


@dataclass(frozen=True)
class Sizes:
    articles: int
    hosts: int
    workers: tuple[int, ...]


FULL = Sizes(articles=600, hosts=40, workers=(1, 2, 4))
QUICK = Sizes(articles=160, hosts=40, workers=(1, 2))


def scaleout_rows(setup: Setup, quick: bool = False) -> list[Row]:
    from bench.run import Row

    if shutil.which("redis-server") is None:
        return [Row("scale-out rows (crawlall --workers N)", "skipped", "redis-server not installed")]
    return scaling(setup, QUICK if quick else FULL)


def make_spread(path: Path, articles: int, hosts: int) -> Path:
    """The dataset, written by a child process (as harness.make_dataset)."""
    subprocess.run([PYTHON, "-m", "bench.datasets", str(articles), str(path), "--spread", str(hosts)],
                   cwd=ROOT, check=True)
    return path


WORKER_SETTINGS = ("FINEWS_PROFILE=backfill", f"FINEWS_HOST_CONCURRENCY={HOST_CAP}", "FINEWS_HOST_INTERVAL=0",
                   f"CONCURRENT_REQUESTS={PER_WORKER}")


def coordinated(setup: Setup, replay: ReplayProcess, redis_url: str, output: Path) -> Measured:
    """One ``crawlall --workers 0`` run of the emnews feed, backfill profile, the caps above."""
    return crawlall(replay.url, output, "backfill", *setup.settings, "FINEWS_FEEDS=emnews",
                    f"FINEWS_REDIS_URL={redis_url}", *WORKER_SETTINGS[1:], options=("--workers", "0"))


class StandingWorkers:
    """``count`` ``scrapy worker --forever`` processes, each waiting for the next run once
    started; ``stop()`` ends them and returns their CPU seconds (children included)."""

    def __init__(self, setup: Setup, redis_url: str, count: int):
        self.redis_url = redis_url
        cmd = [PYTHON, "-m", "scrapy", "worker", "--forever", "-s", f"FINEWS_REDIS_URL={redis_url}"]
        for setting in (*setup.settings, *WORKER_SETTINGS):
            cmd += ["-s", setting]
        self.procs = [subprocess.Popen(cmd, cwd=ROOT, env=CHILD_ENV, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL) for _ in range(count)]

    def wait_ready(self, timeout: float = 120) -> None:
        import redis

        from crawler.distributed.runs import waiting_workers

        client = redis.Redis.from_url(self.redis_url)
        deadline = time.monotonic() + timeout
        while waiting_workers(client, "finews") < len(self.procs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                raise RuntimeError("the standing workers did not all start")
            time.sleep(0.05)
        client.close()

    def stop(self) -> float:
        cpu = 0.0
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            _, _, usage = os.wait4(proc.pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
        return cpu


def posts_written(output: Path) -> int:
    report = json.loads((output / ".finews" / "last-run.json").read_text(encoding="utf-8"))
    return sum(f["new"] for f in report["feeds"])


def scaling(setup: Setup, sizes: Sizes) -> list[Row]:
    from bench.run import Row, check

    tmp, n = setup.work, sizes.articles
    data = make_spread(tmp / "scaleout.json", n, sizes.hosts)
    clocks: dict[int, float] = {}
    rows: list[Row] = []
    with RedisProcess(tmp) as redis_server, ReplayProcess(data, LATENCY) as replay:
        for workers in sizes.workers:
            replay.reset()
            out = tmp / f"scaleout-{workers}"
            standing = StandingWorkers(setup, redis_server.url, workers)
            try:
                standing.wait_ready()
                run = coordinated(setup, replay, redis_server.url, out)
            finally:
                workers_cpu = standing.stop()
            if posts_written(out) != n:
                raise RuntimeError(f"{workers} workers wrote {posts_written(out)} posts, not {n}")
            report = replay.report()
            clocks[workers] = clock = crawl_seconds(run)
            requests = sum(report["counts"].values())
            busiest = max(h["requests"] for h in report["hosts"].values())
            bound = max(busiest * LATENCY / HOST_CAP, requests * LATENCY / (PER_WORKER * workers))
            peak = max(h["peak_inflight"] for h in report["hosts"].values())
            label = "worker" if workers == 1 else "workers"
            if workers == sizes.workers[0]:
                rows.append(Row(f"scale-out requests ({n} articles, {sizes.hosts} hosts, "
                                f"{LATENCY * 1000:.0f} ms, cap {HOST_CAP}, {PER_WORKER} per worker)",
                                str(requests), "lists + pages"))
            rows.append(check(f"{workers} {label}, s (crawl clock)", clock, ".2f",
                              f"bound {bound:.2f} s"))
            if workers > 1:
                speedup = clocks[sizes.workers[0]] / clock
                target = MIN_EFFICIENCY * workers / sizes.workers[0]
                rows.append(check(f"  speed-up over {sizes.workers[0]}", speedup, ".2f", f">= {target:.1f}x",
                                  speedup >= target))
            # From the first request the replay saw to its last answer: the clock without the
            # processes' start-up and close.
            span = (max(h["last_answer"] for h in report["hosts"].values())
                    - min(h["first_arrival"] for h in report["hosts"].values()))
            rows.append(check("  replay's span, first request to last answer, s", span, ".2f",
                              f"{span / bound:.2f}x bound"))
            rows.append(check("  CPU of coordinator + workers (their start-up too), s", run.cpu + workers_cpu,
                              ".2f", f"coordinator {run.cpu:.2f} s"))
            rows.append(check("  peak open requests per host", peak, "d", f"<= {HOST_CAP}",
                              peak <= HOST_CAP))
    return rows
