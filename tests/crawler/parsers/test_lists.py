import pytest

from crawler.parsers import SourceError
from crawler.parsers.lists import (
    fastnews_cursor, parse_fastnews, parse_kuaixun, parse_market, parse_news_columns, unwrap_json,
)
from tests.support import fixture_text


def test_kuaixun_js_wrapper_with_semicolon():
    rows = parse_kuaixun(fixture_text("lists", "kuaixun_js_semicolon.js"))
    assert [r["id"] for r in rows] == ["202611201234567890", "202611201234567801"]
    assert rows[0]["showtime"] == "2026-11-20 09:15:02"
    assert rows[1]["title"] == "" and rows[1]["url_w"] == ""


def test_kuaixun_js_wrapper_without_semicolon():
    rows = parse_kuaixun(fixture_text("lists", "kuaixun_js_no_semicolon.js"))
    assert rows[0]["url_w"].endswith("/news/1354,202611200000000001.html")


def test_kuaixun_empty_list_ends_paging():
    assert parse_kuaixun(fixture_text("lists", "kuaixun_empty.js")) == []


def test_kuaixun_rc_other_than_one_is_an_error():
    with pytest.raises(SourceError) as err:
        parse_kuaixun(fixture_text("lists", "kuaixun_rc0.js"))
    assert err.value.reason == "rc"


@pytest.mark.parametrize("parse", [parse_kuaixun, parse_fastnews, parse_news_columns, parse_market])
def test_html_error_page_with_status_200_is_an_error(parse):
    with pytest.raises(SourceError) as err:
        parse(fixture_text("error_page_200.html"))
    assert err.value.reason == "html_error"


def test_fastnews_rows_and_the_cursor_of_the_next_page():
    rows = parse_fastnews(fixture_text("lists", "fastnews_fastNewsList.json"))
    assert [r["code"] for r in rows] == ["202611201234567890", "202611200000000001"]
    assert "url" not in rows[0] and rows[1]["url"].endswith("/news/1354,202611200000000001.html")
    assert fastnews_cursor(rows) == "1763596800000456"  # the last row's realSort


def test_fastnews_older_answers_keep_the_rows_under_data_list():
    rows = parse_fastnews(fixture_text("lists", "fastnews_data_list.json"))
    assert [r["code"] for r in rows] == ["202611201234567890"]


def test_fastnews_empty_list_ends_paging():
    rows = parse_fastnews(fixture_text("lists", "fastnews_empty.json"))
    assert rows == [] and fastnews_cursor(rows) == ""


@pytest.mark.parametrize("name, reason", [("fastnews_code0.json", "code"),
                                          ("fastnews_unknown_shape.json", "bad_shape")])
def test_fastnews_code_other_than_one_or_an_unknown_shape_is_an_error(name, reason):
    with pytest.raises(SourceError) as err:
        parse_fastnews(fixture_text("lists", name))
    assert err.value.reason == reason


def test_news_columns_plain_json_and_jsonp_give_the_same_shape():
    plain = parse_news_columns(fixture_text("lists", "newscolumns.json"))
    jsonp = parse_news_columns(fixture_text("lists", "newscolumns_jsonp.js"))
    assert plain[0]["mediaName"] == "测试日报" and plain[0]["code"] == "202611201111111111"
    assert jsonp[0]["mediaName"] == "测试晚报"


def test_news_columns_code_other_than_one_is_an_error():
    with pytest.raises(SourceError) as err:
        parse_news_columns(fixture_text("lists", "newscolumns_code0.json"))
    assert err.value.reason == "code"


def test_market_records():
    records = parse_market(fixture_text("lists", "market.json"))
    assert records == [{"infoCode": "NW202611203333333333", "title": "市场频道测试稿",
                        "medianame": "测试财经", "datetime": "2026-11-20 12:30:00"}]


@pytest.mark.parametrize("text, reason", [
    ("", "not_json"),
    ("var ajaxResult={\"rc\":1,", "not_json"),
    ("var ajaxResult={\"rc\":1,\"LivesList\":[1,}};", "bad_json"),
])
def test_truncated_or_broken_wrappers_are_errors(text, reason):
    with pytest.raises(SourceError) as err:
        unwrap_json(text)
    assert err.value.reason == reason
