import pytest

from crawler.archive.text import clean_body, protect_liquid, strip_headline


def test_clean_body_removes_indents_and_crlf():
    assert clean_body("<p>\u3000\u3000a</p>\r\n<p>b</p>\r") == "<p>a</p>\n<p>b</p>"


def test_strip_headline_only_the_leading_one():
    assert strip_headline("【标题】正文【不是标题】") == "正文【不是标题】"
    assert strip_headline("没有标题") == "没有标题"


def test_text_without_liquid_is_untouched():
    assert protect_liquid("<p>{ not liquid }</p>") == "<p>{ not liquid }</p>"


@pytest.mark.parametrize("body", ["{{ x }}", "{% if %}", "a {% endraw %} b", "{%- endraw -%}"])
def test_liquid_is_wrapped_raw(body):
    out = protect_liquid(body)
    assert out.startswith("{% raw %}") and out.endswith("{% endraw %}")
    # Only the wrapper's own endraw (and the re-opened blocks' closers) end a raw block:
    # every literal endraw has its "{%" emitted through a Liquid string instead.
    inner = out[len("{% raw %}"):-len("{% endraw %}")]
    assert inner.count('{{ "{%" }}') == body.count("endraw")
