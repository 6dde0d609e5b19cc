"""Run health: exit codes, one alert per incident to a real local webhook, `scrapy health`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.replay.dataset import generate
from crawler.replay.server import Reply
from crawler.run.health import busy_at_this_hour, transition
from tests.support import ROOT, run_crawlall

NOW = "2026-11-20T12:00:00+08:00"


class Receiver:
    """A webhook on 127.0.0.1 that keeps every JSON body POSTed to it (or answers 503)."""

    def __init__(self) -> None:
        self.alerts: list[dict] = []
        self.down = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.down:
                    self.send_response(503)
                else:
                    receiver.alerts.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def webhook():
    receiver = Receiver()
    yield receiver
    receiver.httpd.shutdown()


def kill_market(server) -> None:
    route = server.replay.route

    def dead(host, path, query):
        kind, reply = route(host, path, query)
        return (kind, Reply(404, "text/html", "gone")) if "/newmarket/" in path else (kind, reply)

    server.replay.route = dead


def crawl(replay, data, out, webhook, dead_market: bool, **settings):
    server = replay(data)
    if dead_market:
        kill_market(server)
    return run_crawlall(server.url, out, settings={"FINEWS_NOW": NOW, "FINEWS_ALERT_WEBHOOK": webhook.url,
                                                   **settings}, check=False)


def health(out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "health", "-s", f"FINEWS_OUTPUT_DIR={out}", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_one_alert_per_incident_and_one_recovery(replay, tmp_path, webhook):
    data = generate(seed=9, emnews=4, media=3, market=2)
    first = crawl(replay, data, tmp_path, webhook, dead_market=True)
    assert first.returncode == 3, first.stdout + first.stderr[-2000:]
    assert "FAILED: market: list error after retries (http_404=3)" in first.stdout
    assert [(a["status"], a["feed"]) for a in webhook.alerts] == [("failing", "market")]
    alert = webhook.alerts[0]
    assert alert["reasons"] == ["list error after retries (http_404=3)"]
    assert alert["run"]["counts"]["listed"] == 0 and alert["site"] == "//finews.withounder.com"
    for _ in range(2):
        assert crawl(replay, data, tmp_path, webhook, dead_market=True).returncode == 3
    assert len(webhook.alerts) == 1  # the same incident: nothing more

    report = health(tmp_path, "--json")
    assert report.returncode == 3
    parsed = json.loads(report.stdout)
    assert parsed["failing"] == ["market"]
    assert [r["verdict"] for r in parsed["feeds"]["market"]] == ["failing"] * 3
    assert [r["new"] for r in parsed["feeds"]["emnews"]] == [4, 0, 0]
    table = health(tmp_path)
    assert table.returncode == 3 and "market: failing since" in table.stdout and "emnews  new per run: █▁▁" in table.stdout

    healed = crawl(replay, data, tmp_path, webhook, dead_market=False)
    assert healed.returncode == 0
    assert [(a["status"], a["feed"]) for a in webhook.alerts] == [("failing", "market"), ("recovered", "market")]
    assert health(tmp_path).returncode == 0


def test_an_undelivered_alert_goes_out_on_the_next_run(replay, tmp_path, webhook):
    data = generate(seed=10, emnews=3, media=2, market=1)
    webhook.down = True
    proc = crawl(replay, data, tmp_path, webhook, dead_market=True)
    assert proc.returncode == 3
    assert len(list((tmp_path / "_posts").glob("*.md"))) == 5  # the crawl archived everything else
    assert "alert failing for market not delivered" in proc.stderr
    assert webhook.alerts == []
    webhook.down = False
    crawl(replay, data, tmp_path, webhook, dead_market=True)
    assert [(a["status"], a["feed"]) for a in webhook.alerts] == [("failing", "market")]


def test_a_healthy_replay_run_is_silent(tmp_path, webhook):
    proc = run_crawlall(None, tmp_path, settings={"FINEWS_ALERT_WEBHOOK": webhook.url})
    assert proc.returncode == 0
    assert webhook.alerts == []
    assert "] WARNING:" not in proc.stderr
    assert health(tmp_path).returncode == 0


NEW_LAYOUT = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{when}"></head><body>
<div class="news-layout-2027"><h1 class="news-title">{title}</h1>
<div class="news-text"><p>　　{text}</p><p>　　{text}</p><p>　　{text}</p></div></div></body></html>"""


