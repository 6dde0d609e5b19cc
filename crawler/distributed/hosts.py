"""The hosts a worker's queue entries may name (crawler.distributed.codec, "foreign_url").

Anyone who can write to Redis can queue a request; a worker must fetch only what the
feeds themselves could ask for: the hosts of the configured source URLs and the domains
under them (article links move between a site's hosts), and the replay server when the
run crawls one (its middleware routes every request there).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

# URL settings that are no source of requests.
_NOT_SOURCES = frozenset({"FINEWS_REDIS_URL", "FINEWS_ALERT_WEBHOOK"})


def source_hosts(settings: BaseSettings) -> list[str]:
    """Hosts (exact) and ``.domain`` suffixes of every ``FINEWS_…_URL`` setting."""
    found: set[str] = set()
    for name, value in settings.items():
        if not (name.startswith("FINEWS_") and name.endswith("_URL")) or name in _NOT_SOURCES:
            continue
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
