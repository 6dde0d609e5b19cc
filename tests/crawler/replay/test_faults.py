"""Replay fault modes: deterministic per seed, bounded per path, served as real HTTP faults."""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter

import pytest

from crawler.parsers import SourceError
from crawler.parsers.lists import parse_kuaixun, parse_news_columns
from crawler.replay.__main__ import faults_from, parse_args
from crawler.replay.faults import ERROR, HTML_ERROR, RC_ERROR, SLOW, TRUNCATE, Faults, fault_key
from crawler.replay.server import Replay
from tests.support import replay_get as get

MIXED = Faults(seed=7, error_rate=0.2, truncate_rate=0.05, html_error_rate=0.05,
               rc_error_rate=0.05, slow_rate=0.05, max_failures_per_path=2)
ROW = {"code": "202611200000000001", "showTime": "2026-11-20 10:00:00", "title": "t", "mediaName": "m"}
DATASET = {"kuaixun": [{"id": "1", "title": "t", "showtime": "2026-11-20 10:00:00"}],
           "columns": {"350": [ROW]}}
KUAIXUN = "/newsapi.eastmoney.com/kuaixun/v1/getlist_102_ajaxResult_50_1_.html"
COLUMNS = "/np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=350&page_index=1&page_size=50"


def decisions(faults: Faults, paths: list[str], attempts: int = 4) -> list[str | None]:
    out = []
    for path in paths:
        failed = 0
        for attempt in range(attempts):
            fault = faults.decide(path, attempt, failed, is_list=True)
            failed += fault is not None
            out.append(fault)
    return out


def test_same_seed_same_faults_other_seed_other_faults():
    paths = [f"/h/a/{i}.html" for i in range(300)]
    assert decisions(MIXED, paths) == decisions(Faults(**{**MIXED.__dict__}), paths)
    assert decisions(MIXED, paths) != decisions(Faults(**{**MIXED.__dict__, "seed": 8}), paths)


def test_a_path_fails_at_most_k_times_then_answers():
    faults = Faults(seed=1, error_rate=1.0, max_failures_per_path=2)
    assert decisions(faults, ["/h/x"], attempts=5) == [ERROR, ERROR, None, None, None]


def test_shares_follow_the_rates_and_rc_only_hits_lists():
    paths = [f"/h/a/{i}.html" for i in range(4000)]
    first = Counter(MIXED.decide(p, 0, 0, is_list=True) for p in paths)
    for kind, rate in ((ERROR, 0.2), (TRUNCATE, 0.05), (HTML_ERROR, 0.05), (RC_ERROR, 0.05), (SLOW, 0.05)):
        assert abs(first[kind] / len(paths) - rate) < 0.02, (kind, first[kind])
    assert not any(MIXED.decide(p, 0, 0, is_list=False) == RC_ERROR for p in paths)


def test_cache_busting_parameters_are_not_part_of_the_path():
    assert fault_key("/h/p?column=350&req_trace=1700000000000") == fault_key("/h/p?column=350&req_trace=2")
    assert fault_key("/h/p?column=350") != fault_key("/h/p?column=351")


@pytest.mark.parametrize("bad", [{"error_rate": 0.7, "slow_rate": 0.7}, {"error_rate": -0.1},
                                 {"max_failures_per_path": -1}])
def test_impossible_settings_are_refused(bad):
    with pytest.raises(ValueError):
        Faults(**bad)


def test_cli_flags_build_the_faults():
    args = parse_args(["--seed", "5", "--error-rate", "0.2", "--truncate-rate", "0.05", "--slow-rate",
                       "0.1", "--slow-seconds", "0.5", "--html-error-rate", "0.05", "--rc-error-rate",
                       "0.02", "--variant-rate", "0.5", "--max-failures", "1"])
    assert faults_from(args) == Faults(seed=5, error_rate=0.2, truncate_rate=0.05, html_error_rate=0.05,
                                       rc_error_rate=0.02, slow_rate=0.1, slow_seconds=0.5,
                                       variant_rate=0.5, max_failures_per_path=1)



def test_server_serves_each_fault_then_the_real_answer(replay):
    for fault, field in ((ERROR, "error_rate"), (HTML_ERROR, "html_error_rate"), (RC_ERROR, "rc_error_rate")):
        server = replay(DATASET, faults=Faults(**{field: 1.0, "max_failures_per_path": 1}))
        status, body = get(server, KUAIXUN)
        if fault == ERROR:
            assert status >= 500
        else:
            assert status == 200
            with pytest.raises(SourceError, match="html_error" if fault == HTML_ERROR else "rc"):
                parse_kuaixun(body.decode())
        status, body = get(server, KUAIXUN)  # K = 1: the second answer is the real one
        assert status == 200 and parse_kuaixun(body.decode())[0]["id"] == "1"
        assert server.faults == {fault: 1}
        assert server.counts["list"] == 2


def test_truncated_answer_promises_more_than_it_sends(replay):
    server = replay(DATASET, faults=Faults(truncate_rate=1.0, max_failures_per_path=1))
    with pytest.raises(http.client.IncompleteRead):
        get(server, KUAIXUN)
    assert get(server, KUAIXUN)[0] == 200
    assert json.loads(get(server, "/_replay/counts")[1])["faults"] == {"truncate": 1}


def test_slow_answer_is_late_but_whole(replay):
    server = replay(DATASET, faults=Faults(slow_rate=1.0, slow_seconds=0.3, max_failures_per_path=1))
    started = time.monotonic()
    status, body = get(server, KUAIXUN)
    assert time.monotonic() - started >= 0.3
    assert status == 200 and parse_kuaixun(body.decode())


def test_variants_are_valid_other_shapes():
    replay = Replay(DATASET, faults=Faults(variant_rate=1.0))
    kuaixun = replay.answer(KUAIXUN).body.decode()
    columns = replay.answer(COLUMNS).body.decode()
    assert not kuaixun.rstrip().endswith(";") and parse_kuaixun(kuaixun)[0]["id"] == "1"
    assert columns.startswith("jQuery") and parse_news_columns(columns)[0]["code"] == ROW["code"]
    assert replay.faults_served == {}
