"""``python -m bench.datasets N FILE [--newer K]``: a replay dataset of N synthetic articles.

Half rolling news, half media, no market records. ``--newer K`` writes the same N plus K
newer articles at the head of every list: what a later run sees when K articles appeared.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.harness import write_json
from crawler.replay.dataset import BASE_TIME, generate


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("articles", type=int)
    parser.add_argument("file", type=Path)
    parser.add_argument("--newer", type=int, default=0)
    args = parser.parse_args()
    data = dataset(args.articles)
    if args.newer:
        data = with_newer(data, args.newer)
    write_json(args.file, data)


if __name__ == "__main__":
    main()
