"""Garbage-collector tuning for a crawl process: freeze the start-up heap, collect less often.

A crawl allocates a few container objects per request and item, while the modules loaded
at start-up (Scrapy, Twisted, dateparser's language data, lxml) hold hundreds of thousands
of long-lived ones that every full collection walks again. Freezing them once the engine
has started (``gc.freeze``) takes them out of every later collection, and a larger
young-generation threshold makes collections rarer; together about a tenth of the crawl's
CPU in the benchmark (``bench/README.md``). Nothing is leaked: what is frozen lives for
the whole process anyway.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

_done = False


class GcTuning:
    """Extension: at engine start, once per process (``crawlall`` starts one engine per feed)."""

    def __init__(self, threshold: int):
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "GcTuning":
        threshold = crawler.settings.getint("FINEWS_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("FINEWS_GC_THRESHOLD <= 0: the interpreter's defaults")
        tuning = cls(threshold)
        crawler.signals.connect(tuning.engine_started, signal=signals.engine_started)
        return tuning

    def engine_started(self) -> None:
        global _done
        if _done:
            return
        _done = True
        gc.collect()
        gc.freeze()
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(self.threshold, max(gen1, 20), max(gen2, 20))
