"""Issue 12's rows: generic sources (the ``feeds`` spider) measured the way ``run.py`` measures.

- CPU per generic article: finews crawling N real article pages of no known layout (feed →
  page → generic extraction → post) against ``trafilatura.extract`` alone, with finews'
  options, on the same N page bodies; each side's start-up CPU (the same command with 0
  articles) is subtracted.
- Backfill over many hosts: H made-up hosts of 10 articles each at 200 ms a response, at
  most 2 requests open per host, against the bound busiest host's requests × latency / 2.
- A re-run with nothing new: feed requests only, every one answered 304.

``python -m bench.generic_rows extract DATASET COUNT`` is the library side's child: it reads
the dataset, then runs the first COUNT article pages through ``trafilatura.extract``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import (
    PYTHON, ROOT, Measured, ReplayProcess, crawl_seconds, crawlall, run_measured,
)
from crawler.replay.sites import many_sites_host

if TYPE_CHECKING:  # bench.run imports this module: Row and check are imported when called
    from bench.run import Row, Setup

PAGES = ROOT / "tests" / "fixtures" / "extraction"  # real pages, labelled (bench/extraction.py)
MAX_CPU_RATIO, MAX_OVER_BOUND = 1.3, 1.3
HOST_CAP, LATENCY = 2, 0.2
FEED_PATH = "/feed.xml"  # crawler.replay.sites.many_sites


@dataclass(frozen=True)
class Sizes:
    cycles: int  # the CPU figure crawls every real page this many times (as many hosts as pages)
    repeats: int  # interleaved runs of each side of the CPU figure; the least is kept
    hosts: int  # hosts of the backfill
    per_host: int  # articles per host


FULL = Sizes(cycles=4, repeats=3, hosts=50, per_host=10)
QUICK = Sizes(cycles=1, repeats=1, hosts=10, per_host=10)


def generic_rows(setup: Setup, quick: bool = False) -> list[Row]:
    sizes = QUICK if quick else FULL
    return cpu_vs_library(setup, sizes) + many_hosts(setup, sizes)


def make_generic(path: Path, articles: int, hosts: int, pages: Path | None = None) -> Path:
    """A generic dataset written by a child process (as harness.make_dataset)."""
    cmd = [PYTHON, "-m", "bench.datasets", str(articles), str(path), "--hosts", str(hosts)]
    if pages is not None:
        cmd += ["--pages", str(pages)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return path


def sources_yaml(path: Path, hosts: int) -> Path:
    """One source per host, its feed only."""
    lines = ["sources:"]
    for h in range(1, hosts + 1):
        lines += [f"  - name: Site {h}", f"    slug: site-{h:03d}", "    feeds:",
                  f"      - http://{many_sites_host(h)}{FEED_PATH}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def feeds_crawl(setup: Setup, replay: ReplayProcess, output: Path, sources: Path,
                *settings: str) -> Measured:
    """crawlall of the ``feeds`` spider alone over ``sources``, backfill profile."""
    return crawlall(replay.url, output, "backfill", *setup.settings, "FINEWS_FEEDS=feeds",
                    f"FINEWS_SOURCES={sources}", *settings)


def posts_written(output: Path) -> int:
    """New posts of the run, from crawlall's ``.finews/last-run.json``."""
    report = json.loads((output / ".finews" / "last-run.json").read_text(encoding="utf-8"))
    return sum(f["new"] for f in report["feeds"])


def library(dataset: Path, count: int) -> Measured:
    run = run_measured([PYTHON, "-m", "bench.generic_rows", "extract", str(dataset), str(count)])
    if run.returncode != 0:
        raise RuntimeError(f"extraction child exited {run.returncode}:\n{run.output[-3000:]}")
    return run


def cpu_vs_library(setup: Setup, sizes: Sizes) -> list[Row]:
    from bench.run import check

    tmp, hosts = setup.work, len(list(PAGES.glob("*.html")))
    n = sizes.cycles * hosts  # every page as often as the others
    data = make_generic(tmp / "generic-cpu.json", n, hosts, PAGES)
    empty = make_generic(tmp / "generic-empty.json", 0, hosts)
    sources = sources_yaml(tmp / "generic-cpu.yml", hosts)
    crawls, idles, libs, lib_idles = [], [], [], []
    with ReplayProcess(data) as replay, ReplayProcess(empty) as idle_replay:
        feeds_crawl(setup, replay, tmp / "generic-warm", sources)  # page cache, .pyc files
        for i in range(sizes.repeats):  # interleaved; the least CPU of each is its own cost
            out = tmp / f"generic-cpu{i}"
            crawls.append(feeds_crawl(setup, replay, out, sources))
            if posts_written(out) != n:
                raise RuntimeError(f"the generic crawl wrote {posts_written(out)} posts, not {n}")
            idles.append(feeds_crawl(setup, idle_replay, tmp / f"generic-idle{i}", sources))
            libs.append(library(data, n))
            lib_idles.append(library(data, 0))
    least = [min(r.cpu for r in runs) for runs in (crawls, idles, libs, lib_idles)]
    finews, lib = (least[0] - least[1]) / n * 1000, (least[2] - least[3]) / n * 1000
    return [
        check(f"finews CPU per generic article, ms (N={n} real pages, least of {sizes.repeats})",
              finews, ".2f", f"minus {least[1]:.2f} s of a 0-article crawl"),
        check("trafilatura.extract alone, same pages, ms", lib, ".2f",
              f"minus {least[3]:.2f} s of start-up"),
        check("finews / trafilatura CPU per generic article", finews / lib, ".2f",
              f"<= {MAX_CPU_RATIO:g}", finews / lib <= MAX_CPU_RATIO),
    ]


