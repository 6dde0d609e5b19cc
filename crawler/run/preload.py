"""Import, up front, every component a crawl's crawlers will load.

Scrapy imports each component (extensions, middlewares, pipelines, handlers, scheduler)
while it builds a crawler, inside the crawl. A waiting worker preloads them before its run
opens, which moves a few hundred milliseconds of every run's start into a standing
worker's idle time; ``crawl`` and ``crawlall`` preload them with the process's start-up,
before their crawl clock starts, so that the clock measures crawling.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

logger = logging.getLogger(__name__)

COMPONENT_DICTS = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES")
COMPONENT_PATHS = ("SCHEDULER", "SCHEDULER_QUEUE_CLASS", "DUPEFILTER_CLASS", "STATS_CLASS", "DOWNLOADER",
                   "REQUEST_FINGERPRINTER_CLASS", "LOG_FORMATTER", "SCHEDULER_PRIORITY_QUEUE")


def preload(settings: BaseSettings, overrides: dict[str, Any]) -> list[str]:
    """Import every component ``settings`` with ``overrides`` (a worker's) names; returns
    those that would not load (the run will say why, as it would have anyway)."""
    merged = settings.copy()
    merged.setdict(overrides, priority="cmdline")
    paths: list[Any] = [merged.get(name) for name in COMPONENT_PATHS]
    for name in COMPONENT_DICTS:
        paths += [path for path, order in merged.getwithbase(name).items() if order is not None]
    paths += list(merged.getwithbase("DOWNLOAD_HANDLERS").values())
    failed = []
    for path in paths:
        if not isinstance(path, str) or not path:
            continue
        try:
            load_object(path)
        except Exception as error:  # noqa: BLE001 - any import error shows again in the run itself
            failed.append(path)
            logger.debug("could not preload %s: %s", path, error)
    return failed
