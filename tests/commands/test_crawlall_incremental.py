"""Scheduled runs of ``scrapy crawlall`` against the replay: incremental and idempotent."""

from __future__ import annotations

import json
import time
from datetime import datetime

from crawler.replay.dataset import generate
from tests.support import run_crawlall, tree_state

NOW = "2026-11-20T12:00:00+08:00"
RUNS = ".finews/runs.jsonl"
# The generated data sets below have no market rows: a feed listing 0 rows fails its health.
SETTINGS = {"FINEWS_NOW": NOW, "FINEWS_FEEDS": "emnews,media"}
EMNEWS_ONLY = {"FINEWS_NOW": NOW, "FINEWS_FEEDS": "emnews"}


def merged(new: dict, old: dict) -> dict:
    """``new``'s rows listed first (newest first, as the sources list them), then ``old``'s."""
    return {
        "kuaixun": new["kuaixun"] + old["kuaixun"],
        "columns": {c: new["columns"][c] + rows for c, rows in old["columns"].items()},
        "textapi": {**old["textapi"], **new["textapi"]},
        "pages": {**old["pages"], **new["pages"]},
    }


def body_requests(server) -> set[str]:
    lists = ("getlist_", "getFastNewsList", "getNewsByColumns", "/newmarket/")
    return {p for p in server.replay.paths if not any(marker in p for marker in lists)}


def posts(root) -> set[str]:
    return {p.name for p in (root / "_posts").iterdir()}


def test_second_run_fetches_nothing_and_changes_nothing(replay, tmp_path):
    data = generate(seed=7, emnews=40, media=20, market=5)
    first = replay(data)
    started = time.monotonic()
    run_crawlall(first.url, tmp_path, settings={"FINEWS_NOW": NOW})
    first_seconds = time.monotonic() - started
    assert len(posts(tmp_path)) == 75
    assert first.counts["article"] > 0 and first.counts["textapi"] == 35
    before = tree_state(tmp_path)
    history = before.pop(RUNS)[0].decode().splitlines()

    second = replay(data)
    started = time.monotonic()
    proc = run_crawlall(second.url, tmp_path, settings={"FINEWS_NOW": NOW})
    print(f"first run {first_seconds:.2f} s, second run {time.monotonic() - started:.2f} s")
    assert second.counts["article"] == 0 and second.counts["textapi"] == 0
    assert second.counts["list"] > 0
    after = tree_state(tmp_path)
    assert after.pop(RUNS)[0].decode().splitlines()[:-1] == history  # one line added: the run
    assert after == before  # bytes and mtimes, the rest of .finews/ included
    assert "archive unchanged" in proc.stdout
    report = json.loads((tmp_path / ".finews/last-run.json").read_text(encoding="utf-8"))
    assert [f["new"] for f in report["feeds"]] == [40, 20, 15]  # the last run that changed it


def test_ten_percent_new_articles_are_exactly_what_is_fetched(replay, tmp_path):
    old = generate(seed=7, emnews=40, media=20, market=0)
    run_crawlall(replay(old).url, tmp_path, settings=SETTINGS)
    before = tree_state(tmp_path)

    new = generate(seed=8, emnews=4, media=2, market=0, start=datetime(2026, 11, 20, 10, 0, 0))
    server = replay(merged(new, old))
    proc = run_crawlall(server.url, tmp_path, settings=SETTINGS)

    new_ids = {r["id"] for r in new["kuaixun"]} | {f"NW{r['code']}" for r in new["columns"]["350"]}
    fetched = body_requests(server)
    assert fetched and all(any(i[-10:] in p for i in new_ids) for p in fetched), fetched
    assert server.counts["textapi"] == 2
    assert server.counts["article"] == 4 + sum(1 for r in new["columns"]["350"]
                                               if not new["textapi"][f"NW{r['code']}"]["text"])
    written = posts(tmp_path) - {p.split("/")[-1] for p in before if p.startswith("_posts/")}
    assert {n[len("2026-11-20-"):-3] for n in written} == new_ids
    after = tree_state(tmp_path)
    unchanged = {p: v for p, v in before.items() if p.startswith("_posts/")}
    assert all(after[p] == v for p, v in unchanged.items())
    assert "new=4" in proc.stdout and "new=2" in proc.stdout


