"""A worker's ArchiveState: the same verdict, from the Redis mirror instead of the archive.

A worker never opens the archive (the coordinator is its only writer). The fetch verdict
reads ``{prefix}:known`` (crawler.distributed.known), and validators and aliases their
mirrors; what ArchiveState would write (drop memory, an adopted row signature, validators,
an alias) goes to the coordinator as a message, and so do the
spider's ``finews/`` stats (what changed since the last heartbeat, and at close), for the
run's summary: a killed worker loses at most one heartbeat's worth. While its spider runs
the worker keeps an expiring "active" key, so the coordinator waits for its last messages
(and stops waiting for a killed worker once the key expires). The heartbeat is also how a
worker learns that Redis is gone: its spider then closes with reason ``redis_lost``, its
unfinished leases left for the next run.
"""

from __future__ import annotations

import logging
import os
import sys

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.archive.index import ArchiveIndex, Drop, Entry
from crawler.distributed import keys, messages
from crawler.distributed.connection import mask_url, redis_client
from crawler.distributed.known import DocumentMirror, KnownMirror
from crawler.run.extensions import ArchiveState

logger = logging.getLogger(__name__)

# The active key lives this long unless renewed every HEARTBEAT seconds.
ACTIVE_TTL = 15
HEARTBEAT = 3.0
REDIS_LOST = "redis_lost"  # the finish reason of a worker's spider that lost Redis
# How long a worker that lost Redis gives its spiders to close before it ends anyway: a
# callback whose output cannot be queued may never finish, and nothing of a worker needs
# saving (its leases are in Redis, and come back after FINEWS_LEASE_SECONDS).
CLOSE_GRACE = 10.0


def lost_line(url: str) -> str:
    """What a worker that lost Redis says, once, on stderr."""
    return (f"finews worker: lost Redis at {mask_url(url)} mid-run; "
            "its unfinished requests stay queued for the next run")


def give_up(url: str) -> None:
    """The spiders did not close within CLOSE_GRACE: say so and end the process now."""
    print(lost_line(url), file=sys.stderr, flush=True)
    os._exit(1)


# KEYS: the run's taken counter. ARGV: rows wanted, limit. Returns {granted, left}.
_TAKE = """
local taken = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = math.min(tonumber(ARGV[1]), math.max(0, tonumber(ARGV[2]) - taken))
redis.call('INCRBY', KEYS[1], granted)
return {granted, tonumber(ARGV[2]) - taken - granted}
"""
CLAIM_SEP = "\x1f"  # between row signature and claimant in the run's listed hash


class MirroredArchiveState(ArchiveState):
    """``EXTENSIONS`` entry of a worker in place of ArchiveState (spiders find it by that class)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        s = crawler.settings
        prefix = keys.prefix_of(s)
        self.client = redis_client(s.get("FINEWS_REDIS_URL"))
        self.mirror = KnownMirror(self.client, keys.known_key(prefix))
        self.documents = DocumentMirror(self.client, prefix)
        self.feed = crawler.spidercls.name
        self.inbox = keys.inbox_key(prefix, self.feed)
        self.listed = keys.listed_key(prefix, s.get("FINEWS_RUN_ID"), self.feed)
        self.taken = keys.taken_key(prefix, s.get("FINEWS_RUN_ID"), self.feed)
        self._take = self.client.register_script(_TAKE)
        self.active = keys.active_key(prefix, s.get("FINEWS_RUN_ID"), self.feed, s.get("FINEWS_WORKER_ID"))
        self._sent: dict[str, int] = {}
        self._heartbeat = task.LoopingCall(self.heartbeat)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @property
    def index(self) -> ArchiveIndex:
        raise RuntimeError("a worker never opens the archive: ask the mirror")

    def known(self, item_id: str) -> tuple[Entry | None, Drop | None]:
        return self.mirror.lookup(item_id)

    def adopt_row(self, item_id: str, row_sig: str) -> None:
        messages.send(self.client, self.inbox, {"kind": messages.ADOPT, "id": item_id, "row_sig": row_sig})

    def dropped(self, item_id: str, row_sig: str, reason: str) -> None:
        if item_id and row_sig:
            messages.send(self.client, self.inbox,
                          {"kind": messages.DROPPED, "id": item_id, "row_sig": row_sig, "reason": reason})

    def take(self, wanted: int, limit: int) -> tuple[int, int]:
        """As ArchiveState.take, counted over every worker of the run (one Redis counter)."""
        granted, left = self._take(keys=[self.taken], args=[wanted, limit])
        return int(granted), int(left)

    def listed_before(self, item_id: str, row_sig: str, claimant: str) -> str | None:
        """The row signature under which any worker listed this id earlier in the run; None
        the first time (then it is recorded, atomically, with ``claimant``).

        ``claimant`` names what listed it (a document and its entry). The same claimant
        asking again is a document or page read again after the worker holding its lease
        died: still the first, or its pages would be lost with that worker.
        """
        claim = f"{row_sig}{CLAIM_SEP}{claimant}"
        with self.client.pipeline() as pipe:
            first, seen = pipe.hsetnx(self.listed, item_id, claim).hget(self.listed, item_id).execute()
        if first:
            return None
        seen_sig, _, seen_claimant = seen.decode().partition(CLAIM_SEP)
        return None if seen_claimant == claimant else seen_sig

    def validators(self, url: str) -> tuple[str, str]:
        return self.documents.validators(url)

    def read_whole(self, url: str, etag: str, last_modified: str) -> None:
        messages.send(self.client, self.inbox, {"kind": messages.WHOLE, "url": url, "etag": etag,
                                                "last_modified": last_modified})

    def read_partly(self, url: str) -> None:
        messages.send(self.client, self.inbox, {"kind": messages.PARTLY, "url": url})

    def alias_of(self, item_id: str) -> str:
        return self.documents.alias_of(item_id)

    def alias(self, item_id: str, canonical_id: str) -> None:
        messages.send(self.client, self.inbox, {"kind": messages.ALIAS, "id": item_id, "canonical": canonical_id})

    def spider_opened(self, spider) -> None:
        self._heartbeat.start(HEARTBEAT, now=True)

    def heartbeat(self) -> None:
        try:
            self.client.set(self.active, "1", ex=ACTIVE_TTL)
            self.send_stats()
        except (redis.RedisError, OSError) as error:
            self._heartbeat.stop()
            self.crawler.stats.set_value("finews/redis_lost", 1)
            logger.error("lost Redis mid-run (%s): closing %s", error, self.feed)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_LOST))
            from twisted.internet import reactor  # the one Scrapy installed: not at import time

            reactor.callLater(CLOSE_GRACE, give_up, self.crawler.settings.get("FINEWS_REDIS_URL"))

    def send_stats(self) -> None:
        """The ``finews/`` counts that changed since last sent, as a stats message."""
        stats = self.crawler.stats.get_stats()
        values = {k: v for k, v in stats.items() if k.startswith("finews/") and type(v) is int}
        delta = {k: v - self._sent.get(k, 0) for k, v in values.items() if v != self._sent.get(k, 0)}
        if delta:
            messages.send(self.client, self.inbox, {"kind": messages.STATS, "values": delta})
            self._sent = values

    def spider_closed(self, spider, reason: str) -> None:
        """Send the last stats, then leave the run: no retention, no index here."""
        if self._heartbeat.running:
            self._heartbeat.stop()
        if reason != REDIS_LOST:
            self.send_stats()
            self.client.delete(self.active)
        self.client.close()
