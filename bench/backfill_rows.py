"""Issue 15's "backfill at the bound" rows: one process keeps its busiest host busy.

Each Eastmoney feed alone (``scrapy crawl emnews`` / ``media`` / ``market``, N articles each)
and ``scrapy crawlall`` over the three feeds (N articles each), backfill profile, against a
replay answering every request after ``LATENCY`` seconds. The bound of a crawl is its
busiest host's requests (as the replay served them) × latency ÷ the per-host cap: hosts are
crawled in parallel, each at most ``FINEWS_HOST_CONCURRENCY`` requests at a time. The crawl
clock is the command's own timer (``crawlall``'s printed time; ``crawl``'s run-history line
in ``.finews/runs.jsonl``), interpreter start-up excluded. Target: clock <= 1.3 × bound.
A list page that waited for the bodies of the page before it would leave the busiest host
idle between pages and miss it. Beside each row: the same command over empty lists, the
part of the clock one process spends whatever it crawls (crawler set-up, the first list
page's round trip, closing: monitors, retention, summary).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import PYTHON, ROOT, Measured, ReplayProcess, crawl_seconds, run_measured
from crawler.net.profiles import PROFILES

if TYPE_CHECKING:
    from bench.run import Row, Setup

FEEDS = ("emnews", "media", "market")
PER_HOST = PROFILES["backfill"]["FINEWS_HOST_CONCURRENCY"]
MAX_OVER_BOUND = 1.3
LATENCY = 0.05


@dataclass(frozen=True)
class Sizes:
    articles: int  # per feed
    repeats: int  # interleaved runs of each crawl and of its empty twin; the least clock is kept


FULL = Sizes(articles=100, repeats=2)
QUICK = Sizes(articles=100, repeats=1)

Run = Callable[[ReplayProcess, Path], float]  # a crawl against a replay into a folder → its clock


def backfill_rows(setup: Setup, quick: bool = False) -> list[Row]:
    """One row per command: crawl clock / busiest host's bound, the target, and beside it the
    same command over empty lists (what one process costs before its first article)."""
    from bench.run import Row

    sizes = QUICK if quick else FULL
    n = sizes.articles
    full = make_feeds(setup.work / "backfill.json", n, FEEDS)
    empty = make_feeds(setup.work / "backfill-empty.json", 0, FEEDS)
    runs = [(f"crawl {spider}", crawl_run(setup, spider)) for spider in FEEDS]
    runs.append(("crawlall", crawlall_run(setup)))
    rows = [Row(f"backfill at the bound: {n} articles per feed, {LATENCY * 1000:.0f} ms, "
                f"least of {sizes.repeats}", "clock / bound")]
    with ReplayProcess(full, LATENCY) as replay, ReplayProcess(empty, LATENCY) as nothing:
        for what, run in runs:
            rows.append(at_the_bound(what, run, replay, nothing, sizes.repeats,
                                     setup.work / f"backfill-{what.split()[-1]}"))
    return rows


def at_the_bound(what: str, run: Run, replay: ReplayProcess, nothing: ReplayProcess, repeats: int,
                 output: Path) -> Row:
    """The least clock of ``repeats`` runs (each into a fresh folder, the replay's counters
    reset) against its busiest host's bound; the least clock of as many runs over empty lists
    (interleaved with them) printed beside it."""
    from bench.run import Row

    clocks, fixed, bound, busiest = [], [], 0.0, ""
    for i in range(repeats):
        replay.reset()
        clocks.append(run(replay, output.with_name(f"{output.name}-{i}")))
        hosts = replay.report()["hosts"]
        busiest = max(hosts, key=lambda h: hosts[h]["requests"])
        bound = hosts[busiest]["requests"] * LATENCY / PER_HOST
        fixed.append(run(nothing, output.with_name(f"{output.name}-empty-{i}")))
    clock = min(clocks)
    ratio = clock / bound
    return Row(f"  {what} (bound: {busiest}; empty lists {min(fixed):.2f} s)",
               f"{clock:.2f} / {bound:.2f} s = {ratio:.2f}", f"<= {MAX_OVER_BOUND:g}",
               ratio <= MAX_OVER_BOUND)


def crawl_run(setup: Setup, spider: str) -> Run:
    return lambda replay, output: crawl_clock(crawl(setup, replay, spider, output), output)


def crawlall_run(setup: Setup) -> Run:
    return lambda replay, output: crawl_seconds(setup.crawl(replay, output, "backfill"))


def make_feeds(path: Path, articles: int, feeds: tuple[str, ...]) -> Path:
    """``articles`` articles of each feed, written by a child process (as harness.make_dataset)."""
    cmd = [PYTHON, "-m", "bench.datasets", str(articles), str(path), "--feeds", ",".join(feeds)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return path


def crawl(setup: Setup, replay: ReplayProcess, spider: str, output: Path) -> Measured:
    """``scrapy crawl SPIDER`` against the replay, backfill profile; fails loudly."""
    cmd = [PYTHON, "-m", "scrapy", "crawl", spider, "-s", "FINEWS_PROFILE=backfill",
           "-s", f"FINEWS_REPLAY_URL={replay.url}", "-s", f"FINEWS_OUTPUT_DIR={output}"]
    for setting in setup.settings:
        cmd += ["-s", setting]
    run = run_measured(cmd)
    if run.returncode not in (0, 3):  # 3: a health monitor failed; the crawl itself ran
        raise RuntimeError(f"crawl {spider} exited {run.returncode}:\n{run.output[-3000:]}")
    return run


def crawl_clock(run: Measured, output: Path) -> float:
    """``scrapy crawl``'s own time: the ``seconds`` of its line in the run history."""
    lines = (output / ".finews" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    if record.get("command") != "crawl":
        raise RuntimeError(f"no crawl in the run history:\n{run.output[-2000:]}")
    return float(record["seconds"])
