"""The Redis keys of a distributed run (docs/scale-out.md, "Redis keys"), named in one place
so coordinator and workers cannot disagree on them."""

from __future__ import annotations

from scrapy.settings import BaseSettings


def prefix_of(settings: BaseSettings) -> str:
    return settings.get("FINEWS_REDIS_PREFIX", "finews") or "finews"


def run_key(prefix: str) -> str:
    """The open run (JSON); absent between runs."""
    return f"{prefix}:run"


def queue_key(prefix: str, spider: str = "%(spider)s") -> str:
    """A feed's LeasedQueue (scrapy-redis' SCHEDULER_QUEUE_KEY when ``spider`` is left as is)."""
    return f"{prefix}:q:{spider}"


def dupefilter_key(prefix: str, run_id: str, spider: str = "%(spider)s") -> str:
    """A feed's request fingerprints of one run: deleted with the run, so bounded."""
    return f"{prefix}:df:{run_id}:{spider}"


def listed_key(prefix: str, run_id: str, feed: str) -> str:
    """A feed's listed ids of one run → row signature, over all workers; deleted with the run."""
    return f"{prefix}:listed:{run_id}:{feed}"


def taken_key(prefix: str, run_id: str, feed: str) -> str:
    """A feed's rows taken under ``-a limit`` this run, over all workers; deleted with the run."""
    return f"{prefix}:taken:{run_id}:{feed}"


def known_key(prefix: str) -> str:
    """The archive index mirror: article id → entry and drop (crawler.distributed.known)."""
    return f"{prefix}:known"


def documents_key(prefix: str) -> str:
    """The index's feed and sitemap validators mirror: URL → [ETag, Last-Modified]."""
    return f"{prefix}:documents"


def aliases_key(prefix: str) -> str:
    """The index's aliases mirror: entry id → canonical id."""
    return f"{prefix}:aliases"


def inbox_key(prefix: str, feed: str) -> str:
    """A feed's finished items and messages, worker → coordinator (crawler.distributed.messages)."""
    return f"{prefix}:items:{feed}"


def active_key(prefix: str, run_id: str, feed: str, worker: str = "*") -> str:
    """A worker still crawling ``feed`` in this run (expires unless renewed: a killed worker's goes)."""
    return f"{prefix}:active:{run_id}:{feed}:{worker}"


def waiting_key(prefix: str, worker: str = "*") -> str:
    """A worker started and waiting for the next run (expires unless renewed)."""
    return f"{prefix}:waiting:{worker}"
