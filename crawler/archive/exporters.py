"""Article item → archive post text (archive-format.md), and a Scrapy feed exporter of it.

``render_post`` is pure: the same item gives the same bytes, whichever spider made it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache

import yaml
from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from crawler.archive.sanitize import defuse_markdown

EMNEWS = "emnews"
EMNEWS_TAG = "东财滚动新闻"
# Archive ids are 18-22 characters; the cap keeps a file name far below the 255-byte limit.
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
# YAML double-quoted scalars: escape the two characters that end or escape the
# scalar; everything else the title holds (after clean_title) is printable.
_YAML_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"'})
# The link line is a Markdown autolink: a ">" or a line end inside the URL would end it early
# and leave the rest to be read as markup. Those, spaces, quotes and controls are
# percent-encoded (the URL stays the same URL; real links hold none of them).
_LINK_ESCAPES = {c: f"%{c:02X}" for c in [*range(0x21), 0x7F, *map(ord, '"<>`')]}


class ExportError(ValueError):
    """An item that cannot be written as a post (the archive pipeline drops it)."""


def yaml_quote(text: str) -> str:
    return '"' + text.translate(_YAML_ESCAPES) + '"'


@lru_cache(maxsize=4096)
def yaml_scalar(text: str) -> str:
    """``text`` plain, as the archive writes categories and tags, unless plain YAML would read
    it as something else (``a: b``, ``#x``, ``123``, ``yes``, …): then double-quoted."""
    try:
        if yaml.safe_load(f"v: {text}") == {"v": text}:
            return text
    except yaml.YAMLError:
        pass
    return yaml_quote(text)


def link_line(url: str) -> str:
    return f"<{url.translate(_LINK_ESCAPES)}>"


def link_text(text: str) -> str:
    """Plain text (a media name) as the text of a Markdown link: no tag, no Markdown syntax
    that makes links or attributes (real names hold none, and come out unchanged)."""
    return defuse_markdown(text.replace("<", "&lt;"))


def post_path(item_id: str, published: datetime) -> str:
    if not ID_RE.match(item_id or ""):
        raise ExportError(f"id {item_id!r} is not [A-Za-z0-9_-]+")
    return f"_posts/{published.date().isoformat()}-{item_id}.md"


def front_matter(title: str, published: datetime, category: str, tag: str) -> str:
    return (
        "---\n"
        "layout: post\n"
        f"title: {yaml_quote(title)}\n"
        f"date: {published.isoformat(' ', 'seconds')[:19]} +0800\n"
        f"categories: {yaml_scalar(category)}\n"
        f"tags: {yaml_scalar(tag)}\n"
        "---\n"
    )


def render_post(item, site_base: str) -> tuple[str, str]:
    """Return ``(relative path, text)`` of the post for a normalized article item."""
    a = ItemAdapter(item)
    published = a.get("published")
    if not isinstance(published, datetime):
        raise ExportError(f"item {a.get('id')!r} has no normalized publish time")
    if not a.get("title"):
        raise ExportError(f"item {a.get('id')!r} has no title")
    path = post_path(a.get("id"), published)
    tags = a.get("tags") or []
    head = front_matter(a["title"], published, a.get("category"), tags[0] if tags else "")
    body = a.get("body_html") or ""
    home = f"[返回首页]({site_base}/)"
    if a.get("feed") == EMNEWS:
        back = f"[返回{EMNEWS_TAG}]({site_base}/emnews/)｜{home}"
        link = link_line(a.get("source_url") or "")
        if body:
            text = f"{head}> {a.get('digest') or ''}\n\n{body}\n\n{link}\n\n{back}"
        else:
            text = f"{head}\n{a.get('digest') or ''}\n\n{link}\n\n{back}"
    else:
        back = f"[返回{link_text(tags[0]) if tags else ''}]({site_base}/category/{a.get('category')}.html)｜{home}"
        text = f"{head}{body}\n\n{link_line(a.get('share_url') or '')}\n\n{back}"
    return path, text


def render_category_page(media: str, slug: str) -> tuple[str, str]:
    """``category/{slug}.html`` for one media, exactly as the archive's category pages."""
    return (
        f"category/{slug}.html",
        f"---\nlayout: category\ntitle: {yaml_scalar(media + '新闻')}\ncategory: {yaml_scalar(slug)}\n---",
    )


class JekyllPostExporter(BaseItemExporter):
    """Feed exporter: one JSON object ``{"path": …, "text": …}`` per line, per post.

    For people who use Scrapy feeds (``-o posts.jsonl:jekyll``); the archive itself is
    written one file per post by the archive pipeline.
    """

    def __init__(self, file, **kwargs):
        self.site_base = kwargs.pop("site_base", "//finews.withounder.com")
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item) -> None:
        path, text = render_post(item, self.site_base)
        line = json.dumps({"path": path, "text": text}, ensure_ascii=False) + "\n"
        self.file.write(line.encode(self.encoding or "utf-8"))
