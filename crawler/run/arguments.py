"""Command-line checks: every ``-s`` and ``-a`` value is checked before a crawl starts.

Inside a running crawl a bad value surfaces as a traceback from some component (or as
"Task exception was never retrieved"); checked up front it is one line naming the
value and what is expected, and exit code 2.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scrapy.settings import BaseSettings

import crawler.settings as defaults
from crawler.net.profiles import PROFILES
from crawler.parsers.lists import ROLLING_LISTS
from crawler.run.alerts import spidermon_channel

# Settings that must be at least this much (a 0 page size or concurrency never ends or
# never starts); the others of a numeric type only need to be numbers.
_AT_LEAST: dict[str, float] = {
    "FINEWS_EMNEWS_PAGE_SIZE": 1, "FINEWS_EMNEWS_MAX_PAGES": 1,
    "FINEWS_MEDIA_PAGE_SIZE": 1, "FINEWS_MEDIA_MAX_PAGES": 1, "FINEWS_MARKET_COUNT": 1,
    "FINEWS_MAX_PENDING": 1,
    "FINEWS_HOST_CONCURRENCY": 1, "FINEWS_HOST_INTERVAL": 0, "FINEWS_RETENTION_DAYS": 1,
    "FINEWS_RECHECK_HOURS": 0, "FINEWS_RECHECK_MINUTES": 0, "FINEWS_MAX_FUTURE_MINUTES": 0,
    "FINEWS_MAX_BODY_BYTES": 1, "FINEWS_RETRY_BACKOFF": 0, "FINEWS_RETRY_BACKOFF_MAX": 0,
    "FINEWS_GC_THRESHOLD": 0, "FINEWS_DROP_RETRY_HOURS": 0, "FINEWS_PROGRESS_SECONDS": 0.1,
    "FINEWS_HEALTH_HISTORY": 1, "FINEWS_LOCK_WAIT_SECONDS": 0,
    "CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_TIMEOUT": 0.1,
    "RETRY_TIMES": 0,
}
_READERS = {bool: "getbool", int: "getint", float: "getfloat", dict: "getdict", list: "getlist"}
_EXPECTED = {bool: "1 or 0", int: "a whole number", float: "a number", dict: "a JSON object",
             list: "a comma-separated list"}


class ArgumentError(ValueError):
    """A ``-s``/``-a`` value that cannot work: the message says which and what is expected."""


def fail_usage(command: str, message: str) -> NoReturn:
    """One line on stderr and exit 2: the shape of every finews usage error."""
    print(f"scrapy {command}: error: {message}", file=sys.stderr, flush=True)
    logging.shutdown()
    raise SystemExit(2)


def fail_unavailable(command: str, message: str) -> NoReturn:
    """One line on stderr and exit 1: a service the run needs (Redis) cannot be used."""
    print(f"finews {command}: {message}", file=sys.stderr, flush=True)
    logging.shutdown()
    raise SystemExit(1)


def _typed(settings: BaseSettings, name: str, kind: type) -> Any:
    try:
        return getattr(settings, _READERS[kind])(name)
    except (ValueError, TypeError):
        raise ArgumentError(
            f"-s {name}={settings.get(name)!r}: expected {_EXPECTED[kind]}") from None


def _check_special(settings: BaseSettings) -> None:
    tz = settings.get("FINEWS_TIMEZONE")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise ArgumentError(f"-s FINEWS_TIMEZONE={tz!r}: expected a time zone such as Asia/Shanghai") from None
    now = settings.get("FINEWS_NOW")
    if now:
        try:
            datetime.fromisoformat(str(now))
        except ValueError:
            raise ArgumentError(f"-s FINEWS_NOW={now!r}: expected an ISO time, YYYY-MM-DDTHH:MM:SS") from None
    lists = settings.getlist("FINEWS_EMNEWS_LISTS")
    if not lists or any(name not in ROLLING_LISTS for name in lists):
        raise ArgumentError(f"-s FINEWS_EMNEWS_LISTS={','.join(lists)!r}: expected a comma-separated "
                            f"list of {', '.join(ROLLING_LISTS)}")
    profile = settings.get("FINEWS_PROFILE") or "default"
    if profile not in PROFILES:
        raise ArgumentError(f"-s FINEWS_PROFILE={profile!r}: expected one of {', '.join(PROFILES)}")
    replay = settings.get("FINEWS_REPLAY_URL")
    if replay and not str(replay).startswith(("http://", "https://")):
        raise ArgumentError(f"-s FINEWS_REPLAY_URL={replay!r}: expected http://HOST:PORT")
    for path in settings.getlist("FINEWS_ALERT_ACTIONS"):
        try:
            spidermon_channel(path, settings)
        except Exception as exc:  # an unknown class, a missing package or NotConfigured
            raise ArgumentError(f"-s FINEWS_ALERT_ACTIONS: {path}: {exc}") from None
    level = str(settings.get("LOG_LEVEL"))
    if not isinstance(logging.getLevelName(level.upper()), int):
        raise ArgumentError(f"-s LOG_LEVEL={level!r}: expected DEBUG, INFO, WARNING, ERROR or CRITICAL")


def check_settings(settings: BaseSettings) -> None:
    """Raise ArgumentError for the first setting whose value cannot work.

    Every setting of ``crawler/settings.py`` is read with the type of its default there.
    """
    for name in dir(defaults):
        default = getattr(defaults, name)
        if not name.isupper() or type(default) not in _READERS:
            continue
        value = _typed(settings, name, type(default))
        floor = _AT_LEAST.get(name)
        if floor is not None and value < floor:
            raise ArgumentError(f"-s {name}={settings.get(name)!r}: expected at least {floor:g}")
    _check_special(settings)


def check_spider(spidercls: type, spargs: dict[str, Any], settings: BaseSettings | None = None) -> None:
    """Raise ArgumentError when the spider would refuse its ``-a`` arguments, or (given the
    settings) what it reads at start (``check_settings``: the feeds spider's sources file)."""
    checks = [getattr(spidercls, "check_arguments", None)]
    if settings is not None and hasattr(spidercls, "check_settings"):
        checks.append(lambda kwargs: spidercls.check_settings(settings, kwargs))
    try:
        for check in filter(None, checks):
            check(spargs)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
