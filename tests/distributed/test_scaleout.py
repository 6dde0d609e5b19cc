"""A distributed run end to end: ``crawlall --workers N`` with real workers and a real
redis-server writes the same site as one process; and its start-up failures."""

from __future__ import annotations

import socket
import subprocess
import sys

from crawler.distributed.connection import redis_client
from tests.distributed.armed import armed_pickle
from tests.support import LOOPBACK, ROOT, run_crawlall, tree_state

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
    assert "category/shilicaijingkuaibao.html" in written  # the demo generic sources, on workers too
    assert site(dist) == written
    table = coordinated.stdout.split("\n", 1)[1]
    assert table.split("fetched in")[0] == single.stdout.split("\n", 1)[1].split("fetched in")[0]
    assert "skipped in feeds: duplicate=1, robots=1" in coordinated.stdout  # counted over all workers
    client = redis_client(redis_server.url)
    for feed in ("emnews", "media", "market", "feeds"):
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


def test_a_worker_killed_halfway_costs_nothing(redis_server, tmp_path):
    """SIGKILL one of 3 workers mid-run: its leases come back (FINEWS_LEASE_SECONDS) and are
    done by the others; every article is archived once, and no lease is left."""
    import os
    import signal
    import time


    one, dist = tmp_path / "one", tmp_path / "dist"
    run_crawlall(None, one, settings={"FINEWS_NOW": NOW})
    shared = [*LOOPBACK, "-s", f"FINEWS_NOW={NOW}", "-s", f"FINEWS_REDIS_URL={redis_server.url}",
              "-s", "FINEWS_LEASE_SECONDS=3", "-s", "FINEWS_HOST_INTERVAL=0.03"]
    scrapy = [sys.executable, "-m", "scrapy"]
    coordinator = subprocess.Popen([*scrapy, "crawlall", "--replay", "--workers", "0", *shared,
                                    "-s", f"FINEWS_OUTPUT_DIR={dist}"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    workers = [subprocess.Popen([*scrapy, "worker", *shared], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(3)]
    client = redis_client(redis_server.url)
    deadline = time.monotonic() + 120
    while len(list((dist / "_posts").glob("*.md"))) < 60 if (dist / "_posts").is_dir() else True:
        assert time.monotonic() < deadline and coordinator.poll() is None
        time.sleep(0.05)
    assert workers[0].poll() is None  # still working: killed halfway, not after its part
    os.kill(workers[0].pid, signal.SIGKILL)
    out, err = coordinator.communicate(timeout=180)
    assert [w.wait(timeout=60) for w in workers] == [-signal.SIGKILL, 0, 0]
    print(out)
    assert coordinator.returncode in (0, 3), err[-3000:]
    assert site(dist) == site(one)
    table = out.split("fetched in")[0]
    assert " updated" in table and all(line.split()[4] == "0" for line in table.splitlines()[2:] if line.strip())
    for feed in ("emnews", "media", "market"):
        assert client.zcard(f"finews:q:{feed}:leases") == client.zcard(f"finews:q:{feed}:pending") == 0


def test_hostile_queue_entries_are_dropped_counted_and_never_run(redis_server, tmp_path):
    import time

    import scrapy

    from crawler.distributed import codec

    marker = tmp_path / "ran"
    shared = [*LOOPBACK, "-s", f"FINEWS_NOW={NOW}", "-s", f"FINEWS_REDIS_URL={redis_server.url}",
              "-s", "FINEWS_FEEDS=emnews"]
    scrapy_cmd = [sys.executable, "-m", "scrapy"]
    coordinator = subprocess.Popen([*scrapy_cmd, "crawlall", "--replay", "--workers", "0", *shared,
                                    "-s", f"FINEWS_OUTPUT_DIR={tmp_path / 'site'}"], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    client = redis_client(redis_server.url)
    deadline = time.monotonic() + 60
    while not client.exists("finews:run"):
        assert time.monotonic() < deadline and coordinator.poll() is None, coordinator.communicate()
        time.sleep(0.05)
    foreign = codec.dumps(scrapy.Request("https://evil.example.org/steal").to_dict())
    hostile = {"h1": armed_pickle(marker),
               "h2": b"\x00\xffgarbage{", "h3": foreign}
    client.hset("finews:q:emnews:entries", mapping=hostile)
    client.zadd("finews:q:emnews:pending", {entry: -1e15 for entry in hostile})
    worker = subprocess.run([*scrapy_cmd, "worker", *shared], cwd=ROOT, capture_output=True, text=True, timeout=120)
    out, err = coordinator.communicate(timeout=120)
    assert worker.returncode == 0 and coordinator.returncode == 0, err[-3000:]
    assert "foreign queue entries dropped in emnews: foreign_url=1, not_json=2" in out
    assert "no worker is waiting for it; it goes on when `scrapy worker` joins" in err  # none had started
    assert not marker.exists()
    assert "evil.example.org" not in worker.stderr.replace("host 'evil.example.org'", "")
    assert client.hlen("finews:q:emnews:entries") == 0
    assert client.hgetall("finews:q:emnews:dropped") == {b"foreign_url": b"1", b"not_json": b"2"}


def test_a_forever_worker_serves_run_after_run_and_a_rerun_costs_lists_only(redis_server, tmp_path):
    """Its process for the next run is started and waiting (its mark in Redis) before that
    run opens; SIGTERM ends it and that waiting process."""
    import os
    import signal
    import time

    from crawler.distributed.keys import waiting_key
    from tests.commands.test_replay_demo import feed_table

    client = redis_client(redis_server.url)

    def waiting_pids() -> list[int]:
        """The pids of the workers waiting for a run, from their marks (host-pid-random)."""
        deadline = time.monotonic() + 60
        while not (marks := [k.decode() for k in client.scan_iter(match=waiting_key("finews"))]):
            assert time.monotonic() < deadline, "no worker is waiting"
            time.sleep(0.05)
        return [int(mark.rsplit("-", 2)[1]) for mark in marks]

    settings = {"FINEWS_NOW": NOW, "FINEWS_REDIS_URL": redis_server.url}
    worker = subprocess.Popen([sys.executable, "-m", "scrapy", "worker", "--forever", *LOOPBACK,
                               "-s", f"FINEWS_NOW={NOW}", "-s", f"FINEWS_REDIS_URL={redis_server.url}"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        before_first = waiting_pids()
        first = run_crawlall(None, tmp_path, settings=settings, options=("--workers", "0"), timeout=120)
        before_again = waiting_pids()
        again = run_crawlall(None, tmp_path, settings=settings, options=("--workers", "0"), timeout=120)
        waiting = waiting_pids()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert len(before_first) == len(before_again) == len(waiting) == 1
    assert len({*before_first, *before_again, *waiting}) == 3  # a fresh process per run
    assert worker.returncode == 0
    for pid in waiting:  # the waiting child went with its parent
        try:
            os.kill(pid, 0)
            raise AssertionError(f"worker child {pid} still running")
        except ProcessLookupError:
            pass
    assert "no worker is waiting" not in first.stderr + again.stderr
    assert feed_table(first.stdout)["emnews"]["new"] == 120
    table = feed_table(again.stdout)
    assert all(row["fetched"] == 0 and row["new"] == 0 for row in table.values()), again.stdout
    assert table["emnews"]["skipped"] == 120
    assert "archive unchanged" in again.stdout


def test_redis_lost_mid_run_stops_cleanly_and_the_next_run_completes(redis_server, tmp_path):
    """Redis killed while 2 local workers fetch: the coordinator stops after the last whole
    post with one line and exit 1, its workers exit; Redis back, the next run completes the
    archive as one process writes it."""
    import re
    import time

    one, dist = tmp_path / "one", tmp_path / "dist"
    run_crawlall(None, one, settings={"FINEWS_NOW": NOW})
    cmd = [sys.executable, "-m", "scrapy", "crawlall", "--replay", "--workers", "2", *LOOPBACK,
           "-s", f"FINEWS_NOW={NOW}", "-s", f"FINEWS_REDIS_URL={redis_server.url}",
           "-s", "FINEWS_HOST_INTERVAL=0.03", "-s", f"FINEWS_OUTPUT_DIR={dist}"]
    coordinator = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    posts = dist / "_posts"
    deadline = time.monotonic() + 120
    while len(list(posts.glob("*.md"))) < 40 if posts.is_dir() else True:
        assert time.monotonic() < deadline and coordinator.poll() is None
        time.sleep(0.05)
    redis_server.stop()
    lost_at = time.monotonic()
    out, err = coordinator.communicate(timeout=120)
    assert coordinator.returncode == 1, err[-3000:]
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(rf"finews crawlall: lost Redis at {re.escape(redis_server.url)} mid-run: "
                        r"Connection (refused|reset by peer); stopped after the last whole post, "
                        r"run again to complete the archive", last), last
    assert "did not exit" not in err  # the local workers left on their own
    assert time.monotonic() - lost_at < 30
    written, whole = site(dist), site(one)
    partial = [p for p in written if p.startswith("_posts/")]
    assert 40 <= len(partial) < len([p for p in whole if p.startswith("_posts/")])
    assert all(written[p] == whole[p] for p in partial)  # every post whole, none half-written
    assert not [p for p in tree_state(dist) if p.endswith(".part")]  # no temp file left behind
    redis_server.start()
    run_crawlall(None, dist, settings={"FINEWS_NOW": NOW, "FINEWS_REDIS_URL": redis_server.url},
                 options=("--workers", "2"), timeout=240)
    assert site(dist) == whole


def test_a_rerun_of_the_feeds_on_workers_asks_changed_since_and_fetches_no_page(redis_server, replay, tmp_path):
    """Validators recorded from the workers' messages: the next run's feeds and sitemaps
    answer 304, and no article page is asked for."""
    from crawler.archive.dates import run_now
    from crawler.replay.server import load_dataset
    from crawler.replay.sites import DEMO_SOURCES
    from tests.commands.test_replay_demo import feed_table

    server = replay(load_dataset(), rebase_to=run_now(NOW, "Asia/Shanghai"), sites=True)
    settings = {"FINEWS_NOW": NOW, "FINEWS_REDIS_URL": redis_server.url, "FINEWS_SOURCES": str(DEMO_SOURCES),
                "FINEWS_FEEDS": "feeds"}
    first = run_crawlall(server.url, tmp_path, settings=settings, options=("--workers", "2"), timeout=240)
    assert feed_table(first.stdout)["feeds"]["new"] > 0
    before = site(tmp_path)
    server.replay.reset()
    again = run_crawlall(server.url, tmp_path, settings=settings, options=("--workers", "2"), timeout=240)
    counts = server.counts
    assert counts["not_modified"] == 6 and counts["article"] == 0 and counts["feed"] == 0, counts
    assert feed_table(again.stdout)["feeds"]["fetched"] == feed_table(again.stdout)["feeds"]["new"] == 0
    assert site(tmp_path) == before
