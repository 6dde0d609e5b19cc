"""Item pipelines, one job each: validate → normalize → archive."""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.archive.exporters import ID_RE
from crawler.run.extensions import ArchiveState

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
        """Count ``finews/dropped/{reason}``, remember the row as dropped (it is not fetched
        again while it stays the same) and return the DropItem to raise."""
        self.crawler.stats.inc_value(f"finews/dropped/{reason}")
        a = ItemAdapter(item)
        item_id = a.get("id")
        state = self.crawler.get_extension(ArchiveState)
        if state is not None and isinstance(item_id, str) and ID_RE.match(item_id):
            state.dropped(item_id, a.get("row_sig") or "", reason)
        message = f"{reason}: {item_id!r} {detail}".rstrip()
        logger.warning("dropped %s", message)
        return DropItem(message, log_level="DEBUG")
