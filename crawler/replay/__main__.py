"""``python -m crawler.replay [--port N] [--dataset FILE] [--latency S]``: serve the replay."""

from __future__ import annotations

import argparse
import time

from crawler.replay.server import DEFAULT_DATASET, ReplayServer, load_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--dataset", default=str(DEFAULT_DATASET))
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    args = parser.parse_args()
    server = ReplayServer(load_dataset(args.dataset), port=args.port, latency=args.latency).start()
    print(f"replay serving {args.dataset} at {server.url}  (FINEWS_REPLAY_URL={server.url})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
