"""Process tuning for a crawl: a garbage collector and a root logger sized for a crawler.

A crawl allocates a few container objects per request and item, while the modules loaded
at start-up (Scrapy, Twisted, dateparser's language data, lxml) hold hundreds of thousands
of long-lived ones that every full collection walks again. Freezing them once the engine
has started (``gc.freeze``) takes them out of every later collection, and a larger
young-generation threshold makes collections rarer: about a tenth of the crawl's CPU in
the benchmark (``bench/README.md``). What is frozen lives for the whole process anyway.
No full collection runs first: it cost ~0.09 s of every crawl's clock and found a few
dozen unreachable objects, which are now frozen with the rest.

Scrapy filters log records by ``LOG_LEVEL`` at its handler, after each record (a
"Crawled" and a "Scraped" line per article) has been built; raising the root logger, and
any logger set lower (Scrapy's own "scrapy" one is set to DEBUG), to ``LOG_LEVEL`` skips
building records that no handler would show.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler

_done = False


class ProcessTuning:
    """Extension: applied at engine start, once per process (``crawlall`` starts one engine per feed)."""

    def __init__(self, gc_threshold: int, log_level: str):
        self.gc_threshold = gc_threshold
        self.log_level = log_level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ProcessTuning":
        s = crawler.settings
        tuning = cls(s.getint("FINEWS_GC_THRESHOLD"), s.get("LOG_LEVEL"))
        crawler.signals.connect(tuning.engine_started, signal=signals.engine_started)
        return tuning

    def engine_started(self) -> None:
        global _done
        if _done:
            return
        _done = True
        level = logging.getLevelName(str(self.log_level).upper())
        if isinstance(level, int):
            # Scrapy sets its own "scrapy" logger to DEBUG: raised too, or every request
            # and item still builds its "Crawled"/"Scraped" record.
            loggers = [logging.root, *(lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger) and lg.level)]
            for logger in loggers:
                if logger.level < level:
                    logger.setLevel(level)
        if self.gc_threshold > 0:
            gc.freeze()
            _, gen1, gen2 = gc.get_threshold()
            gc.set_threshold(self.gc_threshold, max(gen1, 20), max(gen2, 20))
