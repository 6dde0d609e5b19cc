"""JSON, never pickle, for requests in the shared Redis queue (docs/scale-out.md, "No pickle").

Anyone who can write to Redis can put an entry in a queue, and scrapy-redis' default
serializer unpickles it: running code of their choosing on every worker. This codec is a
``SCHEDULER_SERIALIZER``: ``dumps`` takes the dict of ``Request.to_dict(spider=…)`` and
writes JSON (the body in base64; meta and cb_kwargs must be plain JSON or ``dumps``
refuses), and ``loads`` gives back such a dict only from JSON of exactly that shape, else
raises ``ForeignEntry``. ``check_request_dict`` then holds a decoded entry to the spider:
callbacks that are its own methods, URLs on its hosts.

The spiders' ``cb_kwargs`` carry ``Article`` items: a top-level cb_kwargs value that is one
travels as tagged plain data (``{"finews_article": {field: value}}``, ``article_data``)
and comes back an ``Article``; items sent to the coordinator use the same form. A
``published`` datetime (a feed entry's) travels tagged too (``{"finews_datetime": ISO}``),
so it comes back the same instant, not a string to parse again.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import math
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy

from crawler.archive.items import Article

# Marks an entry as ours, and its layout, should it ever change.
FORMAT = 1

# Request fields and the JSON types they must have; a Request subclass (``_class``) is not
# among them: decoding one would import whatever module an entry names.
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "url": str, "method": str, "headers": dict, "body": str, "callback": (str, type(None)),
    "errback": (str, type(None)), "cookies": (dict, list), "meta": dict, "encoding": str,
    "priority": int, "dont_filter": bool, "flags": list, "cb_kwargs": dict,
}
_SCHEMES = frozenset({"http", "https"})
# Meta keys by which Scrapy connects elsewhere than the URL's host (or from another address).
_REROUTING_META = frozenset({"proxy", "_auth_proxy", "bindaddress"})


# The tag of an Article carried as plain data, and the fields it may hold with their types.
ARTICLE_TAG = "finews_article"
DATETIME_TAG = "finews_datetime"
_ARTICLE_FIELDS: dict[str, type | tuple[type, ...]] = {
    name: (str, dict, type(None)) if name == "published" else (list if name == "tags" else str)
    for name in Article.__dataclass_fields__
}


class ForeignEntry(ValueError):
    """A queue entry that is not one of our JSON requests; ``reason`` names why, short
    enough for a stats key (``not_json``, ``not_a_request``, ``bad_field``,
    ``unknown_callback``, ``foreign_url``)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class UnencodableRequest(ValueError):
    """A request that JSON cannot carry whole (meta holding an object, a tuple, …): refused
    rather than queued with part of it silently changed or lost."""


