"""A feed's stand-in in the coordinator: its items come from the workers, not the web.

One collector crawler per distributed feed, named as the feed, so its stats, summary row,
health monitors, history and exit code are what ``crawlall`` has always made of them. Its
``start()`` drains the feed's inbox (crawler.distributed.messages) into the usual
``ITEM_PIPELINES`` and ArchiveState, and ends once the feed's queue has no pending and no
leased entry, no worker is still on the feed, and the inbox is empty. If Redis goes away it
stops at once, after the last item it had taken (``lost`` says why): a whole post or none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import redis
import scrapy

from crawler.archive.items import Article
from crawler.distributed import codec, keys, messages
from crawler.distributed.connection import error_text, redis_client
from crawler.run.extensions import ArchiveState

POLL_SECONDS = 0.05


class Collector(scrapy.Spider):
    """Subclassed per feed by ``collector_for`` (``name`` = the feed, ``run_id`` = the run)."""

    run_id = ""
    lost = ""  # why Redis could no longer be used, if it went away mid-run

    async def start(self) -> AsyncIterator[Article]:
        client = redis_client(self.settings.get("FINEWS_REDIS_URL"))
        try:
            async for article in self.collect(client):
                yield article
        except (redis.RedisError, OSError) as error:
            self.lost = error_text(error, self.settings.get("FINEWS_REDIS_URL"))
            self.crawler.stats.set_value("finews/redis_lost", 1)
            self.logger.error("lost Redis mid-run (%s): %s stops collecting", self.lost, self.name)
        finally:
            client.close()

    async def collect(self, client: redis.Redis) -> AsyncIterator[Article]:
        """The feed's items, until the feed is done; the other messages are acted on here."""
        prefix = keys.prefix_of(self.settings)
        inbox = keys.inbox_key(prefix, self.name)
        state = self.crawler.get_extension(ArchiveState)
        # Validators of documents read whole, recorded only once the feed is done: a run
        # that loses Redis first may not have archived their pages, which a 304 would skip.
        whole: dict[str, tuple[str, str]] = {}
        while True:
            try:
                message = messages.receive(client, inbox)
            except codec.ForeignEntry as foreign:
                self.crawler.stats.inc_value(f"finews/queue/dropped/inbox_{foreign.reason}")
                self.logger.warning("dropped a message of %s, not one of ours (%s)", inbox, foreign)
                continue
            if message is None:
                if self.feed_done(client, prefix) and not client.llen(inbox):
                    for url, (etag, last_modified) in whole.items():
                        state.read_whole(url, etag, last_modified)
                    return
                await asyncio.sleep(POLL_SECONDS)
            elif message["kind"] == messages.ITEM:
                yield message["article"]
            elif message["kind"] == messages.DROPPED:
                state.dropped(message["id"], message["row_sig"], message["reason"])
            elif message["kind"] == messages.ADOPT:
                state.adopt_row(message["id"], message["row_sig"])
            elif message["kind"] == messages.WHOLE:
                whole[message["url"]] = (message["etag"], message["last_modified"])
            elif message["kind"] == messages.PARTLY:
                whole.pop(message["url"], None)
                state.read_partly(message["url"])
            elif message["kind"] == messages.ALIAS:
                state.alias(message["id"], message["canonical"])
            else:
                for key, value in message["values"].items():
                    self.crawler.stats.inc_value(key, value)

    def feed_done(self, client: redis.Redis, prefix: str) -> bool:
        """No entry pending or leased, and no worker still on the feed (a killed one's key expires)."""
        queue = keys.queue_key(prefix, self.name)
        with client.pipeline(transaction=False) as pipe:
            pending, leased = pipe.zcard(f"{queue}:pending").zcard(f"{queue}:leases").execute()
        if pending or leased:
            return False
        return next(client.scan_iter(match=keys.active_key(prefix, self.run_id, self.name), count=1000), None) is None


def collector_for(feed: str, run_id: str) -> type[Collector]:
    return type(f"{feed.title()}Collector", (Collector,), {"name": feed, "run_id": run_id})
