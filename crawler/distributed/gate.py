"""Per-host politeness across every worker: the gate of crawler/net/hostgate.py held in Redis.

Workers on several machines fetch from the same hosts, so a gate per process would let a
host see the budget once per worker. Here a host's open requests are a sorted set of slot
tokens (``{prefix}:gate:{host}``, token → lease deadline) and its next start time a string
(``{prefix}:gate:{host}:next``), checked and taken by one Lua script on Redis' own clock, so
workers' clocks never matter. A slot is a lease: a worker killed while holding one does not
release it, and the slot comes back when its deadline passes.
"""

from __future__ import annotations

import asyncio
import uuid

from redis.asyncio import Redis

# Longest sleep between two asks while the host is full: a slot released by ZREM (another
# worker's download finishing) is seen within this, without a pub/sub channel.
POLL_SECONDS = 0.05

# KEYS: the host's slots (sorted set token → lease deadline), its next start time.
# ARGV: token, concurrency, interval, lease seconds, poll seconds.
# Takes a slot and returns 0, or returns the microseconds to wait before asking again: until
# the next start time, and, while every slot is taken, until the first lease ends, polling
# at most POLL_SECONDS apart for a release. Both keys expire once they no longer matter.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local concurrency, interval = tonumber(ARGV[2]), tonumber(ARGV[3])
local lease, poll = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wait = (tonumber(redis.call('GET', KEYS[2])) or 0) - now
if redis.call('ZCARD', KEYS[1]) >= concurrency then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(wait, math.min(tonumber(first[2]) - now, poll))
end
if wait > 0 then
  return math.ceil(wait * 1000000)
end
redis.call('ZADD', KEYS[1], string.format('%.6f', now + lease), ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(lease * 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%.6f', now + interval), 'PX', math.ceil(interval * 1000) + 1000)
return 0
"""


class RedisHostGate:
    """At most ``concurrency`` open requests per host and starts ``interval`` s apart, over
    every worker sharing ``client`` and ``prefix``. ``lease_seconds`` must outlast a download
    (DOWNLOAD_TIMEOUT), or a slow download's slot would be handed out again while open."""

    def __init__(self, client: Redis, prefix: str, concurrency: int, interval: float,
                 lease_seconds: float = 120.0):
        if lease_seconds <= 0:
            raise ValueError(f"lease_seconds must be positive, not {lease_seconds}")
        self.client = client
        self.prefix = prefix
        self.concurrency = max(1, concurrency)
        self.interval = max(0.0, interval)
        self.lease_seconds = lease_seconds
        self._acquire = client.register_script(_ACQUIRE)

    def key(self, host: str) -> str:
        """The host's slot set; its next start time is this key + ``:next``."""
        return f"{self.prefix}:gate:{host}"

    async def acquire(self, host: str) -> str:
        """Wait for a slot of ``host``; the token to give back to ``release``."""
        token = uuid.uuid4().hex
        key = self.key(host)
        args = [token, self.concurrency, self.interval, self.lease_seconds, POLL_SECONDS]
        while wait := await self._acquire(keys=[key, f"{key}:next"], args=args):
            await asyncio.sleep(wait / 1_000_000)
        return token

    async def release(self, host: str, token: str) -> None:
        """Give the slot back at once (an expired one is already gone: no harm)."""
        await self.client.zrem(self.key(host), token)
