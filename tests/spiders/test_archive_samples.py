"""Through the real crawl path, replays of real archive posts come out byte for byte."""

from __future__ import annotations

import pytest

from tests.support import SAMPLES, load_sample, manifest_rows, run_crawl

SEED = "2022-01-19-NW202201192253830311.md"
ZNING_SHARE = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode={code}"


def as_source_html(body: str) -> str:
    """What the text API would have sent: full-width indents and CRLF line ends."""
    return body.replace("<p>", "<p>\u3000\u3000").replace("\n", "\r\n")


def test_seed_media_article_is_byte_identical(replay, tmp_path):
    sample = load_sample(SAMPLES / "posts" / SEED)
    code = sample.post_id[2:]
    dataset = {
        "columns": {"350": [{
            "code": code, "showTime": sample.date, "title": sample.title, "mediaName": "石家庄日报",
            "summary": "", "image": "", "url": f"http://finance.eastmoney.com/a/{code}.html",
            "uniqueUrl": f"http://finance.eastmoney.com/a/{code}.html", "Np_dst": "",
        }]},
        "textapi": {sample.post_id: {"text": as_source_html(sample.body)}},
    }
    server = replay(dataset)
    run_crawl("media", server.url, tmp_path,
              settings={"FINEWS_SHARE_URL": ZNING_SHARE, "FINEWS_NOW": f"{sample.date[:10]}T23:00:00"})
    written = tmp_path / "_posts" / SEED
    assert written.read_bytes() == sample.data
    assert server.counts["textapi"] == 1 and server.counts["article"] == 0


def flash_samples() -> list:
    names = [r["filename"] for r in manifest_rows()
             if r["variant"] == "tz/flash/withounder-bar" and r["saved_as"].startswith("posts/")]
    assert len(names) == 28
    samples = [load_sample(SAMPLES / "posts" / name) for name in names]
    return sorted(samples, key=lambda s: s.date, reverse=True)


def kuaixun_row(s) -> dict:
    return {"id": s.post_id, "newsid": s.post_id, "title": s.title, "simtitle": s.title,
            "digest": f"【{s.title}】{s.body.strip()}", "showtime": s.date, "ordertime": s.date,
            "url_w": s.link, "url_unique": s.link, "column": "100,102"}


def fastnews_row(s, i: int) -> dict:
    """The same flash as getFastNewsList gives it; every other summary without its 【headline】."""
    summary = s.body.strip() if i % 2 else f"【{s.title}】{s.body.strip()}"
    return {"code": s.post_id, "title": s.title, "summary": summary, "showTime": s.date,
            "realSort": str(10**15 - i), "url": s.link}


@pytest.mark.parametrize("source", ["kuaixun", "fastnews"])
def test_flash_samples_are_byte_identical_from_either_list(replay, tmp_path, source):
    samples = flash_samples()
    dataset = ({"kuaixun": [kuaixun_row(s) for s in samples]} if source == "kuaixun"
               else {"fastnews": [fastnews_row(s, i) for i, s in enumerate(samples)]})
    server = replay(dataset)
    run_crawl("emnews", server.url, tmp_path, settings={
        "FINEWS_EMNEWS_LISTS": source, "FINEWS_EMNEWS_PAGE_SIZE": 20,
        "FINEWS_NOW": f"{samples[0].date[:10]}T23:59:00"})
    for s in samples:
        assert (tmp_path / "_posts" / s.path.name).read_bytes() == s.data, s.path.name
    assert server.counts["article"] == 28
    assert len(list((tmp_path / "_posts").iterdir())) == 28
