"""What every finews spider shares: following the text API and the source link.

A spider here only decides which request comes next; what a response means is decided
by the pure functions in ``crawler.parsers``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from datetime import date, datetime
from dataclasses import replace
from functools import cached_property

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError
from scrapy.http import Response
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from crawler.archive.dates import parse_published, run_now
from crawler.run.extensions import ArchiveState
from crawler.net.failures import describe_failure, failure_reason
from crawler.archive.items import Article
from crawler.parsers import SourceError
from crawler.parsers.article import ArticlePage, parse_article
from crawler.parsers.generic import extract_generic
from crawler.parsers.textapi import parse_text_api

# A source link answering these has no article: the item is archived without a body
# (rolling news) or from elsewhere; any other failure is retried, then deferred.
NO_ARTICLE_STATUSES = [404, 410]
# A list page is asked for as soon as the page before it is parsed, before that page's
# bodies, and goes first in its download slot: a list never waits for the bodies of the
# page before it. What keeps pending requests (each holding its item) from growing with a
# whole backfill is FINEWS_MAX_PENDING (FeedSpider.next_page), not the order of requests.
LIST_PRIORITY = 2
BODY_PRIORITY = 1
# The layout of an article page read by generic extraction (counted finews/body/generic:
# many of them mean Eastmoney changed its layout and crawler.parsers.article needs a parser).
GENERIC = "generic"
# How Scrapy ends a download that passed DOWNLOAD_MAXSIZE (announced size / while reading).
TOO_LARGE = (DownloadCancelledError, CancelledError)


def no_page(response: Response) -> bool:
    """The article URL answered that there is no page (404/410), or with no text at all."""
    return response.status in NO_ARTICLE_STATUSES or not hasattr(response, "text")


def _whole_number(name: str, value: object) -> int | None:
    text = str(value).strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"-a {name}={value!r}: expected a whole number")
    return int(text)


def _iso_date(name: str, value: object) -> date | None:
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected a date, YYYY-MM-DD") from None


_YES, _NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(name: str, value: object) -> bool:
    text = str(value).strip().lower()
    if text not in _YES + _NO:
        raise ValueError(f"-a {name}={value!r}: expected 1 or 0")
    return text in _YES


def _before(item: Article, day: date, tz: str, now: datetime) -> bool:
    """Is the row published before ``day`` (Beijing)? Undated rows are kept (validate drops them);
    relative times (昨天 09:02) are read at the run's ``now``, as the normalize pipeline does."""
    published = parse_published(item.published, tz, now=now)
    return published is not None and published.date() < day


