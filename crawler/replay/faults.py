"""Fault modes of the replay: the ways the real sources misbehave (sources.md §5), on demand.

Each request is decided by a hash of ``(seed, path, attempt)``, so a run with the same seed
meets the same faults in the same places, whatever the order or timing of its requests;
``attempt`` is how many times the replay has answered that path before. A path fails at
most ``max_failures_per_path`` times, so a client that retries enough always gets through.

Variants (the JS wrapper without its ``;``, JSONP, a JS-assigned text API answer) are not
failures: they are valid answers in another shape, chosen per path, never counted in K.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters clients add against caches: not part of what a path *is*.
VOLATILE_PARAMS = frozenset({"req_trace", "r", "_"})
ERROR_STATUSES = (500, 502, 503, 504)
ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>系统繁忙</title></head>"
    "<body><h1>系统繁忙，请稍后再试</h1><p>Service temporarily unavailable.</p></body></html>"
)

# Fault kinds, in the order their shares are laid out on [0, 1).
ERROR = "error"        # a 5xx status
TRUNCATE = "truncate"  # Content-Length promises the whole body, half is sent, connection closed
HTML_ERROR = "html200"  # an HTML error page with status 200
RC_ERROR = "rc"        # list JSON with rc≠1 / code≠"1" (list endpoints only)
SLOW = "slow"          # the right answer, after slow_seconds
KINDS = (ERROR, TRUNCATE, HTML_ERROR, RC_ERROR, SLOW)
_RATES = {ERROR: "error_rate", TRUNCATE: "truncate_rate", HTML_ERROR: "html_error_rate",
          RC_ERROR: "rc_error_rate", SLOW: "slow_rate"}


def fault_key(raw_path: str) -> str:
    """The path a fault is decided on: the request path without cache-busting parameters."""
    parts = urlsplit(raw_path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in VOLATILE_PARAMS]
    return parts.path + ("?" + urlencode(query) if query else "")


def unit(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts`` (the same on every run and machine)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class Faults:
    """Shares of requests answered with each fault, and the bounds that keep them survivable."""

    seed: int = 0
    error_rate: float = 0.0
    truncate_rate: float = 0.0
    html_error_rate: float = 0.0
    rc_error_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    variant_rate: float = 0.0
    max_failures_per_path: int = 2

    def __post_init__(self) -> None:
        rates = [self.rate(kind) for kind in KINDS]
        if any(r < 0 for r in rates) or sum(rates) > 1 or not 0 <= self.variant_rate <= 1:
            raise ValueError(f"fault rates must be >= 0 and add up to at most 1: {self}")
        if self.max_failures_per_path < 0 or self.slow_seconds < 0:
            raise ValueError("max_failures_per_path and slow_seconds must be >= 0")

    @property
    def active(self) -> bool:
        return any(self.rate(kind) for kind in KINDS) or self.variant_rate > 0

    def rate(self, kind: str) -> float:
        return getattr(self, _RATES[kind])

    def decide(self, key: str, attempt: int, failures: int, is_list: bool) -> str | None:
        """The fault for answer number ``attempt`` (0-based) of ``key``, or None.

        ``failures``: faults already served for ``key``; at ``max_failures_per_path`` the
        path answers normally from then on. ``rc`` applies to list endpoints only (its
        share is a normal answer elsewhere).
        """
        if failures >= self.max_failures_per_path:
            return None
        draw = unit(self.seed, key, attempt)
        edge = 0.0
        for kind in KINDS:
            edge += self.rate(kind)
            if draw < edge:
                return kind if (kind != RC_ERROR or is_list) else None
        return None

    def variant(self, key: str) -> bool:
        """Is ``key`` answered in its other valid shape (same on every attempt)?"""
        return unit(self.seed, key, "variant") < self.variant_rate


# Endpoints the replay can kill outright (``--dead KIND[:HOW]``), so a demo or a test shows
# what finews does when a source is gone: a failover, a fallback, or a failed feed.
ENDPOINTS = ("fastnews", "kuaixun", "columns", "market", "textapi", "article")
# How a dead endpoint answers: an HTTP status (404 unless told), an HTML error page with
# status 200, or a list answer with rc≠1 / code≠"1".
DEAD_HTML, DEAD_CODE = "html", "code"


def dead_endpoints(specs: Iterable[str]) -> dict[str, str]:
    """``["fastnews", "kuaixun:503"]`` → ``{"fastnews": "404", "kuaixun": "503"}``.

    Raises ValueError naming an unknown endpoint or answer.
    """
    dead = {}
    for spec in specs:
        kind, _, how = spec.strip().partition(":")
        how = how or "404"
        if kind not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {kind!r}; expected one of {', '.join(ENDPOINTS)}")
        if how not in (DEAD_HTML, DEAD_CODE) and not (how.isdigit() and 400 <= int(how) <= 599):
            raise ValueError(f"{spec!r}: a dead endpoint answers an HTTP status 400-599, html or code")
        dead[kind] = how
    return dead
