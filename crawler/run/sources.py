"""The sources file (``FINEWS_SOURCES``): which feeds and sitemaps the ``feeds`` spider reads.

A YAML file with one list, ``sources:``; each source is a media (its name becomes the
category, through the slug registry, and the tag ``{name}新闻``) with feed and sitemap
URLs. It is read and checked whole before a crawl starts: a mistake is one line naming
the source and the key (exit 2), never a crawl that silently skips a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler.archive.slugs import safe_slug

KEYS = ("name", "feeds", "sitemaps", "slug", "page", "since_days", "enabled")
PAGE_KEYS = ("title", "published", "body")
# A fixed slug is held to what the slug registry's own slugs are made of (archive-format.md §5).
_SLUG = re.compile(r"^[A-Za-z0-9()_-](?:[A-Za-z0-9 ()_-]*[A-Za-z0-9()_-])?$")


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file, source and key."""


@dataclass(frozen=True)
class Source:
    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    slug: str = ""  # fixed category slug; "" lets the slug registry give one
    page: dict[str, str] = field(default_factory=dict)  # CSS/XPath selectors: title, published, body
    since_days: int | None = None  # entries older than this many days are not fetched
    enabled: bool = True


def sources_file(settings: BaseSettings) -> tuple[Path, bool]:
    """The sources file, and whether it was named explicitly (a missing default is no sources)."""
    explicit = (settings.getpriority("FINEWS_SOURCES") or 0) > SETTINGS_PRIORITIES["project"]
    return Path(str(settings.get("FINEWS_SOURCES") or "")), explicit


def load_sources(path: str | Path, required: bool = False) -> list[Source]:
    """Every source of the file, enabled or not; [] when the file is absent and not ``required``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise SourcesError(f"-s FINEWS_SOURCES={str(path)!r}: no such file") from None
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot be read ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SourcesError(f"{path}: not valid YAML{where} ({getattr(exc, 'problem', '') or exc})") from None
    return parse_sources(data, str(path))


def parse_sources(data: Any, where: str) -> list[Source]:
    """The sources of a loaded YAML document; SourcesError for the first mistake."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise SourcesError(f"{where}: expected a mapping with a sources: list")
    unknown = [k for k in data if k != "sources"]
    if unknown:
        raise SourcesError(f"{where}: unknown key {unknown[0]!r}; expected sources")
    entries = data.get("sources") or []
    if not isinstance(entries, list):
        raise SourcesError(f"{where}: sources: expected a list of sources (- name: …)")
    sources: list[Source] = []
    for number, entry in enumerate(entries, 1):
        source = _source(entry, where, number)
        if any(s.name == source.name for s in sources):
            raise SourcesError(f"{where}: source {source.name!r}: name: used by an earlier source too")
        sources.append(source)
    return sources


def _source(entry: Any, file: str, number: int) -> Source:
    where = f"{file}: source #{number}"
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: expected a mapping of {', '.join(KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: name: required, the media name (e.g. name: 示例日报)")
    name = name.strip()
    where = f"{file}: source {name!r}"
    for key in entry:
        if key not in KEYS:
            raise SourcesError(f"{where}: unknown key {key!r}; expected {', '.join(KEYS)}")
    feeds, sitemaps = _urls(entry, "feeds", where), _urls(entry, "sitemaps", where)
    if not feeds and not sitemaps:
        raise SourcesError(f"{where}: feeds: expected at least one feed or sitemap URL")
    slug = entry.get("slug", "")
    if slug is None or not isinstance(slug, str) or (slug and not _SLUG.match(slug)):
        raise SourcesError(f"{where}: slug: {slug!r} is not a slug; expected letters, digits, -, _, (, ) and spaces")
    if not slug and not safe_slug(name):
        raise SourcesError(f"{where}: name: {name!r} leaves no slug character; add slug: …")
    since = entry.get("since_days")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 1):
        raise SourcesError(f"{where}: since_days: {since!r}; expected a whole number of days, at least 1")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesError(f"{where}: enabled: {enabled!r}; expected true or false")
    return Source(name, feeds, sitemaps, slug, _page(entry.get("page"), where), since, enabled)


def _urls(entry: dict, key: str, where: str) -> tuple[str, ...]:
    urls = entry.get(key)
    if urls is None:
        return ()
    if not isinstance(urls, list):
        raise SourcesError(f"{where}: {key}: expected a list of URLs (- http://…)")
    for url in urls:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourcesError(f"{where}: {key}: {url!r} is not an http(s) URL")
    return tuple(urls)


def _page(page: Any, where: str) -> dict[str, str]:
    if page is None:
        return {}
    if not isinstance(page, dict) or not page:
        raise SourcesError(f"{where}: page: expected a mapping of {', '.join(PAGE_KEYS)} to CSS or XPath selectors")
    for key, selector in page.items():
        if key not in PAGE_KEYS:
            raise SourcesError(f"{where}: page.{key}: unknown key; expected {', '.join(PAGE_KEYS)}")
        if not isinstance(selector, str) or not selector.strip():
            raise SourcesError(f"{where}: page.{key}: expected a CSS or XPath selector")
    return dict(page)


def any_enabled(settings: BaseSettings) -> bool:
    """Does the sources file have a source to crawl (crawlall then runs the feeds spider)?"""
    path, explicit = sources_file(settings)
    return any(s.enabled for s in load_sources(path, required=explicit))


def selected(sources: list[Source], name: str = "") -> list[Source]:
    """The sources a crawl reads: the one named (enabled or not), else every enabled one."""
    if not name:
        return [s for s in sources if s.enabled]
    found = [s for s in sources if s.name == name]
    if not found:
        known = ", ".join(repr(s.name) for s in sources) or "none"
        raise SourcesError(f"-a source={name!r}: no such source; the sources file has {known}")
    return found
