"""Publish times: the sources give Beijing wall-clock strings; the archive wants aware datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser

_FAST_FORMATS = ("%Y-%m-%d %H:%M",)
# Times relative to the moment a list was read (sources.md §6.3): 今天 16:25, 昨天 09:02, a
# bare 16:25, 11月28日 16:25.
_CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
_RELATIVE = re.compile(
    rf"^(?:(?P<word>今天|昨天)|(?P<mo>\d{{1,2}})月(?P<d>\d{{1,2}})日)?\s*{_CLOCK}$"
)
_DAYS_BACK = {"今天": 0, "昨天": 1}


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _source_shape(text: str) -> bool:
    """``YYYY-MM-DD HH:MM:SS`` in ASCII digits: the shape every source time has."""
    return (len(text) == 19 and text[4] + text[7] + text[10] + text[13] + text[16] == "-- ::"
            and (text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:]).isdecimal()
            and text.isascii())


def parse_relative(text: str, now: datetime, ahead: timedelta = timedelta(0)) -> datetime | None:
    """A relative time (``今天 16:25``, ``昨天 09:02``, ``16:25``, ``11月28日 16:25``) read at
    ``now`` (aware), in ``now``'s zone; None for any other text or an impossible clock.

    A bare time or a date without a year is the latest such moment not in the future (up to
    ``ahead``: a source clock runs a little fast): ``12月31日 23:59`` read on 1 January is
    last year's, a bare ``23:59`` read just after midnight is yesterday's.
    """
    m = _RELATIVE.match(text.strip())
    if not m:
        return None
    try:
        clock = time(int(m["h"]), int(m["mi"]), int(m["s"] or 0))
    except ValueError:
        return None
    latest = now + ahead
    if m["mo"]:
        for year in (now.year, now.year - 1):
            try:
                found = datetime.combine(date(year, int(m["mo"]), int(m["d"])), clock, now.tzinfo)
            except ValueError:  # 2月30日; 2月29日 of a year without one
                continue
            if found <= latest:
                return found
        return None
    found = datetime.combine(now.date() - timedelta(days=_DAYS_BACK.get(m["word"], 0)), clock, now.tzinfo)
    return found - timedelta(days=1) if not m["word"] and found > latest else found


def parse_published(value: str | datetime | None, tz: str = "Asia/Shanghai", now: datetime | None = None,
                    ahead: timedelta = timedelta(0)) -> datetime | None:
    """Return ``value`` as an aware datetime in ``tz``, or None when it is no date.

    Naive strings are wall-clock time in ``tz`` (the sources give no offset). The common
    ``YYYY-MM-DD HH:MM[:SS]`` shape skips dateparser, which costs about a millisecond a call.
    Relative times (``昨天 09:02``…) are dates only when the caller says when they were read
    (``now``; see ``parse_relative``): without it an archive date must be absolute.
    """
    zi = zone(tz)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=zi) if value.tzinfo is None else value.astimezone(zi)
    text = str(value).strip()
    if not text:
        return None
    if _source_shape(text):  # sliced, not strptime'd (~10x faster); invalid is no date, not a guess
        try:
            return datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:]), tzinfo=zi)
        except ValueError:
            return None
    if now is not None:
        relative = parse_relative(text, now.astimezone(zi), ahead)
        if relative is not None:
            return relative
    for fmt in _FAST_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zi)
        except ValueError:
            pass
    parsed = dateparser.parse(
        text,
        languages=["zh", "en"],
        settings={
            "TIMEZONE": tz,
            "TO_TIMEZONE": tz,
            "RETURN_AS_TIMEZONE_AWARE": True,
            # An archive date must be absolute: "昨天 12:00" or a bare time is no date.
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PARSERS": ["timestamp", "absolute-time", "custom-formats"],
        },
    )
    return parsed.astimezone(zi).replace(microsecond=0) if parsed else None


def run_now(value: str | None, tz: str = "Asia/Shanghai") -> datetime:
    """"Now" for a run, in ``tz``: the ``FINEWS_NOW`` setting (ISO time) if set, else the clock.

    Retention and re-check windows depend on the date; tests pin it instead of waiting for midnight.
    """
    if value:
        parsed = datetime.fromisoformat(str(value))
        return parsed.replace(tzinfo=zone(tz)) if parsed.tzinfo is None else parsed.astimezone(zone(tz))
    return datetime.now(zone(tz)).replace(microsecond=0)
