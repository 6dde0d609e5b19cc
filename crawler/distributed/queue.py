"""The shared request queue of one spider: leases, not pops (docs/scale-out.md, "Leases").

scrapy-redis' own queues pop an entry for good: a worker killed between the pop and the
end of the callback loses the request. ``LeasedQueue`` (``SCHEDULER_QUEUE_CLASS``) moves
the best entry from ``pending`` into ``leases`` with a deadline, atomically (Lua, Redis
server time), and deletes it only when acknowledged (``ack``; crawler.distributed.ack
does that once the callback's output is queued). A lease past its deadline goes back to
``pending`` on the next pop of any worker. ``len()`` counts leased entries too, so no
scheduler sees an empty queue while another worker may still hand back an entry.

Keys, under the scheduler's key ``K``: ``K:pending`` (sorted set, id → −priority·10¹²
+ sequence: higher priority first, then FIFO; exact for priorities within ±9000),
``K:entries`` (hash, id → request JSON, crawler.distributed.codec), ``K:leases`` (sorted
set, id → deadline), ``K:dropped`` (hash, reason → entries dropped undecoded) and
``K:seq`` (the sequence counter).

The popped request carries its entry id in ``meta["finews_lease"]``. A request pushed
with that key still set is a replacement of the leased one made on the way to the
network (a redirect, a retry): pushing it acknowledges the old entry in the same step,
and so does the scheduler dropping it as a duplicate
(``request_dropped``). Requests a callback yields are new entries: the ack middleware
takes the key off them.
"""

from __future__ import annotations

import logging
import weakref
from types import ModuleType

import redis
import scrapy
from scrapy import signals
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import Base

from crawler.distributed import codec

logger = logging.getLogger(__name__)

LEASE_META = "finews_lease"
DEFAULT_LEASE_SECONDS = 120.0

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: seq, entries, pending, leases. ARGV: request JSON, priority, id of the entry it
# replaces ('' if none). Returns the new entry's id.
_PUSH = """
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[3], string.format('%.17g', -tonumber(ARGV[2]) * 1e12 + id), id)
if ARGV[3] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
  redis.call('HDEL', KEYS[2], ARGV[3])
end
return id
"""

# Leases past their deadline go back to pending at their old place (the priority read from
# the entry; 0 if it has none); ``back`` counts them. Needs ``now``, ``leases``, ``pending``
# and ``entries`` (key names) set.
_REQUEUE_BODY = """
local ids = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
local back = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', leases, id)
  local data = redis.call('HGET', entries, id)
  if data then
    local priority = 0
    local ok, entry = pcall(cjson.decode, data)
    if ok and type(entry) == 'table' and type(entry.priority) == 'number' then
      priority = entry.priority
    end
    redis.call('ZADD', pending, string.format('%.17g', -priority * 1e12 + (tonumber(id) or 0)), id)
    back = back + 1
  end
end
"""

# KEYS: leases, pending, entries. Returns how many leases came back.
_REQUEUE = _NOW + """
local leases, pending, entries = KEYS[1], KEYS[2], KEYS[3]
""" + _REQUEUE_BODY + """
return back
"""

# KEYS: pending, leases, entries. ARGV: lease seconds. Expired leases back first (as
# _REQUEUE, in the same call), then leases the best pending entry: returns {id, request
# JSON}, or nil when nothing is pending. Ids without an entry (acked while back in pending)
# are skipped.
_LEASE = _NOW + """
local pending, leases, entries = KEYS[1], KEYS[2], KEYS[3]
""" + _REQUEUE_BODY + """
while true do
  local ids = redis.call('ZRANGE', pending, 0, 0)
  if #ids == 0 then return false end
  local id = ids[1]
  redis.call('ZREM', pending, id)
  local data = redis.call('HGET', entries, id)
  if data then
    redis.call('ZADD', leases, string.format('%.17g', now + tonumber(ARGV[1])), id)
    return {id, data}
  end
end
"""

# The live queue of each open spider, for the ack middleware.
_QUEUES: weakref.WeakKeyDictionary[scrapy.Spider, LeasedQueue] = weakref.WeakKeyDictionary()


def queue_for(spider: scrapy.Spider | None) -> LeasedQueue | None:
    """The LeasedQueue serving ``spider``, if its scheduler uses one."""
    return _QUEUES.get(spider) if spider is not None else None


