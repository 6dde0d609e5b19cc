"""The crawl process freezes its start-up heap and collects its young generation less often."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

import crawler.gctune as gctune
from tests.support import project_settings


@pytest.fixture
def clean_gc(monkeypatch):
    monkeypatch.setattr(gctune, "_done", False)
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_engine_start_freezes_once_and_raises_the_threshold(clean_gc):
    crawler = get_crawler(settings_dict=project_settings(FINEWS_GC_THRESHOLD=4321))
    tuning = gctune.GcTuning.from_crawler(crawler)
    tuning.engine_started()
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    assert gc.get_threshold()[0] == 4321
    tuning.engine_started()  # a second feed's engine: nothing more is frozen
    assert gc.get_freeze_count() == frozen


def test_zero_leaves_the_collector_alone(clean_gc):
    crawler = get_crawler(settings_dict=project_settings(FINEWS_GC_THRESHOLD=0))
    with pytest.raises(NotConfigured):
        gctune.GcTuning.from_crawler(crawler)
