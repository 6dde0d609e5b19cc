"""The crawled archive builds with real Jekyll: every post a page with its title.

Skips only where ``jekyll`` is not installed, and never in CI (``CI=true``), where a
missing jekyll is a failure: scripts/test installs Debian's package.
"""

from __future__ import annotations

import html
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import frontmatter

from crawler.replay.dataset import generate
from crawler.replay.server import ReplayServer
from tests.support import copy_site_skeleton, find_jekyll, run_crawlall

LIQUID_DIGEST = "【模板】价格 {{ site.title }} 与 {% if true %}条件{% endif %}"
LIQUID_BODY = "<p>　　正文含 {% endraw %} 与 {{ page.title }} 以及 {%- comment -%}x{% endcomment %}。</p>"


def liquid_dataset() -> dict:
    """A small synthetic dataset whose first flash and first media article hold Liquid markers."""
    data = generate(seed=11, emnews=12, media=6, market=0)
    row = data["kuaixun"][0]
    row["digest"] = row["simdigest"] = LIQUID_DIGEST
    host_path = row["url_w"].split("://", 1)[1]
    page = data["pages"].get(host_path)
    data["pages"][host_path] = (page or "<div class='title'>t</div><div id='ContentBody'></div>").replace(
        '<div class="txtinfos" id="ContentBody">', f'<div class="txtinfos" id="ContentBody">{LIQUID_BODY}'
    ).replace("<div id='ContentBody'>", f"<div id='ContentBody'>{LIQUID_BODY}")
    code = "NW" + data["columns"]["350"][0]["code"]
    data["textapi"][code] = {"text": LIQUID_BODY}
    return data


def test_crawled_archive_builds_with_jekyll(tmp_path):
    binary = find_jekyll()
    site = tmp_path / "site"
    copy_site_skeleton(site)
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    with ReplayServer(liquid_dataset(), rebase_to=now) as server:
        run_crawlall(server.url, site, settings={"FINEWS_FEEDS": "emnews,media"})  # no market rows
    posts = sorted((site / "_posts").glob("*.md"))
    assert len(posts) == 18

    proc = subprocess.run([binary, "build", "--strict_front_matter", "-s", str(site), "-d",
                           str(tmp_path / "_site")], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built = {p.name: p for p in (tmp_path / "_site").rglob("*.html")}
    liquid_pages = 0
    for post in posts:
        title = frontmatter.load(post)["title"]
        page = built.get(post.name[len("YYYY-MM-DD-"):-len(".md")] + ".html")
        assert page is not None, f"{post.name} became no page"
        text = page.read_text(encoding="utf-8")
        assert f"<h1>{html.escape(title, quote=False)}</h1>" in text.replace("&quot;", '"')
        if "{% endraw %}" in text:
            liquid_pages += 1
            assert "{{ page.title }}" in text and "{%- comment -%}x{% endcomment %}" in text
    assert liquid_pages == 2  # the flash's article body and the media article's body
    assert sum("价格 {{ site.title }} 与 {% if true %}条件{% endif %}" in p.read_text(encoding="utf-8")
               for p in built.values()) == 1  # the flash's digest, literally
    index = (tmp_path / "_site" / "index.html").read_text(encoding="utf-8")
    assert index.count("<li>") == 18
    assert not (tmp_path / "_site" / ".finews").exists()
