"""``python -m bench.datasets N FILE [--newer K]``: a replay dataset of N synthetic articles.

Half rolling news, half media, no market records. ``--newer K`` writes the same N plus K
newer articles at the head of every list: what a later run sees when K articles appeared.
``--hosts H`` writes generic sources instead: N articles over H made-up hosts, each with a
robots.txt and an RSS feed (crawler.replay.sites.many_sites), the article pages of common
CMS markup, or with ``--pages DIR`` the ``DIR/*.html`` pages (real ones) cycled.
``--feeds emnews,media,market`` writes N articles of each feed named and nothing else (the
backfill-at-the-bound rows: one feed alone, or the three together). ``--spread H`` writes N
rolling-news articles whose pages are spread over H article hosts (the scale-out rows).
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.harness import write_json
from crawler.replay.dataset import BASE_TIME, generate
from crawler.replay.sites import files_to_json, many_sites


def dataset(articles: int, seed: int = 6) -> dict[str, Any]:
    return generate(seed, emnews=articles // 2, media=articles - articles // 2, market=0)


def with_newer(base: dict[str, Any], articles: int, seed: int = 66) -> dict[str, Any]:
    """``base`` plus ``articles`` newer ones at the head of every list."""
    new = generate(seed, emnews=articles // 2, media=articles - articles // 2, market=0,
                   start=BASE_TIME + timedelta(days=30))
    return {
        "kuaixun": new["kuaixun"] + base["kuaixun"],
        "columns": {c: new["columns"].get(c, []) + rows for c, rows in base["columns"].items()},
        "market": base["market"],
        "textapi": {**base["textapi"], **new["textapi"]},
        "pages": {**base["pages"], **new["pages"]},
    }


FEEDS = ("emnews", "media", "market")


def feeds(articles: int, names: list[str], seed: int = 6) -> dict[str, Any]:
    """``articles`` articles of each feed in ``names`` (FEEDS), none of the others. Market
    records are split over the three market types (each list holds at most
    FINEWS_MARKET_COUNT, 100, of them)."""
    unknown = sorted(set(names) - set(FEEDS))
    if unknown:
        raise SystemExit(f"--feeds: unknown {', '.join(unknown)}; expected some of {', '.join(FEEDS)}")
    n = {name: articles if name in names else 0 for name in FEEDS}
    types = ("37", "38", "39")
    data = generate(seed, emnews=n["emnews"], media=n["media"], market=-(-n["market"] // len(types)),
                    market_types=types)
    if not n["media"]:  # generate writes at least one media row per column
        data["columns"] = {c: [] for c in data["columns"]}
    shares = [n["market"] // len(types) + (i < n["market"] % len(types)) for i in range(len(types))]
    data["market"] = {t: data["market"][t][:k] for t, k in zip(types, shares)}
    return data


def spread(articles: int, hosts: int) -> dict[str, Any]:
    """``articles`` rolling-news rows, row i's page on host ``news{i % hosts + 1}.eastmoney.com``
    (a host under the feed's own domain, so a worker's queue accepts it)."""
    data = feeds(articles, ["emnews"])
    pages = data["pages"]
    moved = {}
    for i, row in enumerate(data["kuaixun"]):
        old = row["url_w"].split("://", 1)[1]
        new = f"news{i % hosts + 1:02d}.eastmoney.com/{old.split('/', 1)[1]}"
        row["url_w"] = row["url_unique"] = f"http://{new}"
        if old in pages:
            moved[new] = pages.pop(old)
    data["pages"] = {**pages, **moved}
    return data


def generic(articles: int, hosts: int, pages: Path | None = None) -> dict[str, Any]:
    """``articles`` articles over ``hosts`` generic hosts (``articles // hosts`` each), dated on
    BASE_TIME's day."""
    html = tuple(p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.html"))) if pages else ()
    return {"files": files_to_json(many_sites(hosts, articles // hosts, BASE_TIME.date(), html))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("articles", type=int)
    parser.add_argument("file", type=Path)
    parser.add_argument("--newer", type=int, default=0)
    parser.add_argument("--hosts", type=int, default=0, help="generic sources on this many hosts")
    parser.add_argument("--pages", type=Path, help="with --hosts: article pages, DIR/*.html cycled")
    parser.add_argument("--feeds", default="", help="N articles of each of these feeds (comma list)")
    parser.add_argument("--spread", type=int, default=0, help="N rolling-news articles over this many hosts")
    args = parser.parse_args()
    if args.spread:
        write_json(args.file, spread(args.articles, args.spread))
        return
    if args.feeds:
        write_json(args.file, feeds(args.articles, [f.strip() for f in args.feeds.split(",") if f.strip()]))
        return
    if args.hosts:
        write_json(args.file, generic(args.articles, args.hosts, args.pages))
        return
    data = dataset(args.articles)
    if args.newer:
        data = with_newer(data, args.newer)
    write_json(args.file, data)


if __name__ == "__main__":
    main()
