"""Acceptance under fault: a replay failing the way the sources do still yields the whole archive.

20 % of answers 5xx, 5 % truncated, 5 % HTML error pages with status 200, 5 % slower than
the download timeout, a quarter of the list pages rc≠1/code≠"1" (there are only a few),
half the lists in their other valid shape; a path fails at most twice (fewer than
RETRY_TIMES), so retries must get everything.
"""

from __future__ import annotations

import time

import frontmatter

from crawler.replay.dataset import generate
from crawler.replay.faults import Faults
from crawler.archive.text import clean_title
from tests.support import crawl_stats, run_crawl, run_crawlall, tree_state

FAULTS = Faults(seed=2026, error_rate=0.20, truncate_rate=0.05, html_error_rate=0.05, rc_error_rate=0.25,
                slow_rate=0.05, slow_seconds=3.0, variant_rate=0.5, max_failures_per_path=2)
# Slow answers (3 s) outlast the download timeout (2 s): they fail as timeouts and are retried.
SETTINGS = {"FINEWS_FEEDS": "emnews,media", "DOWNLOAD_TIMEOUT": 2, "FINEWS_NOW": "2026-11-20T18:00:00",
            "FINEWS_RETENTION_DAYS": 30, "FINEWS_EMNEWS_PAGE_SIZE": 10, "FINEWS_MEDIA_PAGE_SIZE": 20,
            "FINEWS_MEDIA_MAX_PAGES": 4}  # small pages: more list answers to fail


def posts(root) -> dict[str, bytes]:
    return {k: v[0] for k, v in tree_state(root).items() if k.startswith("_posts/")}


def test_every_article_is_archived_through_faults(replay, tmp_path):
    data = generate(seed=5, emnews=20, media=60, market=0)
    titles = {r["id"]: r["title"] for r in data["kuaixun"]}
    titles.update({f"NW{r['code']}": r["title"] for r in data["columns"]["350"]})

    faulty = replay(data, faults=FAULTS)
    started = time.monotonic()
    proc = run_crawlall(faulty.url, tmp_path / "faulty", settings=SETTINGS)
    seconds = time.monotonic() - started
    run_crawlall(replay(data).url, tmp_path / "clean", settings=SETTINGS)

    stats = crawl_stats(proc.stderr)
    files = sorted((tmp_path / "faulty" / "_posts").iterdir())
    assert len(files) == len(titles) == 80
    for path in files:
        assert path.suffix == ".md" and not path.name.startswith(".")
        post = frontmatter.load(path)
        item_id = path.name[len("YYYY-MM-DD-"):-len(".md")]
        assert post["layout"] == "post" and post["date"] and post["title"] == clean_title(titles[item_id])
    # Not one byte differs from the same crawl without faults (no truncated body got in).
    assert posts(tmp_path / "faulty") == posts(tmp_path / "clean")

    assert set(faulty.faults) == {"error", "truncate", "html200", "rc", "slow"}
    assert stats["retry/count"] >= sum(faulty.faults.values()) - faulty.faults["slow"] > 0
    reasons = {k.split("reason_count/", 1)[1] for k in stats if k.startswith("retry/reason_count/")}
    assert {"scrapy.exceptions.ResponseDataLossError", "scrapy.exceptions.DownloadTimeoutError",
            "finews/html_error"} <= reasons
    assert any(r.startswith("5") for r in reasons) and ({"finews/rc", "finews/code"} & reasons)
    assert "retry/max_reached" not in stats
    assert "Traceback" not in proc.stderr
    assert seconds < 30
    print(f"faults served {dict(faulty.faults)}; retries {stats['retry/count']}; "
          f"archived {len(files)}; invalid 0; {seconds:.1f} s")


def test_retries_are_backed_off(replay, tmp_path):
    row = {"id": "202611200000000001", "title": "退避测试", "showtime": "2026-11-20 10:00:00",
           "digest": "【退避】测试"}
    server = replay({"kuaixun": [row]}, faults=Faults(html_error_rate=1.0, max_failures_per_path=2))
    arrivals: list[float] = []  # of the list: the flash's article page (/a/ID.html) has faults of its own
    answer = server.replay.answer
    server.replay.answer = lambda path, *more: ("/a/" not in path and arrivals.append(time.monotonic()),
                                                answer(path, *more))[1]
    proc = run_crawl("emnews", server.url, tmp_path, settings={
        "FINEWS_RETRY_BACKOFF": 0.5, "FINEWS_NOW": "2026-11-20T18:00:00", "FINEWS_EMNEWS_MAX_PAGES": 1})
    assert len(arrivals) == 3  # two error pages, then the list
    first, second = arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]
    assert first >= 0.25 and second >= 0.5  # 0.5 s then 1 s, each jittered by 0.5-1.5
    assert crawl_stats(proc.stderr)["retry/reason_count/finews/html_error"] == 2
    assert (tmp_path / "_posts" / "2026-11-20-202611200000000001.md").exists()
