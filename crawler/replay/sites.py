"""Generic sources for the replay: made-up sites with feeds, sitemaps, robots.txt and pages.

The replay serves these as plain files (``HOST/PATH[?QUERY]`` → ``SiteFile``), with
ETag and Last-Modified, answering a conditional GET that matches with 304 Not Modified.
``demo_sites(day)`` builds the bundled demo (crawler/replay/data/sources.yml reads it):
an RSS 2.0 feed, an Atom feed, a JSON Feed, a sitemap index with a gzipped child and a
Google News sitemap, one page behind a robots.txt Disallow, all dated on ``day``, which
the replay makes its newest list day (yesterday, when it rebases), so the demo's posts
stay in ``_posts/`` like the Eastmoney ones. Nothing here is real news.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

DEMO_SOURCES = Path(__file__).with_name("data") / "sources.yml"
BEIJING = ZoneInfo("Asia/Shanghai")
RSS_HOST, ATOM_HOST = "news.example-rss.test", "blog.example-atom.test"
JSON_HOST, MAP_HOST = "www.example-json.test", "www.example-sitemap.test"


@dataclass(frozen=True)
class SiteFile:
    kind: str  # what the replay counts it as: feed, sitemap, robots, article, page
    ctype: str
    body: bytes
    modified: datetime  # Last-Modified

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified.astimezone(timezone.utc), usegmt=True)

    def not_modified(self, if_none_match: str | None, if_modified_since: str | None) -> bool:
        """Does a conditional GET with these headers get 304? (If-None-Match wins, RFC 9110 §13.2.2)"""
        if if_none_match:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or self.etag in tags
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return since.tzinfo is not None and self.modified.replace(microsecond=0) <= since
        return False


def _file(kind: str, ctype: str, body: str | bytes, modified: datetime) -> SiteFile:
    return SiteFile(kind, ctype, body.encode("utf-8") if isinstance(body, str) else body, modified)


@dataclass(frozen=True)
class _Story:
    host: str
    path: str
    title: str
    minutes: int  # after midnight (Beijing) of the day
    paragraphs: tuple[str, ...]

    def url(self) -> str:
        return f"http://{self.host}{self.path}"

    def when(self, day: date) -> datetime:
        return datetime.combine(day, time(), BEIJING) + timedelta(minutes=self.minutes)


_ZH = ("记者从相关部门获悉，相关工作正在有序推进，市场各方对后续政策保持关注。",
       "分析人士认为，短期波动不改长期趋势，行业基本面依然稳健，投资者情绪逐步回暖。",
       "数据显示，前三季度累计规模同比增长明显，多家机构表示将持续关注行业供需变化。")
_EN = ("Traders said the move had been widely expected after last week's data, and volumes stayed close "
       "to their monthly average through the session.",
       "Analysts noted that the outlook for the coming quarter depends on how quickly supply chains adjust, "
       "with several firms revising their guidance.",)
RSS = (
    _Story(RSS_HOST, "/articles/1001.html", "央行开展逆回购操作 市场流动性保持合理充裕", 8 * 60, _ZH),
    _Story(RSS_HOST, "/articles/1002.html", "新能源车企&电池厂商 三季度交付量创新高", 9 * 60 + 30, _ZH[1:] + _ZH[:1]),
    _Story(RSS_HOST, "/private/1003.html", "内部资料：robots.txt 不允许抓取的页面", 10 * 60, _ZH),
    _Story(RSS_HOST, "/articles/1004.html", "港股科技股午后走强 成交额放大", 11 * 60 + 15, _ZH[2:] + _ZH[:2]),
)
RSS_SITEMAP_ONLY = _Story(RSS_HOST, "/articles/1005.html", "地方债发行提速 专项债额度下达", 12 * 60 + 40, _ZH)
ATOM = (
    _Story(ATOM_HOST, "/posts/rates.html", "Bond yields ease as rate-cut bets grow", 7 * 60 + 45, _EN),
    _Story(ATOM_HOST, "/story?id=7", "Chipmakers & suppliers rally", 13 * 60 + 20, _EN[::-1]),
)
ATOM_CANONICAL = {"/story?id=7": "/posts/story-7.html"}  # a page naming another canonical URL
JSON = (
    _Story(JSON_HOST, "/news/2026/solar.html", "光伏龙头宣布扩产计划", 14 * 60 + 5, _ZH),
    _Story(JSON_HOST, "/news/2026/storage.html", "储能项目集中签约 产业链迎来机遇", 15 * 60 + 30, _ZH[::-1]),
)
MAP_PAGES = (
    _Story(MAP_HOST, "/story/s1.html", "航运指数连续三日上涨", 16 * 60 + 10, _ZH),
    _Story(MAP_HOST, "/story/s2.html", "稀土价格企稳 下游需求回暖", 17 * 60, _ZH[1:] + _ZH[:1]),
)
MAP_NEWS = _Story(MAP_HOST, "/story/s3.html", "半导体设备订单饱满 多家公司加快布局", 18 * 60 + 25, _ZH)


def _article_page(story: _Story, day: date, canonical: str) -> str:
    """A page of common CMS markup: article element, Open Graph and article: meta, canonical."""
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(story.title)} - {story.host}</title>
<link rel="canonical" href="{escape(canonical)}">
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.when(day).isoformat()}">
</head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{escape(story.title)}</h1>
{paras}
</article>
<footer>Copyright example</footer></body></html>"""


