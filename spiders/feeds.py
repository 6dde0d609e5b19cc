"""Generic syndication sources (FINEWS_SOURCES): RSS, Atom, JSON Feed and sitemaps → article pages.

Every enabled source of the sources file, or the one named with ``-a source=NAME``. Feeds
and sitemaps are asked "changed since?" (conditional GET): a 304 costs nothing else.
Their entries are read lazily and a few pages at a time per document, so a feed of
10,000 entries holds a window of requests, not 10,000 of them. robots.txt is obeyed.

A worker of a distributed run (FINEWS_RUN_ID) queues its requests in Redis as JSON: a
source by its name, and a document's entries all at once, each page request carrying its
item and the document's URL (the shared queue, not the worker's memory, holds them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.archive.dates import parse_published, run_now
from crawler.archive.items import Article
from crawler.distributed.codec import ForeignEntry
from crawler.net.conditional import conditional_headers, validators
from crawler.net.failures import describe_failure, failure_reason
from crawler.parsers import SourceError
from crawler.parsers.entries import Entry, entry_item, page_item
from crawler.parsers.feeds import parse_feed
from crawler.parsers.generic import extract_generic, extract_with_selectors
from crawler.parsers.sitemaps import INDEX, MAX_BYTES, parse_sitemap
from crawler.parsers.urls import article_id
from crawler.run.sources import Source, SourcesError, load_sources, selected, sources_file
from spiders.base import BODY_PRIORITY, NO_ARTICLE_STATUSES, TOO_LARGE, FeedSpider

FEED, SITEMAP = "feed", "sitemap"
# Sitemap indexes may (against the protocol) list other indexes: followed this deep.
MAX_SITEMAP_DEPTH = 3
FETCH_REASON = "finews_fetch_reason"
# Feeds and sitemaps may be far bigger than an article page (DOWNLOAD_MAXSIZE): up to what
# the sitemaps protocol allows. They are parsed as a stream; only the body is held.
DOCUMENT_SIZE = {"download_maxsize": MAX_BYTES, "download_warnsize": MAX_BYTES}


@dataclass(eq=False)
class Document:
    """A feed or sitemap being read: its entries, pulled a window at a time."""

    url: str
    source: Source
    entries: Iterator[Entry]
    etag: str
    last_modified: str
    whole: bool = True  # every entry so far was handled (none cut by -a limit or skipped by date)


def read_sources(settings, name: str = "") -> list[Source]:
    """The sources a feeds crawl reads; SourcesError when there are none or the file is wrong."""
    path, explicit = sources_file(settings)
    sources = selected(load_sources(path, required=explicit), name)
    if not sources:
        raise SourcesError(f"{path}: no enabled source; add one (scrapy addsource URL --write) "
                           "or name one with -a source=NAME")
    return sources


class FeedsSpider(FeedSpider):
    """Articles of the sources file's feeds and sitemaps; one category per source."""

    name = "feeds"
    source = ""
    arguments = FeedSpider.arguments + ("source",)
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        # Eastmoney's Referer means nothing to other sites; feeds are asked for as feeds.
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                      "application/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
        },
    }

    @classmethod
    def check_settings(cls, settings, kwargs: dict[str, object]) -> None:
        """The sources file is checked before the crawl starts (one line naming source and key)."""
        read_sources(settings, str(kwargs.get("source", "")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents: set[str] = set()

    # A worker never runs start(): what it needs is found on first use. (The coordinator,
    # which runs start() to seed the shared queue, sets ``state`` to its Redis mirror.)
    @cached_property
    def window(self) -> int:
        return 2 * self.settings.getint("FINEWS_HOST_CONCURRENCY")

    @cached_property
    def today(self) -> date:
        return run_now(self.settings.get("FINEWS_NOW"), self.tz).date()

    @cached_property
    def sources(self) -> dict[str, Source]:
        """Every source of the file by name: queued requests name theirs."""
        path, explicit = sources_file(self.settings)
        return {source.name: source for source in load_sources(path, required=explicit)}

    def listed_before(self, item: Article, claimant: str = "") -> str | None:
        """Across every worker when queued: a document on another worker may list it too.

        This worker's own memory first (an entry twice in one document); then Redis, where
        ``claimant`` (document and entry URL) lets a document read again after its worker
        died claim its own entries again.
        """
        seen = super().listed_before(item)
        if seen is None and self.queued:
            return self.state.listed_before(item.id, item.row_sig, claimant)
        return seen

    def check_queued(self, request: dict[str, Any]) -> None:
        """A queued request naming a source this worker's sources file lacks is foreign."""
        name = request["cb_kwargs"].get("source")
        if name is not None and (not isinstance(name, str) or name not in self.sources):
            raise ForeignEntry("unknown_source", f"{str(name)[:80]!r}")

    async def start(self):
        for source in read_sources(self.settings, self.source):
            for url, kind in [(u, FEED) for u in source.feeds] + [(u, SITEMAP) for u in source.sitemaps]:
                request = self.document_request(url, source, kind)
                if request is not None:
                    yield request

    # --- feeds and sitemaps -------------------------------------------------------------
    def document_request(self, url: str, source: Source, kind: str, depth: int = 0) -> scrapy.Request | None:
        if url in self.documents:  # two sources share it, or a sitemap index loops
            return None
        self.documents.add(url)
        headers = {} if self._refresh else conditional_headers(*self.state.validators(url))
        return scrapy.Request(url, callback=self.on_document, errback=self.on_list_error, headers=headers,
                              cb_kwargs={"source": source.name, "kind": kind, "depth": depth},
                              meta={"handle_httpstatus_list": [304], **DOCUMENT_SIZE}, dont_filter=True)

    def on_document(self, response: Response, source: str, kind: str, depth: int) -> Iterator:
        if response.status == 304:
            self.stat("feed/not_modified")
            return
        try:
            doc = parse_feed(response.body, response.url) if kind == FEED else parse_sitemap(response.body, response.url)
        except SourceError as exc:
            self.list_failed(exc.reason, response.url, str(exc))
            return
        if kind == SITEMAP and doc.kind == INDEX:
            # Read whole every time: a child sitemap can change while the index does not.
            self.state.read_partly(response.url)
            for child in doc.entries:
                if child.url and depth < MAX_SITEMAP_DEPTH:
                    request = self.document_request(child.url, self.sources[source], SITEMAP, depth + 1)
                    if request is not None:
                        yield request
            return
        document = Document(response.url, self.sources[source], doc.entries, *validators(response))
        if self.queued:  # every entry at once, its validators sent before any page can fail
            yield from list(self.pull(document, sys.maxsize))
        else:
            yield from self.pull(document, self.window)

    def pull(self, doc: Document, n: int = 1) -> Iterator[scrapy.Request]:
        """Page requests for the document's next ``n`` entries that need fetching.

        Once every entry was handled, its validators are kept for the next run's
        conditional GET; a page left for later (deferred) forgets them again.
        """
        while n > 0:
            if self._limit is not None and self._limit_left <= 0:
                doc.whole = False
                return
            entry = next(doc.entries, None)
            if entry is None:
                if doc.whole:
                    self.state.read_whole(doc.url, doc.etag, doc.last_modified)
                    doc.whole = False  # recorded once
                return
            self.stat(f"listed/{self.name}")
            item, reason = self.listed(entry, doc)
            if item is not None:
                n -= 1
                yield self.page_request(item, doc, reason)

    def listed(self, entry: Entry, doc: Document) -> tuple[Article | None, str]:
        """The entry's item and why, if its page is to be fetched (as FeedSpider.list_items
        decides for a row); ``(None, "")`` if not."""
        item = entry_item(entry, doc.source.name, doc.source.slug)
        if item.id:
            item = replace(item, id=self.state.alias_of(item.id))
        kept = self.first_of_each_id(self.with_id([item]), claimant=f"{doc.url} {item.source_url}")
        if not kept:
            return None, ""
        if self.older_than_wanted(item, doc.source):
            self.stat("skipped/since")
            doc.whole = False
            return None, ""
        if not self.take(1):
            doc.whole = False
            return None, ""
        verdict = self.state.verdict(item, refresh=self._refresh)
        return (item, verdict.reason) if verdict.fetch else (None, "")

    def older_than_wanted(self, item: Article, source: Source) -> bool:
        """Published before ``-a since`` or the source's ``since_days``? (undated: not yet known)"""
        cutoffs = [self._since] if self._since else []
        if source.since_days:
            cutoffs.append(self.today - timedelta(days=source.since_days))
        published = parse_published(item.published, self.tz)
        return bool(cutoffs) and published is not None and published.date() < max(cutoffs)

    # --- article pages ------------------------------------------------------------------
    def page_request(self, item: Article, doc: Document, reason: str) -> scrapy.Request:
        """The article page; ``reason``: the fetch verdict's (counted back if robots.txt refuses it).

        Queued, it carries plain data: the item, the source's name and the document's URL.
        """
        meta = {"handle_httpstatus_list": NO_ARTICLE_STATUSES, FETCH_REASON: reason}
        if self.queued:
            return scrapy.Request(item.source_url, callback=self.on_queued_page, errback=self.on_queued_page_error,
                                  cb_kwargs={"item": item, "source": doc.source.name, "document": doc.url},
                                  priority=BODY_PRIORITY, meta=meta, dont_filter=True)
        return scrapy.Request(item.source_url, callback=self.on_page, errback=self.on_page_error,
                              cb_kwargs={"item": item, "doc": doc}, priority=BODY_PRIORITY, meta=meta,
                              dont_filter=True)

    def on_page(self, response: Response, item: Article, doc: Document) -> Iterator:
        yield from self.article(response, item, doc.source, doc.url)
        yield from self.pull(doc)

    def on_queued_page(self, response: Response, item: Article, source: str, document: str) -> Iterator:
        yield from self.article(response, item, self.sources[source], document)

    def article(self, response: Response, item: Article, source: Source, document: str) -> Iterator[Article]:
        if response.status in NO_ARTICLE_STATUSES or not isinstance(response, TextResponse):
            why = f"HTTP {response.status}" if response.status != 200 else "not an HTML page"
            self.drop_no_body(item, f"{why} at {response.url}")
            return
        html, url = response.text, response.url
        page = (extract_with_selectors(html, url, source.page) if source.page
                else extract_generic(html, url, page_date=not item.published))
        if page is None:
            self.drop_no_body(item, f"no article in the page {url}")
            return
        found = page_item(item, page, url)
        if found.id != item.id and not self.first_canonical(item, found, document):
            return
        if self.older_than_wanted(found, source):
            self.drop(found, "too_old", f"(page dated {found.published!r})")
            return
        self.stat("body/page")
        yield found

    def first_canonical(self, item: Article, found: Article, document: str) -> bool:
        """The page named another canonical URL than its entry's: remember that (for the
        entry's own URL), and go on only if that article is neither archived nor listed already."""
        self.state.alias(article_id(item.source_url), found.id)
        if not self.first_of_each_id([found], claimant=f"{document} {item.source_url}"):
            return False
        if self.state.archived(found.id) and not self._refresh:
            self.stat("skipped/known")
            return False
        return True

    def on_page_error(self, failure: Failure) -> Iterator:
        doc = failure.request.cb_kwargs["doc"]
        if self.page_failed(failure, doc.url):
            doc.whole = False
        yield from self.pull(doc)

    def on_queued_page_error(self, failure: Failure) -> None:
        self.page_failed(failure, failure.request.cb_kwargs["document"])

    def page_failed(self, failure: Failure, document: str) -> bool:
        """Count a page that failed for good; whether its entry was deferred (then the next
        run must read ``document`` whole again)."""
        item = failure.request.cb_kwargs["item"]
        if failure_reason(failure) == "robots":  # never requested: skipped, not fetched
            self.stat(f"fetch/{failure.request.meta[FETCH_REASON]}", -1)
            self.stat("skipped/robots")
            self.logger.info("skipped %s: %s", item.source_url, describe_failure(failure))
            return False
        deferred = not failure.check(*TOO_LARGE)
        if deferred:
            self.state.read_partly(document)
        self.on_source_error(failure)
        return deferred
