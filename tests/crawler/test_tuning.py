"""A crawl process freezes its start-up heap, collects less often and builds no hidden log records."""

from __future__ import annotations

import gc
import logging

import pytest
from scrapy.utils.test import get_crawler

import crawler.run.tuning as tuning
from tests.support import project_settings


@pytest.fixture
def restored(monkeypatch):
    monkeypatch.setattr(tuning, "_done", False)
    threshold, level = gc.get_threshold(), logging.root.level
    levels = {lg: lg.level for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)}
    logging.root.setLevel(logging.NOTSET)
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    logging.root.setLevel(level)
    for logger, before in levels.items():
        logger.setLevel(before)
    logging.getLogger("scrapy").setLevel(levels.get(logging.getLogger("scrapy"), logging.NOTSET))


def started(**settings) -> tuning.ProcessTuning:
    extension = tuning.ProcessTuning.from_crawler(get_crawler(settings_dict=project_settings(**settings)))
    extension.engine_started()
    return extension


def test_engine_start_freezes_once_raises_the_threshold_and_the_root_level(restored):
    scrapy_logger = logging.getLogger("scrapy")
    scrapy_logger.setLevel(logging.DEBUG)  # as Scrapy's configure_logging leaves it
    extension = started(FINEWS_GC_THRESHOLD=4321, LOG_LEVEL="INFO")
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    assert gc.get_threshold()[0] == 4321
    assert logging.root.level == logging.INFO
    assert not logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
    assert scrapy_logger.level == logging.INFO
    extension.engine_started()  # a second feed's engine: nothing more is frozen
    assert gc.get_freeze_count() == frozen


def test_zero_threshold_leaves_the_collector_alone_and_debug_stays_debug(restored):
    threshold = gc.get_threshold()
    started(FINEWS_GC_THRESHOLD=0, LOG_LEVEL="DEBUG")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
    assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)


def test_a_crawl_loads_neither_port_opening_extension():
    """No telnet console, no remote-control server, and not even their modules (aiohttp's
    server alone was a third of an empty crawl's clock)."""
    import subprocess
    import sys

    from tests.support import ROOT

    probe = ("import sys\n"
             "from scrapy.utils.project import get_project_settings\n"
             "from scrapy.crawler import Crawler\n"
             "from scrapy.utils.reactor import install_reactor\n"
             "install_reactor(get_project_settings()['TWISTED_REACTOR'])\n"
             "from spiders.emnews import EmnewsSpider\n"
             "crawler = Crawler(EmnewsSpider, get_project_settings())\n"
             "crawler._apply_settings()\n"
             "names = [type(e).__name__ for e in crawler.extensions.middlewares]\n"
             "print(sorted(names))\n"
             "print([m for m in ('scrapy.extensions.remote_control', 'scrapy.extensions.telnet', 'aiohttp')"
             " if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded, imported = out.strip().splitlines()
    assert "ArchiveState" in loaded and "CoreStats" in loaded
    assert "RemoteControl" not in loaded and "TelnetConsole" not in loaded
    assert imported == "[]"
