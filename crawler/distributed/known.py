"""The archive index's "known / needs fetching" answer, mirrored to Redis for workers.

Workers never open the archive, yet must skip what it holds (a re-run with nothing new
costs list requests only). The coordinator publishes every index entry and remembered drop
at run start into one hash (id → JSON); workers read it through ``KnownMirror``, which
answers as ``ArchiveIndex.get`` and ``drop_of`` do. The ``feeds`` spider's conditional GET
and aliases are mirrored the same way (``publish_documents``, ``DocumentMirror``).
"""

from __future__ import annotations

import json
from dataclasses import astuple

import redis

from crawler.archive.index import ArchiveIndex, Drop, Entry
from crawler.distributed import keys

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


def publish_documents(client: redis.Redis, prefix: str, index: ArchiveIndex) -> None:
    """Replace the validators and aliases mirrors with the index's."""
    documents = {url: json.dumps([etag, modified]) for url, etag, modified in index.documents()}
    aliases = dict(index.aliases())
    with client.pipeline() as pipe:
        pipe.delete(keys.documents_key(prefix), keys.aliases_key(prefix))
        for key, values in ((keys.documents_key(prefix), list(documents.items())),
                            (keys.aliases_key(prefix), list(aliases.items()))):
            for start in range(0, len(values), _CHUNK):
                pipe.hset(key, mapping=dict(values[start:start + _CHUNK]))
        pipe.execute()


class DocumentMirror:
    """Read side of ``publish_documents``: answers as ArchiveState's ``validators`` and ``alias_of``."""

    def __init__(self, client: redis.Redis, prefix: str):
        self.client = client
        self.documents = keys.documents_key(prefix)
        self.aliases = keys.aliases_key(prefix)

    def validators(self, url: str) -> tuple[str, str]:
        data = self.client.hget(self.documents, url)
        if data is None:
            return "", ""
        etag, modified = json.loads(data)
        return etag, modified

    def alias_of(self, item_id: str) -> str:
        canonical = self.client.hget(self.aliases, item_id)
        return canonical.decode() if canonical is not None else item_id


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
