"""One-off crawls of named articles: backfill a list, re-fetch one, repair an old archive.

``-a codes=NW…,NW…``, ``-a urls=LINK,LINK`` (share links or article links), ``-a file=PATH``
(one code or link per line) and ``-a archive=DIR`` (every post under DIR, through the link in
its ``<…>`` line) may be combined. Metadata (title, time, media) comes from the source page
unless the archive already holds a valid value; the body comes from the text API, then the
source page, then (archive only) the archived body. What could not be archived is reported
when the run ends, one line per code, link or post.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.archive.exporters import EMNEWS
from crawler.net.failures import describe_failure
from crawler.archive.items import Article
from crawler.parsers.targets import (
    NotNews, TargetError, archive_posts, from_post, from_text, read_lines, split_codes, split_urls,
)
from spiders.base import FeedSpider, no_page


def _has_metadata(item: Article) -> bool:
    return bool(item.title.strip() and item.published and (item.feed == EMNEWS or item.media.strip()))


class ShareSpider(FeedSpider):
    """One-off: articles named by code, link, file or archive (-a codes|urls|file|archive=…)."""

    name = "share"
    codes = ""
    urls = ""
    file = ""
    archive = ""

    arguments = FeedSpider.arguments + ("codes", "urls", "file", "archive")

    @classmethod
    def check_arguments(cls, kwargs: dict[str, object]) -> None:
        super().check_arguments(kwargs)
        if not any(str(kwargs.get(k, "")).strip() for k in ("codes", "urls", "file", "archive")):
            raise ValueError("share needs -a codes=NW…, -a urls=LINK, -a file=PATH or -a archive=DIR")
        file, archive = str(kwargs.get("file", "")), str(kwargs.get("archive", ""))
        if file and not Path(file).is_file():
            raise ValueError(f"-a file={file!r}: no such file; expected a file of codes or links")
        if archive and not Path(archive).is_dir():
            raise ValueError(f"-a archive={archive!r}: no such directory; expected a folder of posts")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What was asked for and is not archived yet: id → what the user named it by.
        self.pending: dict[str, str] = {}
        self.reasons: dict[str, str] = {}
        # Why each body source failed, per id: {"article page": "DNS lookup failed for …"}.
        self.causes: dict[str, dict[str, str]] = {}
        # Ids whose article page was already asked for (read, missing or failed): the text
        # API's fallback must not fetch it a second time.
        self.page_asked: set[str] = set()
        self.unresolved: list[tuple[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    # --- what to fetch ---------------------------------------------------------------------
    def targets(self) -> Iterator[tuple[str, Article]]:
        """``(what the user named, item)`` for every value given; bad values are reported."""
        share = self.settings.get("FINEWS_SHARE_URL")
        article = self.settings.get("FINEWS_ARTICLE_URL")
        values = split_codes(self.codes) + split_urls(self.urls)
        if self.file:
            values += read_lines(self.file)
        for value in values:
            try:
                yield value, from_text(value, share, article)
            except TargetError as exc:
                self.report(value, str(exc))
        if self.archive:
            for path in archive_posts(self.archive):
                try:
                    yield str(path), from_post(path, share, article)
                except NotNews as exc:
                    self.stat("share/skipped/not_news")
                    self.logger.info("left as it is: %s (%s)", path, exc)
                except TargetError as exc:
                    self.report(str(path), str(exc))

    async def start(self):
        for origin, item in self.targets():
            if item.id in self.pending:
                continue
            self.pending[item.id] = origin
            self.stat("share/asked")
            if item.feed == EMNEWS:
                yield self.source_request(item)
            elif _has_metadata(item):
                yield self.text_request(item)
            else:
                yield self.page_request(item)

    # --- metadata from the source page, then the body ------------------------------------
    def page_request(self, item: Article) -> scrapy.Request:
        return self.source_request(item, self.on_page, self.on_page_error)

    def on_page(self, response: Response, item: Article) -> Iterator:
        page = self.article_page(response)
        if isinstance(page, scrapy.Request):
            yield page
            return
        self.page_asked.add(item.id)
        if page is None:
            self.note(item, "article page", self.no_page_cause(response))
            yield self.text_request(item)
            return
        self.stat("share/metadata/source")
        item = replace(
            item,
            title=item.title.strip() or page.title,
            published=item.published or page.published,
            media=item.media.strip() or page.media,
        )
        if page.body_html:
            item = replace(item, body_html=page.body_html, body_from="source")
        yield self.text_request(item)

    def on_page_error(self, failure: Failure) -> Iterator:
        item = failure.request.cb_kwargs["item"]
        self.page_asked.add(item.id)
        self.note(item, "article page", describe_failure(failure))
        yield self.text_request(item)

    def on_source(self, response: Response, item: Article) -> Iterator:
        if no_page(response):
            self.note(item, "article page", self.no_page_cause(response))
        yield from super().on_source(response, item)

    def on_text_error(self, failure: Failure) -> Iterator:
        self.note(failure.request.cb_kwargs["item"], "text API", describe_failure(failure))
        yield from super().on_text_error(failure)

    def note(self, item: Article, where: str, cause: str) -> None:
        """Remember the first cause seen for ``where`` (the text API or the article page)."""
        self.causes.setdefault(item.id, {}).setdefault(where, cause)

    @staticmethod
    def no_page_cause(response: Response) -> str:
        if response.status != 200:
            return f"HTTP {response.status} at {response.url}"
        return f"no article in page {response.url}"

    def fallback_to_source(self, item: Article) -> Iterator:
        """The text API gave nothing: a page body already read wins; a page already asked
        for is not fetched again; else the usual fallback to the source link."""
        self.note(item, "text API", "no text for this code")
        if item.body_from == "source":
            self.stat("body/source")
            yield item
        elif item.id in self.page_asked:
            yield from self.no_article(item)
        else:
            yield from super().fallback_to_source(item)

    def no_article(self, item: Article) -> Iterator:
        """No article behind the source link: keep the archived body, else the digest."""
        if item.body_html:
            self.stat("body/archive")
            yield item
        elif item.feed == EMNEWS and item.digest.strip():
            self.stat("body/digest")
            yield replace(item, body_from="digest")
        else:
            self.note(item, "article page", f"no article in page {item.source_url}")
            self.reasons[item.id] = self.why(item.id)
            self.drop_no_body(item, self.reasons[item.id])

    def on_source_error(self, failure: Failure) -> None:
        item = failure.request.cb_kwargs["item"]
        self.note(item, "article page", describe_failure(failure))
        self.reasons[item.id] = self.why(item.id)
        super().on_source_error(failure)

    def why(self, item_id: str) -> str:
        """Every body source's cause, e.g. ``article page: HTTP 404 at …; text API: no text …``."""
        return "; ".join(f"{where}: {cause}" for where, cause in sorted(self.causes.get(item_id, {}).items()))

    # --- the report at the end -------------------------------------------------------------
    def item_scraped(self, item, response, spider) -> None:
        self.pending.pop(item.id, None)

    def item_dropped(self, item, response, exception, spider) -> None:
        self.reasons[item.id] = f"dropped: {exception}"

    def report(self, origin: str, reason: str) -> None:
        self.unresolved.append((origin, reason))

    def closed(self, reason: str) -> None:
        for item_id, origin in self.pending.items():
            self.report(origin, self.reasons.get(item_id, f"not archived (run {reason})"))
        self.crawler.stats.set_value("finews/share/unresolved", len(self.unresolved))
        for origin, why in self.unresolved:
            self.logger.warning("unresolved: %s: %s", origin, why)
        resolved = self.crawler.stats.get_value("finews/share/asked", 0) - len(self.pending)
        self.logger.info("share: %d archived, %d unresolved", resolved, len(self.unresolved))
