"""The README documents every spider and every FINEWS_* setting there is."""

from __future__ import annotations

import re

import crawler.settings as settings
from scrapy.spiderloader import SpiderLoader
from scrapy.settings import Settings

from tests.support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented(name: str) -> bool:
    """``NAME`` itself, or ``_SUFFIX`` on a table row that names its group (``FINEWS_MEDIA_…``)."""
    if f"`{name}`" in README:
        return True
    parts = name.split("_")
    for cut in range(2, len(parts)):
        group, rest = "_".join(parts[:cut]), "_".join(parts[cut:])
        if any(f"`_{rest}`" in line and f"`{group}_" in line for line in README.splitlines()):
            return True
    return False


def test_every_finews_setting_is_in_the_readme():
    names = [n for n in dir(settings) if re.fullmatch(r"FINEWS_[A-Z_]+", n)]
    assert len(names) > 20
    assert [n for n in names if not documented(n)] == []


def test_every_spider_is_in_the_readme():
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": settings.SPIDER_MODULES}))
    spiders = loader.list()
    assert set(spiders) == {"emnews", "media", "market", "share", "feeds"}
    for name in spiders:
        assert f"`scrapy crawl {name}" in README, name
