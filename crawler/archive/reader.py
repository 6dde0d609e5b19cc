"""Read an archive post of any variant the archive ever had back into an Article item.

The archive's own posts are not always valid YAML (unescaped quotes in titles, ``date:  +0800``,
a leading blank line), so the front matter is read line by line, the way it was written,
and nothing here raises on a broken post: missing values come back empty, for a re-crawl
(``scrapy crawl share -a archive=DIR``) to fill in.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from crawler.archive.layout import post_id
from crawler.archive.exporters import EMNEWS
from crawler.archive.items import Article
from crawler.archive.text import unprotect_liquid

_LINK = re.compile(r"^<(?P<url>[^<>\s]*)>$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _title(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        try:
            value = yaml.safe_load(f"t: {raw}")["t"]
            if isinstance(value, str):
                return value
        except yaml.YAMLError:
            pass
        return raw[1:-1]
    return raw


def split_post(text: str) -> tuple[dict[str, str], str]:
    """Front-matter fields (raw strings) and the body, for a post of any variant."""
    text = text.replace("\r\n", "\n").lstrip("\n")
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        head, body = text[4:].removesuffix("\n---"), ""
    fields = {}
    for line in head.split("\n"):
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    return fields, body


def read_post(path: str | Path) -> Article:
    """The article a post file holds (id from its name, feed from its category)."""
    path = Path(path)
    fields, body = split_post(path.read_text(encoding="utf-8"))
    lines = body.split("\n")
    link_at = max((i for i, line in enumerate(lines) if _LINK.match(line)), default=None)
    link = _LINK.match(lines[link_at])["url"] if link_at is not None else ""
    content = "\n".join(lines[:link_at] if link_at is not None else lines).strip("\n")
    date = _DATE.match(fields.get("date", ""))
    category = fields.get("categories", "")
    tag = fields.get("tags", "")
    item = Article(
        id=post_id(path.name) or "",
        title=_title(fields.get("title", "")),
        published=date.group(0) if date else None,
        category=category,
        tags=[tag] if tag else [],
    )
    if category == EMNEWS:
        item.feed, item.source_url = EMNEWS, link
        if content.startswith("> "):
            item.digest, _, rest = content[2:].partition("\n\n")
            item.body_html = rest.strip("\n")
        else:
            item.digest = content.strip()
    else:
        item.feed, item.share_url, item.body_html = "media", link, content
        item.media = tag.removesuffix("新闻")
    # Bodies are stored Liquid-protected; the item holds them as a source would give them.
    item.digest, item.body_html = unprotect_liquid(item.digest), unprotect_liquid(item.body_html)
    return item
