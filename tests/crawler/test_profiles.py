"""Run profiles: a preset over settings.py that an explicit -s still overrides."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler.net.profiles import PROFILES, ProfileAddon
from tests.support import project_settings


def applied(**cmdline) -> Settings:
    settings = Settings(project_settings(), priority="project")
    settings.setdict(cmdline, priority="cmdline")
    ProfileAddon().update_settings(settings)
    return settings


def test_default_profile_is_settings_py_as_it_is():
    assert PROFILES["default"] == {}
    settings = applied()
    assert settings.getint("FINEWS_HOST_CONCURRENCY") == 4
    assert settings.getfloat("FINEWS_HOST_INTERVAL") == 0.25


def test_backfill_reads_every_page_with_8_open_per_host_and_no_pause():
    settings = applied(FINEWS_PROFILE="backfill")
    assert settings.getint("FINEWS_HOST_CONCURRENCY") == 8
    assert settings.getfloat("FINEWS_HOST_INTERVAL") == 0
    assert settings.getint("FINEWS_EMNEWS_MAX_PAGES") >= 10_000


def test_command_line_wins_over_the_profile():
    settings = applied(FINEWS_PROFILE="backfill", FINEWS_HOST_CONCURRENCY=2)
    assert settings.getint("FINEWS_HOST_CONCURRENCY") == 2


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="FINEWS_PROFILE"):
        applied(FINEWS_PROFILE="turbo")
