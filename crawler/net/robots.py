"""robots.txt for every request that waits for it, not only the first.

Scrapy's RobotsTxtMiddleware keeps a Deferred per host while its robots.txt is fetched, and
each waiting request awaits it; awaiting a Deferred consumes its result, so only the first
waiter gets the parser and the others get None, which Scrapy reads as "no robots.txt: all
allowed". A second page of a host asked for before its robots.txt arrived went out
unchecked (distributed workers, which take many pages of one host at once, hit it often).
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's, with the host's parser (or its None for a robots.txt that failed) once known."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        return parser if parser is not None else self._parsers.get(urlparse_cached(request).netloc)
