"""Paging: a list page never waits for the bodies of the page before it.

The next page is asked for as soon as a page is parsed, before that page's bodies, so a
backfill keeps its busiest host busy across page boundaries; only FINEWS_MAX_PENDING
(requests pending, each holding its item) holds it back.
"""

from __future__ import annotations

import pytest

from crawler.net.profiles import PROFILES
from crawler.replay.dataset import generate
from tests.support import run_crawl

PER_HOST = PROFILES["backfill"]["FINEWS_HOST_CONCURRENCY"]
BODIES = ("article", "textapi")
# 40 rows in pages of 20: two pages and the empty one that ends the list.
SETTINGS = {"FINEWS_PROFILE": "backfill", "FINEWS_NOW": "2026-11-20T12:00:00",
            "FINEWS_EMNEWS_PAGE_SIZE": 20, "FINEWS_MEDIA_PAGE_SIZE": 20}


def data() -> dict:
    return generate(seed=5, emnews=40, media=40, market=0)


def served_lists(served: list[tuple[str, str]]) -> list[int]:
    """Where each list answer is in the replay's log (answers in the order they were served)."""
    return [i for i, (kind, _) in enumerate(served) if kind == "list"]


def bodies_in(served: list[tuple[str, str]]) -> int:
    return sum(kind in BODIES for kind, _ in served)


@pytest.mark.parametrize("spider, settings", [
    ("emnews", {}),  # the fast-news list (paged by cursor)
    ("emnews", {"FINEWS_EMNEWS_LISTS": "kuaixun"}),  # the kuaixun list (paged by number)
    ("media", {}),
])
def test_the_next_list_page_goes_out_with_the_first_bodies_of_the_page_before(replay, tmp_path, spider,
                                                                               settings):
    # Every answer takes 0.2 s and a host has at most PER_HOST requests open: page 1's bodies
    # are served PER_HOST at a time. Page 2 asked for as soon as page 1 is parsed is served
    # with the first of them; asked for after page 1's body requests (the old chaining) it
    # came after a whole round of them.
    server = replay(data(), latency=0.2)
    run_crawl(spider, server.url, tmp_path, settings={**SETTINGS, **settings})
    served = server.replay.served
    lists = served_lists(served)
    assert len(lists) == 3
    assert bodies_in(served[: lists[1]]) < PER_HOST
    # and no list page waited for the bodies of the page before it to be served
    for page in lists[1:]:
        assert bodies_in(served[page:]) > 0
    assert len(list((tmp_path / "_posts").iterdir())) == 40


def test_the_market_lists_all_go_out_before_any_body(replay, tmp_path):
    server = replay(generate(seed=5, emnews=0, media=0, market=10), latency=0.2)
    run_crawl("market", server.url, tmp_path, settings=SETTINGS)
    served = server.replay.served
    lists = served_lists(served)
    assert len(lists) == 3  # FINEWS_MARKET_TYPES: one list each, no paging
    assert bodies_in(served[: lists[-1]]) < PER_HOST


def test_pending_requests_over_the_cap_hold_the_next_page_until_answers_come(replay, tmp_path):
    # A backfill whose lists outrun its bodies: with at most 5 requests pending, page 2 waits
    # until page 1's bodies are nearly all answered, and nothing is lost by waiting.
    server = replay(data())
    run_crawl("emnews", server.url, tmp_path, settings={**SETTINGS, "FINEWS_MAX_PENDING": 5})
    served = server.replay.served
    lists = served_lists(served)
    assert len(lists) == 3
    assert bodies_in(served[: lists[1]]) >= 20 - 5
    assert bodies_in(served[: lists[2]]) >= 40 - 5
    assert len(list((tmp_path / "_posts").iterdir())) == 40
