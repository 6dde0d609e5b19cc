"""Units of the archive state: the index, fetch verdicts, the retention cut, the replay rebase."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crawler.archive.dates import run_now
from crawler.run.freshness import Policy, verdict
from crawler.archive.index import ArchiveIndex, Entry, describe_post
from crawler.archive.items import Article
from crawler.replay.dataset import generate, rebase
from crawler.archive.retention import cutoff_date, retire

BJ = ZoneInfo("Asia/Shanghai")
FLASH = "---\nlayout: post\ntitle: \"t\"\ndate: 2026-11-20 11:00:00 +0800\ncategories: emnews\ntags: x\n---\n\nd"


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_index_reads_only_files_that_differ_from_it(tmp_path, monkeypatch):
    write(tmp_path, "_posts/2026-11-20-A1.md", FLASH)
    write(tmp_path, "old_post/2026-11-10-B2.md", FLASH.replace("11-20", "11-10"))
    first = ArchiveIndex(tmp_path)
    assert first.rebuilt == 2
    a = first.get("A1")
    assert (a.published, a.body_from, a.row_sig, a.retired) == ("2026-11-20 11:00:00", "digest", "", False)
    assert first.get("B2").retired
    first.close()
    mtime = os.stat(tmp_path / ".finews/index.sqlite").st_mtime_ns

    reads = []
    monkeypatch.setattr(ArchiveIndex, "_read_file", lambda self, *a, **k: reads.append(a))
    again = ArchiveIndex(tmp_path)
    assert again.rebuilt == 0 and reads == []
    again.close()
    assert os.stat(tmp_path / ".finews/index.sqlite").st_mtime_ns == mtime  # nothing written
    os.replace(tmp_path / "_posts/2026-11-20-A1.md", tmp_path / "old_post/2026-11-20-A1.md")
    moved = ArchiveIndex(tmp_path)
    assert moved.rebuilt == 1 and reads == [] and moved.get("A1").retired
    moved.close()


def test_describe_post_tells_digest_only_from_article_posts():
    assert describe_post(FLASH) == ("2026-11-20 11:00:00", "digest")
    assert describe_post(FLASH.replace("---\n\nd", "---\n> d\n\n<p>x</p>")) == ("2026-11-20 11:00:00", "")
    assert describe_post("no front matter") == ("", "")


def entry(**kw) -> Entry:
    base = dict(id="A1", path="_posts/2026-11-20-A1.md", size=1, sha256="h",
                published="2026-11-20 11:00:00", body_from="source", row_sig="sig", checked="")
    return Entry(**{**base, **kw})


def test_verdicts():
    now = datetime(2026, 11, 20, 12, 0, tzinfo=BJ)
    policy = Policy(now, recheck_hours=2, recheck_minutes=30)
    item = Article(id="A1", feed="emnews", row_sig="sig")
    assert verdict(None, item, policy).reason == "new"
    assert verdict(entry(), item, policy) == verdict(entry(row_sig=""), item, policy)
    assert verdict(entry(), item, policy).reason == "known"
    assert verdict(entry(row_sig="other"), item, policy).reason == "changed"
    assert verdict(entry(), item, Policy(now, refresh=True)).reason == "refresh"
    retired = entry(path="old_post/2026-11-20-A1.md", row_sig="other")
    assert verdict(retired, item, Policy(now, refresh=True)).reason == "retired"
    digest = entry(body_from="digest", checked="2026-11-20T11:40:00+08:00")
    assert verdict(digest, item, policy).reason == "known"  # checked 20 minutes ago
    assert verdict(entry(body_from="digest", checked="2026-11-20T11:30:00+08:00"), item,
                   policy).reason == "recheck"
    assert verdict(entry(body_from="digest", published="2026-11-20 09:59:59"), item,
                   policy).reason == "known"  # past the window


def test_cutoff_is_a_beijing_date():
    assert cutoff_date(run_now("2026-11-19T16:00:00+00:00"), 3) == date(2026, 11, 18)  # 00:00 BJ
    assert cutoff_date(run_now("2026-11-19T15:59:59+00:00"), 3) == date(2026, 11, 17)
    assert cutoff_date(run_now("2026-11-20T10:00:00"), 1) == date(2026, 11, 20)


def test_retire_moves_only_posts_before_the_cut(tmp_path):
    write(tmp_path, "_posts/2026-11-17-L.md", "late")
    write(tmp_path, "_posts/2026-11-18-E.md", "early")
    write(tmp_path, "_posts/-BROKEN.md", "no date")
    assert retire(tmp_path, date(2026, 11, 18)) == [("L", "old_post/2026-11-17-L.md")]
    assert (tmp_path / "old_post/2026-11-17-L.md").read_text() == "late"
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == ["-BROKEN.md", "2026-11-18-E.md"]


def list_times(data) -> list[str]:
    return ([t for r in data["kuaixun"] for t in (r["showtime"], r["ordertime"])]
            + [r["showTime"] for rows in data["columns"].values() for r in rows]
            + [r["datetime"] for rows in data["market"].values() for r in rows])


def test_rebase_moves_whole_days_and_never_into_the_future():
    data = generate(seed=3, emnews=5, media=3, market=1)
    newest = data["kuaixun"][0]["showtime"]  # 2026-11-20 08:59:xx
    hours = [datetime(2026, 11, 25, h, m, tzinfo=BJ) for h, m in ((0, 0), (8, 0), (15, 0), (23, 59))]
    rebased = [rebase(data, now) for now in hours]
    assert all(r == rebased[0] for r in rebased)  # the day decides, not the hour
    assert rebased[0]["kuaixun"][0]["showtime"] == "2026-11-24" + newest[10:]
    assert rebased[0]["columns"]["350"][0]["showTime"][:10] == "2026-11-24"
    assert max(list_times(rebased[0])) < "2026-11-25 00:00:00"  # in the past even at midnight
    assert int(rebased[0]["kuaixun"][0]["sort"]) == int(data["kuaixun"][0]["sort"]) + 4 * 86_400_000
    assert data["kuaixun"][0]["showtime"] == newest  # the input is left alone


def test_rebase_takes_the_beijing_day_of_now():
    data = generate(seed=3, emnews=5, media=3, market=1)
    utc_evening = datetime(2026, 11, 24, 20, 0, tzinfo=ZoneInfo("UTC"))  # 04:00 on the 25th in Beijing
    assert rebase(data, utc_evening) == rebase(data, date(2026, 11, 25))
