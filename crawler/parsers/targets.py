"""What the one-off ``share`` spider is asked to fetch: codes, links, or archived posts.

Pure functions: text or a post file in, an Article item (id, feed, links and whatever
the archive already knows) out. A value that names no article raises ``TargetError``
with the reason the spider reports at the end of the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from crawler.archive.exporters import EMNEWS
from crawler.archive.items import Article
from crawler.parsers.rows import info_code
from crawler.archive.reader import read_post

_CODE = re.compile(r"^(?:NW)?\d{6,}$", re.I)
_ARTICLE_PATH = re.compile(r"/(?:a/|news/\d+,)(?P<code>\d{6,})\.html?$")
# Comma lists of links: a comma inside an older source link (``/news/11060,2021….html``)
# is not a separator, so only a comma before the next link's scheme splits.
_URL_SEP = re.compile(r"\s+|,(?=\s*(?:https?:)?//)")


class TargetError(ValueError):
    """A value that names no article (the reason is reported, one line per value)."""


class NotNews(TargetError):
    """An archive file that is no news post (the site's own notes): left as it is."""


def split_codes(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,]+", value or "") if v]


def split_urls(value: str) -> list[str]:
    return [v.strip(",") for v in _URL_SEP.split(value or "") if v.strip(",")]


def read_lines(path: str | Path) -> list[str]:
    """One code or link per line; blank lines and ``#`` comments skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def code_in_link(url: str) -> str:
    """The info code a share link names (``?infoCode=NW…``), or ``""``."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() == "infocode" and _CODE.match(value.strip()):
            return info_code(value)
    return ""


def from_text(value: str, share_url: str, article_url: str) -> Article:
    """A code (``NW…`` or its digits), a share link or a source link → a media-style item.

    Codes and share links get the source link ``FINEWS_ARTICLE_URL`` names; a source link
    is kept as given. Title, time and media are left for the source page to fill.
    """
    value = value.strip()
    if _CODE.match(value):
        code, source = info_code(value), ""
    elif "//" in value:
        code, source = code_in_link(value), ""
        if not code:
            m = _ARTICLE_PATH.search(urlsplit(value).path)
            if not m:
                raise TargetError("not a share link or an article link")
            code, source = info_code(m["code"]), value
    else:
        raise TargetError("not an info code (NW + digits) or a link")
    return Article(
        id=code,
        feed="media",
        source_url=source or article_url.format(code=code[2:]),
        share_url=share_url.format(code=code),
    )


def from_post(path: str | Path, share_url: str, article_url: str) -> Article:
    """An archived post → the item to re-crawl it, keeping what the post already holds.

    Rolling news keeps its id, digest and source link (built from the id when the post's
    ``<>`` is empty); a media post is re-fetched through the code in its share link.
    """
    item = read_post(path)
    if not item.id:
        raise TargetError("file name holds no post id")
    if item.category == EMNEWS:
        if not item.id.isdigit():
            raise TargetError("not a rolling-news id")
        return replace(item, source_url=item.source_url or article_url.format(code=item.id),
                       body_from="archive" if item.body_html else "")
    if not re.fullmatch(r"NW\d+", item.id, re.I):  # generic sources' ids (nw-example-com-…) are none
        raise NotNews(f"not a news post (category {item.category or 'missing'!r})")
    code = code_in_link(item.share_url) or info_code(item.id)
    return replace(
        item,
        id=code,
        source_url=article_url.format(code=code[2:]),
        share_url=share_url.format(code=code),
        body_from="archive" if item.body_html else "",
    )


def archive_posts(root: str | Path) -> Iterator[Path]:
    """Every ``*.md`` post under ``root`` (sub-folders included), in name order."""
    return iter(sorted(p for p in Path(root).rglob("*.md") if p.is_file()))
