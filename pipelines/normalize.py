"""Turn source values into archive values: title, date, media, category, tags, body.

Digest and body are sanitized here, whichever source gave them (text API, article page,
generic extraction): both are placed in the post as HTML.
"""

from __future__ import annotations

from datetime import timedelta

from itemadapter import ItemAdapter

from crawler.archive.dates import parse_published, run_now
from crawler.archive.exporters import EMNEWS, EMNEWS_TAG
from crawler.archive.items import SYNDICATION
from crawler.archive.sanitize import sanitize
from crawler.archive.slugs import SlugRegistry
from crawler.archive.text import clean_body, clean_title, protect_liquid
from pipelines import Dropper


class NormalizePipeline(Dropper):
    """Normalize every field; owns the slug registry, saved when the spider closes."""

    def open_spider(self):
        self.tz = self.settings.get("FINEWS_TIMEZONE")
        # Relative list times (昨天 09:02) are read at the run's "now", with the same
        # tolerance for a source clock running fast as the future check below.
        self.now = run_now(self.settings.get("FINEWS_NOW"), self.tz)
        self.ahead = timedelta(minutes=self.settings.getfloat("FINEWS_MAX_FUTURE_MINUTES"))
        self.latest = self.now + self.ahead
        self.slugs = SlugRegistry(self.settings.get("FINEWS_OUTPUT_DIR"))

    def close_spider(self):
        self.slugs.save()

    def process_item(self, item):
        a = ItemAdapter(item)
        title = clean_title(a.get("title"))
        if not title:
            raise self.drop(item, "no_title", "(empty after clean-up)")
        published = parse_published(a.get("published"), self.tz, now=self.now, ahead=self.ahead)
        if published is None:
            raise self.drop(item, "bad_date", repr(a.get("published")))
        if published > self.latest:
            latest = f"{self.latest:%Y-%m-%d %H:%M:%S}"
            raise self.drop(item, "future_date", f"({published:%Y-%m-%d %H:%M:%S} is after {latest})")
        a["title"] = title
        a["published"] = published
        a["media"] = clean_title(a.get("media"))
        if a.get("feed") == EMNEWS:
            a["category"], a["tags"] = EMNEWS, [EMNEWS_TAG]
        else:
            if not a["media"]:
                raise self.drop(item, "no_media", "(empty after clean-up)")
            fixed = a.get("category") if a.get("feed") == SYNDICATION else ""  # a source's slug: (FINEWS_SOURCES)
            a["category"] = self.slugs.assign(a["media"], fixed) if fixed else self.slugs.slug(a["media"])
            a["tags"] = [f"{a['media']}新闻"]
            if not a["category"]:
                raise self.drop(item, "bad_media", f"({a['media']!r} leaves no safe slug character)")
        base = a.get("source_url") or None
        # The list rows' 【headline】 is already gone (crawler.parsers.rows): stripping it
        # again would eat a bracket that belongs to the text.
        a["digest"] = protect_liquid(self.sanitized(clean_title(a.get("digest")), base))
        body = self.sanitized(clean_body(a.get("body_html")), base)
        if not body and a.get("feed") != EMNEWS:
            raise self.drop(item, "no_body", "(nothing left after sanitizing)")
        a["body_html"] = protect_liquid(body)
        return item

    def sanitized(self, html: str, base_url: str | None) -> str:
        """``html`` safe to publish, counted ``finews/sanitized`` when that changed it. After
        the clean-up: removing indents could otherwise join Markdown syntax back together."""
        result = sanitize(html, base_url)
        if result.sanitized:
            self.crawler.stats.inc_value("finews/sanitized")
        return result.html.strip()
