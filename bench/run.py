"""``python bench/run.py [--quick]``: finews against a sequential loop and Scrapy's own floor.

Every figure is measured in this run, side by side, against a replay server running in its
own process; PASS/FAIL is computed from the measurements, never stored.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench.harness import (  # noqa: E402
    PYTHON, Measured, ReplayProcess, crawl_seconds, crawlall, make_dataset, run_measured,
    write_json,
)
from bench.backfill_rows import backfill_rows  # noqa: E402
from bench.generic_rows import generic_rows  # noqa: E402
from bench.scaleout_rows import scaleout_rows  # noqa: E402
from bench.sequential import run_sequential  # noqa: E402
from crawler.net.profiles import PROFILES  # noqa: E402
from crawler.replay.dataset import BASE_TIME  # noqa: E402

PER_HOST = PROFILES["backfill"]["FINEWS_HOST_CONCURRENCY"]
RATE_CAP = 5  # requests per second per host, the default profile's cap (README, Performance)
MIN_SPEEDUP, MAX_OVER_BOUND, MAX_CPU_RATIO = 10.0, 1.3, 1.3
MAX_RSS_MB, MAX_RSS_RATIO = 200.0, 1.5
REPEATS = 5  # runs of finews and of the bare spider for the CPU figure
TMPFS = Path("/dev/shm")
# "Now" for crawls whose settings know it (retention, re-checks): the synthetic articles'
# own time, so the figures do not drift with the calendar.
PINNED_NOW = f"FINEWS_NOW={BASE_TIME.isoformat()}"


@dataclass(frozen=True)
class Sizes:
    wall: int  # articles for the wall-time race
    cpu: int  # articles for CPU per article, peak RSS (small) and the re-runs
    rss: int  # articles for peak RSS (large)
    latency: float


FULL = Sizes(wall=500, cpu=2_000, rss=20_000, latency=0.05)
QUICK = Sizes(wall=100, cpu=300, rss=1_500, latency=0.05)


@dataclass(frozen=True)
class Setup:
    """Where a run works: ``work`` for datasets and posts, ``disk`` for the on-disk figure."""

    work: Path
    disk: Path | None
    settings: tuple[str, ...]  # extra ``NAME=VALUE`` for every crawl

    def crawl(self, replay: ReplayProcess, output: Path, profile: str) -> Measured:
        return crawlall(replay.url, output, profile, *self.settings)


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None


def check(figure: str, value: float, fmt: str, target: str = "", ok: bool | None = None) -> Row:
    return Row(figure, format(value, fmt), target, ok)


def wall_time(setup: Setup, n: int, latency: float) -> list[Row]:
    """Backfill vs a one-at-a-time loop over the same requests; the default profile's pace."""
    tmp = setup.work
    with ReplayProcess(make_dataset(tmp / "wall.json", n), latency) as replay:
        backfill = crawl_seconds(setup.crawl(replay, tmp / "wall-backfill", "backfill"))
        fast = replay.report(paths=True)
        sequential = run_sequential(replay, fast["served"])
        replay.reset()
        default = crawl_seconds(setup.crawl(replay, tmp / "wall-default", "default"))
        polite = replay.report()
    bound = max(h["requests"] for h in fast["hosts"].values()) * latency / PER_HOST
    peak_open = max(h["peak_inflight"] for h in fast["hosts"].values())
    peak_rate = max(h["peak_rate"] for h in polite["hosts"].values())
    return [
        Row(f"requests per crawl (N={n}, {latency * 1000:.0f} ms)", str(len(fast["served"])),
            "lists + bodies"),
        check("sequential urllib loop, s", sequential, ".2f"),
        check("finews backfill, s (crawl clock)", backfill, ".2f"),
        check("speed-up over sequential", sequential / backfill, ".1f", f">= {MIN_SPEEDUP:g}x",
              sequential / backfill >= MIN_SPEEDUP),
        check(f"bound: busiest host's requests x latency / {PER_HOST}, s", bound, ".2f"),
        check("backfill / bound", backfill / bound, ".2f", f"<= {MAX_OVER_BOUND:g}",
              backfill / bound <= MAX_OVER_BOUND),
        check("backfill peak open requests per host", peak_open, "d", f"<= {PER_HOST}",
              peak_open <= PER_HOST),
        check(f"finews default profile, s ({sum(polite['counts'].values())} requests)",
              default, ".2f"),
        check("default peak requests/s per host", peak_rate, "d", f"<= {RATE_CAP}",
              peak_rate <= RATE_CAP),
    ]


