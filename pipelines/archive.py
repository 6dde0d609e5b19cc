"""Write each normalized item as its post (and its media's category page), atomically."""

from __future__ import annotations

from itemadapter import ItemAdapter

from crawler.archive.exporters import ExportError, render_category_page, render_post
from crawler.run.extensions import ArchiveState
from crawler.archive.storage import UnsafePathError, atomic_write, resolve_inside
from pipelines import Dropper


class ArchivePipeline(Dropper):
    """Post files under ``FINEWS_OUTPUT_DIR``; unchanged posts are not touched.

    An id already retired to ``old_post/`` is known and never written back to
    ``_posts/``; a post whose date moved is written under its new name and the old
    file removed, so an id never has two posts. Every post archived is recorded in the
    archive index, so the next run knows it without fetching it.
    """

    def open_spider(self):
        self.root = self.settings.get("FINEWS_OUTPUT_DIR")
        self.site_base = self.settings.get("FINEWS_SITE_BASE")
        self.state = self.crawler.get_extension(ArchiveState)
        if self.state is None:
            raise RuntimeError("ArchivePipeline needs the crawler.run.extensions.ArchiveState extension")
        self.pages_seen: set[str] = set()

    def process_item(self, item):
        a = ItemAdapter(item)
        entry = self.state.index.get(a["id"])
        if entry is not None and entry.retired:
            self.crawler.stats.inc_value("finews/skipped/retired")
            return item
        try:
            path, text = render_post(item, self.site_base)
            changed = atomic_write(self.root, path, text)
        except (ExportError, UnsafePathError) as exc:
            raise self.drop(item, "unwritable", str(exc))
        previous = entry.path if entry else None
        if previous and previous != path:
            resolve_inside(self.root, previous).unlink(missing_ok=True)
        self.state.record(
            a["id"], path, text, a["published"].isoformat(" ", "seconds")[:19],
            a.get("body_from") or "", a.get("row_sig") or "", known=entry,
        )
        if not (a.get("title") and a.get("published") and a.get("category")):
            self.crawler.stats.inc_value("finews/written/incomplete")  # a health monitor fails on it
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
