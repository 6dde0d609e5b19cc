"""The open run in Redis (``{prefix}:run``): what the coordinator announces and workers join.

It names the run (its dupefilter and "active" keys carry the id), its feeds, the spider
arguments and the few settings a worker must share with the coordinator to fetch the same
things: the run's clock and the replay it crawls.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import redis

from crawler.distributed import keys

# Settings a run carries to every worker, whatever the worker's own command line says.
SHARED_SETTINGS = ("FINEWS_NOW", "FINEWS_REPLAY_URL", "FINEWS_TIMEZONE", "FINEWS_LEASE_SECONDS")
# How often a waiting worker looks for the open run, and how long its "waiting" mark
# outlives its last look.
POLL_SECONDS = 0.1
WAITING_TTL_MS = 3000


@dataclass
class Run:
    id: str
    feeds: list[str]
    spargs: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)


def open_run(client: redis.Redis, prefix: str, run: Run) -> None:
    client.set(keys.run_key(prefix), json.dumps(asdict(run), ensure_ascii=False))


def current_run(client: redis.Redis, prefix: str) -> Run | None:
    """The open run, or None (between runs, or a value that is not one of ours)."""
    data = client.get(keys.run_key(prefix))
    if data is None:
        return None
    try:
        found = json.loads(data)
        run = Run(**found)
    except (ValueError, TypeError):
        return None
    plain = isinstance(run.id, str) and all(isinstance(f, str) for f in run.feeds)
    plain = plain and all(isinstance(v, str) for v in [*run.spargs.values(), *run.settings.values()])
    return run if plain else None


def wait_for_run(client: redis.Redis, prefix: str, not_id: str = "", worker: str = "", run_id: str = "") -> Run:
    """Block until a run (other than ``not_id``; exactly ``run_id`` if given) is open.
    Meanwhile ``worker`` (if named) keeps a ``waiting`` mark, so a coordinator can say how
    many workers stand ready."""
    mark = keys.waiting_key(prefix, worker) if worker else ""
    while True:
        run = current_run(client, prefix)
        if run is not None and run.id != not_id and run.id == (run_id or run.id):
            if mark:
                client.delete(mark)
            return run
        if mark:
            client.set(mark, "1", px=WAITING_TTL_MS)
        time.sleep(POLL_SECONDS)


def waiting_workers(client: redis.Redis, prefix: str) -> int:
    """Workers waiting for a run right now."""
    return sum(1 for _ in client.scan_iter(match=keys.waiting_key(prefix), count=1000))


def close_run(client: redis.Redis, prefix: str, run: Run) -> None:
    """The run is over: workers waiting with ``--forever`` wait for the next one; its
    dupefilters and inboxes go (bounded memory)."""
    doomed = [keys.run_key(prefix)]
    doomed += [keys.dupefilter_key(prefix, run.id, feed) for feed in run.feeds]
    doomed += [keys.inbox_key(prefix, feed) for feed in run.feeds]
    doomed += [keys.listed_key(prefix, run.id, feed) for feed in run.feeds]
    doomed += [keys.taken_key(prefix, run.id, feed) for feed in run.feeds]
    client.delete(*doomed)
