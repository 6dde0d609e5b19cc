"""Offline replay of the sources: the endpoints of sources.md served from a JSON dataset.

Used by the demo (``scrapy crawlall --replay``), by every test and by the benchmark;
spiders reach it only through ``FINEWS_REPLAY_URL``: the download handler
(crawler.net.hostgate) sends requests there.
"""
