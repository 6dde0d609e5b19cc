import pytest

from crawler.parsers import SourceError
from crawler.parsers.textapi import parse_text_api
from tests.support import fixture_text


def test_media_article_html_under_text():
    html = parse_text_api(fixture_text("textapi", "textapi_text.json"))
    assert html == "<p>\u3000\u3000第一段。</p>\r\n<p>\u3000\u3000第二段。</p>"


def test_rolling_news_html_under_content():
    assert parse_text_api(fixture_text("textapi", "textapi_content.json")) == "<p>滚动新闻正文。</p>"


def test_no_text_is_empty_not_an_error():
    assert parse_text_api(fixture_text("textapi", "textapi_empty.json")) == ""


def test_error_page_is_an_error():
    with pytest.raises(SourceError):
        parse_text_api(fixture_text("error_page_200.html"))
