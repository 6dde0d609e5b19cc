"""The archive index's "known / needs fetching" answer, mirrored to Redis for workers.

Workers never open the archive, yet must skip what it holds (a re-run with nothing new
costs list requests only). The coordinator publishes every index entry and remembered drop
at run start into one hash (id → JSON); workers read it through ``KnownMirror``, which
answers as ``ArchiveIndex.get`` and ``drop_of`` do.
"""

from __future__ import annotations

import json
from dataclasses import astuple

import redis

from crawler.archive.index import ArchiveIndex, Drop, Entry

# HSET in chunks this big: one huge command would block Redis for every worker.
_CHUNK = 1000


def publish_known(client: redis.Redis, key: str, index: ArchiveIndex) -> int:
    """Replace the mirror at ``key`` with the index's entries and drops; returns how many ids."""
    records: dict[str, dict] = {}
    for entry in index.entries():
        records.setdefault(entry.id, {})["entry"] = list(astuple(entry))
    for item_id, drop in index.drops():
        records.setdefault(item_id, {})["drop"] = list(astuple(drop))
    values = [(item_id, json.dumps(record, ensure_ascii=False)) for item_id, record in records.items()]
    with client.pipeline() as pipe:
        pipe.delete(key)
        for start in range(0, len(values), _CHUNK):
            pipe.hset(key, mapping=dict(values[start:start + _CHUNK]))
        pipe.execute()
    return len(values)


class KnownMirror:
    """Read side of the mirror: what the index said about an id at run start."""

    def __init__(self, client: redis.Redis, key: str):
        self.client = client
        self.key = key

    def lookup(self, item_id: str) -> tuple[Entry | None, Drop | None]:
        data = self.client.hget(self.key, item_id)
        if data is None:
            return None, None
        record = json.loads(data)
        entry = Entry(*record["entry"]) if "entry" in record else None
        drop = Drop(*record["drop"]) if "drop" in record else None
        return entry, drop
