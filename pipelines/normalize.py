"""Turn source values into archive values: title, date, media, category, tags, body."""

from __future__ import annotations

from datetime import timedelta

from itemadapter import ItemAdapter

from crawler.archive.dates import parse_published, run_now
from crawler.archive.exporters import EMNEWS, EMNEWS_TAG
from crawler.archive.slugs import SlugRegistry
from crawler.archive.text import clean_body, clean_title, protect_liquid, strip_headline
from pipelines import Dropper


class NormalizePipeline(Dropper):
    """Normalize every field; owns the slug registry, saved when the spider closes."""

    def open_spider(self):
        self.tz = self.settings.get("FINEWS_TIMEZONE")
        minutes = self.settings.getfloat("FINEWS_MAX_FUTURE_MINUTES")
        self.latest = run_now(self.settings.get("FINEWS_NOW"), self.tz) + timedelta(minutes=minutes)
        self.slugs = SlugRegistry(self.settings.get("FINEWS_OUTPUT_DIR"))

    def close_spider(self):
        self.slugs.save()

    def process_item(self, item):
        a = ItemAdapter(item)
        title = clean_title(a.get("title"))
        if not title:
            raise self.drop(item, "no_title", "(empty after clean-up)")
        published = parse_published(a.get("published"), self.tz)
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
            a["category"], a["tags"] = self.slugs.slug(a["media"]), [f"{a['media']}新闻"]
            if not a["category"]:
                raise self.drop(item, "bad_media", f"({a['media']!r} leaves no safe slug character)")
        a["digest"] = protect_liquid(clean_title(strip_headline(a.get("digest"))))
        a["body_html"] = protect_liquid(clean_body(a.get("body_html")))
        return item
