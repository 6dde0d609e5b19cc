"""List rows → Article: the two rolling-news lists give the same item for the same flash."""

from __future__ import annotations

from crawler.parsers.lists import parse_fastnews, parse_kuaixun
from crawler.parsers.rows import from_fastnews, from_kuaixun
from tests.support import fixture_text

ARTICLE_URL = "http://finance.eastmoney.com/a/{code}.html"


def kuaixun_rows() -> list[dict]:
    return (parse_kuaixun(fixture_text("lists", "kuaixun_js_semicolon.js"))[:1]
            + parse_kuaixun(fixture_text("lists", "kuaixun_js_no_semicolon.js")))


def test_a_flash_is_the_same_article_from_either_list():
    rows = parse_fastnews(fixture_text("lists", "fastnews_fastNewsList.json"))
    fast = [from_fastnews(r, ARTICLE_URL) for r in rows]
    kuaixun = [from_kuaixun(r, ARTICLE_URL) for r in kuaixun_rows()]
    # the first fast-news row has no url and no 【headline】, the second has both
    assert fast == kuaixun
    assert fast[0].source_url == "http://finance.eastmoney.com/a/202611201234567890.html"
    assert fast[0].digest == "据测试数据，某储能项目订单环比增长。（测试社）"
    assert fast[1].digest == "正文。"
    assert fast[0].row_sig != fast[1].row_sig


def test_the_row_signature_follows_what_the_row_says():
    row = parse_fastnews(fixture_text("lists", "fastnews_fastNewsList.json"))[0]
    item = from_fastnews(row, ARTICLE_URL)
    headlined = {**row, "summary": "【示例快讯一号 储能订单增长】" + row["summary"]}
    assert from_fastnews(headlined, ARTICLE_URL) == item
    assert from_fastnews({**row, "summary": "改过的正文"}, ARTICLE_URL).row_sig != item.row_sig
    assert from_fastnews({**row, "showTime": "2026-11-20 09:16:02"}, ARTICLE_URL).row_sig != item.row_sig


def test_a_row_without_a_link_gets_the_article_page_of_its_code_only_if_that_is_digits():
    row = {"id": "202611201234567890", "title": "t", "digest": "d", "showtime": "2026-11-20 09:15:02"}
    assert from_kuaixun(row, ARTICLE_URL).source_url == ARTICLE_URL.format(code="202611201234567890")
    assert from_kuaixun({**row, "id": "h01_not_a_code"}, ARTICLE_URL).source_url == ""
    fast = from_fastnews({"code": "h01_not_a_code", "title": "t", "summary": "d"}, ARTICLE_URL)
    assert (fast.id, fast.source_url) == ("h01_not_a_code", "")
