"""Workers do not run their spiders' ``start()``: the coordinator seeds the shared queue
once per run; a worker's own start requests would list every feed again per worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any


class SkipStart:
    """Spider middleware: the start requests of a worker's spider are none."""

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        return
        yield