class FeedSpider(scrapy.Spider):
    """Base of the finews spiders (no ``name``: never run on its own).

    ``-a refresh=1`` fetches every listed article again, known or not (retired ones excepted).
    """

    refresh = ""
    # -a limit=N: at most N list rows this run; -a since=YYYY-MM-DD: rows from that
    # Beijing date on (lists are newest first: paging stops at the first older row).
    limit = ""
    since = ""
    # The -a names a spider takes; Scrapy's own (Scrapyd's _job, …) start with "_".
    arguments: tuple[str, ...] = ("limit", "since", "refresh")

    def __init__(self, *args, **kwargs):
        self.check_arguments(kwargs)
        super().__init__(*args, **kwargs)
        self._limit = _whole_number("limit", self.limit)
        self._limit_left = self._limit  # rows -a limit still allows, as last known
        self._since = _iso_date("since", self.since)
        self._refresh = _flag("refresh", self.refresh)
        self._listed: dict[str, str] = {}  # id → row signature, for rows listed this run
        self._held: deque[scrapy.Request] = deque()  # next list pages waiting (next_page)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._release_held, signal=signals.request_left_downloader)
        crawler.signals.connect(spider._idle_with_held, signal=signals.spider_idle)
        return spider

    @classmethod
    def check_arguments(cls, kwargs: dict[str, object]) -> None:
        """Raise ValueError naming the first bad ``-a`` value and what is expected.

        Commands call this before a crawl starts, so a typo is one line and exit 2, not a
        traceback from inside the running crawl.
        """
        for name in kwargs:
            if name not in cls.arguments and not name.startswith("_"):
                takes = ", ".join(f"-a {a}=…" for a in cls.arguments)
                raise ValueError(f"-a {name}: unknown argument; {cls.name} takes {takes}")
        _whole_number("limit", kwargs.get("limit", ""))
        _iso_date("since", kwargs.get("since", ""))
        _flag("refresh", kwargs.get("refresh", ""))

    def stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"finews/{key}", count)

    def drop(self, item: Article, reason: str, detail: str = "", fetched: bool = True) -> None:
        """Drop an item before the pipelines: counted ``finews/dropped/{reason}`` and logged
        like the pipelines' drops. A row dropped after its body was ``fetched`` is
        remembered, so the same row is not fetched again next run."""
        self.stat(f"dropped/{reason}")
        self.logger.warning("dropped %s", f"{reason}: {item.id!r} {detail}".rstrip())
        if fetched:
            self.state.dropped(item.id, item.row_sig, reason)

    def retry(self, response: Response, reason: str) -> scrapy.Request | None:
        """The same request again for an answer that is no data (error page, rc≠1, …),
        counted and backed off like Scrapy's own retries; None once they are used up.
        Giving up is logged at the request's ``give_up_log_level``, as Scrapy's own retries do."""
        return get_retry_request(response.request, spider=self, reason=f"finews/{reason}",
                                 give_up_log_level=response.request.meta.get("give_up_log_level"))

    def list_failed(self, reason: str, url: str, detail: str = "") -> None:
        """A list page that could not be read: counted, logged, paging of that list stops."""
        self.stat(f"list_error/{reason}")
        self.logger.error("list %s unreadable: %s", url, detail or reason)

    def on_list_error(self, failure: Failure) -> None:
        reason = "too_large" if failure.check(*TOO_LARGE) else failure_reason(failure)
        self.list_failed(reason, failure.request.url, describe_failure(failure))

    def list_items(
        self, response: Response, parse: Callable[[str], list[dict]], to_item: Callable[[dict], Article]
    ) -> tuple[list[Article], bool]:
        """One list page → the items whose bodies to fetch, and whether to read the next page.

        A page that is no list (error page, rc≠1, …) is retried (the retry is scheduled
        here, so every spider gets it); once retries are used up, paging of that list stops.
        Applies ``-a limit`` and ``-a since``, drops a second row with an id already listed
        this run, then asks the archive index (``wanted``).
        """
        try:
            rows = parse(response.text)
        except (SourceError, AttributeError) as exc:  # AttributeError: not text at all
            reason = getattr(exc, "reason", "not_text")
            retry = self.retry(response, reason)
            if retry is not None:
                self.crawler.engine.crawl(retry)
            else:
                self.list_failed(reason, response.url, str(exc))
            return [], False
        self.stat(f"listed/{self.name}", len(rows))
        items = self.first_of_each_id(self.with_id([to_item(row) for row in rows]))
        more = bool(items)
        if self._since is not None:
            now = run_now(self.settings.get("FINEWS_NOW"), self.tz)
            recent = [i for i in items if not _before(i, self._since, self.tz, now)]
            self.stat("skipped/since", len(items) - len(recent))
            more = more and len(recent) == len(items)
            items = recent
        if self._limit is not None:
            items = items[: self.take(len(items))]
            more = more and self._limit_left > 0
        return [i for i in items if self.wanted(i)], more

    def take(self, wanted: int) -> int:
        """How many of ``wanted`` more rows ``-a limit`` lets this run take (counted in the
        archive state: over every worker of a distributed run)."""
        if self._limit is None:
            return wanted
        if wanted <= 0 or self._limit_left <= 0:
            return 0
        granted, self._limit_left = self.state.take(wanted, self._limit)
        return granted

    # --- paging: the next list page at once, pending requests bounded ----------------------
    @property
    def max_pending(self) -> int:
        return self.settings.getint("FINEWS_MAX_PENDING")

    def pending_requests(self) -> int:
        """Requests this process holds in memory, not answered yet: queued in its scheduler or
        in its downloader. A worker of a distributed run (FINEWS_RUN_ID) queues in Redis, every
        worker's requests together and none in its memory: only its downloader counts there
        (docs/scale-out.md, "Pending requests")."""
        engine = self.crawler.engine
        queued = 0
        if not self.queued:
            try:
                queued = len(engine.scheduler)
            except TypeError:  # a scheduler that cannot count its queue
                pass
        return queued + len(engine.downloader.active)

    def next_page(self, request: scrapy.Request, bodies: int) -> Iterator[scrapy.Request]:
        """The next list page, asked for now: yield it before the ``bodies`` body requests of the
        page just parsed, so it goes out while they are fetched, never after them.

        Only a backfill whose lists outrun its bodies reaches the cap: when the requests
        pending with this page's bodies would pass ``FINEWS_MAX_PENDING``, the page is held
        and asked for as soon as answers bring them under it again (``_release_held``).
        """
        pending = self.pending_requests()
        if not self._held and pending + bodies < self.max_pending:
            yield request
        else:
            self.logger.debug("list page %s held: %d requests pending", request.url, pending)
            self._held.append(request)

    def _release_held(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        """``request_left_downloader``: ask for held list pages once pending requests allow."""
        while self._held and self.pending_requests() < self.max_pending and self.crawler.engine.spider:
            self.crawler.engine.crawl(self._held.popleft())

    def _idle_with_held(self, spider: scrapy.Spider | None = None) -> None:
        """``spider_idle`` with a list page still held (nothing left to answer): ask for it now."""
        if not self._held:
            return
        while self._held:
            self.crawler.engine.crawl(self._held.popleft())
        raise DontCloseSpider

    def with_id(self, items: list[Article]) -> list[Article]:
        """Rows that name an article; a row without one is dropped (``no_id``), never fetched."""
        kept = [i for i in items if i.id]
        for item in items:
            if not item.id:
                self.drop(item, "no_id", f"(row {item.title[:40]!r} has no id or code)", fetched=False)
        return kept

    def first_of_each_id(self, items: list[Article], claimant: str = "") -> list[Article]:
        """Items whose id this run has not listed yet (``claimant``: what lists them, see
        ``listed_before``).

        A list shifting while it is paged shows a row twice (skipped/duplicate); the same id
        with other content is a source error: the first row wins, the other is dropped.
        """
        kept = []
        for item in items:
            seen = self.listed_before(item, claimant)
            if seen is None:
                kept.append(item)
            elif seen == item.row_sig:
                self.stat("skipped/duplicate")
            else:
                self.drop(item, "duplicate_id", f"(listed again with other content: {item.title[:40]!r})",
                          fetched=False)
        return kept

    def listed_before(self, item: Article, claimant: str = "") -> str | None:
        """The row signature this id was listed with earlier in the run; None (and now
        remembered) the first time. One process lists each document once: ``claimant``
        matters only to spiders whose lists a second worker may read again."""
        seen = self._listed.get(item.id)
        if seen is None:
            self._listed[item.id] = item.row_sig
        return seen

    @cached_property
    def state(self) -> ArchiveState:
        """The crawler's archive state (a worker's: its Redis mirror)."""
        return self.crawler.get_extension(ArchiveState)

    @cached_property
    def queued(self) -> bool:
        """A worker of a distributed run (FINEWS_RUN_ID): requests travel through Redis as JSON."""
        return bool(self.settings.get("FINEWS_RUN_ID"))

    @property
    def tz(self) -> str:
        return self.settings.get("FINEWS_TIMEZONE")

    def wanted(self, item: Article) -> bool:
        """Does this list row need its body fetched? The archive index decides."""
        return self.state.verdict(item, refresh=self._refresh).fetch

    # --- body through the text API, falling back to the source link ------------------------
    def text_request(self, item: Article) -> scrapy.Request:
        url = self.settings.get("FINEWS_TEXT_API_URL").format(code=item.id)
        return scrapy.Request(
            url,
            callback=self.on_text,
            errback=self.on_text_error,
            cb_kwargs={"item": item},
            priority=BODY_PRIORITY,
            dont_filter=True,
        )

    def on_text(self, response: Response, item: Article) -> Iterator:
        try:
            html = parse_text_api(response.text)
        except (SourceError, AttributeError) as exc:  # AttributeError: not text at all
            reason = getattr(exc, "reason", "not_text")
            retry = self.retry(response, reason)
            if retry is not None:
                yield retry
                return
            self.stat(f"textapi_error/{reason}")
            html = ""
        if html:
            self.stat("body/textapi")
            yield replace(item, body_html=html, body_from="textapi")
        else:
            yield from self.fallback_to_source(item)

    def on_text_error(self, failure: Failure) -> Iterator:
        item = failure.request.cb_kwargs["item"]
        if failure.check(*TOO_LARGE):
            self.drop(item, "body_too_large", f"(text API answer over {self.max_size} bytes)")
            return
        self.stat(f"textapi_error/{failure_reason(failure)}")
        yield from self.fallback_to_source(item)

    def fallback_to_source(self, item: Article) -> Iterator:
        if item.source_url:
            yield self.source_request(item)
        else:
            self.drop_no_body(item, "no text and no source link")

    # --- the source link (the article page) ---------------------------------------------
    def source_request(self, item: Article, callback: Callable | None = None,
                       errback: Callable | None = None) -> scrapy.Request:
        """The article page; ``on_source``/``on_source_error`` unless a spider reads it otherwise."""
        return scrapy.Request(
            item.source_url,
            callback=callback or self.on_source,
            errback=errback or self.on_source_error,
            cb_kwargs={"item": item},
            meta={"handle_httpstatus_list": NO_ARTICLE_STATUSES},
            priority=BODY_PRIORITY,
            dont_filter=True,
        )

    def article_page(self, response: Response) -> ArticlePage | scrapy.Request | None:
        """The article an article-page response holds; None when there is none (404, empty).

        A page of no known layout goes through generic extraction (layout ``generic``); one
        with too little text for an article even so is likely an error page answered with
        200: the request is retried, and once retries are used up there is no article.
        """
        if no_page(response):
            return None
        page = parse_article(response.text)
        if page is None:
            found = extract_generic(response.text, response.url)
            if found is None:
                return self.retry(response, "not_article")
            page = ArticlePage(found.title, found.published, "", found.body_html, GENERIC)
        return page

    def on_source(self, response: Response, item: Article) -> Iterator:
        page = self.article_page(response)
        if isinstance(page, scrapy.Request):
            yield page
            return
        if page is not None and page.body_html:
            self.stat("body/generic" if page.layout == GENERIC else "body/source")
            yield replace(
                item,
                body_html=page.body_html,
                body_from="source",
                media=item.media or page.media,
                title=item.title or page.title,
                published=item.published or page.published,
            )
        else:
            yield from self.no_article(item)

    def no_article(self, item: Article) -> Iterator:
        """The source link has no article. Rolling news overrides this (digest-only post)."""
        self.drop_no_body(item, "source link has no article")
        return iter(())

    def drop_no_body(self, item: Article, why: str) -> None:
        self.drop(item, "no_body", f"({why})")

    @property
    def max_size(self) -> int:
        return self.settings.getint("DOWNLOAD_MAXSIZE")

    def on_source_error(self, failure: Failure) -> None:
        """Still failing after the retries: left for the next run, never archived half-done.

        A page cut off at DOWNLOAD_MAXSIZE will be as big next time: dropped instead.
        """
        item = failure.request.cb_kwargs["item"]
        if failure.check(*TOO_LARGE):
            self.drop(item, "body_too_large", f"(article page over {self.max_size} bytes)")
            return
        self.stat(f"deferred/{self.name}")
        self.logger.warning(
            "deferred %s: source %s failed (%s); left for the next run",
            item.id,
            item.source_url,
            describe_failure(failure),
        )
