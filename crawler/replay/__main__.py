"""``python -m crawler.replay [--port N] [--dataset FILE] [--latency S] [fault options]``: serve the replay.

Fault options (crawler/replay/faults.py) make a share of answers fail the way the sources
do, deterministically for a ``--seed``; e.g. ``--error-rate 0.2 --truncate-rate 0.05``.
"""

from __future__ import annotations

import argparse
import time

from crawler.replay.faults import Faults
from crawler.replay.server import DEFAULT_DATASET, ReplayServer, load_dataset


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET))
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    faults = parser.add_argument_group("faults (shares of answers, 0..1; together at most 1)")
    faults.add_argument("--seed", type=int, default=0, help="same seed, same faults in the same places")
    faults.add_argument("--error-rate", type=float, default=0.0, help="5xx status")
    faults.add_argument("--truncate-rate", type=float, default=0.0,
                        help="half the body under the full Content-Length, then the connection closes")
    faults.add_argument("--html-error-rate", type=float, default=0.0, help="HTML error page with status 200")
    faults.add_argument("--rc-error-rate", type=float, default=0.0, help='list with rc≠1 / code≠"1"')
    faults.add_argument("--slow-rate", type=float, default=0.0, help="answer after --slow-seconds")
    faults.add_argument("--slow-seconds", type=float, default=1.0)
    faults.add_argument("--variant-rate", type=float, default=0.0,
                        help="lists as JSONP / without the JS wrapper's ';' (valid, not a failure)")
    faults.add_argument("--max-failures", type=int, default=2,
                        help="a path fails at most this many times, so retries get through")
    return parser.parse_args(argv)


def faults_from(args: argparse.Namespace) -> Faults:
    return Faults(
        seed=args.seed, error_rate=args.error_rate, truncate_rate=args.truncate_rate,
        html_error_rate=args.html_error_rate, rc_error_rate=args.rc_error_rate,
        slow_rate=args.slow_rate, slow_seconds=args.slow_seconds, variant_rate=args.variant_rate,
        max_failures_per_path=args.max_failures,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    faults = faults_from(args)
    server = ReplayServer(load_dataset(args.dataset), port=args.port, latency=args.latency,
                          faults=faults).start()
    print(f"replay serving {args.dataset} at {server.url}  (FINEWS_REPLAY_URL={server.url})", flush=True)
    if faults.active:
        print(f"faults: {faults}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
