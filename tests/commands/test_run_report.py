"""What a run tells: each feed's own errors, one table on stdout, a quiet log, the run history."""

from __future__ import annotations

import json

from crawler.replay.dataset import generate
from crawler.replay.server import Reply
from tests.support import run_crawl, run_crawlall

SETTINGS = {"FINEWS_NOW": "2026-11-20T12:00:00+08:00"}
RUNS = ".finews/runs.jsonl"


def kill_list(server, marker: str) -> None:
    """Answer 404 to every list request whose path holds ``marker``."""
    route = server.replay.route

    def dead(host, path, query):
        kind, reply = route(host, path, query)
        return (kind, Reply(404, "text/html", "gone")) if marker in path else (kind, reply)

    server.replay.route = dead


def table(stdout: str) -> dict[str, dict[str, str]]:
    lines = stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("feed "))
    columns = lines[head].split()
    rows = {}
    for line in lines[head + 1:]:
        cells = line.split()
        if len(cells) != len(columns) or ":" in line:
            break
        rows[cells[0]] = dict(zip(columns, cells))
    return rows


def history(root) -> list[dict]:
    return [json.loads(line) for line in (root / RUNS).read_text(encoding="utf-8").splitlines()]


def test_each_feed_counts_only_its_own_errors_and_the_table_is_printed_once(replay, tmp_path):
    server = replay(generate(seed=4, emnews=6, media=4, market=2))
    kill_list(server, "/newmarket/")
    proc = run_crawlall(server.url, tmp_path, settings=SETTINGS, check=False)
    assert proc.returncode == 3  # the market feed's health monitors failed
    rows = table(proc.stdout)
    # market logged one error per market type (3 lists); the others none.
    assert {feed: row["errors"] for feed, row in rows.items()} == {"emnews": "0", "media": "0", "market": "3"}
    assert proc.stdout.count("feed ") == 1 and "feed " not in proc.stderr
    assert "FAILED: market: list error after retries (http_404=3)" in proc.stdout
    assert "unreadable: HTTP 404 from " in proc.stderr  # the status, not an exception name
    assert proc.stderr.count("Enabled extensions") == 1  # start-up dumps once per process
    assert proc.stderr.count("Overridden settings") == 1


def test_a_clean_replay_run_logs_no_warning_or_error(tmp_path):
    proc = run_crawlall(None, tmp_path)
    noisy = [line for line in proc.stderr.splitlines() if "] WARNING:" in line or "] ERROR:" in line]
    assert noisy == []
    assert "Traceback" not in proc.stderr
    assert "Deprecat" not in proc.stderr
    assert proc.stderr.count("Enabled item pipelines") == 1
    assert any(p.suffix == ".md" for p in (tmp_path / "_posts").iterdir())


def test_every_run_is_in_the_history_failed_ones_too(replay, tmp_path):
    data = generate(seed=4, emnews=3, media=2, market=0)
    settings = {**SETTINGS, "FINEWS_HEALTH_HISTORY": 3, "FINEWS_FEEDS": "emnews,media"}
    run_crawlall(replay(data).url, tmp_path, settings=settings)
    run_crawlall(replay(data).url, tmp_path, settings=settings)  # nothing new
    runs = history(tmp_path)
    assert [r["command"] for r in runs] == ["crawlall", "crawlall"]
    assert [[f["new"] for f in r["feeds"]] for r in runs] == [[3, 2], [0, 0]]

    dead = replay(data)
    kill_list(dead, "")  # every list answers 404: the whole run fails
    proc = run_crawlall(dead.url, tmp_path, settings=settings, check=False)
    assert proc.returncode == 3
    last = json.loads((tmp_path / ".finews/last-run.json").read_text(encoding="utf-8"))
    assert last["failed"] == ["emnews", "media"]  # written although the archive did not change
    run_crawl("emnews", replay(data).url, tmp_path, settings=settings)
    runs = history(tmp_path)
    assert len(runs) == 3  # rotated to FINEWS_HEALTH_HISTORY lines, newest kept
    assert [r["command"] for r in runs] == ["crawlall", "crawlall", "crawl"]
    assert runs[1]["failed"] == ["emnews", "media"] and runs[2]["failed"] == []
    assert runs[2]["feeds"][0]["feed"] == "emnews"
