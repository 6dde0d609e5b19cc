"""Reject items that can never become a post, before any work is spent on them."""

from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.exporters import ID_RE
from crawler.items import FEEDS
from pipelines import Dropper


class ValidatePipeline(Dropper):
    def process_item(self, item):
        a = ItemAdapter(item)
        item_id = a.get("id") or ""
        if not item_id:
            raise self.drop(item, "no_id")
        if not ID_RE.match(item_id):
            raise self.drop(item, "bad_id", "(id must be [A-Za-z0-9_-]+)")
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
        return item
