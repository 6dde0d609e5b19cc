"""Write each normalized item as its post (and its media's category page), atomically."""

from __future__ import annotations

import os

from itemadapter import ItemAdapter

from crawler.archive import OLD_POSTS, POSTS, scan_posts
from crawler.exporters import ExportError, render_category_page, render_post
from crawler.storage import UnsafePathError, atomic_write, resolve_inside
from pipelines import Dropper


class ArchivePipeline(Dropper):
    """Post files under ``FINEWS_OUTPUT_DIR``; unchanged posts are not touched.

    An id already retired to ``old_post/`` is known and never written back to
    ``_posts/``; a post whose date moved is written under its new name and the old
    file removed, so an id never has two posts.
    """

    def open_spider(self):
        self.root = self.settings.get("FINEWS_OUTPUT_DIR")
        self.site_base = self.settings.get("FINEWS_SITE_BASE")
        self.posts = scan_posts(self.root, POSTS)
        self.retired = scan_posts(self.root, OLD_POSTS)
        self.pages_seen: set[str] = set()

    def process_item(self, item):
        a = ItemAdapter(item)
        if a["id"] in self.retired:
            self.crawler.stats.inc_value("finews/skipped/retired")
            return item
        try:
            path, text = render_post(item, self.site_base)
            changed = atomic_write(self.root, path, text)
        except (ExportError, UnsafePathError) as exc:
            raise self.drop(item, "unwritable", str(exc))
        previous = self.posts.get(a["id"])
        if previous and previous != path:
            os.unlink(resolve_inside(self.root, previous))
        self.posts[a["id"]] = path
        outcome = "unchanged" if not changed else ("updated" if previous else "new")
        self.crawler.stats.inc_value(f"finews/written/{outcome}")
        self.crawler.stats.inc_value(f"finews/written/{outcome}/{a['feed']}")
        if a["feed"] != "emnews":
            self.write_category_page(a["media"], a["category"])
        return item

    def write_category_page(self, media: str, slug: str) -> None:
        if slug in self.pages_seen:
            return
        self.pages_seen.add(slug)
        path, text = render_category_page(media, slug)
        if atomic_write(self.root, path, text):
            self.crawler.stats.inc_value("finews/category_pages/written")
