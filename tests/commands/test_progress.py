"""Live progress (crawler/run/progress.py): a rich display on a terminal, log lines off one."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from crawler.run.counts import Counts, describe, read_counts
from crawler.replay.dataset import generate
from tests.support import LOOPBACK, ROOT, run_crawl

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LINE = re.compile(r"\[finews\.progress\] INFO: progress media: listed (\d+), fetched (\d+)/(\d+), "
                  r"written (\d+), \d+\.\d/s")


def run_on_pty(cmd: list[str], timeout: float = 300) -> tuple[int, str]:
    """Run ``cmd`` with stdin, stdout and stderr on a 160x40 pseudo-terminal; its exit code
    and everything it printed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    for name in ("NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        env.pop(name, None)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1.0)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child and every process holding the pty are gone
                break
            if not data:
                break
            output += data
        else:
            proc.kill()
            pytest.fail(f"no exit within {timeout} s:\n{output.decode(errors='replace')[-4000:]}")
        return proc.wait(timeout=30), output.decode("utf-8", errors="replace")
    finally:
        os.close(master)


def test_crawlall_on_a_terminal_shows_one_live_display_of_every_feed(tmp_path):
    cmd = [sys.executable, "-m", "scrapy", "crawlall", *LOOPBACK,
           "-s", f"FINEWS_OUTPUT_DIR={tmp_path}", "--replay"]
    code, output = run_on_pty(cmd)
    assert code == 0, output[-4000:]
    assert "\x1b[" in output  # drawn by rich, not printed as log lines
    screen = ESCAPE.sub("", output).replace("\r\n", "\n").replace("\r", "\n")
    assert "[finews.progress]" not in screen
    for feed in ("emnews", "media", "market"):
        rows = re.findall(rf"^{feed} +\S+ listed (\d+) +fetched (\d+)/(\d+) +written (\d+) +"
                          r"\d+\.\d/s(?: +(?:ETA|in) \d+:\d\d:\d\d)?", screen, re.M)
        assert rows, f"no display row for {feed}:\n{screen[-4000:]}"
        listed, done, total, written = map(int, rows[-1])  # the final state, left on screen
        assert listed > 0 and done == total == written > 0
    assert re.search(r"^emnews .* in \d+:\d\d:\d\d$", screen, re.M)  # the time a finished feed took
    # Scrapy's log went on above the display, in whole lines, and the table after it.
    assert re.search(r"^\S+ \S+ \[scrapy\.core\.engine\] INFO: Spider closed", screen, re.M)
    assert re.search(r"^feeds +\S+ listed [1-9]", screen, re.M)  # the demo's generic sources too
    assert "finews crawlall: 4 feeds in" in screen


@pytest.fixture(scope="module")
def slow_media():
    """A media-only replay answering every request 0.1 s late: a crawl of a few seconds."""
    return generate(seed=10, emnews=0, media=40, market=0)


def test_off_a_terminal_progress_is_a_log_line_per_period(replay, tmp_path, slow_media):
    server = replay(slow_media, latency=0.1)
    proc = run_crawl("media", server.url, tmp_path, settings={"FINEWS_PROGRESS_SECONDS": 0.5})
    lines = [tuple(map(int, m.groups())) for m in LINE.finditer(proc.stderr)]
    assert len(lines) >= 2, proc.stderr[-4000:]
    done = [fetched for _, fetched, _, _ in lines]
    assert done == sorted(done) and done[-1] > done[0]
    assert all(fetched <= total and written <= fetched for _, fetched, total, written in lines)
    assert "\x1b[" not in proc.stderr + proc.stdout


def test_progress_off(replay, tmp_path, slow_media):
    server = replay(slow_media, latency=0.1)
    proc = run_crawl("media", server.url, tmp_path,
                     settings={"FINEWS_PROGRESS": 0, "FINEWS_PROGRESS_SECONDS": 0.5})
    assert "[finews.progress]" not in proc.stderr
    assert "finews/written/new" in proc.stderr  # it did crawl


def test_counts_come_from_the_run_stats():
    stats = {"finews/listed/media": 120, "finews/fetch/new": 70, "finews/fetch/changed": 10,
             "finews/written/new": 30, "finews/written/updated": 5, "finews/written/unchanged": 3,
             "finews/dropped/no_body": 1, "finews/deferred/media": 1, "finews/skipped/known": 40}
    counts = read_counts("media", stats)
    assert counts == Counts(listed=120, total=80, done=40, written=38)
    assert describe(counts, 2.0) == "listed 120, fetched 40/80, written 38, 2.0/s, ETA 0:00:20"
    assert describe(counts, 0.0) == "listed 120, fetched 40/80, written 38, 0.0/s"
    share = read_counts("share", {"finews/share/asked": 9, "finews/written/new": 4})
    assert (share.listed, share.total, share.done) == (9, 9, 4)


def test_a_cron_run_never_imports_rich(tmp_path):
    """Off a terminal the progress is a log line: rich, a quarter of an empty crawl's set-up,
    is not even imported."""
    import subprocess
    import sys

    from tests.support import ROOT

    probe = ("import sys\n"
             "from scrapy.utils.test import get_crawler\n"
             "from scrapy.utils.reactor import install_reactor\n"
             "install_reactor('twisted.internet.asyncioreactor.AsyncioSelectorReactor')\n"
             "from crawler.run.progress import CrawlProgress\n"
             "from spiders.emnews import EmnewsSpider\n"
             "crawler = get_crawler(EmnewsSpider, {'FINEWS_PROGRESS': True, 'FINEWS_PROGRESS_SECONDS': 30})\n"
             "progress = CrawlProgress.from_crawler(crawler)\n"
             "progress.spider_opened(EmnewsSpider.from_crawler(crawler))\n"
             "progress.loop.stop()\n"
             "print(progress.display, 'rich' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert out.stdout.split() == ["None", "False"], out.stderr[-2000:]
