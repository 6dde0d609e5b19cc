"""What every build of finews must carry, checked on the wheel and on Scrapyd's egg."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.support import checkout_files

PACKAGES = ("crawler", "spiders", "pipelines")
DEMO = "crawler/replay/data/demo.json"
DEMO_SOURCES = "crawler/replay/data/sources.yml"  # what crawlall --replay's feeds spider reads


def assert_ships_the_crawler(archive: Path, metadata: str) -> None:
    """``archive`` (a wheel or an egg) holds every module of crawler/, spiders/ and pipelines/
    and the replay's dataset, and nothing else but its ``metadata`` folder."""
    names = set(zipfile.ZipFile(archive).namelist())
    modules = {name for name in checkout_files(*PACKAGES) if name.endswith(".py")}
    assert modules and modules - names == set()
    assert {DEMO, DEMO_SOURCES} <= names
    assert {name.split("/")[0] for name in names} == {*PACKAGES, metadata}
