"""Scrapyd runs finews as deployed: scrapyd-deploy builds the egg from the checkout, and the
three feeds scheduled at once through schedule.json all finish on one archive."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from crawler.parsers.rows import info_code
from crawler.replay.dataset import generate
from tests.deploy.support import assert_ships_the_crawler
from tests.support import LOOPBACK, ROOT

NOW = "2026-11-20T12:00:00+08:00"
FEEDS = ("emnews", "media", "market")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    """One Scrapyd API call (POST when ``data`` is given); its JSON answer, which must be ok."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, body, timeout=30) as response:
        answer = json.load(response)
    assert answer.get("status") == "ok", answer
    return answer


@pytest.fixture
def scrapyd(tmp_path):
    """A Scrapyd on a free loopback port, with its eggs, logs and queues under ``tmp_path``;
    yields its folder and URL."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\njobs_to_keep = 5\nmax_proc = 3\npoll_interval = 0.2\n",
        encoding="utf-8",
    )
    # HOME too: Scrapyd also reads ~/.scrapyd.conf, which must not change this one.
    env = {**os.environ, "HOME": str(home)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    with open(home / "scrapyd.out", "wb") as out:
        proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (home / "scrapyd.out").read_text(errors="replace")
            try:
                call(url + "daemonstatus.json")
                break
            except OSError:
                assert time.monotonic() < deadline, "Scrapyd did not answer in 60 s"
                time.sleep(0.2)
        yield home, url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def deploy(url: str, tmp_path: Path) -> dict:
    """``scrapyd-deploy test`` from the checkout; the ``test`` target comes from a scrapy.cfg
    in XDG_CONFIG_HOME (read before the checkout's), so the checkout's file stays as it is."""
    config = tmp_path / "xdg"
    config.mkdir()
    (config / "scrapy.cfg").write_text(f"[deploy:test]\nurl = {url}\n", encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    proc = subprocess.run([str(BIN / "scrapyd-deploy"), "test", "--version", "r1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def expected(data: dict) -> tuple[set[str], set[str]]:
    """The post ids and media names a crawl of ``data`` archives."""
    ids = {row["id"] for row in data["kuaixun"]}
    ids |= {info_code(row["code"]) for rows in data["columns"].values() for row in rows}
    ids |= {info_code(row["infoCode"]) for records in data["market"].values() for row in records}
    media = {row["mediaName"] for rows in data["columns"].values() for row in rows}
    media |= {row["medianame"] for records in data["market"].values() for row in records}
    return ids, media


def test_three_feeds_scheduled_at_once_all_finish_into_one_archive(scrapyd, replay, tmp_path):
    home, url = scrapyd
    answer = deploy(url, tmp_path)
    assert (answer["project"], answer["version"], answer["spiders"]) == ("finews", "r1", 5)
    # The jobs would also find a module the egg lacks in this checkout (the editable install):
    # the egg itself must be complete.
    assert_ships_the_crawler(home / "eggs" / "finews" / "r1.egg", "EGG-INFO")

    data = generate(seed=31, emnews=20, media=10, market=3)
    server = replay(data)
    site = tmp_path / "site"
    settings = [*LOOPBACK[1::2], f"FINEWS_REPLAY_URL={server.url}", f"FINEWS_OUTPUT_DIR={site}", f"FINEWS_NOW={NOW}"]
    jobs = {}
    for spider in FEEDS:
        form = [("project", "finews"), ("spider", spider), ("limit", "100")]
        form += [("setting", value) for value in settings]
        jobs[call(url + "schedule.json", form)["jobid"]] = spider

    deadline = time.monotonic() + 180
    while True:
        listed = call(url + "listjobs.json?project=finews")
        if {job["id"] for job in listed["finished"]} >= set(jobs):
            break
        assert time.monotonic() < deadline, f"jobs not finished in 180 s: {listed}"
        time.sleep(0.5)

    assert "Process died" not in (home / "scrapyd.out").read_text(errors="replace")  # every job exited 0
    for job, spider in jobs.items():
        log = (home / "logs" / "finews" / spider / f"{job}.log").read_text(encoding="utf-8")
        assert "Traceback" not in log, log[-6000:]
        assert "Spider closed (finished)" in log, log[-6000:]

    ids, media = expected(data)
    assert {p.name[len("YYYY-MM-DD-"):-len(".md")] for p in (site / "_posts").glob("*.md")} == ids
    slugs = yaml.safe_load((site / "_data" / "categories.yml").read_text(encoding="utf-8"))
    assert set(slugs) == media
    assert all((site / "category" / f"{slug}.html").is_file() for slug in slugs.values())
