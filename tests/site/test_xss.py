"""The XSS corpus crawled into a site, built with real Jekyll, every page opened in Chromium.

Each payload (tests/fixtures/xss/cases.json) would set ``data-xss`` on the page's body if it
ran. A control post written straight into the site, past the crawler, carries a live payload:
its page must show the mark, which proves the build and the browser would let one through.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from crawler.archive.text import clean_title
from crawler.replay.dataset import page_2026
from tests.support import (FIXTURES, copy_site_skeleton, find_chromium, find_jekyll, run_crawl,
                           runnable_markup)

CORPUS = json.loads((FIXTURES / "xss" / "cases.json").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
MARK = "data-xss"
NOW = "2026-11-20T18:00:00"
SETTINGS = {"FINEWS_NOW": NOW, "FINEWS_RETENTION_DAYS": 100_000, "FINEWS_EMNEWS_MAX_PAGES": 1,
            "FINEWS_MEDIA_MAX_PAGES": 1, "FINEWS_EMNEWS_PAGE_SIZE": 200, "FINEWS_MEDIA_PAGE_SIZE": 200}
CONTROL = "xsscontrol"
MEDIA_VIA = ("textapi", "title", "media")


def generic_page(title: str, body: str) -> str:
    """An article page of no layout finews knows, with the usual page chrome around the body."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
            f"<div class='story'><h1>{title}</h1>{body}</div>"
            "<div class='footer'>版权所有 示例网站</div></body></html>")


def case_id(index: int, case: dict) -> str:
    return f"NWxss{index:02d}" if case["via"] in MEDIA_VIA else f"xss{index:02d}"


def dataset() -> dict:
    """Media rows with text API bodies (textapi/title/media cases) and rolling-news rows
    (digest cases; page cases with an article page of the known layout, or of none)."""
    kuaixun, media, textapi, pages = [], [], {}, {}
    for i, case in enumerate(CASES):
        via, payload, when = case["via"], case["payload"], f"2026-11-20 10:{i:02d}:00"
        if via in MEDIA_VIA:
            code = case_id(i, case)[2:]
            url = f"http://finance.eastmoney.com/a/{code}.html"
            media.append({"code": code, "showTime": when, "summary": "", "image": "", "url": url,
                          "uniqueUrl": url, "Np_dst": "",
                          "title": payload if via == "title" else f"标题 {case['name']}",
                          "mediaName": payload if via == "media" else "安全测试报"})
            textapi[f"NW{code}"] = {"text": payload if via == "textapi" else "<p>正文段落。</p>"}
            continue
        row = {"id": case_id(i, case), "title": f"快讯 {case['name']}", "showtime": when,
               "digest": payload if via == "digest" else f"摘要 {case['name']}"}
        if via == "link":
            row["url_w"] = payload
        if via in ("page", "generic_page"):
            row["url_w"] = f"http://finance.eastmoney.com/a/{row['id']}.html"
            pages[row["url_w"].split("://", 1)[1]] = (
                page_2026(row["title"], datetime.fromisoformat(when), "安全测试报", payload) if via == "page"
                else generic_page(row["title"], payload))
        kuaixun.append(row)
    return {"kuaixun": kuaixun, "columns": {"350": media}, "textapi": textapi, "pages": pages}


def control_post(site: Path) -> None:
    """A post with a live payload, written past the crawler (and so past the sanitizer)."""
    (site / "_posts" / f"2026-11-20-{CONTROL}.md").write_text(
        f'---\nlayout: post\ntitle: "control"\ndate: 2026-11-20 11:00:00 +0800\ncategories: emnews\n'
        f'tags: 东财滚动新闻\n---\n<p>control</p>\n<img src="nope.png" onerror="{CORPUS["marker"]}">\n',
        encoding="utf-8")


def dump_dom(chromium: str, page: Path, profile: Path) -> str:
    """The page's DOM after its scripts ran (2 s of virtual time), as headless Chromium sees it."""
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "<body" in proc.stdout, f"{page}: {proc.stderr[-2000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def site_doms(tmp_path_factory):
    """The crawled site built with Jekyll, and every page's DOM: ({page name: DOM}, site)."""
    from crawler.replay.server import ReplayServer

    jekyll, chromium = find_jekyll(), find_chromium()
    base = tmp_path_factory.mktemp("xss")
    site = copy_site_skeleton(base / "site")
    with ReplayServer(dataset()) as server:
        for feed in ("emnews", "media"):
            run_crawl(feed, server.url, site, settings=SETTINGS)
    control_post(site)
    out = base / "_site"
    proc = subprocess.run([jekyll, "build", "--future", "--strict_front_matter", "-s", str(site), "-d", str(out)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = sorted(out.rglob("*.html"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        doms = pool.map(lambda n_page: dump_dom(chromium, n_page[1], base / f"profile-{n_page[0]}"),
                        enumerate(pages))
        return {str(p.relative_to(out)): dom for p, dom in zip(pages, doms)}, site


def marked(dom: str) -> bool:
    return bool(lxml.html.document_fromstring(dom).xpath(f"//*[@{MARK}]"))


def test_every_case_became_a_page(site_doms):
    doms, site = site_doms
    names = {Path(name).stem for name in doms}
    assert {case_id(i, c) for i, c in enumerate(CASES)} | {CONTROL} <= names
    assert len(list((site / "_posts").glob("*.md"))) == len(CASES) + 1


def test_the_control_payload_runs(site_doms):
    """The check can see a payload that runs: the control page is marked, by script."""
    doms, _ = site_doms
    control = next(dom for name, dom in doms.items() if Path(name).stem == CONTROL)
    assert marked(control)


def test_no_payload_runs_on_any_page(site_doms):
    doms, _ = site_doms
    pages = {name: dom for name, dom in doms.items() if Path(name).stem != CONTROL}
    assert len(pages) > len(CASES)  # the posts, the index, the category pages
    assert [name for name, dom in pages.items() if marked(dom)] == []
    # Nor could one run on a click, a hover or a later load: no handler, no script URL.
    found = {name: runnable_markup(lxml.html.document_fromstring(dom).body) for name, dom in pages.items()}
    assert {name: what for name, what in found.items() if what} == {}


@pytest.mark.parametrize("case", [c for c in CASES if c["via"] == "title"], ids=lambda c: c["name"])
def test_a_title_is_shown_as_text(site_doms, case):
    doms, _ = site_doms
    page = next(dom for name, dom in doms.items() if Path(name).stem == case_id(CASES.index(case), case))
    assert lxml.html.document_fromstring(page).xpath("string(//article/h1)") == clean_title(case["payload"])
