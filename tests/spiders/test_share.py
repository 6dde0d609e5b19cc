"""share end to end: codes, links and a file of them → source page + text API → posts."""

from __future__ import annotations

from datetime import datetime

from crawler.replay.dataset import page_2026
from tests.support import run_crawl

CODE = "NW202611241111111111"
PAGE = "finance.eastmoney.com/a/202611241111111111.html"
TEXT = "<p>\u3000\u3000接口正文第一段。</p>\r\n<p>\u3000\u3000接口正文第二段。</p>"
PAGE_BODY = "<p>\u3000\u3000页面正文。</p>\r\n<p class=\"em_media\">（文章来源：测试晚报）</p>"
EXPECTED = """---
layout: post
title: "分享链接测试稿"
date: 2026-11-24 09:05:00 +0800
categories: ceshiwanbao
tags: 测试晚报新闻
---
<p>接口正文第一段。</p>
<p>接口正文第二段。</p>

<http://choicewzp1.eastmoney.com/html_News/NewsShare.html?infoCode=NW202611241111111111>

[返回测试晚报新闻](//finews.withounder.com/category/ceshiwanbao.html)｜[返回首页](//finews.withounder.com/)"""
ON_THE_DAY = {"FINEWS_NOW": "2026-11-24T18:00:00"}


def dataset(with_text: bool = True) -> dict:
    page = page_2026("分享链接测试稿", datetime(2026, 11, 24, 9, 5), "测试晚报", PAGE_BODY)
    return {"pages": {PAGE: page}, "textapi": {CODE: {"text": TEXT}} if with_text else {}}


def test_a_code_takes_metadata_from_the_page_and_the_body_from_the_text_api(replay, tmp_path):
    server = replay(dataset())
    proc = run_crawl("share", server.url, tmp_path, f"codes={CODE}", settings=ON_THE_DAY)
    post = tmp_path / "_posts" / f"2026-11-24-{CODE}.md"
    assert post.read_text(encoding="utf-8") == EXPECTED
    assert (tmp_path / "category" / "ceshiwanbao.html").read_text(encoding="utf-8") == (
        "---\nlayout: category\ntitle: 测试晚报新闻\ncategory: ceshiwanbao\n---")
    assert (server.counts["article"], server.counts["textapi"]) == (1, 1)
    assert "unresolved: " not in proc.stderr
    assert "share: 1 archived, 0 unresolved" in proc.stderr


def test_share_link_falls_back_to_the_page_body_without_a_second_page_request(replay, tmp_path):
    server = replay(dataset(with_text=False))
    link = f"http://finews.example/html_News/NewsShare.html?infoCode={CODE}"
    run_crawl("share", server.url, tmp_path, f"urls={link}", settings=ON_THE_DAY)
    text = (tmp_path / "_posts" / f"2026-11-24-{CODE}.md").read_text(encoding="utf-8")
    assert '\ntitle: "分享链接测试稿"\n' in text
    assert "\n---\n<p>页面正文。</p>\n<p class=\"em_media\">（文章来源：测试晚报）</p>\n\n<http" in text
    assert (server.counts["article"], server.counts["textapi"]) == (1, 1)


def test_a_file_of_codes_and_links_reports_what_it_could_not_archive(replay, tmp_path):
    server = replay(dataset())
    names = tmp_path / "codes.txt"
    names.write_text(f"# one-off backfill\n{CODE}\nhttp://{PAGE}\nNW202611240000000404\nnot-a-code\n",
                     encoding="utf-8")
    out = tmp_path / "site"
    proc = run_crawl("share", server.url, out, f"file={names}", settings=ON_THE_DAY, check=False)
    assert proc.returncode == 1  # what was asked for was not all archived
    assert [p.name for p in (out / "_posts").iterdir()] == [f"2026-11-24-{CODE}.md"]
    unresolved = [line.split("unresolved: ", 1)[1] for line in proc.stderr.splitlines()
                  if "unresolved: " in line]
    assert len(unresolved) == 2
    assert unresolved[0].startswith("not-a-code: not an info code")
    assert unresolved[1].startswith("NW202611240000000404: article page: HTTP 404 at ")
    assert "'finews/share/unresolved': 2" in proc.stderr
    # One page request per article (the link names the same article as the code): a page
    # already missing is not asked for again when the text API has nothing either.
    assert server.counts["article"] == 2
    assert "Traceback" not in proc.stderr


def test_share_without_arguments_says_what_it_needs(replay, tmp_path):
    server = replay({})
    proc = run_crawl("share", server.url, tmp_path, check=False)
    assert proc.returncode != 0
    assert "share needs -a codes=" in proc.stderr
    assert not (tmp_path / "_posts").exists()


# --- repairing an archive: share -a archive=DIR ---------------------------------------------
BROKEN = "-202205262391921712.md"
BROKEN_ID = "202205262391921712"
CURRENT = ("tz/flash/withounder-bar", "tz/nwhtml/withounder-category-bar")
ZNING_SHARE = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode={code}"


