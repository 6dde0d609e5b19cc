"""Redis unreachable or refusing us: one clear line, the URL shown, the password never."""

from __future__ import annotations

import socket
import threading

import pytest

from crawler.distributed.connection import RedisUnavailable, check_redis, mask_url
from tests.support import RedisServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def failure(url: str) -> str:
    with pytest.raises(RedisUnavailable) as caught:
        check_redis(url)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("url", "masked"), [
    ("redis://:hunter2@127.0.0.1:6390/0", "redis://:***@127.0.0.1:6390/0"),
    ("rediss://app:hunter2@redis.example.org:6380/2", "rediss://app:***@redis.example.org:6380/2"),
    ("redis://127.0.0.1:6390/0?password=hunter2&db=1", "redis://127.0.0.1:6390/0?password=***&db=1"),
    ("redis://127.0.0.1:6390/0", "redis://127.0.0.1:6390/0"),
])
def test_mask_url(url, masked):
    assert mask_url(url) == masked


def test_closed_port_is_one_line_naming_the_url():
    port = free_port()
    message = failure(f"redis://:hunter2@127.0.0.1:{port}/0")
    assert message == f"cannot reach Redis at redis://:***@127.0.0.1:{port}/0: Connection refused"


def test_wrong_or_missing_password(tmp_path):
    server = RedisServer(tmp_path, password="s3cret").start()
    try:
        wrong = failure(f"redis://:hunter2@127.0.0.1:{server.port}/0")
        assert wrong.startswith(f"cannot reach Redis at redis://:***@127.0.0.1:{server.port}/0: ")
        assert "WRONGPASS" in wrong and "hunter2" not in wrong and "s3cret" not in wrong
        missing = failure(f"redis://127.0.0.1:{server.port}/0")
        assert "NOAUTH" in missing and "s3cret" not in missing
        assert check_redis(server.url).ping()
    finally:
        server.stop()


def test_tls_failure_is_one_line(tmp_path):
    """rediss:// to a peer that does not speak TLS (here: answers plain text and hangs up)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_plain_text():
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"-ERR this is not TLS\r\n" * 8)

    thread = threading.Thread(target=answer_plain_text, daemon=True)
    thread.start()
    try:
        message = failure(f"rediss://:hunter2@127.0.0.1:{port}/0")
    finally:
        listener.close()
    assert message.startswith(f"cannot reach Redis at rediss://:***@127.0.0.1:{port}/0: ")
    assert "SSL" in message and "hunter2" not in message
