"""What workers tell the coordinator, the archive's only writer: items, and the state
ArchiveState would have written (drop memory, adopted row signatures, feed validators and
aliases) plus each spider's
``finews/`` stats for the summary. JSON on a per-feed Redis list, never pickle."""

from __future__ import annotations

import json
from typing import Any

import redis

from crawler.archive.items import Article
from crawler.distributed import codec

ITEM, DROPPED, ADOPT, STATS = "item", "dropped", "adopt", "stats"
# The feeds spider's index writes: a document read whole (its validators), or partly; an alias.
WHOLE, PARTLY, ALIAS = "whole", "partly", "alias"
# The text fields each of the other kinds must have.
_FIELDS = {DROPPED: ("id", "row_sig", "reason"), ADOPT: ("id", "row_sig"), WHOLE: ("url", "etag", "last_modified"),
           PARTLY: ("url",), ALIAS: ("id", "canonical")}


def item_message(article: Article) -> dict[str, Any]:
    return {"kind": ITEM, "article": codec.article_data(article)}


def send(client: redis.Redis, key: str, message: dict[str, Any]) -> None:
    client.rpush(key, json.dumps(message, ensure_ascii=False, allow_nan=False))


def receive(client: redis.Redis, key: str) -> dict[str, Any] | None:
    """The oldest message, or None when there is none. A message not of our shape raises
    codec.ForeignEntry (the caller counts it) rather than being acted on."""
    data = client.lpop(key)
    if data is None:
        return None
    try:
        message = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise codec.ForeignEntry("not_json") from None
    if not isinstance(message, dict) or message.get("kind") not in (ITEM, STATS, *_FIELDS):
        raise codec.ForeignEntry("not_a_message")
    if message["kind"] == ITEM:
        message["article"] = codec.article_from_data(message.get("article"))
    elif message["kind"] == STATS:
        values = message.get("values")
        if not isinstance(values, dict) or not all(
                isinstance(k, str) and k.startswith("finews/") and type(v) is int for k, v in values.items()):
            raise codec.ForeignEntry("bad_field", "stats")
    elif not all(isinstance(message.get(name), str) for name in _FIELDS[message["kind"]]):
        raise codec.ForeignEntry("bad_field", message["kind"])
    return message
