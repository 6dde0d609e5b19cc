"""A failed request in the words a person acts on: DNS, refused, timeout, HTTP status.

``unresolved:`` lines and list errors name the real cause, which otherwise hides in
earlier log lines behind an exception class name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
    DownloadTimeoutError, IgnoreRequest, ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, DNSLookupError, TimeoutError as TwistedTimeout
from twisted.python.failure import Failure


def failure_reason(failure: Failure) -> str:
    """A short stat key for the failure: ``dns``, ``refused``, ``timeout``, ``http_503``, …"""
    value = failure.value
    if isinstance(value, HttpError):
        return f"http_{value.response.status}"
    if isinstance(value, IgnoreRequest) and "robots.txt" in str(value):  # RobotsTxtMiddleware's refusal
        return "robots"
    for kinds, key in _KINDS:
        if isinstance(value, kinds):
            return key
    return type(value).__name__


def describe_failure(failure: Failure) -> str:
    """One phrase naming what went wrong and where, e.g. ``DNS lookup failed for example.com``."""
    value = failure.value
    request = getattr(failure, "request", None)
    host = urlsplit(request.url).netloc if request is not None else "the host"
    key = failure_reason(failure)
    if key.startswith("http_"):
        return f"HTTP {value.response.status} from {host}"
    phrase = _PHRASES.get(key)
    if phrase:
        return phrase.format(host=host)
    return f"{type(value).__name__} at {host}: {value}".rstrip(": ")


_KINDS: tuple[tuple[tuple[type, ...], str], ...] = (
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "refused"),
    ((DownloadTimeoutError, TwistedTimeout, TimeoutError), "timeout"),
    ((ResponseDataLossError, ConnectionLost), "cut_short"),
    ((DownloadCancelledError,), "cancelled"),
)
_PHRASES = {
    "dns": "DNS lookup failed for {host}",
    "refused": "connection refused by {host}",
    "timeout": "timeout waiting for {host}",
    "cut_short": "connection to {host} cut short",
    "cancelled": "download from {host} cancelled (too large)",
    "robots": "robots.txt of {host} disallows it",
}
