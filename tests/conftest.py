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