def many_hosts(setup: Setup, sizes: Sizes) -> list[Row]:
    from bench.run import Row, check

    h, tmp = sizes.hosts, setup.work
    n = h * sizes.per_host
    data = make_generic(tmp / "generic-hosts.json", n, h)
    sources = sources_yaml(tmp / "generic-hosts.yml", h)
    out = tmp / "generic-hosts"
    cap = (f"FINEWS_HOST_CONCURRENCY={HOST_CAP}", "FINEWS_HOST_INTERVAL=0",
           f"CONCURRENT_REQUESTS={10 * h * HOST_CAP}")
    with ReplayProcess(data, LATENCY) as replay:
        crawl = feeds_crawl(setup, replay, out, sources, *cap)
        clock = crawl_seconds(crawl)
        first = replay.report()
        if posts_written(out) != n:
            raise RuntimeError(f"the many-hosts crawl wrote {posts_written(out)} posts, not {n}")
        replay.reset()
        feeds_crawl(setup, replay, out, sources, *cap)
        again = replay.report(paths=True)
    busiest = max(x["requests"] for x in first["hosts"].values())
    bound = busiest * LATENCY / HOST_CAP
    peak_open = max(x["peak_inflight"] for x in first["hosts"].values())
    # From the first request the replay saw to its last answer: the clock without the
    # crawler's start-up and close.
    span = (max(x["last_answer"] for x in first["hosts"].values())
            - min(x["first_arrival"] for x in first["hosts"].values()))
    kinds = {"feed": 0, "feed_304": 0, "robots": 0, "article": 0}
    for kind, path in again["served"]:
        if path.endswith("/robots.txt"):
            kinds["robots"] += 1
        elif path.endswith(FEED_PATH):
            kinds["feed"] += 1
            kinds["feed_304"] += kind == "not_modified"
        else:
            kinds["article"] += 1
    quiet = kinds["article"] == 0 and kinds["feed"] == h and kinds["feed_304"] == kinds["feed"]
    label = f"{n} articles, {h} hosts, {LATENCY * 1000:.0f} ms, cap {HOST_CAP}"
    return [
        Row(f"generic backfill requests ({label})", str(sum(first["counts"].values())),
            "robots + feeds + pages"),
        check("generic backfill, s (crawl clock)", clock, ".2f"),
        check(f"bound: busiest host's {busiest} requests x latency / {HOST_CAP}, s", bound, ".2f"),
        check("generic backfill / bound", clock / bound, ".2f", f"<= {MAX_OVER_BOUND:g}",
              clock / bound <= MAX_OVER_BOUND),
        check("  replay's span, first request to last answer, s", span, ".2f",
              f"{span / bound:.2f}x bound"),
        check("  crawl CPU, s (user + sys, start-up included)", crawl.cpu, ".2f",
              f"{crawl.cpu / crawl.wall:.2f}x its wall"),
        check("generic backfill peak open requests per host", peak_open, "d", f"<= {HOST_CAP}",
              peak_open <= HOST_CAP),
        Row("generic re-run, nothing new: requests",
            f"feed={kinds['feed']} (304: {kinds['feed_304']}) article={kinds['article']}",
            "feeds only, all 304", quiet),
        Row("  same re-run: robots.txt requests", str(kinds["robots"])),
    ]


def extract_main(argv: list[str] | None = None) -> None:
    """The library side: read the dataset, extract the first COUNT article pages."""
    parser = argparse.ArgumentParser(prog="python -m bench.generic_rows extract")
    parser.add_argument("dataset", type=Path)
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    import trafilatura

    from crawler.parsers.generic import EXTRACT_OPTIONS

    files = json.loads(args.dataset.read_text(encoding="utf-8"))["files"]
    pages = [(f"http://{key}", f["body"]) for key, f in files.items() if f["kind"] == "article"]
    if len(pages) < args.count:
        sys.exit(f"{args.dataset}: {len(pages)} article pages, fewer than {args.count}")
    found = sum(bool(trafilatura.extract(html, url=url, **EXTRACT_OPTIONS))
                for url, html in pages[: args.count])
    print(f"extracted {found} of {args.count}")


if __name__ == "__main__":
    if sys.argv[1:2] != ["extract"]:
        sys.exit("usage: python -m bench.generic_rows extract DATASET COUNT")
    extract_main(sys.argv[2:])
