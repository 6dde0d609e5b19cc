"""Many finews processes on one archive at once: none errors, loses or duplicates a post."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time

import pytest

from crawler.archive.index import ArchiveIndex
from crawler.parsers.rows import info_code
from crawler.replay.dataset import generate
from crawler.run.runlock import LOCK, RunLock
from tests.support import LOOPBACK, ROOT, run_crawl

NOW = "2026-11-20T12:00:00+08:00"
REPEATS = 10


def scrapy(*argv: str, output, replay_url: str, **settings) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scrapy", *argv, *LOOPBACK, "-s", f"FINEWS_REPLAY_URL={replay_url}",
           "-s", f"FINEWS_OUTPUT_DIR={output}", "-s", f"FINEWS_NOW={NOW}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def expected_ids(data: dict) -> set[str]:
    ids = {r["id"] for r in data["kuaixun"]}
    ids |= {info_code(r["code"]) for rows in data["columns"].values() for r in rows}
    ids |= {info_code(r["infoCode"]) for records in data["market"].values() for r in records}
    return ids


def assert_index_matches_files(root) -> None:
    index = ArchiveIndex(root)
    try:
        rows = {r[0]: (r[1], r[2]) for r in index.db.execute("SELECT id, path, sha256 FROM posts")}
        assert index.rebuilt == 0  # the files held nothing the index did not know
    finally:
        index.close()
    files = {p.name[len("YYYY-MM-DD-"):-len(".md")]: p for p in (root / "_posts").glob("*.md")}
    assert rows.keys() == files.keys()
    for item_id, (path, digest) in rows.items():
        assert path == f"_posts/{files[item_id].name}"
        assert hashlib.sha256(files[item_id].read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("attempt", range(REPEATS))
def test_five_processes_on_one_archive(replay, tmp_path, attempt):
    data = generate(seed=30 + attempt, emnews=12, media=8, market=2)
    server = replay(data)
    code = f"NW{data['columns']['350'][0]['code']}"
    out = tmp_path / "site"
    procs = {
        "emnews": scrapy("crawl", "emnews", output=out, replay_url=server.url),
        "media": scrapy("crawl", "media", output=out, replay_url=server.url),
        "market": scrapy("crawl", "market", output=out, replay_url=server.url),
        "share": scrapy("crawl", "share", "-a", f"codes={code}", output=out, replay_url=server.url),
        "crawlall": scrapy("crawlall", output=out, replay_url=server.url),
    }
    results = {name: (p.wait(timeout=300), *p.communicate()) for name, p in procs.items()}
    for name, (rc, stdout, stderr) in results.items():
        assert rc == 0, f"{name} exited {rc}:\n{stdout}\n{stderr[-3000:]}"
        assert "Traceback" not in stderr and "] ERROR:" not in stderr, f"{name}:\n{stderr[-3000:]}"
    names = [p.name for p in (out / "_posts").glob("*.md")]
    ids = [n[len("YYYY-MM-DD-"):-len(".md")] for n in names]
    assert len(ids) == len(set(ids))  # no id twice
    assert set(ids) == expected_ids(data)  # none lost
    assert_index_matches_files(out)
    media = {r["mediaName"] for rows in data["columns"].values() for r in rows}
    registry = (out / "_data" / "categories.yml").read_text(encoding="utf-8")
    assert all(name in registry for name in media)


def test_a_one_off_crawl_waits_for_the_lock_then_runs(replay, tmp_path):
    data = generate(seed=41, emnews=0, media=3, market=0)
    server = replay(data)
    held = RunLock(tmp_path / LOCK).acquire()
    crawl = scrapy("crawl", "media", output=tmp_path, replay_url=server.url)
    time.sleep(3)
    assert crawl.poll() is None  # still waiting
    assert not (tmp_path / "_posts").exists()
    held.release()
    rc = crawl.wait(timeout=120)
    _, stderr = crawl.communicate()
    assert rc == 0
    assert "waiting up to 600 s" in stderr
    assert len(list((tmp_path / "_posts").glob("*.md"))) == 3


def test_a_one_off_crawl_gives_up_when_the_wait_runs_out(replay, tmp_path):
    server = replay(generate(seed=42, emnews=0, media=3, market=0))
    with RunLock(tmp_path / LOCK):
        proc = run_crawl("media", server.url, tmp_path, settings={"FINEWS_LOCK_WAIT_SECONDS": 1}, check=False)
    assert proc.returncode == 1
    assert "another run holds the lock" in proc.stderr and "after waiting 1 s; not starting" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "_posts").exists()
