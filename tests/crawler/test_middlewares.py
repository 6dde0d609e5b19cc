"""Retry backoff: how long a retried request waits before it goes out again."""

from crawler.net.middlewares import backoff_seconds


def test_backoff_doubles_per_retry_up_to_the_cap():
    assert [backoff_seconds(n, 1.0, 30.0) for n in range(0, 7)] == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0]


def test_backoff_is_jittered_and_off_when_the_base_is_zero():
    assert backoff_seconds(2, 1.0, 30.0, jitter=0.5) == 1.0
    assert backoff_seconds(3, 0.0, 30.0) == 0.0
