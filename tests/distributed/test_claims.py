"""Who lists an article first, over all workers: a document read again after its worker died
claims its own entries again (else their pages died with that worker), while another document
listing the same page is still a duplicate."""

from __future__ import annotations

from datetime import date

from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.distributed.mirrorstate import MirroredArchiveState
from crawler.replay.sites import DEMO_SOURCES, RSS, RSS_HOST, demo_sites
from spiders.feeds import FeedsSpider
from tests.support import project_settings

DAY = date(2026, 11, 19)
SITES = demo_sites(DAY)


def worker(redis_url: str, name: str) -> FeedsSpider:
    """A feeds spider as a worker of run ``r1`` has it, its state the Redis mirror."""
    crawler = get_crawler(FeedsSpider, settings_dict=project_settings(
        FINEWS_REDIS_URL=redis_url, FINEWS_RUN_ID="r1", FINEWS_WORKER_ID=name, FINEWS_SOURCES=str(DEMO_SOURCES),
        FINEWS_NOW="2026-11-20T09:00:00"))
    spider = FeedsSpider.from_crawler(crawler)
    spider.state = MirroredArchiveState(crawler)
    return spider


def read(spider: FeedsSpider, path: str, kind: str) -> list[str]:
    """The page URLs ``spider`` queues for the document at ``path`` of the RSS site."""
    url = f"http://{RSS_HOST}{path}"
    response = HtmlResponse(url, body=SITES[RSS_HOST + path].body)
    return [r.url for r in spider.on_document(response, source="示例财经快报", kind=kind, depth=0)]


def test_a_document_read_again_claims_its_entries_again_and_no_other_document_does(redis_server):
    first, second = worker(redis_server.url, "w1"), worker(redis_server.url, "w2")
    pages = read(first, "/rss.xml", "feed")
    assert len(pages) == len(RSS) and RSS[0].url() in pages
    # w1 dies before its pages are queued; its lease brings rss.xml to w2: the same pages again
    assert read(second, "/rss.xml", "feed") == pages
    # the sitemap lists RSS[0] too: a duplicate, on either worker; its own page is new
    assert read(second, "/sitemap.xml", "sitemap") == [u for u in read(first, "/sitemap.xml", "sitemap")
                                                       if u not in pages] == [
        "http://news.example-rss.test/articles/1005.html"]
    assert second.crawler.stats.get_value("finews/skipped/duplicate") == 1


def test_an_entry_twice_in_one_document_is_listed_once(redis_server):
    spider = worker(redis_server.url, "w1")
    url = f"http://{RSS_HOST}/rss.xml"
    body = SITES[RSS_HOST + "/rss.xml"].body.replace(b"</channel>", SITES[RSS_HOST + "/rss.xml"].body.split(
        b"<item>")[1].split(b"</item>")[0].join([b"<item>", b"</item></channel>"]))
    requests = list(spider.on_document(HtmlResponse(url, body=body), source="示例财经快报", kind="feed", depth=0))
    assert len(requests) == len(RSS)
    assert spider.crawler.stats.get_value("finews/skipped/duplicate") == 1


def test_limit_counts_the_rows_of_every_worker_of_the_run(redis_server):
    """-a limit=60 over two workers: the first takes 50 rows of its list page, the second
    only the 10 left of its own, and the limit is spent for both."""
    first, second = worker(redis_server.url, "w1"), worker(redis_server.url, "w2")
    first._limit = second._limit = first._limit_left = second._limit_left = 60
    assert first.take(50) == 50
    assert second.take(50) == 10
    assert second._limit_left == 0 and first.take(1) == 0 and first._limit_left == 0


def test_a_distributed_run_archives_as_many_rows_as_the_limit(redis_server, tmp_path):
    from tests.commands.test_replay_demo import feed_table
    from tests.support import run_crawlall

    proc = run_crawlall(None, tmp_path, "limit=60", settings={
        "FINEWS_NOW": "2026-11-25T08:00:00", "FINEWS_REDIS_URL": redis_server.url, "FINEWS_FEEDS": "emnews",
        "FINEWS_PROFILE": "backfill"}, options=("--workers", "2"), timeout=240)
    emnews = feed_table(proc.stdout)["emnews"]
    assert emnews["listed"] == 100 and emnews["fetched"] == emnews["new"] == 60, proc.stdout  # 2 list pages
