"""The settings that turn a finews crawler into a worker of a distributed run."""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from crawler.distributed import keys
from crawler.distributed.hosts import source_hosts

_GATE = "crawler.distributed.gatehandler.RedisHostGateHandler"
_ACK = "crawler.distributed.ack.LeaseAckMiddleware"


def worker_settings(settings: BaseSettings, run_id: str, worker_id: str) -> dict[str, Any]:
    """Overrides for a worker's crawlers in run ``run_id``: scrapy-redis' scheduler over the
    leased JSON queues (persisting: a closing worker must not clear the shared queue), a
    per-run dupefilter, lease acks, the shared host gate, and items sent instead of written."""
    prefix = keys.prefix_of(settings)
    spider_mw = settings.getdict("SPIDER_MIDDLEWARES")
    downloader_mw = settings.getdict("DOWNLOADER_MIDDLEWARES")
    extensions = settings.getdict("EXTENSIONS")
    extensions.update({"crawler.run.extensions.ArchiveState": None,
                       "crawler.distributed.mirrorstate.MirroredArchiveState": 100,
                       "crawler.distributed.poll.QueuePoll": 100,
                       "crawler.run.monitors.HealthMonitors": None})
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.LeasedQueue",
        "SCHEDULER_SERIALIZER": "crawler.distributed.codec",
        "SCHEDULER_QUEUE_KEY": keys.queue_key(prefix),
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter_key(prefix, run_id),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": settings.get("FINEWS_REDIS_URL"),
        "SPIDER_MIDDLEWARES": {**spider_mw, _ACK: 10, "crawler.distributed.nostart.SkipStart": 20},
        "DOWNLOADER_MIDDLEWARES": {**downloader_mw, _ACK: 10},
        "DOWNLOAD_HANDLERS": {"http": _GATE, "https": _GATE},
        "ITEM_PIPELINES": {"crawler.distributed.sender.ItemSender": 100},
        "EXTENSIONS": extensions,
        "SPIDERMON_ENABLED": False,
        "FINEWS_ALLOWED_HOSTS": source_hosts(settings),
        "FINEWS_RUN_ID": run_id,
        "FINEWS_WORKER_ID": worker_id,
    }
