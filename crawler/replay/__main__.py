"""Serve the offline replay of the sources on 127.0.0.1, for FINEWS_REPLAY_URL.

List times are moved by whole days so the newest article is yesterday (Beijing): a crawl
at any hour keeps its posts. Fault options make a share of answers fail the way the
sources do, the same way for the same --seed, e.g. --error-rate 0.2 --truncate-rate 0.05.
The demo's generic sites (feeds, sitemaps, robots.txt; crawler/replay/data/sources.yml)
are served too, dated on the newest list day.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime

from crawler.replay.dataset import BEIJING
from crawler.replay.faults import ENDPOINTS, Faults, dead_endpoints
from crawler.replay.server import DEFAULT_DATASET, ReplayServer, load_dataset


def dead_spec(spec: str) -> str:
    """A ``--dead`` value, checked: a bad one is a usage error, not a traceback."""
    try:
        dead_endpoints([spec])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return spec


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765,
                        help="port on 127.0.0.1; 0 picks a free one (default: %(default)s)")
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET),
                        help="JSON dataset to serve (default: the bundled demo)")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD",
                       help="move the dates so the newest article is the day before this one "
                       "(default: today in Beijing)")
    dates.add_argument("--no-rebase", action="store_true",
                       help="serve the dataset's own dates (for a crawl with FINEWS_NOW pinned)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    faults = parser.add_argument_group("faults (shares of answers, 0..1; together at most 1)")
    faults.add_argument("--seed", type=int, default=0, help="same seed, same faults in the same places")
    faults.add_argument("--error-rate", type=float, default=0.0, help="5xx status")
    faults.add_argument("--truncate-rate", type=float, default=0.0,
                        help="half the body under the full Content-Length, then the connection closes")
    faults.add_argument("--html-error-rate", type=float, default=0.0, help="HTML error page with status 200")
    faults.add_argument("--rc-error-rate", type=float, default=0.0, help='list with rc≠1 / code≠"1"')
    faults.add_argument("--slow-rate", type=float, default=0.0, help="answer after --slow-seconds")
    faults.add_argument("--slow-seconds", type=float, default=1.0,
                        help="how long a slow answer waits (default: %(default)s)")
    faults.add_argument("--variant-rate", type=float, default=0.0,
                        help="lists as JSONP / without the JS wrapper's ';' (valid, not a failure)")
    faults.add_argument("--max-failures", type=int, default=2,
                        help="a path fails at most this many times, so retries get through")
    faults.add_argument("--dead", action="append", default=[], metavar="KIND[:HOW]", type=dead_spec,
                        help=f"kill an endpoint ({', '.join(ENDPOINTS)}): it answers only HOW, a 404 "
                        "unless given as an HTTP status, html (error page, status 200) or code "
                        "(rc≠1 / code≠\"1\"); repeatable. E.g. --dead fastnews shows the failover "
                        "of emnews to the kuaixun list")
    return parser.parse_args(argv)


def faults_from(args: argparse.Namespace) -> Faults:
    return Faults(
        seed=args.seed, error_rate=args.error_rate, truncate_rate=args.truncate_rate,
        html_error_rate=args.html_error_rate, rc_error_rate=args.rc_error_rate,
        slow_rate=args.slow_rate, slow_seconds=args.slow_seconds, variant_rate=args.variant_rate,
        max_failures_per_path=args.max_failures,
    )


def rebase_day(args: argparse.Namespace) -> date | None:
    """The day the dates are moved to end before, or None to serve them as they are."""
    if args.no_rebase:
        return None
    return args.today or datetime.now(BEIJING).date()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    faults = faults_from(args)
    server = ReplayServer(load_dataset(args.dataset), port=args.port, latency=args.latency,
                          rebase_to=rebase_day(args), faults=faults, dead=args.dead, sites=True).start()
    print(f"replay serving {args.dataset} at {server.url}  (FINEWS_REPLAY_URL={server.url})", flush=True)
    if faults.active:
        print(f"faults: {faults}", flush=True)
    if args.dead:
        print(f"dead: {', '.join(f'{k} ({how})' for k, how in server.replay.dead.items())}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
