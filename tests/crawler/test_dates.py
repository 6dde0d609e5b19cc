"""Publish times: the sources' shape fast and strict, other absolute shapes through dateparser."""

from __future__ import annotations

import pytest

from crawler.archive.dates import parse_published


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
