"""Conditional GET: ask a feed or sitemap "changed since?" with the validators it last gave.

A source that answers 304 Not Modified costs one small request and nothing else; the
validators (ETag, Last-Modified) are kept in the archive index between runs.
"""

from __future__ import annotations

from scrapy.http import Response


def conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    """Request headers for a document last answered with these validators (none: no headers)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def validators(response: Response) -> tuple[str, str]:
    """``(etag, last_modified)`` a response carries; "" for what it has not."""
    def header(name: bytes) -> str:
        return (response.headers.get(name) or b"").decode("latin-1").strip()

    return header(b"ETag"), header(b"Last-Modified")
