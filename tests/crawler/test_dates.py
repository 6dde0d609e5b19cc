"""Publish times: the sources' shape fast and strict, other absolute shapes through dateparser,
relative list times read at the run's now."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crawler.archive.dates import parse_published, run_now


@pytest.mark.parametrize("text, expected", [
    ("2022-01-19 21:17:09", "2022-01-19T21:17:09+08:00"),
    (" 2022-01-19 21:17:09 ", "2022-01-19T21:17:09+08:00"),
    ("2022-01-19 21:17", "2022-01-19T21:17:00+08:00"),
    ("2022/01/19 21:17", "2022-01-19T21:17:00+08:00"),
    ("2022-01-19T13:17:09+00:00", "2022-01-19T21:17:09+08:00"),
    ("2026年08月19日 17:46", "2026-08-19T17:46:00+08:00"),
    ("2022-13-01 00:00:00", None),  # the sources' shape with an impossible month: no guess
    ("2022-01-19 24:00:00", None),
    ("昨天 25:99", None),
    ("21:17", None),
    ("", None),
])
def test_parse_published(text, expected):
    parsed = parse_published(text, "Asia/Shanghai")
    assert (parsed.isoformat() if parsed else None) == expected


AFTERNOON = run_now("2026-11-20T16:30:00")  # Beijing


@pytest.mark.parametrize("text, now, expected", [
    ("今天 16:25", AFTERNOON, "2026-11-20T16:25:00+08:00"),
    ("今天16:25:07", AFTERNOON, "2026-11-20T16:25:07+08:00"),
    ("昨天 09:02", AFTERNOON, "2026-11-19T09:02:00+08:00"),
    ("16:25", AFTERNOON, "2026-11-20T16:25:00+08:00"),
    ("11月28日 16:25", AFTERNOON, "2025-11-28T16:25:00+08:00"),  # this year's is still to come
    ("11月19日 16:25", AFTERNOON, "2026-11-19T16:25:00+08:00"),
    ("12月31日 23:59", run_now("2027-01-01T00:05:00"), "2026-12-31T23:59:00+08:00"),  # New Year
    ("昨天 23:59", run_now("2027-01-01T00:05:00"), "2026-12-31T23:59:00+08:00"),
    ("23:59", run_now("2027-01-01T00:05:00"), "2026-12-31T23:59:00+08:00"),  # today's is ahead
    ("1月1日 00:03", run_now("2027-01-01T00:05:00"), "2027-01-01T00:03:00+08:00"),
    ("今天 16:25", run_now("2026-11-20T08:25:00+00:00"), "2026-11-20T16:25:00+08:00"),  # now in UTC
    ("昨天 25:99", AFTERNOON, None),
    ("2月30日 10:00", AFTERNOON, None),
    ("前天 10:00", AFTERNOON, None),  # no documented form
    ("2022-01-19 21:17:09", AFTERNOON, "2022-01-19T21:17:09+08:00"),  # absolute stays absolute
])
def test_relative_times_are_read_at_the_runs_now(text, now, expected):
    parsed = parse_published(text, "Asia/Shanghai", now=now)
    assert (parsed.isoformat() if parsed else None) == expected


def test_a_source_clock_running_fast_stays_today():
    now = run_now("2026-11-20T23:55:00")
    # 4 minutes ahead: inside the tolerance, so today's (the future check lets it through)
    assert parse_published("23:59", "Asia/Shanghai", now=now, ahead=timedelta(minutes=10)) \
        == datetime(2026, 11, 20, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert parse_published("11月20日 23:59", "Asia/Shanghai", now=now, ahead=timedelta(minutes=10)).year == 2026
    # without the tolerance, the latest such moment not in the future
    assert parse_published("23:59", "Asia/Shanghai", now=now).day == 19
    assert parse_published("11月20日 23:59", "Asia/Shanghai", now=now).year == 2025
