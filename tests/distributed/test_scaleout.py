"""A distributed run end to end: ``crawlall --workers N`` with real workers and a real
redis-server writes the same site as one process; and its start-up failures."""

from __future__ import annotations

import socket
import subprocess
import sys

from crawler.distributed.connection import redis_client
from tests.support import ROOT, run_crawlall, tree_state

NOW = "2026-11-25T08:00:00"


def site(root) -> dict[str, bytes]:
    """File names and bytes of the published tree (not the crawler's own ``.finews/``)."""
    return {p: data for p, (data, _) in tree_state(root).items() if not p.startswith(".finews") and data is not None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_three_workers_write_the_site_one_process_writes(redis_server, tmp_path):
    one, dist = tmp_path / "one", tmp_path / "dist"
    single = run_crawlall(None, one, settings={"FINEWS_NOW": NOW})
    coordinated = run_crawlall(None, dist, settings={"FINEWS_NOW": NOW, "FINEWS_REDIS_URL": redis_server.url},
                               options=("--workers", "3"), timeout=240)
    written = site(one)
    assert len([p for p in written if p.startswith("_posts/")]) > 200
    assert site(dist) == written
    table = coordinated.stdout.split("\n", 1)[1]
    assert table.split("fetched in")[0] == single.stdout.split("\n", 1)[1].split("fetched in")[0]
    client = redis_client(redis_server.url)
    for feed in ("emnews", "media", "market"):
        assert client.zcard(f"finews:q:{feed}:pending") == client.zcard(f"finews:q:{feed}:leases") == 0
        assert client.hlen(f"finews:q:{feed}:entries") == 0
    assert not client.exists("finews:run")


def test_redis_absent_at_start_is_one_line_and_exit_1(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"
    proc = run_crawlall(None, tmp_path, settings={"FINEWS_NOW": NOW, "FINEWS_REDIS_URL": url},
                        options=("--workers", "2"), check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"finews crawlall: cannot reach Redis at {url}: Connection refused; not starting"]
    assert list(tmp_path.iterdir()) == []  # archive untouched: not even the run lock


def test_workers_without_redis_url_is_a_usage_error(tmp_path):
    proc = run_crawlall(None, tmp_path, options=("--workers", "2"), check=False)
    assert proc.returncode == 2
    assert "--workers needs FINEWS_REDIS_URL" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_worker_needs_a_reachable_redis(tmp_path):
    worker = [sys.executable, "-m", "scrapy", "worker"]
    missing = subprocess.run(worker, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "FINEWS_REDIS_URL is not set" in missing.stderr
    url = f"redis://127.0.0.1:{free_port()}/0"
    absent = subprocess.run([*worker, "-s", f"FINEWS_REDIS_URL={url}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert absent.returncode == 1
    assert absent.stderr.strip().splitlines() == [f"finews worker: cannot reach Redis at {url}: Connection refused"]