def cpu_rss_reruns(setup: Setup, n: int, big: int) -> list[Row]:
    """CPU per article vs a bare spider, peak RSS at two sizes, requests of two re-runs."""
    tmp, out = setup.work, setup.work / "cpu0"
    with ReplayProcess(make_dataset(tmp / "cpu.json", n)) as replay:
        setup.crawl(replay, tmp / "warm-up", "backfill")  # page cache, .pyc files
        served = write_json(tmp / "served.json", replay.report(paths=True)["served"])
        finews_runs, bare_runs = [], []
        for i in range(REPEATS):  # interleaved; the least CPU of each is its own cost
            finews_runs.append(setup.crawl(replay, tmp / f"cpu{i}", "backfill"))
            bare_runs.append(run_measured([
                PYTHON, "-m", "scrapy", "runspider", "bench/bare.py", "-a", f"paths={served}",
                "-s", f"FINEWS_REPLAY_URL={replay.url}", "-s", "FINEWS_PROFILE=backfill",
                *(arg for s in setup.settings for arg in ("-s", s)),
            ]))
        finews = min(finews_runs, key=lambda r: r.cpu)
        bare = min(bare_runs, key=lambda r: r.cpu)
        on_disk = None
        if setup.disk is not None:
            with tempfile.TemporaryDirectory(prefix="finews-bench-", dir=setup.disk) as disk:
                on_disk = setup.crawl(replay, Path(disk), "backfill")
        replay.reset()
        setup.crawl(replay, out, "backfill")
        unchanged = replay.report()["counts"]
    with ReplayProcess(make_dataset(tmp / "newer.json", n, newer_than=n // 10)) as replay:
        setup.crawl(replay, out, "backfill")
        newer = replay.report()["counts"]
    with ReplayProcess(make_dataset(tmp / "big.json", big)) as replay:
        large = setup.crawl(replay, tmp / "big", "backfill")
    per_finews, per_bare = finews.cpu / n * 1000, bare.cpu / n * 1000
    bodies = unchanged.get("textapi", 0) + unchanged.get("article", 0)
    rows = [
        check(f"finews CPU per article, ms (N={n}, 0 ms, least of {REPEATS})", per_finews, ".2f"),
        check(f"bare Scrapy spider CPU per article, ms (least of {REPEATS})", per_bare, ".2f"),
        check("finews / bare CPU", per_finews / per_bare, ".2f", f"<= {MAX_CPU_RATIO:g}",
              per_finews / per_bare <= MAX_CPU_RATIO),
    ]
    if on_disk is not None:
        rows.append(check(f"  same, posts on {setup.disk} (disk), ms", on_disk.cpu / n * 1000,
                          ".2f", f"{on_disk.cpu / bare.cpu:.2f}x bare"))
    return rows + [
        check(f"peak RSS N={n}, MB", finews.rss_mb, ".0f"),
        check(f"peak RSS N={big}, MB", large.rss_mb, ".0f", f"<= {MAX_RSS_MB:g}",
              large.rss_mb <= MAX_RSS_MB),
        check(f"peak RSS {big} / {n}", large.rss_mb / finews.rss_mb, ".2f",
              f"<= {MAX_RSS_RATIO:g}", large.rss_mb / finews.rss_mb <= MAX_RSS_RATIO),
        Row("re-run, nothing new: requests", counts_text(unchanged), "lists only", bodies == 0),
        Row(f"re-run, {n // 10} new (10%): requests", counts_text(newer)),
    ]


def counts_text(counts: dict[str, int]) -> str:
    return " ".join(f"{k}={counts.get(k, 0)}" for k in ("list", "textapi", "article"))


def table(rows: list[Row]) -> str:
    verdict = {True: "PASS", False: "FAIL", None: ""}
    widths = [max(len(r.figure) for r in rows), max(len(r.value) for r in rows),
              max(len(r.target) for r in rows)]
    return "\n".join(
        f"{r.figure.ljust(widths[0])}  {r.value.rjust(widths[1])}  {r.target.ljust(widths[2])}"
        f"  {verdict[r.ok]}".rstrip()
        for r in rows
    )


def default_workdir() -> Path | None:
    """tmpfs when there is one: posts' file-system cost is then the crawler's, not the disk's."""
    return TMPFS if TMPFS.is_dir() and os.access(TMPFS, os.W_OK) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--workdir", type=Path, default=default_workdir(),
                        help="where datasets and posts go (default: /dev/shm when present)")
    parser.add_argument("-s", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="extra setting for every crawl")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    disk = Path(tempfile.gettempdir())
    started, load = time.monotonic(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="finews-bench-", dir=args.workdir) as tmp:
        on_disk = disk if args.workdir not in (None, disk) else None
        setup = Setup(Path(tmp), on_disk, (PINNED_NOW, *args.settings))
        rows = wall_time(setup, sizes.wall, sizes.latency)
        rows += cpu_rss_reruns(setup, sizes.cpu, sizes.rss)
        rows += backfill_rows(setup, args.quick)
        rows += generic_rows(setup, args.quick)
        rows += scaleout_rows(setup, args.quick)
    print(f"finews benchmark ({'quick' if args.quick else 'full'}): {os.cpu_count()} CPUs, "
          f"load {load:.1f} -> {os.getloadavg()[0]:.1f}, {time.monotonic() - started:.0f} s, "
          f"work in {args.workdir or disk}")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1), encoding="utf-8")
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
