"""The hostile-input corpus (tests/fixtures/hostile/cases.json) crawled end to end.

Every case either becomes a valid post with the expected title, date, categories and tags,
or is dropped with its reason logged and counted; nothing is written outside the output
directory, no traceback is logged, and the resulting site builds with real Jekyll.
"""

from __future__ import annotations

import html
import json
import subprocess
from collections import Counter
from pathlib import Path

import frontmatter
import pytest

from tests.support import FIXTURES, ROOT, copy_site_skeleton, crawl_stats, find_jekyll, run_crawl

CORPUS = json.loads((FIXTURES / "hostile" / "cases.json").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
# Most of the corpus is meant to be dropped: far over the health monitor's drop share.
SETTINGS = {"FINEWS_NOW": CORPUS["now"], "FINEWS_RETENTION_DAYS": 100_000, "FINEWS_HEALTH_MAX_DROP_SHARE": 1}


def case_id(case: dict) -> str:
    row = case["row"]
    return str(row["id"]) if case["feed"] == "emnews" else f"NW{row['code']}"


def body_text(case: dict) -> str:
    if case.get("text_repeat"):
        unit, times = case["text_repeat"]
        return unit * times
    return case.get("text") or ""


def dataset() -> dict:
    rows = [c["row"] for c in CASES if c["feed"] == "emnews"]
    media = [c["row"] for c in CASES if c["feed"] == "media"]
    textapi = {case_id(c): {"text": body_text(c)} for c in CASES if c["feed"] == "media"}
    return {"kuaixun": rows, "columns": {"350": media}, "textapi": textapi}


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Both feeds crawled once into a copy of the site skeleton: (site, {feed: (log, stats)})."""
    from crawler.replay.server import ReplayServer

    base = tmp_path_factory.mktemp("hostile")
    site = base / "site"
    copy_site_skeleton(site)
    before = git_status()
    runs = {}
    with ReplayServer(dataset()) as server:
        for feed in ("emnews", "media"):
            proc = run_crawl(feed, server.url, site, settings={
                **SETTINGS, "FINEWS_EMNEWS_MAX_PAGES": 1, "FINEWS_MEDIA_MAX_PAGES": 1,
                "FINEWS_EMNEWS_PAGE_SIZE": 200, "FINEWS_MEDIA_PAGE_SIZE": 200})
            runs[feed] = (proc.stderr, crawl_stats(proc.stderr))
    assert git_status() == before, "the crawl wrote into the repository"
    assert [p.name for p in base.iterdir()] == ["site"], "the crawl wrote next to the output dir"
    return site, runs


def test_corpus_is_big_and_covers_both_outcomes():
    outcomes = Counter("dropped" in c["expect"] for c in CASES)
    assert len(CASES) >= 30 and outcomes[True] >= 10 and outcomes[False] >= 10
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if "dropped" not in c["expect"]], ids=lambda c: c["name"])
def test_archived_case_has_the_expected_front_matter(crawled, case):
    site, _ = crawled
    expect = case["expect"]
    path = site / "_posts" / f"{expect['date'][:10]}-{case_id(case)}.md"
    text = path.read_text(encoding="utf-8")
    post = frontmatter.loads(text)
    assert post["layout"] == "post"
    assert post["title"] == expect["title"]
    assert f"\ndate: {expect['date']} +0800\n" in text
    assert str(post["date"]) == f"{expect['date']} +0800"  # "+0800" is no YAML timestamp: a string
    assert post["categories"] == expect["categories"]
    assert post["tags"] == expect["tags"]


@pytest.mark.parametrize("case", [c for c in CASES if "dropped" in c["expect"]], ids=lambda c: c["name"])
def test_dropped_case_is_logged_counted_and_not_written(crawled, case):
    site, runs = crawled
    log, stats = runs[case["feed"]]
    reason = case["expect"]["dropped"]
    same = [c for c in CASES if c["feed"] == case["feed"] and c["expect"].get("dropped") == reason]
    assert stats.get(f"finews/dropped/{reason}") == len(same)
    assert f"dropped {reason}: {case_id(case)!r}" in log
    item_id = case_id(case)
    kept = [c for c in CASES if case_id(c) == item_id and "dropped" not in c["expect"]]
    posts = [p for p in (site / "_posts").iterdir() if item_id and p.name.endswith(f"-{item_id}.md")]
    if kept:  # a duplicate id: only the first row's post exists
        assert len(posts) == 1 and frontmatter.load(posts[0])["title"] == kept[0]["expect"]["title"]
    else:
        assert posts == []


def test_output_holds_exactly_the_archived_posts_and_no_traceback(crawled):
    site, runs = crawled
    expected = {f"{c['expect']['date'][:10]}-{case_id(c)}.md" for c in CASES if "dropped" not in c["expect"]}
    assert {p.name for p in (site / "_posts").iterdir()} == expected
    assert not [p for p in site.rglob("*") if p.name.startswith(".tmp-") or p.suffix == ".part"]
    for log, stats in runs.values():
        assert "Traceback" not in log
        assert stats.get("log_count/ERROR", 0) == 0
    categories = {p.name for p in (site / "category").iterdir()}
    assert "evil.html" in categories and "Bloomberg Asia 1.html" in categories
    for page in (site / "category").iterdir():
        assert frontmatter.load(page)["layout"] == "category"


def test_body_cut_off_at_download_and_body_over_the_limit_are_told_apart(crawled):
    _, runs = crawled
    log, _ = runs["media"]
    assert "dropped body_too_large: 'NWh45_body_5mb' (text API answer over" in log
    assert "dropped body_too_large: 'NWh46_body_3mb' (over FINEWS_MAX_BODY_BYTES" in log


def test_site_with_every_hostile_post_builds_with_jekyll(crawled, tmp_path):
    binary = find_jekyll()
    site, _ = crawled
    out = tmp_path / "_site"
    # --future: the build must render every post, whatever this machine's clock says.
    proc = subprocess.run([binary, "build", "--future", "--strict_front_matter", "-s", str(site), "-d", str(out)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built = {p.name: p for p in out.rglob("*.html")}
    for case in CASES:
        expect = case["expect"]
        if "dropped" in expect:
            continue
        page = built[f"{case_id(case)}.html"].read_text(encoding="utf-8")
        assert f"<h1>{html.escape(expect['title'], quote=False)}</h1>" in page.replace("&quot;", '"')
        if "body" in expect:
            assert expect["body"] in page, case["name"]
