"""The per-host gate of distributed mode: HostGateHandler with its gate held in Redis.

With ``FINEWS_REDIS_URL`` set, every worker's requests to a host share one budget
(``FINEWS_HOST_CONCURRENCY`` open, starts ``FINEWS_HOST_INTERVAL`` s apart) through
RedisHostGate; without it, this handler is HostGateHandler exactly, so one
``DOWNLOAD_HANDLERS`` entry serves both modes.
"""

from __future__ import annotations

from redis.asyncio import Redis
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from crawler.distributed.gate import RedisHostGate
from crawler.net.hostgate import HostGateHandler, host_key


def gate_from_settings(settings: BaseSettings, concurrency: int, interval: float) -> RedisHostGate | None:
    """The Redis gate when ``FINEWS_REDIS_URL`` is set, on a client of its own; None keeps
    the per-process gate."""
    url = settings.get("FINEWS_REDIS_URL", "")
    if not url:
        return None
    return RedisHostGate(Redis.from_url(url), settings.get("FINEWS_REDIS_PREFIX", "finews") or "finews",
                         concurrency, interval, settings.getfloat("FINEWS_LEASE_SECONDS", 120.0))


class RedisHostGateHandler(HostGateHandler):
    """``DOWNLOAD_HANDLERS`` entry for http/https: HTTP/1.1 behind a per-host gate shared by
    all workers (Redis), or by the process (no ``FINEWS_REDIS_URL``)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.redis_gate = gate_from_settings(crawler.settings, self.concurrency, self.interval)

    async def download_request(self, request: Request) -> Response:
        if self.redis_gate is None:
            return await super().download_request(request)
        host = host_key(request)
        token = await self.redis_gate.acquire(host)
        try:
            return await self.transfer(request)
        finally:
            await self.redis_gate.release(host, token)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self.redis_gate is not None:
                await self.redis_gate.client.aclose()
