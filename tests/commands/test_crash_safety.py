"""A crawl SIGKILLed mid-way leaves only complete posts, and the next run completes the archive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import frontmatter

from crawler.replay.dataset import generate
from crawler.archive.storage import TEMP_DIR
from tests.support import LOOPBACK, ROOT, run_crawlall

ARTICLES = 60
# The replay answers this many text API requests, then holds the rest: the crawl is killed
# with exactly this many posts written, never one in the middle of being written.
WRITTEN = 5
SETTINGS = ["-s", "FINEWS_FEEDS=media", "-s", "FINEWS_NOW=2026-11-20T18:00:00", "-s", "FINEWS_RETENTION_DAYS=30"]


def assert_only_whole_posts(site):
    """Nothing partial or temporary where Jekyll looks; every post parses with its front matter."""
    for path in site.rglob("*"):
        if TEMP_DIR not in str(path.relative_to(site)):
            assert not path.name.startswith(".tmp-") and path.suffix != ".part", path
    for path in (site / "_posts").iterdir():
        assert path.suffix == ".md", path
        post = frontmatter.load(path)
        assert post["layout"] == "post" and post["title"] and post["date"], path


def test_killed_crawl_leaves_whole_posts_and_the_next_run_completes(replay, tmp_path):
    data = generate(seed=3, emnews=0, media=ARTICLES, market=0)
    for answer in data["textapi"].values():  # one text API answer, one post (no page fallback)
        answer["text"] = answer["text"] or "<p>\u3000\u3000正文。</p>"
    titles = {f"NW{r['code']}": r["title"] for r in data["columns"]["350"]}
    held = replay(data, hold_after=WRITTEN)
    cmd = [sys.executable, "-m", "scrapy", "crawlall", *LOOPBACK, *SETTINGS,
           "-s", f"FINEWS_REPLAY_URL={held.url}", "-s", f"FINEWS_OUTPUT_DIR={tmp_path}"]
    crawl = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    posts = tmp_path / "_posts"
    deadline = time.monotonic() + 60
    try:
        # No more than WRITTEN bodies are answered, so the count can only grow to WRITTEN;
        # once it is there and the crawl waits on the hold, nothing more can be written.
        while not (held.replay.held and posts.is_dir() and len(os.listdir(posts)) == WRITTEN):
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline, f"{held.replay.report()}"
            time.sleep(0.02)
        os.kill(crawl.pid, signal.SIGKILL)
        answered = held.counts["textapi"]  # before release() lets the held ones be answered
    finally:
        crawl.kill()
        crawl.wait()
        held.replay.release()
    assert crawl.returncode == -signal.SIGKILL
    assert answered == WRITTEN
    written = len(list(posts.iterdir()))
    assert written == WRITTEN
    assert (tmp_path / ".finews" / "lock").exists()  # the dead run's lock file stays behind
    assert_only_whole_posts(tmp_path)
    leftovers = sorted(p.name for p in (tmp_path / ".finews").iterdir())
    print(f"killed with {written}/{ARTICLES} posts written; .finews holds {leftovers}")

    fresh = replay(data)
    proc = run_crawlall(fresh.url, tmp_path, settings=dict(a.split("=", 1) for a in SETTINGS[1::2]))
    assert "another run holds the lock" not in proc.stdout
    assert_only_whole_posts(tmp_path)
    archived = {p.name[len("YYYY-MM-DD-"):-len(".md")]: frontmatter.load(p)["title"] for p in posts.iterdir()}
    assert archived == titles
    assert fresh.counts["textapi"] == ARTICLES - WRITTEN  # the killed run's posts are known
    assert not list((tmp_path / TEMP_DIR).iterdir())  # the killed run's temp files, if any, swept
