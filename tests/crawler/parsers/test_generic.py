"""Generic extraction: body, title, publish time and canonical URL of pages of any layout."""

from __future__ import annotations

import pytest

from crawler.archive.dates import parse_published
from crawler.parsers.generic import GenericPage, extract_generic, extract_with_selectors, generic_body
from crawler.replay.faults import ERROR_PAGE
from tests.support import fixture_text

NEWS_URL = "https://news.example.com/2026/11/20/port-volumes-rise?utm_source=feed"
CFH_URL = "https://caifuhao.eastmoney.com/news/20261120103000123456780"
CFH_PARAGRAPHS = ("三季度国内储能新增装机继续增长，订单集中在大型独立储能电站。",
                  "电芯价格较年初回落约两成，系统集成商的毛利率承压，头部企业通过海外订单消化产能。",
                  "展望四季度，招标规模有望维持高位，行业仍处在以价换量的阶段，建议关注现金流稳健的企业。")


def beijing(published: str) -> str:
    return f"{parse_published(published):%Y-%m-%d %H:%M:%S %z}"


def test_json_ld_article_gives_headline_date_and_canonical():
    page = extract_generic(fixture_text("generic", "jsonld_news_article.html"), NEWS_URL)
    assert page.title == "Port volumes rise for a third month"
    assert beijing(page.published) == "2026-11-20 10:15:00 +0800"  # datePublished, in UTC
    assert page.canonical == "https://news.example.com/2026/11/20/port-volumes-rise"
    body = page.body_html
    assert body.startswith("<p>Container volumes")  # the <h1> repeating the title is left out
    assert '<a href="https://news.example.com/data/ports">Monthly figures</a>' in body
    assert '<img src="https://news.example.com/img/cranes.jpg"' in body
    assert "durable.</p>" in body
    for chrome in ("Sign in", "Most read", "Copper slips", "Copyright", "Privacy"):
        assert chrome not in body
    assert "\n\n" not in body and not any(line.startswith(" ") for line in body.split("\n"))


def test_meta_tags_give_title_and_date():
    page = extract_generic(fixture_text("articles", "caifuhao_page.html"), CFH_URL)
    assert page == GenericPage(
        title="财富号测试：储能行业三季度观察", published="2026-11-20T10:30:00+08:00",
        body_html="\n".join(f"<p>{p}</p>" for p in CFH_PARAGRAPHS), canonical=CFH_URL)


def test_page_without_metadata_gets_its_day_from_htmldate():
    page = extract_generic(fixture_text("generic", "undated_text_article.html"), "https://fin.example.cn/a/1.html")
    assert page.title == "新能源车出口保持增长"  # the only <h1>
    assert page.published == "2026-11-19" and page.canonical == ""
    assert page.body_html.count("<p>") == 3 and "热门文章" not in page.body_html


def test_eastmoney_page_of_an_unknown_layout():
    page = extract_generic(fixture_text("generic", "eastmoney_unknown_layout.html"),
                           "http://finance.eastmoney.com/a/202611201345101234.html")
    assert (page.title, page.published) == ("券商板块午后拉升 多只个股涨停", "2026-11-20 13:45:10")
    assert "午后券商板块快速拉升" in page.body_html and "注意控制仓位" in page.body_html
    assert "相关阅读" not in page.body_html and "newsConfig" not in page.body_html


def test_link_chrome_after_the_article_is_left_out(monkeypatch):
    """What trafilatura keeps of a "Most read" list after the article goes, with its label
    (the Yonhap and TIME pages of tests/fixtures/extraction); prose with links in it stays."""
    prose = ('<p>The port moved <a href="https://news.example.com/data">2.1 million containers</a> in October, '
             'up 4% on a year earlier, <a href="https://news.example.com/ports">the port authority</a> said.</p>')
    read_more = '<p><strong>Read more:</strong><a href="https://news.example.com/b">Berths to be dredged</a></p>'
    chrome = ('<h2>Most read</h2>\n<ul><li><a href="https://news.example.com/c">Copper slips</a></li>'
              '<li><a href="https://news.example.com/r"></a><strong>Rates on hold</strong></li></ul>\n'
              '<p><a href="https://news.example.com/most-read">More</a></p>')
    body = f"{prose}\n{read_more}\n{prose}"  # a link paragraph within the article stays
    monkeypatch.setattr("trafilatura.extract", lambda *_, **__: f"<html><body>{body}\n{chrome}</body></html>")
    assert generic_body("<html></html>", NEWS_URL) == body
    points = "".join(f"<li>{prose[3:-4]}</li>" for _ in range(2))  # prose with links, not teasers
    body = f"{prose}\n<h2>Key points</h2>\n<ul>{points}</ul>"
    monkeypatch.setattr("trafilatura.extract", lambda *_, **__: f"<html><body>{body}</body></html>")
    assert generic_body("<html></html>", NEWS_URL) == body


@pytest.mark.parametrize("html", [
    ERROR_PAGE, fixture_text("error_page_200.html"), "<html><body>404 Not Found</body></html>", "", "  \n",
    "<html><head><title>登录</title></head><body><form><input name=u><button>登录</button></form></body></html>",
])
def test_error_and_empty_pages_are_no_article(html):
    assert extract_generic(html, "http://finance.eastmoney.com/a/1.html") is None


def test_selectors_css_and_xpath_with_text_and_attributes():
    page = extract_with_selectors(fixture_text("articles", "caifuhao_page.html"), CFH_URL, {
        "title": "h1.article-title::text",
        "published": "(//div[@class='article-meta']/span)[1]/text()",
        "body": "div.xeditor_content > p",
    })
    assert page == GenericPage(title="财富号测试：储能行业三季度观察", published="2026-11-20 10:30:00",
                               body_html="\n".join(f"<p>{p}</p>" for p in CFH_PARAGRAPHS), canonical=CFH_URL)
    attr = extract_with_selectors(fixture_text("articles", "caifuhao_page.html"), CFH_URL, {
        "title": 'meta[property="og:title"]::attr(content)', "body": "//div[@id='main-content']//p"})
    assert attr.title == "财富号测试：储能行业三季度观察" and attr.body_html == page.body_html


def test_selectors_leave_the_rest_to_the_page_metadata():
    html = fixture_text("generic", "jsonld_news_article.html")
    page = extract_with_selectors(html, NEWS_URL, {"body": "article > p:not(.byline)"})
    assert (page.title, page.published) == ("Port volumes rise for a third month", "2026-11-20T02:15:00Z")
    assert page.body_html.count("<p>") == 3 and "By a staff reporter" not in page.body_html
    assert extract_with_selectors(html, NEWS_URL, {"title": "h1::text"}).body_html == extract_generic(
        html, NEWS_URL).body_html  # no body selector: trafilatura's body


def test_a_body_selector_that_matches_nothing_is_no_article():
    html = fixture_text("generic", "jsonld_news_article.html")
    assert extract_with_selectors(html, NEWS_URL, {"body": "div.no-such-thing"}) is None
    assert extract_with_selectors(html, NEWS_URL, {"body": "p.byline"}) is None  # too little text
