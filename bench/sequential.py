"""The baseline: the same requests one at a time, a plain ``urllib`` loop (lists, then bodies)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from bench.harness import ReplayProcess


def ordered(served: list[list[str]]) -> list[str]:
    """Paths of a crawl's requests (``[kind, path]`` pairs), every list before any body."""
    return [path for kind, path in served if kind == "list"] + [
        path for kind, path in served if kind != "list"
    ]


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:  # a 404 article page is an answer too
        return exc.read()


def run_sequential(replay: ReplayProcess, served: list[list[str]]) -> float:
    """Wall seconds to read every path in ``served`` from ``replay``, one request at a time."""
    start = time.monotonic()
    for path in ordered(served):
        fetch(replay.url + path)
    return time.monotonic() - start
