"""``scrapy addsource URL``: find a site's feeds and sitemaps, print its sources.yml block.

From a site or page URL: the page's ``<link rel="alternate">`` feeds (and the home page's),
the paths sites commonly use (/feed, /rss.xml, /atom.xml, /feed.json, /sitemap.xml) and
robots.txt's ``Sitemap:`` lines. Only what really parses as a feed or sitemap is kept.
``--write`` appends the block to the sources file (FINEWS_SOURCES). A site where nothing
is found, or that cannot be reached, is one line and exit code 1. Requests go through
FINEWS_REPLAY_URL when it is set, as a crawl's do.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.net.replayroute import replay_url
from crawler.parsers import SourceError
from crawler.parsers.discovery import COMMON_PATHS, feed_links, page_title, robots_sitemaps, site_root
from crawler.parsers.feeds import parse_feed
from crawler.parsers.sitemaps import parse_sitemap
from crawler.parsers.urls import canonical_url
from crawler.run.arguments import ArgumentError, check_settings, fail_usage
from crawler.run.sources import SourcesError, parse_sources, sources_file

# Discovery asks a dozen URLs one after the other: a site that does not answer within this
# is treated as unreachable rather than waited on for each of them.
MAX_TIMEOUT = 10.0


@dataclass
class Answer:
    url: str  # as asked for (through the replay, the URL it stands for)
    body: bytes


@dataclass
class Found:
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feed_title: str = ""  # the first feed's title: the source's name unless --name is given
    site_title: str = ""  # else the page's <title>
    unreachable: str = ""  # why the site itself could not be read

    def add(self, kind: str, url: str) -> None:
        known = {canonical_url(u) for u in self.feeds + self.sitemaps}
        if canonical_url(url) not in known:
            (self.feeds if kind == "feed" else self.sitemaps).append(url)


class Fetcher:
    """GET through the replay when FINEWS_REPLAY_URL is set; None for any failure. Each URL
    is asked once (the page given may be a feed, and a common path too)."""

    def __init__(self, settings):
        self.replay = settings.get("FINEWS_REPLAY_URL") or ""
        self.timeout = min(settings.getfloat("DOWNLOAD_TIMEOUT"), MAX_TIMEOUT)
        self.limit = settings.getint("DOWNLOAD_MAXSIZE")
        self.agent = settings.get("USER_AGENT")
        self.error = ""
        self.answers: dict[str, Answer | None] = {}

    def get(self, url: str) -> Answer | None:
        if url not in self.answers:
            self.answers[url] = self._get(url)
        return self.answers[url]

    def _get(self, url: str) -> Answer | None:
        target = replay_url(self.replay, url) if self.replay else url
        request = urllib.request.Request(target, headers={"User-Agent": self.agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(url, response.read(self.limit))
        except urllib.error.HTTPError as exc:
            self.error = f"HTTP {exc.code} at {url}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.error = f"{getattr(exc, 'reason', exc)} at {url}"
        return None


def kind_of(answer: Answer) -> tuple[str, str]:
    """``("feed", title)``, ``("sitemap", "")`` or ``("", "")`` for what an answer holds."""
    try:
        return "feed", parse_feed(answer.body, answer.url).title
    except SourceError:
        pass
    try:
        parse_sitemap(answer.body, answer.url)
        return "sitemap", ""
    except SourceError:
        return "", ""


def discover(url: str, fetch: Fetcher) -> Found:
    """Every feed and sitemap the site at ``url`` names or serves at a common path."""
    found = Found()
    root = site_root(url)
    pages = [fetch.get(url)] + ([fetch.get(root)] if url != root else [])
    if not any(pages):
        found.unreachable = fetch.error
        return found
    candidates: list[str] = []
    for page in filter(None, pages):
        if kind_of(page)[0]:  # the URL given is a feed or sitemap itself
            candidates.append(page.url)
            continue
        html = page.body.decode("utf-8", "replace")
        candidates += feed_links(html, page.url)
        found.site_title = found.site_title or page_title(html)
    candidates += [root.rstrip("/") + path for path in COMMON_PATHS]
    robots = fetch.get(root + "robots.txt")
    if robots is not None:
        candidates += robots_sitemaps(robots.body.decode("utf-8", "replace"), robots.url)
    for candidate in dict.fromkeys(candidates):
        answer = fetch.get(candidate)
        kind, title = kind_of(answer) if answer is not None else ("", "")
        if kind:
            found.add(kind, candidate)
            found.feed_title = found.feed_title or title
    return found


def source_block(name: str, found: Found) -> str:
    """The source as YAML list item lines, indented to go under ``sources:``."""
    entry: dict = {"name": name}
    if found.feeds:
        entry["feeds"] = found.feeds
    if found.sitemaps:
        entry["sitemaps"] = found.sitemaps
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    return "".join(f"  {line}\n" for line in text.splitlines())


def appended(text: str, block: str) -> str:
    """The sources file's text with ``block`` added as the last source."""
    data = yaml.safe_load(text) if text.strip() else None
    head = text if not text or text.endswith("\n") else text + "\n"
    return head + ("" if isinstance(data, dict) and "sources" in data else "sources:\n") + block


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # no crawl: no start-up log, the output is the block

    def syntax(self) -> str:
        return "URL [--write] [--name NAME]"

    def short_desc(self) -> str:
        return "Find a site's feeds and sitemaps and print (or --write) its sources.yml block"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--write", action="store_true",
                            help="append the block to the sources file (FINEWS_SOURCES)")
        parser.add_argument("--name", default="",
                            help="the source's media name (default: the feed's title, else the site's)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)
            check_settings(self.settings)
        except (UsageError, ArgumentError) as exc:
            fail_usage("addsource", str(exc))
        if len(args) != 1:
            fail_usage("addsource", "expected one site or page URL, e.g. scrapy addsource https://news.example.com/")
        parts = urlsplit(args[0])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            fail_usage("addsource", f"{args[0]!r} is not an http(s) URL")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        url = args[0]
        found = discover(url, Fetcher(self.settings))
        if found.unreachable:
            self.fail(f"cannot reach {url}: {found.unreachable}")
            return
        if not (found.feeds or found.sitemaps):
            paths = ", ".join(COMMON_PATHS)
            self.fail(f"no feed or sitemap found for {url} (no feed <link> in the page, none at {paths}, "
                      "no Sitemap: in robots.txt)")
            return
        name = opts.name or found.feed_title or found.site_title or urlsplit(url).hostname
        block = source_block(name, found)
        print(block, end="")
        if opts.write:
            self.write(block, name)

    def write(self, block: str, name: str) -> None:
        path, _ = sources_file(self.settings)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        new = appended(text, block)
        try:
            sources = parse_sources(yaml.safe_load(new), str(path))
        except (SourcesError, yaml.YAMLError) as exc:
            self.fail(f"not added to {path}: {exc}")
            return
        if not sources or sources[-1].name != name:
            self.fail(f"not added to {path}: its layout does not allow appending; paste the block by hand")
            return
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(new, encoding="utf-8")
        os.replace(temp, path)
        print(f"added source {name!r} to {path}", file=sys.stderr)

    def fail(self, message: str) -> None:
        print(f"scrapy addsource: {message}", file=sys.stderr)
        self.exitcode = 1
