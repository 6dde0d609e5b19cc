"""The hosts a worker's queue entries may name (crawler.distributed.codec, "foreign_url").

Anyone who can write to Redis can queue a request; a worker must fetch only what the
feeds themselves could ask for: the hosts of the configured source URLs and of the sources
file's feeds and sitemaps, the domains under them (article links move between a site's
hosts), and the replay server when the run crawls one (the download handler sends every
request there). A feed's article on another domain is therefore not fetched by workers.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from crawler.run.sources import load_sources, sources_file

# URL settings that are no source of requests.
_NOT_SOURCES = frozenset({"FINEWS_REDIS_URL", "FINEWS_ALERT_WEBHOOK"})


def source_hosts(settings: BaseSettings) -> list[str]:
    """Hosts (exact) and ``.domain`` suffixes of every ``FINEWS_…_URL`` setting and source URL."""
    urls = [value for name, value in settings.items()
            if name.startswith("FINEWS_") and name.endswith("_URL") and name not in _NOT_SOURCES]
    if settings.get("FINEWS_SOURCES"):
        path, explicit = sources_file(settings)
        urls += [url for source in load_sources(path, required=explicit) for url in (*source.feeds, *source.sitemaps)]
    found: set[str] = set()
    for value in urls:
        if not isinstance(value, str) or "://" not in value:
            continue
        host = (urlsplit(value).hostname or "").lower()
        if not host:
            continue
        found.add(host)
        if not _is_ip(host) and host.count(".") >= 2:
            found.add("." + host.split(".", 1)[1])
    return sorted(found)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