def _selector_page(story: _Story, day: date) -> str:
    """A page with no metadata at all: only the source's own selectors (sources.yml page:) find it."""
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<html><head><meta charset="utf-8"><title>示例地图报</title></head><body>
<div class="top">示例地图报 | 首页</div>
<div class="headline">{escape(story.title)}</div>
<div class="meta">发布时间 <span class="stamp">{story.when(day):%Y-%m-%d %H:%M}</span></div>
<div class="story-text">{paras}</div>
<div class="related">相关阅读：<a href="/story/s0.html">往期回顾</a></div>
</body></html>"""


def _home(title: str, links: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>{links}</head>
<body><h1>{escape(title)}</h1></body></html>"""


def _rss(day: date) -> str:
    links = {RSS[0].path: RSS[0].url() + "?utm_source=rss&amp;utm_medium=feed",  # a tracking spelling
             RSS[3].path: RSS[3].path.lstrip("/")}  # relative, under the channel's xml:base
    items = "".join(f"""
    <item>
      <title>{escape(s.title).replace("&amp;", "&amp;amp;")}</title>
      <link>{links.get(s.path, s.url())}</link>
      <guid isPermaLink="false">{s.path}</guid>
      <pubDate>{format_datetime(s.when(day))}</pubDate>
    </item>""" for s in RSS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel xml:base="http://{RSS_HOST}/">
    <title>示例财经快报</title>
    <link>http://{RSS_HOST}/</link>
    <description>RSS 2.0 demo feed</description>{items}
  </channel>
</rss>"""


def _atom(day: date) -> str:
    first, second = ATOM
    utc = timezone.utc
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://{ATOM_HOST}/posts/">
  <title>Example Atom Markets</title>
  <id>tag:{ATOM_HOST},2026:feed</id>
  <updated>{second.when(day).astimezone(utc).isoformat()}</updated>
  <entry>
    <title>{escape(first.title)}</title>
    <link rel="alternate" href="rates.html"/>
    <id>tag:{ATOM_HOST},2026:rates</id>
    <published>{first.when(day).astimezone(utc).isoformat()}</published>
    <updated>{first.when(day).astimezone(utc).isoformat()}</updated>
  </entry>
  <entry>
    <title type="html">{escape(escape(second.title))}</title>
    <link href="{escape(second.path)}"/>
    <id>tag:{ATOM_HOST},2026:story-7</id>
    <updated>{second.when(day).astimezone(utc).isoformat()}</updated>
  </entry>
</feed>"""


def _json_feed(day: date) -> str:
    items = [{"id": s.path, "url": s.url(), "title": s.title, "content_text": s.paragraphs[0],
              "date_published": s.when(day).isoformat()} for s in JSON]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "示例JSON日报",
                       "home_page_url": f"http://{JSON_HOST}/", "feed_url": f"http://{JSON_HOST}/feed.json",
                       "items": items}, ensure_ascii=False, indent=1)


