"""Scrapy extensions: the archive state a crawler works against, and its own error count.

``ArchiveState``: spiders ask it one question (``verdict``: fetch this row?); the archive
pipeline tells it what was written (``record``); when the spider closes it retires old
posts and commits the index. Crawlers of one process share the index
(crawler.archive.index.open_index).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.archive.dates import run_now
from crawler.run.freshness import Policy, Verdict, verdict
from crawler.archive.index import UNREAD, ArchiveIndex, Drop, Entry, open_index, release_index
from crawler.archive.items import Article
from crawler.archive.retention import cutoff_date, retire
from crawler.archive.storage import sweep_temp



class ArchiveState:
    def __init__(self, crawler: Crawler):
        s = crawler.settings
        self.crawler = crawler
        self.root = s.get("FINEWS_OUTPUT_DIR")
        self.now = run_now(s.get("FINEWS_NOW"), s.get("FINEWS_TIMEZONE"))
        self.retention_days = s.getint("FINEWS_RETENTION_DAYS")
        self.recheck_hours = s.getfloat("FINEWS_RECHECK_HOURS")
        self.recheck_minutes = s.getfloat("FINEWS_RECHECK_MINUTES")
        self.drop_retry_hours = s.getfloat("FINEWS_DROP_RETRY_HOURS")
        self._index: ArchiveIndex | None = None
        self._taken = 0
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ArchiveState":
        return cls(crawler)

    @property
    def index(self) -> ArchiveIndex:
        if self._index is None:
            self.crawler.stats.set_value("finews/temp_swept", sweep_temp(self.root))
            self._index = open_index(self.root)
            self.crawler.stats.set_value("finews/index/rebuilt", self._index.rebuilt)
        return self._index

    def verdict(self, item: Article, refresh: bool = False) -> Verdict:
        """Should the body of this list row be fetched? (counted as fetch/… or skipped/…)."""
        entry, drop = self.known(item.id)
        policy = Policy(self.now, refresh, self.recheck_hours, self.recheck_minutes, self.drop_retry_hours)
        found = verdict(entry, item, policy, drop)
        if entry is not None and not entry.row_sig and not found.fetch:
            self.adopt_row(item.id, item.row_sig)
        side = "fetch" if found.fetch else "skipped"
        self.crawler.stats.inc_value(f"finews/{side}/{found.reason}")
        return found

    def take(self, wanted: int, limit: int) -> tuple[int, int]:
        """``-a limit``: how many of ``wanted`` more rows this run may take, now counted as
        taken, and how many the limit leaves after them."""
        granted = min(wanted, max(0, limit - self._taken))
        self._taken += granted
        return granted, limit - self._taken

    def known(self, item_id: str) -> tuple[Entry | None, Drop | None]:
        """What the archive knows of an id: its index entry and its remembered drop."""
        return self.index.get(item_id), self.index.drop_of(item_id)

    def adopt_row(self, item_id: str, row_sig: str) -> None:
        """Give an entry archived before row signatures existed the signature of its row."""
        self.index.adopt_row(item_id, row_sig)

    def record(self, item_id: str, path: str, text: str, published: str, body_from: str,
               row_sig: str, known: Entry | None | object = UNREAD) -> None:
        """Remember a post just archived; ``known`` is its index entry as read before writing."""
        self.index.record(item_id, path, text, published, body_from, row_sig, self.now.isoformat(),
                          known=known)

    def validators(self, url: str) -> tuple[str, str]:
        """``(etag, last_modified)`` a feed or sitemap answered when last read whole."""
        return self.index.validators(url)

    def read_whole(self, url: str, etag: str, last_modified: str) -> None:
        """Every entry of a feed or sitemap was handled: next run asks it "changed since?"."""
        self.index.record_validators(url, etag, last_modified, self.now.isoformat())

    def read_partly(self, url: str) -> None:
        """An entry of a feed or sitemap was left for later: next run reads it whole again."""
        self.index.forget_validators(url)

    def archived(self, item_id: str) -> bool:
        """Does the archive hold this id?"""
        return self.known(item_id)[0] is not None

    def alias_of(self, item_id: str) -> str:
        """The id of the canonical URL an entry's page declared, once it has been fetched."""
        return self.index.alias_of(item_id)

    def alias(self, item_id: str, canonical_id: str) -> None:
        self.index.record_alias(item_id, canonical_id)

    def dropped(self, item_id: str, row_sig: str, reason: str) -> None:
        """Remember a listed row dropped after its body was fetched (see freshness.verdict)."""
        if item_id and row_sig:
            self.index.record_drop(item_id, row_sig, reason, self.now.isoformat())

    def spider_closed(self, spider, reason: str) -> None:
        moved = retire(self.root, cutoff_date(self.now, self.retention_days))
        for item_id, path in moved:
            self.index.moved(item_id, path)
        self.crawler.stats.set_value("finews/retired", len(moved))
        release_index(self.index)
        self._index = None


class ErrorCount(logging.Handler):
    """This crawler's ERROR records, counted as ``finews/errors`` (the summary's column).

    Scrapy's ``log_count/ERROR`` counts every record of the process, so in ``crawlall``
    (one process, a crawler per feed) each feed would report the others' errors too. A
    record belongs to this crawler when it names its spider, as Scrapy's own records and
    the spider's logger do.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(logging.ERROR)
        self.crawler = crawler
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ErrorCount":
        return cls(crawler)

    def engine_started(self) -> None:
        logging.getLogger().addHandler(self)

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        if spider is not None and spider is self.crawler.spider:
            self.crawler.stats.inc_value("finews/errors")
