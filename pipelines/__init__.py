"""Item pipelines, one job each: validate → normalize → archive."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

logger = logging.getLogger("finews.drops")


class Dropper:
    """Base for pipelines that drop items: every drop is logged and counted by reason."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def drop(self, item, reason: str, detail: str = "") -> DropItem:
        """Count ``finews/dropped/{reason}`` and return the DropItem to raise."""
        self.crawler.stats.inc_value(f"finews/dropped/{reason}")
        item_id = ItemAdapter(item).get("id")
        message = f"{reason}: {item_id!r} {detail}".rstrip()
        logger.warning("dropped %s", message)
        return DropItem(message, log_level="DEBUG")
