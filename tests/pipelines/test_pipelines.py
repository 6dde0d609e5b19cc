"""Validate and normalize: every drop has a reason and a counter."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.archive.items import Article
from pipelines.normalize import NormalizePipeline
from pipelines.validate import ValidatePipeline
from tests.support import project_settings


@pytest.fixture
def crawler(tmp_path):
    c = get_crawler(settings_dict=project_settings(FINEWS_OUTPUT_DIR=str(tmp_path)))
    c.stats.open_spider()
    return c


def media(**kw) -> Article:
    base = dict(id="NW1", feed="media", title="标题", published="2026-11-20 10:00:00",
                media="测试日报", body_html="<p>x</p>", share_url="http://s/NW1")
    return Article(**{**base, **kw})


@pytest.mark.parametrize("item, reason", [
    (media(id=""), "no_id"),
    (media(id="../../x"), "bad_id"),
    (media(id="a/b"), "bad_id"),
    (media(feed="sports"), "bad_feed"),
    (media(title="  "), "no_title"),
    (media(published=""), "no_date"),
    (media(media=""), "no_media"),
    (media(body_html=""), "no_body"),
])
def test_validate_drops_with_reason(crawler, item, reason):
    with pytest.raises(DropItem):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value(f"finews/dropped/{reason}") == 1


@pytest.mark.parametrize("item, reason", [
    (media(title="\x00\x07"), "no_title"),
    (media(published="昨天 25:99"), "bad_date"),
    (media(published="not a date"), "bad_date"),
    (media(media="\t"), "no_media"),
])
def test_normalize_drops_with_reason(crawler, item, reason):
    pipe = NormalizePipeline.from_crawler(crawler)
    pipe.open_spider()
    with pytest.raises(DropItem):
        pipe.process_item(item)
    assert crawler.stats.get_value(f"finews/dropped/{reason}") == 1


def test_normalize_fills_archive_values(crawler, tmp_path):
    pipe = NormalizePipeline.from_crawler(crawler)
    pipe.open_spider()
    item = pipe.process_item(media(title=" A&amp;B\n标题 ", published="2022/01/19 21:17",
                                   media=" 重庆晨报 ", body_html="<p>\u3000\u3000{{x}}</p>\r\n"))
    assert item.title == "A&B 标题"
    assert item.published == datetime(2022, 1, 19, 21, 17, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (item.media, item.category, item.tags) == ("重庆晨报", "zhongqingchenbao", ["重庆晨报新闻"])
    assert item.body_html == "{% raw %}<p>{{x}}</p>{% endraw %}"
    pipe.close_spider()
    assert (tmp_path / "_data" / "categories.yml").read_text(encoding="utf-8") == "重庆晨报: zhongqingchenbao\n"


def test_rolling_news_category_and_digest(crawler):
    pipe = NormalizePipeline.from_crawler(crawler)
    pipe.open_spider()
    item = pipe.process_item(Article(id="1", feed="emnews", title="T", published="2026-11-20 10:00:00",
                                     digest="【独家】正文", source_url="http://a"))
    # the row's 【headline】 went with the list row (crawler.parsers.rows); this one is text
    assert (item.category, item.tags, item.digest) == ("emnews", ["东财滚动新闻"], "【独家】正文")
