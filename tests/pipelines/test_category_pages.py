"""Category pages: one per media, exact bytes, right title, stable across runs."""

from __future__ import annotations

from crawler.replay.dataset import MEDIA
from tests.support import SAMPLES, run_crawl, tree_state

THEN = {"FINEWS_NOW": "2026-11-20T23:00:00", "FINEWS_MEDIA_PAGE_SIZE": 50}


def dataset() -> dict:
    rows, text = [], {}
    for n, media in enumerate(MEDIA):
        code = f"2026112000000{n:05d}"
        rows.append({"code": code, "showTime": f"2026-11-20 10:{n:02d}:00", "title": f"第{n}条",
                     "mediaName": media, "url": f"http://finance.eastmoney.com/a/{code}.html"})
        text[f"NW{code}"] = {"text": f"<p>{media}</p>"}
    return {"columns": {"350": rows}, "textapi": text}


def archive_slugs() -> dict[str, str]:
    lines = (SAMPLES / "category-names.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t") for line in lines)


def test_category_pages_for_every_media_and_no_change_on_a_second_run(replay, tmp_path):
    assert len(MEDIA) >= 20
    run_crawl("media", replay(dataset()).url, tmp_path, settings=THEN)
    pages = sorted((tmp_path / "category").iterdir())
    assert len(pages) == len(MEDIA)
    known = archive_slugs()
    for media in MEDIA:
        slug = known.get(media) or next(p.stem for p in pages if f"title: {media}新闻\n" in p.read_text("utf-8"))
        page = tmp_path / "category" / f"{slug}.html"
        assert page.read_bytes() == f"---\nlayout: category\ntitle: {media}新闻\ncategory: {slug}\n---".encode()
    assert (tmp_path / "category" / "zhongqingchenbao.html").exists()
    assert (tmp_path / "category" / "anxinguojizhengquan(xianggang).html").exists()

    before = tree_state(tmp_path)
    run_crawl("media", replay(dataset()).url, tmp_path, "refresh=1", settings=THEN)
    after = tree_state(tmp_path)
    for path in [p for p in before if p.startswith(("category/", "_data/"))]:
        assert after[path] == before[path], path


def test_registry_slug_wins_over_pinyin(replay, tmp_path):
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "categories.yml").write_text("重庆晨报: cqcb\n", encoding="utf-8")
    data = dataset()
    data["columns"]["350"] = [r for r in data["columns"]["350"] if r["mediaName"] == "重庆晨报"]
    run_crawl("media", replay(data).url, tmp_path, settings=THEN)
    assert [p.name for p in (tmp_path / "category").iterdir()] == ["cqcb.html"]
    post = next((tmp_path / "_posts").iterdir()).read_text(encoding="utf-8")
    assert "categories: cqcb\n" in post and "(//finews.withounder.com/category/cqcb.html)" in post