def archive_replay(posts: list) -> dict:
    """A replay that knows the archived articles: text API bodies of media posts, no pages for
    flashes (their source links answer 404), and an article page for the broken post."""
    from crawler.archive.reader import read_post
    from tests.spiders.test_archive_samples import as_source_html

    data: dict = {"textapi": {}, "pages": {}}
    for path in posts:
        item = read_post(path)
        if item.id.startswith("NW"):
            data["textapi"][item.id] = {"text": as_source_html(item.body_html)}
        if path.name == BROKEN:
            page = page_2026("储能冷媒新品发布", datetime(2022, 5, 26, 9, 41), "上海证券报",
                             f"<p>\u3000\u3000{item.digest}</p>")
            data["pages"][f"finance.eastmoney.com/a/{BROKEN_ID}.html"] = page
    return data


def test_share_archive_repairs_broken_posts_and_leaves_current_ones_alone(replay, tmp_path, samples_dir):
    import frontmatter
    import shutil

    from tests.support import manifest_rows, tree_state

    site = tmp_path / "site"
    posts = site / "_posts"
    posts.mkdir(parents=True)
    originals = sorted((samples_dir / "posts").glob("*.md"))
    for path in originals:
        shutil.copy2(path, posts / path.name)
    current = [r["filename"] for r in manifest_rows()
               if r["saved_as"].startswith("posts/") and r["variant"] in CURRENT]
    assert len(current) == 29
    before = tree_state(posts)
    server = replay(archive_replay(originals))

    proc = run_crawl("share", server.url, site, f"archive={posts}",
                     settings={"FINEWS_SHARE_URL": ZNING_SHARE, "FINEWS_RETENTION_DAYS": 100000,
                               "FINEWS_NOW": "2026-11-25T12:00:00"})

    after = tree_state(posts)
    for name in current:
        assert after[name] == before[name], name  # same bytes, same mtime
    assert not (posts / BROKEN).exists()
    repaired = frontmatter.loads((posts / f"2022-05-26-{BROKEN_ID}.md").read_text(encoding="utf-8"))
    assert (repaired["title"], str(repaired["date"]), repaired["categories"], repaired["tags"]) == (
        "储能冷媒新品发布", "2022-05-26 09:41:00 +0800", "emnews", "东财滚动新闻")
    assert repaired.content.startswith("> ")
    assert f"\n\n<http://finance.eastmoney.com/a/{BROKEN_ID}.html>\n\n" in repaired.content
    # Older variants are rewritten in the current form; nothing is lost, the site note is kept.
    assert (posts / "2021-12-01-init.md").read_bytes() == (samples_dir / "posts" / "2021-12-01-init.md").read_bytes()
    assert len(list(posts.glob("*.md"))) == len(originals)
    for path in posts.glob("2021-12-08-*.md"):
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        assert str(post["date"]).endswith(" +0800") and post["categories"] == "emnews", path.name
    assert "unresolved: " not in proc.stderr
    assert "Traceback" not in proc.stderr


# --- what the share spider must not do ---------------------------------------------------------
def test_a_retired_id_asked_for_again_is_not_written_back(replay, tmp_path):
    """share fetches what it is told to (no list verdict stops a retired id): the archive
    pipeline is what keeps an id retired to old_post/ out of _posts/."""
    from tests.support import crawl_stats, tree_state

    retired = tmp_path / "old_post" / f"2026-11-24-{CODE}.md"
    retired.parent.mkdir(parents=True)
    retired.write_text(EXPECTED.replace("分享链接测试稿", "退役时的标题"), encoding="utf-8")
    before = tree_state(tmp_path / "old_post")
    server = replay(dataset())
    proc = run_crawl("share", server.url, tmp_path, f"codes={CODE}", settings=ON_THE_DAY)
    assert (server.counts["article"], server.counts["textapi"]) == (1, 1)  # it did reach the pipeline
    assert not list(tmp_path.glob(f"_posts/*{CODE}*"))
    assert tree_state(tmp_path / "old_post") == before  # same bytes, same mtime
    assert crawl_stats(proc.stderr)["finews/skipped/retired"] == 1


def test_a_failed_page_is_not_fetched_again_when_the_text_api_has_nothing(replay, tmp_path):
    from crawler.replay.server import Reply
    from crawler.settings import RETRY_TIMES

    server = replay(dataset(with_text=False))
    route = server.replay.route

    def page_always_busy(host, path, query):
        kind, reply = route(host, path, query)
        return (kind, Reply(503, "text/html", "busy")) if host + path == PAGE else (kind, reply)

    server.replay.route = page_always_busy
    # Unresolved, so the run may fail (exit 1): what is checked is what it asked for.
    proc = run_crawl("share", server.url, tmp_path, f"codes={CODE}", settings=ON_THE_DAY, check=False)
    page_requests = sum(n for path, n in server.replay.paths.items() if PAGE in path)
    assert page_requests == 1 + RETRY_TIMES  # the page's retries, and no second round of them
    assert server.counts["textapi"] == 1
    assert not (tmp_path / "_posts").exists()
    assert f"unresolved: {CODE}: " in proc.stderr
    assert "Traceback" not in proc.stderr
