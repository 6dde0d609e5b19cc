"""Generic extraction quality: shingle F1 of the post text against labelled pages."""

from __future__ import annotations

from bench.extraction import BAR, DIRS, html_text, labelled_pages, scores, shingle_f1


def test_shingle_f1_counts_word_and_character_shingles():
    assert shingle_f1("one two three four five", "one two three four five") == (1.0, 1.0, 1.0)
    assert shingle_f1("one two three four", "five six seven eight") == (0.0, 0.0, 0.0)
    precision, recall, f1 = shingle_f1("a b c d e f", "a b c d")  # 3 shingles found, 1 expected
    assert (precision, recall) == (1 / 3, 1.0) and abs(f1 - 0.5) < 1e-9
    # Chinese: character 4-grams (no spaces to split words on).
    assert shingle_f1("券商板块午后拉升", "券商板块午后拉升，多只个股涨停")[0] == 1.0
    assert shingle_f1("券商板块午后拉升", "券商板块午后拉升，多只个股涨停")[1] < 0.5


def test_html_text_is_a_line_per_block():
    assert html_text("<p>a  b</p><ul><li>c</li><li>d<br>e</li></ul>") == "a b\nc\nd\ne"


def test_labelled_pages_reach_the_bar_through_the_crawl_path():
    pages = labelled_pages(DIRS)
    assert len(pages) >= 4
    rows = scores(pages)
    assert min(f1 for *_, f1 in rows) > 0.9, rows
    assert sum(f1 for *_, f1 in rows) / len(rows) >= BAR, rows
