"""Replay hold_after=K: K bodies answered, later ones held until release(), lists never held."""

from __future__ import annotations

import json
import threading
import time

from tests.support import replay_get as get

DATASET = {
    "kuaixun": [{"id": "1", "title": "t", "showtime": "2026-11-20 10:00:00"}],
    "textapi": {"NW1": {"text": "<p>一</p>"}, "NW2": {"text": "<p>二</p>"}},
    "pages": {"finance.eastmoney.com/a/3.html": "<html>三</html>"},
}
TEXT = "/choicewzp1.eastmoney.com/NewsData/GetNewsText.do?id={}"
PAGE = "/finance.eastmoney.com/a/3.html"
LIST = "/newsapi.eastmoney.com/kuaixun/v1/getlist_102_ajaxResult_50_1_.html"


def wait_for(condition, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_bodies_after_the_first_k_wait_for_release(replay):
    server = replay(DATASET, hold_after=2)
    assert get(server, TEXT.format("NW1")) == (200, '{"text": "<p>一</p>"}'.encode())
    assert get(server, TEXT.format("NW2"))[0] == 200
    answers: dict[str, tuple[int, bytes]] = {}
    waiting = [threading.Thread(target=lambda p=p: answers.update({p: get(server, p)}), daemon=True)
               for p in (PAGE, TEXT.format("NW1"))]
    for thread in waiting:
        thread.start()
    wait_for(lambda: server.replay.held == 2)
    time.sleep(0.2)
    assert answers == {}  # held, not answered
    assert get(server, LIST)[0] == 200  # lists are never held
    report = json.loads(get(server, "/_replay/counts")[1])
    assert report["held"] == 2 and report["counts"] == {"textapi": 2, "list": 1}

    server.replay.release()
    for thread in waiting:
        thread.join(5)
    assert answers[PAGE] == (200, "<html>三</html>".encode())
    assert answers[TEXT.format("NW1")][0] == 200
    assert get(server, TEXT.format("NW2"), timeout=1)[0] == 200  # after release nothing waits
    assert server.replay.held == 0
    assert server.counts == {"textapi": 4, "article": 1, "list": 1}


def test_without_hold_after_nothing_waits(replay):
    server = replay(DATASET)
    for _ in range(5):
        assert get(server, PAGE, timeout=1)[0] == 200
    assert "held" not in json.loads(get(server, "/_replay/counts")[1])
