"""The normalize pipeline sanitizes every body and digest, whatever their source, and counts it."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.archive.items import Article
from pipelines.normalize import NormalizePipeline
from tests.support import project_settings

XSS = "document.body.setAttribute('data-xss','1')"


@pytest.fixture
def pipe(tmp_path):
    crawler = get_crawler(settings_dict=project_settings(FINEWS_OUTPUT_DIR=str(tmp_path),
                                                         FINEWS_NOW="2026-11-20T18:00:00"))
    crawler.stats.open_spider()
    pipeline = NormalizePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def item(**kw) -> Article:
    base = dict(id="NW1", feed="media", title="标题", published="2026-11-20 10:00:00", media="测试日报",
                source_url="http://finance.eastmoney.com/a/1.html", share_url="http://s/NW1", body_from="textapi")
    return Article(**{**base, **kw})


@pytest.mark.parametrize("body_from", ["textapi", "source", "generic"])
def test_a_body_from_any_source_is_sanitized_and_counted(pipe, body_from):
    body = (f'<p>\u3000\u3000正文<img src="k.png" onerror="{XSS}"></p>\r\n'
            f'<script>{XSS}</script><p><a href="javascript:{XSS}">点我</a></p>')
    out = pipe.process_item(item(body_html=body, body_from=body_from))
    assert out.body_html == '<p>正文<img src="http://finance.eastmoney.com/a/k.png"></p>\n<p><a>点我</a></p>'
    assert pipe.crawler.stats.get_value("finews/sanitized") == 1


def test_digest_is_sanitized_after_its_entities_are_decoded(pipe):
    out = pipe.process_item(item(feed="emnews", id="1", digest=f"摘要&lt;img src=x onerror=&quot;{XSS}&quot;&gt;"))
    assert out.digest == '摘要<img src="http://finance.eastmoney.com/a/x">'
    assert pipe.crawler.stats.get_value("finews/sanitized") == 1


def test_safe_body_and_digest_are_kept_and_not_counted(pipe):
    body = '<p>\u3000\u3000正文 <a href="http://quote.eastmoney.com/1.600000" class="keytip">股份</a></p>\r\n<p>二</p>'
    out = pipe.process_item(item(feed="emnews", id="1", digest="摘要 a < b", body_html=body))
    assert (out.digest, out.body_html) == ("摘要 a < b", body.replace("\u3000\u3000", "").replace("\r\n", "\n"))
    assert pipe.crawler.stats.get_value("finews/sanitized") is None


def test_markdown_joined_by_removing_indents_is_defused(pipe):
    out = pipe.process_item(item(body_html="<p>正文 [点我]\u3000\u3000(javascript:f())</p>"))
    assert out.body_html == "<p>正文 [点我&#93;(javascript:f())</p>"


def test_media_body_with_nothing_left_is_dropped(pipe):
    with pytest.raises(DropItem):
        pipe.process_item(item(body_html=f"<script>{XSS}</script>"))
    assert pipe.crawler.stats.get_value("finews/dropped/no_body") == 1
