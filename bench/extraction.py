"""``python bench/extraction.py [DIR …] [--compare]``: generic extraction against labelled pages.

A labelled page is ``NAME.html`` with ``NAME.txt`` beside it, the text its article body
holds. Each page goes the crawl path of a page of no known layout (generic extraction, the
normalize pipeline's clean-up and sanitizer) and the text the post would show is compared
with the label: F1 of 4-gram shingles, of words, or of characters for text in scripts
written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese). Prints
each page's precision, recall and F1, and the mean F1 (the bar is 0.95). ``--compare``
prints the mean under trafilatura's precision, recall and balanced settings too.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from crawler.archive.sanitize import sanitize_html  # noqa: E402
from crawler.archive.text import clean_body  # noqa: E402
from crawler.parsers import generic  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DIRS = [ROOT / "tests" / "fixtures" / "generic", ROOT / "tests" / "fixtures" / "extraction"]
BAR = 0.95
SHINGLE = 4
# Scripts written without spaces between words: Thai, Lao, Myanmar (Burmese), Khmer, Japanese
# kana, CJK ideographs. Text mostly in them is cut into characters, as no split finds words.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "figcaption",
           "table", "ul", "ol", "dd", "dt", "br")
SETTINGS = {"precision": {"favor_precision": True, "favor_recall": False},
            "recall": {"favor_precision": False, "favor_recall": True},
            "balanced": {"favor_precision": False, "favor_recall": False}}


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """4-grams of words, or of characters when the text is mostly in unspaced scripts. Words
    are runs of letters, marks (a Thai or Devanagari vowel sign) and digits, so punctuation
    is no unit either way."""
    words = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in text.lower()).split()
    compact = "".join(words)
    unspaced = len(_UNSPACED.findall(compact))
    units = list(compact) if compact and unspaced / len(compact) > 0.3 else words
    return Counter(tuple(units[i:i + SHINGLE]) for i in range(max(0, len(units) - SHINGLE + 1)))


def shingle_f1(found: str, expected: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``found`` against ``expected``, shingles counted with repeats."""
    got, want = shingles(found), shingles(expected)
    common = sum((got & want).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def html_text(html: str) -> str:
    """The text a browser shows for ``html``, a line per block."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for node in root.iter(*_BLOCKS):
        node.tail = "\n" + (node.tail or "")
    return "\n".join(" ".join(line.split()) for line in root.text_content().splitlines() if line.strip())


def post_text(html: str, url: str) -> str:
    """The body text a post made from this page (of no known layout) would show."""
    page = generic.extract_generic(html, url)
    return html_text(sanitize_html(clean_body(page.body_html), url)) if page else ""


def labelled_pages(dirs: list[Path]) -> list[tuple[str, str, str]]:
    """``(name, html, expected text)`` of every ``NAME.html`` with a ``NAME.txt``."""
    return [(page.stem, page.read_text(encoding="utf-8"), page.with_suffix(".txt").read_text(encoding="utf-8"))
            for folder in dirs for page in sorted(folder.glob("*.html")) if page.with_suffix(".txt").exists()]


def scores(pages: list[tuple[str, str, str]]) -> list[tuple[str, float, float, float]]:
    return [(name, *shingle_f1(post_text(html, f"https://example.com/{name}"), expected))
            for name, html, expected in pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DIRS)
    parser.add_argument("--compare", action="store_true", help="mean F1 per trafilatura setting")
    args = parser.parse_args(argv)
    pages = labelled_pages(args.dirs)
    if not pages:
        print("no labelled pages (NAME.html with NAME.txt) in", ", ".join(map(str, args.dirs)))
        return 1
    rows = scores(pages)
    print(f"{'page':40} {'precision':>9} {'recall':>9} {'F1':>9}")
    for name, precision, recall, f1 in rows:
        print(f"{name:40} {precision:9.3f} {recall:9.3f} {f1:9.3f}")
    mean = sum(r[3] for r in rows) / len(rows)
    print(f"{'mean F1 of ' + str(len(rows)) + ' pages':40} {'':9} {'':9} {mean:9.3f}  "
          f"{'PASS' if mean >= BAR else 'FAIL'} (bar {BAR})")
    if args.compare:
        chosen = dict(generic.EXTRACT_OPTIONS)
        for setting, options in SETTINGS.items():
            generic.EXTRACT_OPTIONS.update(options)
            print(f"trafilatura {setting:10} mean F1 {sum(r[3] for r in scores(pages)) / len(pages):.3f}")
        generic.EXTRACT_OPTIONS.clear()
        generic.EXTRACT_OPTIONS.update(chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