def test_layout_drift_is_a_warning_and_the_posts_are_still_written(replay, tmp_path, webhook):
    data = generate(seed=12, emnews=6, media=0, market=0)
    for row in data["kuaixun"]:  # every article page in a layout no parser knows
        host_path = row["url_w"].split("://", 1)[1]
        data["pages"][host_path] = NEW_LAYOUT.format(title=row["title"], when=row["showtime"],
                                                     text=f"{row['title']}：改版之后的正文，内容足够长，可以被通用抽取读出。")
    proc = crawl(replay, data, tmp_path, webhook, dead_market=False, FINEWS_FEEDS="emnews")
    assert proc.returncode == 0  # a warning keeps 0
    assert [(a["status"], a["feed"]) for a in webhook.alerts] == [("warning", "emnews")]
    assert "layout drift: 6 of 6 article pages matched no known layout" in webhook.alerts[0]["reasons"]
    posts = list((tmp_path / "_posts").glob("*.md"))
    assert len(posts) == 6
    assert all("改版之后的正文" in p.read_text(encoding="utf-8") for p in posts)


def test_transitions():
    assert transition({}, "failing") == "failing"
    assert transition({"alerted": "failing"}, "failing") is None
    assert transition({"alerted": "failing"}, "healthy") == "recovered"
    assert transition({}, "healthy") is None
    assert transition({}, "warning") == "warning"
    assert transition({"alerted": "warning"}, "warning") is None
    assert transition({"alerted": "warning"}, "failing") == "failing"


def test_stale_only_when_history_shows_the_feed_busy_at_this_hour():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    def run(at, new):
        return {"finished": at.isoformat(), "feeds": [{"feed": "emnews", "new": new}]}

    busy_days = [run(now - timedelta(days=d), 5) for d in (1, 2, 3)]
    quiet_today = [run(now - timedelta(hours=h), 0) for h in (1, 3, 5)]
    assert busy_at_this_hour(busy_days + quiet_today, "emnews", now, 6)
    assert not busy_at_this_hour(busy_days + [run(now - timedelta(hours=2), 1)], "emnews", now, 6)
    assert not busy_at_this_hour([run(now - timedelta(days=d), 0) for d in (1, 2, 3)], "emnews", now, 6)
    assert not busy_at_this_hour(quiet_today, "emnews", now, 6)  # no history to compare with


def test_spidermon_discord_action_gets_each_incident_and_retries_on_its_own(replay, tmp_path, webhook):
    """spidermon's own SendDiscordMessage posts to a local receiver standing in for Discord;
    a channel that was down gets the alert on the next run, the other one not twice."""
    discord = Receiver()
    try:
        data = generate(seed=14, emnews=2, media=1, market=1)
        settings = {"FINEWS_ALERT_ACTIONS": "discord", "SPIDERMON_DISCORD_WEBHOOK_URL": discord.url}
        discord.down = True
        assert crawl(replay, data, tmp_path, webhook, dead_market=True, **settings).returncode == 3
        assert [a["status"] for a in webhook.alerts] == ["failing"] and discord.alerts == []
        discord.down = False
        crawl(replay, data, tmp_path, webhook, dead_market=True, **settings)
        assert len(webhook.alerts) == 1
        [message] = discord.alerts
        assert message["content"].startswith("finews failing: market on //finews.withounder.com: "
                                             "list error after retries (http_404=3)")
        crawl(replay, data, tmp_path, webhook, dead_market=False, **settings)
        assert [m["content"].split(":")[0] for m in discord.alerts] == ["finews failing", "finews recovered"]
    finally:
        discord.httpd.shutdown()


def test_an_alert_action_without_its_settings_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawlall", "-s", f"FINEWS_OUTPUT_DIR={tmp_path}",
                           "-s", "FINEWS_ALERT_ACTIONS=telegram"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "scrapy crawlall: error: -s FINEWS_ALERT_ACTIONS: telegram: "
        "You must provide a value for SPIDERMON_TELEGRAM_SENDER_TOKEN setting."]