class LeasedQueue(Base):
    """scrapy-redis ``SCHEDULER_QUEUE_CLASS`` whose pops are leases (module docstring)."""

    def __init__(self, server: redis.Redis, spider: scrapy.Spider, key: str, serializer: ModuleType | None = None):
        if serializer not in (None, codec):
            raise ValueError(f"LeasedQueue reads and writes crawler.distributed.codec (JSON) only, "
                             f"not SCHEDULER_SERIALIZER={serializer!r}")
        super().__init__(server, spider, key, codec)
        self.pending_key = f"{self.key}:pending"
        self.entries_key = f"{self.key}:entries"
        self.leases_key = f"{self.key}:leases"
        self.dropped_key = f"{self.key}:dropped"
        self.seq_key = f"{self.key}:seq"
        crawler = getattr(spider, "crawler", None)
        self.crawler = crawler  # its stats exist only once it crawls (a coordinator seeds before)
        self.lease_seconds = (crawler.settings.getfloat("FINEWS_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
                              if crawler is not None else DEFAULT_LEASE_SECONDS)
        self.allowed_hosts: set[str] | None = getattr(spider, "allowed_hosts", None)
        if self.allowed_hosts is None and crawler is not None and crawler.settings.getlist("FINEWS_ALLOWED_HOSTS"):
            self.allowed_hosts = set(crawler.settings.getlist("FINEWS_ALLOWED_HOSTS"))
        self._push_script = server.register_script(_PUSH)
        self._requeue_script = server.register_script(_REQUEUE)
        self._lease_script = server.register_script(_LEASE)
        if crawler is not None:
            crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)
        _QUEUES[spider] = self

    def push(self, request: scrapy.Request) -> None:
        """Queue ``request`` as a new pending entry; if it replaces a leased one (it still
        carries ``finews_lease``), acknowledge that one in the same step."""
        self._push_script(keys=[self.seq_key, self.entries_key, self.pending_key, self.leases_key],
                          args=[self._encode_request(request), int(request.priority),
                                request.meta.get(LEASE_META, "")])

    def pop(self, timeout: float = 0) -> scrapy.Request | None:
        """Lease the best pending entry (expired leases first go back to pending) and return
        its request, ``meta["finews_lease"]`` set; None if nothing is pending. An entry that
        is not one of our requests is dropped and counted, never run: the next one is tried.
        ``timeout`` is scrapy-redis' idle wait, which a sorted set cannot block on: unused.
        One round trip to Redis (a Lua script) per entry leased."""
        while True:
            leased = self._lease_script(keys=[self.pending_key, self.leases_key, self.entries_key],
                                        args=[self.lease_seconds])
            if leased is None:
                return None
            entry_id, data = leased
            entry_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            try:
                request = self._decode_request(data)
            except codec.ForeignEntry as foreign:
                self._drop(entry_id, foreign)
                continue
            request.meta[LEASE_META] = entry_id
            return request

    def ack(self, entry_id: str) -> None:
        """The entry's work is done: delete it wherever it is (leased, or back in pending
        after its lease ran out). Acking twice is harmless."""
        with self.server.pipeline() as pipe:
            pipe.zrem(self.leases_key, entry_id).zrem(self.pending_key, entry_id).hdel(self.entries_key, entry_id)
            pipe.execute()

    def requeue_expired(self) -> int:
        """Put leases past their deadline (a worker died or stalled) back into pending;
        returns how many came back."""
        return int(self._requeue_script(keys=[self.leases_key, self.pending_key, self.entries_key]))

    def counts(self) -> dict[str, int]:
        """Entries waiting and entries leased out."""
        with self.server.pipeline(transaction=False) as pipe:
            pending, leased = pipe.zcard(self.pending_key).zcard(self.leases_key).execute()
        return {"pending": pending, "leased": leased}

    def __len__(self) -> int:
        return sum(self.counts().values())

    def clear(self) -> None:
        """Delete every key of this queue (scrapy-redis calls it on close unless
        SCHEDULER_PERSIST)."""
        self.server.delete(self.pending_key, self.entries_key, self.leases_key, self.dropped_key, self.seq_key)

    def _encode_request(self, request: scrapy.Request) -> bytes:
        """The entry JSON, without the lease id of the request it may replace."""
        d = self._request_dict(request)
        d["meta"] = {key: value for key, value in d["meta"].items() if key != LEASE_META}
        return codec.dumps(d)

    def _request_dict(self, request: scrapy.Request) -> dict:
        """``request.to_dict(spider=…)``, with callback and errback named by a direct look-up:
        Scrapy finds them with inspect.getmembers over the whole spider, ~0.4 ms a request.
        Anything but the spider's own methods takes Scrapy's way."""
        names = [self._method_name(f) for f in (request.callback, request.errback)]
        if None in names:
            return request.to_dict(spider=self.spider)
        d = {"url": request.url, "callback": names[0] or None, "errback": names[1] or None,
             "headers": dict(request.headers)}
        for attr in request.attributes:
            d.setdefault(attr, getattr(request, attr))
        if type(request) is not scrapy.Request:
            d["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        return d

    def _method_name(self, func: object) -> str | None:
        """"" for no callable, the name of a method of this spider, else None (unknown)."""
        if func is None:
            return ""
        name = getattr(func, "__name__", "")
        if getattr(func, "__self__", None) is self.spider and name and \
                getattr(type(self.spider), name, None) is getattr(func, "__func__", None):
            return name
        return None

    def _decode_request(self, encoded_request: bytes) -> scrapy.Request:
        """The request of an entry, or ForeignEntry for anything this spider would not
        have queued."""
        d = codec.loads(encoded_request)
        codec.check_request_dict(d, self.spider, self.allowed_hosts)
        try:
            return request_from_dict(d, spider=self.spider)
        except Exception as error:  # whatever Request() refuses is as foreign as the rest
            raise codec.ForeignEntry("bad_field", f"{type(error).__name__}: {error}"[:120]) from None

    def _drop(self, entry_id: str, foreign: codec.ForeignEntry) -> None:
        """Delete a foreign entry and count it under its reason, in Redis and the stats."""
        with self.server.pipeline() as pipe:
            pipe.zrem(self.leases_key, entry_id).hdel(self.entries_key, entry_id)
            pipe.hincrby(self.dropped_key, foreign.reason, 1)
            pipe.execute()
        logger.warning("Dropped queue entry %s of %s, not one of our requests (%s)", entry_id[:40], self.key,
                       foreign)
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"finews/queue/dropped/{foreign.reason}")

    def _request_dropped(self, request: scrapy.Request) -> None:
        """The scheduler refused a request as a duplicate: if it replaced a leased entry,
        that entry is done."""
        entry_id = request.meta.get(LEASE_META)
        if entry_id:
            self.ack(entry_id)
