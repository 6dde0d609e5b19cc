"""Scrapy's floor: a spider issuing a given list of requests and doing nothing with them.

Run as ``scrapy runspider bench/bare.py -a paths=FILE -s FINEWS_REPLAY_URL=URL``: the
same requests a finews crawl made (read from the replay's log, ``[kind, "/HOST/PATH"]``),
to the same hosts through the same replay routing, under the same settings, with no
parsing, items or writes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import scrapy
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"
    # No pipelines and none of finews' extensions (the archive index, retention, the
    # summary): only Scrapy's own machinery and the shared download path remain.
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        served = json.loads(Path(self.paths).read_text(encoding="utf-8"))
        for _kind, path in served:
            yield scrapy.Request(
                "http:/" + path,
                callback=self.ignore,
                meta={"handle_httpstatus_all": True},
                dont_filter=True,
            )

    def ignore(self, response: Response) -> None:
        return None
