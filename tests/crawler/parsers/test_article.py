from crawler.parsers.article import parse_article
from tests.support import fixture_text


def test_2026_layout_metadata_and_clean_body():
    page = parse_article(fixture_text("articles", "article_2026_layout.html"))
    assert page.layout == "2026"
    assert page.title == "示例文章：园区签约十个项目"
    assert page.published == "2026年08月19日 17:46"
    assert page.media == "界面新闻"
    body = page.body_html
    assert "<script" not in body and "adSlot" not in body
    assert "ad_context3" not in body and "开户有礼" not in body
    assert "toplink" not in body and "下载APP" not in body
    assert "园区当天签约十个项目" in body and "项目总投资约百亿元" in body
    assert body.endswith("<p>（责任编辑：测试编辑）</p>")
    assert '<p class="em_media">（文章来源：界面新闻）</p>' in body


def test_2026_layout_bare_source_cell():
    page = parse_article(fixture_text("articles", "article_2026_layout_bare_source.html"))
    assert page.media == "上海证券报"
    assert page.published == "2026年09月01日 08:05"


def test_2026_layout_media_from_trailer_with_keyword_span():
    page = parse_article(fixture_text("articles", "article_2026_layout_trailer_only.html"))
    assert page.media == "上海证券报"


def test_legacy_layout():
    page = parse_article(fixture_text("articles", "article_legacy_layout.html"))
    assert page.layout == "legacy"
    assert (page.title, page.published, page.media) == ("旧版页面标题", "2021年12月08日 10:46", "中国证券报")
    assert page.body_html == "<p>　　旧版正文第一段。</p>\n<p>　　旧版正文第二段。</p>"


def test_page_without_body_text_has_empty_body():
    page = parse_article(fixture_text("articles", "article_2026_layout_empty_body.html"))
    assert page.body_html == ""


def test_error_page_is_no_article():
    assert parse_article(fixture_text("error_page_200.html")) is None