def _urlset(urls: list[str], news: str = "") -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    entries = "".join(f"\n  <url><loc>{escape(u)}</loc></url>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f'{ns}>{entries}{news}\n</urlset>')


def _news_entry(story: _Story, day: date) -> str:
    return f"""
  <url>
    <loc>{story.url()}</loc>
    <news:news>
      <news:publication><news:name>示例地图报</news:name><news:language>zh</news:language></news:publication>
      <news:publication_date>{story.when(day).isoformat()}</news:publication_date>
      <news:title>{escape(story.title)}</news:title>
    </news:news>
  </url>"""


def demo_sites(day: date) -> dict[str, SiteFile]:
    """The demo's generic sites, every article dated on ``day`` (Beijing)."""
    modified = datetime.combine(day, time(21, 0), BEIJING)
    files: dict[str, SiteFile] = {}

    def add(key: str, kind: str, ctype: str, body: str | bytes) -> None:
        files[key] = _file(kind, ctype, body, modified)

    html, xml = "text/html; charset=utf-8", "application/xml"
    for story in (*RSS, RSS_SITEMAP_ONLY, *ATOM, *JSON):
        canonical = f"http://{story.host}{ATOM_CANONICAL.get(story.path, story.path)}"
        add(story.host + story.path, "article", html, _article_page(story, day, canonical))
    for story in (*MAP_PAGES, MAP_NEWS):
        add(story.host + story.path, "article", html, _selector_page(story, day))

    add(f"{RSS_HOST}/", "page", html, _home("示例财经快报", '<link rel="alternate" type="application/rss+xml" '
                                                         'title="示例财经快报" href="/rss.xml">'))
    add(f"{RSS_HOST}/rss.xml", "feed", "application/rss+xml; charset=utf-8", _rss(day))
    add(f"{RSS_HOST}/sitemap.xml", "sitemap", xml, _urlset([RSS[0].url(), RSS_SITEMAP_ONLY.url()]))
    add(f"{RSS_HOST}/robots.txt", "robots", "text/plain", "User-agent: *\nDisallow: /private/\n")
    add(f"{ATOM_HOST}/", "page", html, _home("Example Atom Markets", '<link rel="alternate" '
                                             'type="application/atom+xml" href="/posts/atom.xml">'))
    add(f"{ATOM_HOST}/posts/atom.xml", "feed", "application/atom+xml", _atom(day))
    add(f"{JSON_HOST}/", "page", html, _home("示例JSON日报"))
    add(f"{JSON_HOST}/feed.json", "feed", "application/feed+json", _json_feed(day))
    add(f"{MAP_HOST}/", "page", html, _home("示例地图报"))
    add(f"{MAP_HOST}/robots.txt", "robots", "text/plain",
        f"User-agent: *\nAllow: /\n\nSitemap: http://{MAP_HOST}/sitemap_index.xml\n")
    children = [f"http://{MAP_HOST}/sitemaps/pages.xml.gz", f"http://{MAP_HOST}/sitemaps/news.xml"]
    index = "".join(f"\n  <sitemap><loc>{u}</loc></sitemap>" for u in children)
    add(f"{MAP_HOST}/sitemap_index.xml", "sitemap", xml,
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{index}\n</sitemapindex>")
    pages = _urlset([s.url() for s in MAP_PAGES]).encode("utf-8")
    add(f"{MAP_HOST}/sitemaps/pages.xml.gz", "sitemap", "application/x-gzip", gzip.compress(pages, mtime=0))
    add(f"{MAP_HOST}/sitemaps/news.xml", "sitemap", xml, _urlset([], news=_news_entry(MAP_NEWS, day)))
    return files


# --- many generic hosts (the benchmark's backfill over many sites) ----------------------
def many_sites(hosts: int, per_host: int, day: date, pages: tuple[str, ...] = ()) -> dict[str, SiteFile]:
    """``hosts`` made-up sites ``site-NNN.example-generic.test``, each with a robots.txt
    allowing everything, an RSS 2.0 feed (``/feed.xml``) of ``per_host`` articles dated on
    ``day`` (Beijing, a minute apart from midnight) and their pages: ``pages`` (HTML of no
    known layout) cycled over all articles, each naming its own URL as canonical first (a
    real page names its own site's), else a page of common CMS markup."""
    modified = datetime.combine(day, time(21, 0), BEIJING)
    files: dict[str, SiteFile] = {}
    number = 0
    for h in range(1, hosts + 1):
        host = many_sites_host(h)
        stories = []
        for i in range(1, per_host + 1):
            story = _Story(host, f"/articles/{i}.html", f"Site {h} markets story {i}",
                           i % (8 * 60), _EN if i % 2 else _EN[::-1])
            if pages:
                page = _own_canonical(pages[number % len(pages)], story.url())
            else:
                page = _article_page(story, day, story.url())
            files[host + story.path] = _file("article", "text/html; charset=utf-8", page, modified)
            stories.append(story)
            number += 1
        items = "".join(f"""
    <item><title>{escape(s.title)}</title><link>{s.url()}</link><guid>{s.url()}</guid>
      <pubDate>{format_datetime(s.when(day))}</pubDate></item>""" for s in stories)
        files[f"{host}/feed.xml"] = _file("feed", "application/rss+xml; charset=utf-8", f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Site {h}</title><link>http://{host}/</link>
  <description>generic demo feed</description>{items}
</channel></rss>""", modified)
        files[f"{host}/robots.txt"] = _file("robots", "text/plain", "User-agent: *\nAllow: /\n", modified)
    return files


_HEAD = re.compile(r"<head\b[^>]*>", re.I)


def _own_canonical(page: str, url: str) -> str:
    """``page`` with ``<link rel="canonical" href=url>`` first in its head."""
    link = f'<link rel="canonical" href="{escape(url)}">'
    found = _HEAD.search(page)
    return page[: found.end()] + link + page[found.end():] if found else link + page


def many_sites_host(number: int) -> str:
    return f"site-{number:03d}.example-generic.test"


def files_to_json(files: dict[str, SiteFile]) -> dict[str, dict[str, str]]:
    """Site files as a dataset's ``files`` (text bodies only)."""
    return {key: {"kind": f.kind, "ctype": f.ctype, "body": f.body.decode("utf-8"),
                  "modified": f.modified.isoformat()} for key, f in files.items()}


def files_from_json(data: dict[str, dict[str, str]]) -> dict[str, SiteFile]:
    """A dataset's ``files``: ``{"HOST/PATH[?QUERY]": {kind, ctype, body, modified}}``, the
    body as text and ``modified`` as ISO time with its offset."""
    return {key: _file(f["kind"], f["ctype"], f["body"], datetime.fromisoformat(f["modified"]))
            for key, f in data.items()}
