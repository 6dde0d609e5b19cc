"""Where a request goes when the offline replay stands in for the sources (FINEWS_REPLAY_URL).

Only the transport changes (crawler.net.hostgate sends each request there): spiders, items,
share and source links, download slots and robots.txt all see the real URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def replay_url(base: str, url: str) -> str:
    """``scheme://HOST[:PORT]/PATH?QUERY`` → ``BASE/HOST[:PORT]/PATH?QUERY`` (sources.md)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"
