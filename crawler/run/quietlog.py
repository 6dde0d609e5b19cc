"""The log a person reads: Scrapy's start-up dumps once per process, not once per crawler.

``crawlall`` runs a crawler per feed in one process, and each logs the same settings,
add-ons, extensions, middlewares and pipelines: about a hundred identical lines a feed.
"""

from __future__ import annotations

import logging

# Loggers of the start-up dumps ("Overridden settings", "Enabled …").
BOILERPLATE = ("scrapy.crawler", "scrapy.addons", "scrapy.middleware")


class OncePerProcess(logging.Filter):
    """Lets each distinct message through once."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


_FILTER = OncePerProcess()


def dumps_once() -> None:
    """From now on, a start-up dump identical to one already logged is left out."""
    for name in BOILERPLATE:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
