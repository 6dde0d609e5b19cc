"""Downloader middlewares."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

ORIGINAL_URL = "finews_original_url"


def replay_url(base: str, url: str) -> str:
    """``scheme://HOST[:PORT]/PATH?QUERY`` → ``BASE/HOST[:PORT]/PATH?QUERY`` (sources.md)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class ReplayMiddleware:
    """Send every request to the replay server named by ``FINEWS_REPLAY_URL``.

    Only the transport changes: the response is handed back under its real URL, so
    spiders, items, share links and source links never see the replay host, and the
    request keeps its real host's download slot, so per-host concurrency and delays
    apply per source host exactly as they would against the sources.
    """

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("FINEWS_REPLAY_URL") or "")

    def process_request(self, request: Request, spider=None):
        if not self.base or request.url.startswith(self.base + "/"):
            return None
        meta = dict(request.meta)
        meta[ORIGINAL_URL] = request.url
        meta.setdefault("download_slot", urlsplit(request.url).hostname or "")
        return request.replace(url=replay_url(self.base, request.url), meta=meta)

    def process_response(self, request: Request, response: Response, spider=None):
        original = request.meta.get(ORIGINAL_URL)
        if original and response.url != original:
            return response.replace(url=original)
        return response
