"""The bundled demo as a user runs it: ``crawlall --replay`` all day, and the replay CLI."""

from __future__ import annotations

import re
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

from crawler.replay.server import load_dataset
from tests.support import ROOT, run_crawl, run_crawlall, tree_state

DAY = "2026-11-25"
REPLAY = [sys.executable, "-m", "crawler.replay"]


def feed_table(stdout: str) -> dict[str, dict[str, int]]:
    """crawlall's per-feed table: ``{feed: {column: count}}``."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["feed"])
    header = lines[start].split()[1:]
    table = {}
    for line in lines[start + 1 :]:
        cells = line.split()
        if len(cells) != len(header) + 1 or not all(c.isdigit() for c in cells[1:]):
            break
        table[cells[0]] = dict(zip(header, map(int, cells[1:])))
    return table


def posts(root: Path) -> list[str]:
    folder = root / "_posts"
    return sorted(p.name for p in folder.glob("*.md")) if folder.is_dir() else []


def site_state(root: Path) -> dict[str, tuple]:
    """The published tree (bytes and mtimes), without the crawler's own ``.finews/`` state."""
    return {p: v for p, v in tree_state(root).items() if not p.startswith(".finews")}


def test_demo_is_the_same_dataset_all_day(tmp_path):
    morning = run_crawlall(None, tmp_path, settings={"FINEWS_NOW": f"{DAY}T08:00:00"})
    table = feed_table(morning.stdout)
    # every row kept in _posts/ (the generic sources list one article twice, one behind robots.txt)
    listed = sum(row["listed"] - row["skipped"] for row in table.values())
    assert listed > 0 and len(posts(tmp_path)) == listed
    assert table["feeds"]["new"] == 11  # the demo's generic sources (crawler/replay/data/sources.yml)
    before = site_state(tmp_path)

    night = run_crawlall(None, tmp_path, settings={"FINEWS_NOW": f"{DAY}T23:30:00"})
    table = feed_table(night.stdout)
    assert set(table) == {"emnews", "media", "market", "feeds"}
    assert all(row["new"] == 0 and row["updated"] == 0 for row in table.values()), night.stdout
    assert len(posts(tmp_path)) == listed
    assert site_state(tmp_path) == before


def options_without_help(text: str) -> list[str]:
    """Option lines of an argparse help with no help text beside or below them."""
    lines = text.splitlines()
    missing = []
    for i, line in enumerate(lines):
        if not line.startswith("  -"):
            continue
        beside = re.search(r"\S {2,}\S", line)
        below = i + 1 < len(lines) and re.match(r" {4,}[^\s-]", lines[i + 1])
        if not (beside or below):
            missing.append(line.strip())
    return missing


def test_replay_help_is_plain_and_complete():
    proc = subprocess.run([*REPLAY, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m crawler.replay")
    assert "``" not in proc.stdout
    for option in ("--port", "--dataset", "--slow-seconds", "--today", "--no-rebase"):
        assert f"  {option}" in proc.stdout
    assert options_without_help(proc.stdout) == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_line(proc: subprocess.Popen, prefix: str, timeout: float = 30) -> str:
    """The first stdout line of ``proc`` starting with ``prefix``; fail if it exits or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        line = proc.stdout.readline() if ready else ""
        if line.startswith(prefix):
            return line
        if ready and not line:
            raise AssertionError(f"replay exited {proc.wait()}")
    raise AssertionError(f"no {prefix!r} line within {timeout} s")


def test_readme_replay_example_keeps_its_posts(tmp_path):
    port = free_port()
    server = subprocess.Popen([*REPLAY, "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        wait_for_line(server, "replay serving")
        run_crawl("media", f"http://127.0.0.1:{port}", tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=10)
    listed = sum(len(rows) for rows in load_dataset()["columns"].values())
    assert len(posts(tmp_path)) == listed  # none retired to old_post/
