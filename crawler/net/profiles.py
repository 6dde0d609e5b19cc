"""Run profiles: named presets over settings.py, chosen with ``-s FINEWS_PROFILE=NAME``.

A cron job and a backfill want different things from the same spiders: the scheduled job
reads the first list pages politely (settings.py as it is, profile ``default``); a backfill
reads every list page to its end, as fast as a bounded concurrency per host allows. The
preset is applied by an add-on at project priority, so an explicit ``-s NAME=value`` on the
command line still wins over it.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

# Far more pages than any list has: paging stops at the first empty page.
ALL_PAGES = 100_000

PROFILES: dict[str, dict[str, Any]] = {
    "default": {},
    "backfill": {
        "FINEWS_EMNEWS_MAX_PAGES": ALL_PAGES,
        "FINEWS_MEDIA_MAX_PAGES": ALL_PAGES,
        # At most 8 requests open per source host (whichever feed sends them), no pause
        # between them. The global cap is high enough that a backlog on one host never
        # starves the others.
        "FINEWS_HOST_CONCURRENCY": 8,
        "FINEWS_HOST_INTERVAL": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "CONCURRENT_REQUESTS": 64,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
    },
}


class ProfileAddon:
    """Scrapy add-on applying ``PROFILES[FINEWS_PROFILE]`` before the crawler starts."""

    def update_settings(self, settings: BaseSettings) -> None:
        name = settings.get("FINEWS_PROFILE") or "default"
        if name not in PROFILES:
            raise ValueError(f"unknown FINEWS_PROFILE {name!r}; known: {', '.join(PROFILES)}")
        settings.setdict(PROFILES[name], priority="project")
