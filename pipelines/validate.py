"""Reject items that can never become a post, before any work is spent on them."""

from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.archive.exporters import ID_RE
from crawler.archive.items import FEEDS
from pipelines import Dropper


def utf8_size_over(text: str, limit: int) -> bool:
    """Is ``text`` more than ``limit`` bytes in UTF-8? (encodes only when it can tell no other way)"""
    if len(text) > limit:
        return True
    return len(text) * 4 > limit and len(text.encode("utf-8")) > limit


class ValidatePipeline(Dropper):
    def open_spider(self):
        self.max_body = self.settings.getint("FINEWS_MAX_BODY_BYTES")

    def process_item(self, item):
        a = ItemAdapter(item)
        item_id = a.get("id") or ""
        if not item_id:
            raise self.drop(item, "no_id")
        if not ID_RE.match(item_id):
            raise self.drop(item, "bad_id", "(id must be 1-100 of [A-Za-z0-9_-])")
        if a.get("feed") not in FEEDS:
            raise self.drop(item, "bad_feed", repr(a.get("feed")))
        if not (a.get("title") or "").strip():
            raise self.drop(item, "no_title")
        if not a.get("published"):
            raise self.drop(item, "no_date")
        if a.get("feed") != "emnews":
            if not (a.get("media") or "").strip():
                raise self.drop(item, "no_media")
            if not a.get("body_html"):
                raise self.drop(item, "no_body")
        if utf8_size_over(a.get("body_html") or "", self.max_body):
            raise self.drop(item, "body_too_large", f"(over FINEWS_MAX_BODY_BYTES={self.max_body})")
        return item