def test_changed_row_is_refetched_and_refresh_refetches_all(replay, tmp_path):
    data = generate(seed=7, emnews=10, media=5, market=0)
    run_crawlall(replay(data).url, tmp_path, settings=SETTINGS)
    row = data["kuaixun"][3]
    row["title"] = row["simtitle"] = "标题改过了"
    server = replay(data)
    run_crawlall(server.url, tmp_path, settings=SETTINGS)
    assert server.counts["article"] == 1 and server.counts["textapi"] == 0
    post = next((tmp_path / "_posts").glob(f"*-{row['id']}.md"))
    assert 'title: "标题改过了"' in post.read_text(encoding="utf-8")

    before = {p: v for p, v in tree_state(tmp_path).items() if not p.startswith(".finews")}
    server = replay(data)
    run_crawlall(server.url, tmp_path, "refresh=1", settings=SETTINGS)
    assert server.counts["article"] == 10 + sum(1 for v in data["textapi"].values() if not v["text"])
    assert server.counts["textapi"] == 5
    after = {p: v for p, v in tree_state(tmp_path).items() if not p.startswith(".finews")}
    assert after == before  # same answers: nothing rewritten


def flash(newsid: str, when: str, title: str) -> dict:
    url = f"http://finance.eastmoney.com/a/{newsid}.html"
    return {"id": newsid, "newsid": newsid, "title": title, "digest": f"【{title}】快讯正文{title}",
            "showtime": when, "url_w": url}


ARTICLE = """<html><body><div class="title">{t}</div>
<div class="infos"><div class="item">2026年11月20日 11:00</div><div class="item">来源：测试社</div></div>
<div class="txtinfos" id="ContentBody"><p>　　后来出现的正文。</p></div></body></html>"""


def test_digest_only_post_is_upgraded_within_the_recheck_window(replay, tmp_path):
    young = flash("202611200000000001", "2026-11-20 11:00:00", "新快讯")
    old = flash("202611200000000002", "2026-11-20 08:00:00", "旧快讯")
    data = {"kuaixun": [young, old]}
    run_crawlall(replay(data).url, tmp_path, settings=EMNEWS_ONLY)
    young_post = tmp_path / "_posts" / "2026-11-20-202611200000000001.md"
    assert young_post.read_text(encoding="utf-8").split("---\n")[2].startswith("\n")  # digest only

    pages = {f"finance.eastmoney.com/a/{r['id']}.html": ARTICLE.format(t=r["title"]) for r in (young, old)}
    soon = replay({**data, "pages": pages})
    run_crawlall(soon.url, tmp_path, settings={**EMNEWS_ONLY, "FINEWS_NOW": "2026-11-20T12:10:00+08:00"})
    assert soon.counts["article"] == 0  # checked 10 minutes ago: not yet

    later = replay({**data, "pages": pages})
    run_crawlall(later.url, tmp_path, settings={**EMNEWS_ONLY, "FINEWS_NOW": "2026-11-20T12:40:00+08:00"})
    assert later.counts["article"] == 1  # the young one only; the old one is past the window
    assert "后来出现的正文。" in young_post.read_text(encoding="utf-8")
    old_post = tmp_path / "_posts" / "2026-11-20-202611200000000002.md"
    assert "后来出现的正文" not in old_post.read_text(encoding="utf-8")


def test_missing_or_stale_index_is_rebuilt_from_the_files(replay, tmp_path):
    data = generate(seed=7, emnews=10, media=5, market=0)
    run_crawlall(replay(data).url, tmp_path, settings=SETTINGS)
    (tmp_path / ".finews/index.sqlite").unlink()
    gone = sorted((tmp_path / "_posts").glob("*-NW*.md"))[0]
    gone.unlink()
    before = {p: v for p, v in tree_state(tmp_path).items() if p.startswith("_posts/")}

    server = replay(data)
    run_crawlall(server.url, tmp_path, settings=SETTINGS)
    assert server.counts["textapi"] == 1  # only the deleted post is fetched again
    assert server.counts["article"] == (0 if data["textapi"][gone.name[11:-3]]["text"] else 1)
    assert gone.exists()
    after = tree_state(tmp_path)
    assert all(after[p] == v for p, v in before.items())

    again = replay(data)  # the rebuilt index adopted the rows: nothing to fetch now
    run_crawlall(again.url, tmp_path, settings=SETTINGS)
    assert again.counts["article"] == 0 and again.counts["textapi"] == 0


def test_exit_status_is_3_when_a_feed_list_cannot_be_read(replay, tmp_path):
    server = replay(generate(seed=7, emnews=3, media=3, market=0))
    broken = "https://newsapi.eastmoney.com/kuaixun/v1/missing_{column}_{size}_{page}.html"
    proc = run_crawlall(server.url, tmp_path, check=False,
                        settings={**SETTINGS, "FINEWS_EMNEWS_LISTS": "kuaixun", "FINEWS_EMNEWS_LIST_URL": broken})
    assert proc.returncode == 3  # the emnews feed's health monitors failed
    assert "FAILED: emnews: list error after retries (http_404=1)" in proc.stdout
    assert len(posts(tmp_path)) == 3  # the media feed still archived its articles
