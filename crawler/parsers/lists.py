"""List endpoints: the rolling-news JS wrapper and fast-news JSON, the media JSON(P), the market JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.parsers import SourceError

# `var ajaxResult={…};`, `callback({…});` or bare `{…}`, each with or without the `;`.
_WRAPPED = re.compile(
    r"^\s*(?:var\s+[\w$]+\s*=\s*|[\w$.]+\s*\(\s*)?(?P<json>\{.*\})\s*\)?\s*;?\s*$", re.S
)


def unwrap_json(text: str) -> dict[str, Any]:
    """The JSON object inside a JS assignment, a JSONP call or nothing at all."""
    m = _WRAPPED.match(text or "")
    if not m:
        head = (text or "").lstrip()[:1]
        raise SourceError("html_error" if head == "<" else "not_json", (text or "")[:80])
    try:
        data = json.loads(m.group("json"))
    except json.JSONDecodeError as exc:
        raise SourceError("bad_json", str(exc)) from exc
    if not isinstance(data, dict):
        raise SourceError("bad_json", "top level is not an object")
    return data


def _rows(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError("bad_shape", f"{where} is not a list")
    return [row for row in value if isinstance(row, dict)]


def parse_kuaixun(text: str) -> list[dict[str, Any]]:
    """Rows of one rolling-news list page; ``[]`` ends paging."""
    data = unwrap_json(text)
    if str(data.get("rc")) != "1":
        raise SourceError("rc", f"rc={data.get('rc')!r} me={data.get('me')!r}")
    return _rows(data.get("LivesList"), "LivesList")


# The rolling-news lists spider emnews can read (FINEWS_EMNEWS_LISTS).
ROLLING_LISTS = ("fastnews", "kuaixun")
# Where getFastNewsList answers keep their rows: the current key, then the older clients' one.
FASTNEWS_KEYS = ("fastNewsList", "list")


def parse_fastnews(text: str) -> list[dict[str, Any]]:
    """Rows of one getFastNewsList page (sources.md §6.1); ``[]`` ends paging.

    ``data`` holding neither row key is an unknown shape, an error: the list has moved on.
    """
    data = unwrap_json(text)
    if str(data.get("code")) != "1":
        raise SourceError("code", f"code={data.get('code')!r} message={data.get('message')!r}")
    payload = data.get("data")
    if not isinstance(payload, dict):
        raise SourceError("bad_shape", "data is not an object")
    for key in FASTNEWS_KEYS:
        if key in payload:
            return _rows(payload[key], f"data.{key}")
    raise SourceError("bad_shape", f"data has none of {', '.join(FASTNEWS_KEYS)}")


def fastnews_cursor(rows: list[dict[str, Any]]) -> str:
    """``sortEnd`` of the page after ``rows``: the last row's ``realSort`` ("" when it has none)."""
    return str(rows[-1].get("realSort") or "").strip() if rows else ""


def parse_news_columns(text: str) -> list[dict[str, Any]]:
    """Rows of one getNewsByColumns page (plain JSON or JSONP); ``[]`` ends paging."""
    data = unwrap_json(text)
    if str(data.get("code")) != "1":
        raise SourceError("code", f"code={data.get('code')!r} message={data.get('message')!r}")
    payload = data.get("data") or {}
    if not isinstance(payload, dict):
        raise SourceError("bad_shape", "data is not an object")
    return _rows(payload.get("list"), "data.list")


def parse_market(text: str) -> list[dict[str, Any]]:
    """Records of one newmarket channel."""
    data = unwrap_json(text)
    if "record" not in data:
        raise SourceError("bad_shape", "no record list")
    return _rows(data.get("record"), "record")