def dumps(obj: dict[str, Any]) -> bytes:
    """The JSON of a ``Request.to_dict`` dict; raises UnencodableRequest for anything that
    would not come back equal."""
    if "_class" in obj:
        raise UnencodableRequest(f"{obj['_class']} requests cannot be queued: only scrapy.Request")
    unknown = set(obj) - set(_FIELDS)
    if unknown:
        raise UnencodableRequest(f"request fields {sorted(unknown)} cannot be queued")
    cb_kwargs = {key: article_data(value) if isinstance(value, Article) else value
                 for key, value in obj["cb_kwargs"].items()}
    obj = {**obj, "cb_kwargs": cb_kwargs}
    for name in ("cookies", "meta", "cb_kwargs"):
        _check_plain(obj[name], name)
    entry = {name: obj[name] for name in _FIELDS}
    entry["headers"] = {_text(key): [_text(value) for value in values] for key, values in obj["headers"].items()}
    entry["body"] = base64.b64encode(obj["body"]).decode("ascii")
    entry["finews"] = FORMAT
    return json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict of an entry ``dumps`` wrote, ready for ``request_from_dict``;
    ForeignEntry for anything else. Never evaluates the entry, whatever it holds."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        entry = json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ForeignEntry("not_json") from None
    if not isinstance(entry, dict) or entry.get("finews") != FORMAT:
        raise ForeignEntry("not_a_request")
    fields = set(entry) - {"finews"}
    if fields != set(_FIELDS):
        raise ForeignEntry("bad_field", f"fields {sorted(fields ^ set(_FIELDS))}")
    for name, kind in _FIELDS.items():
        value = entry[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ForeignEntry("bad_field", name)
    headers = entry["headers"]
    if not all(isinstance(values, list) and all(isinstance(v, str) for v in values) for values in headers.values()):
        raise ForeignEntry("bad_field", "headers")
    if not all(isinstance(flag, str) for flag in entry["flags"]):
        raise ForeignEntry("bad_field", "flags")
    try:
        body = base64.b64decode(entry["body"], validate=True)
        entry["headers"] = {key.encode("latin-1"): [v.encode("latin-1") for v in values]
                            for key, values in headers.items()}
    except (binascii.Error, UnicodeEncodeError):
        raise ForeignEntry("bad_field", "body or headers") from None
    entry["body"] = body
    entry["cb_kwargs"] = {key: _maybe_article(value) for key, value in entry["cb_kwargs"].items()}
    del entry["finews"]
    return entry


def article_data(article: Article) -> dict[str, Any]:
    """``article`` as tagged plain JSON data (UnencodableRequest if a field is not plain)."""
    fields = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    if isinstance(fields["published"], datetime):
        fields["published"] = {DATETIME_TAG: fields["published"].isoformat()}
    _check_plain(fields, "article")
    return {ARTICLE_TAG: fields}


def article_from_data(data: Any) -> Article:
    """The Article of ``article_data``'s output; ForeignEntry for anything else."""
    fields = data.get(ARTICLE_TAG) if isinstance(data, dict) and len(data) == 1 else None
    if not isinstance(fields, dict) or set(fields) != set(_ARTICLE_FIELDS):
        raise ForeignEntry("bad_field", "article")
    for name, kind in _ARTICLE_FIELDS.items():
        if not isinstance(fields[name], kind):
            raise ForeignEntry("bad_field", f"article {name}")
    if not all(isinstance(tag, str) for tag in fields["tags"]):
        raise ForeignEntry("bad_field", "article tags")
    if isinstance(fields["published"], dict):
        fields["published"] = _datetime_from_data(fields["published"])
    return Article(**fields)


def _datetime_from_data(data: dict[str, Any]) -> datetime:
    """The datetime of ``{"finews_datetime": ISO}``; ForeignEntry for anything else."""
    text = data.get(DATETIME_TAG) if len(data) == 1 else None
    if isinstance(text, str):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ForeignEntry("bad_field", "article published")


def _maybe_article(value: Any) -> Any:
    """An Article for a tagged value, any other value as it is."""
    return article_from_data(value) if isinstance(value, dict) and ARTICLE_TAG in value else value


def check_request_dict(d: dict[str, Any], spider: scrapy.Spider, allowed_hosts: set[str] | None) -> None:
    """ForeignEntry unless ``d`` (from ``loads``) is a request this spider could have made:
    callback and errback name its own methods (``request_from_dict`` would otherwise call
    whatever attribute an entry names), and the URL is http(s) on ``allowed_hosts``
    (None: any host; ``.example.com`` allows every host under example.com) with no meta routing it through another host (``proxy``);
    then the spider's own ``check_queued(d)``, if it has one."""
    for name in ("callback", "errback"):
        if d[name] is not None and not _is_callback(spider, d[name]):
            raise ForeignEntry("unknown_callback", f"{name} {d[name][:80]!r}")
    try:
        parts = urlsplit(d["url"])
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ForeignEntry("foreign_url", "unparsable URL") from None
    if parts.scheme not in _SCHEMES or not host:
        raise ForeignEntry("foreign_url", f"scheme {parts.scheme!r}")
    if allowed_hosts is not None and not _host_allowed(host, allowed_hosts):
        raise ForeignEntry("foreign_url", f"host {host[:80]!r}")
    # Meta that sends the request somewhere else than its URL's host.
    rerouted = _REROUTING_META.intersection(d["meta"])
    if rerouted:
        raise ForeignEntry("foreign_url", f"meta {sorted(rerouted)}")
    check_queued = getattr(spider, "check_queued", None)
    if check_queued is not None:  # what only the spider can tell (a source it knows, …)
        check_queued(d)


def _host_allowed(host: str, allowed_hosts: set[str]) -> bool:
    for allowed in allowed_hosts:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def _is_callback(spider: scrapy.Spider, name: str) -> bool:
    """Whether ``name`` is a method the spider itself defines (or ``parse``): not a dotted
    path, not a dunder, not Scrapy's own Spider machinery (``close``, ``start``, …)."""
    if not name.isidentifier() or name.startswith("__"):
        return False
    if name != "parse" and hasattr(scrapy.Spider, name):
        return False
    return inspect.ismethod(getattr(spider, name, None))


def _check_plain(value: Any, path: str) -> None:
    """Raise UnencodableRequest unless ``value`` is plain JSON: dicts with str keys, lists,
    str, int, finite float, bool, None (a tuple would come back a list, an int key a str)."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnencodableRequest(f"{path} is {value}, which JSON cannot carry")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_plain(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise UnencodableRequest(f"{path} has the non-string key {key!r}, which JSON cannot carry")
            _check_plain(item, f"{path}[{key!r}]")
        return
    raise UnencodableRequest(f"{path} holds a {type(value).__name__}, which JSON cannot carry: {value!r:.80}")


def _text(value: bytes | str) -> str:
    """A header name or value as JSON text: latin-1 maps every byte to one character and back."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
