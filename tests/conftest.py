from __future__ import annotations

import pytest

from crawler.replay.server import ReplayServer
from tests.support import SAMPLES


@pytest.fixture
def replay():
    """Start a loopback replay over a dataset dict: ``server = replay(dataset)``."""
    servers: list[ReplayServer] = []

    def start(dataset: dict, **options) -> ReplayServer:
        server = ReplayServer(dataset, **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def samples_dir():
    return SAMPLES


@pytest.fixture
def redis_server(tmp_path_factory):
    """A real redis-server of this test alone, on a free loopback port (tests.support.RedisServer)."""
    from tests.support import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
