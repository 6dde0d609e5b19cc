"""A built wheel is the whole crawler: every module of crawler/, spiders/ and pipelines/ and
the replay's dataset, never tests/ or bench/, and installed anywhere it runs from any folder
with no checkout on sys.path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crawler.replay.dataset import generate
from tests.deploy.support import assert_ships_the_crawler
from tests.support import LOOPBACK, ROOT, checkout_files

NOW = "2026-11-20T12:00:00+08:00"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds from a copy of the checkout (a build in the checkout itself would
    reuse whatever an earlier build left in build/)."""
    src = tmp_path_factory.mktemp("src")
    for name in checkout_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "-w", str(dist), str(src)], check=True, timeout=300)
    [built] = dist.glob("finews-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("target")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    return target


def run_installed(target: Path, cwd: Path, *argv: str, settings_module: str | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess:
    """``argv`` with the copy in ``target`` first on sys.path (the checkout's editable
    install is only a fallback finder) and ``cwd`` outside the checkout, so no scrapy.cfg."""
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    if settings_module:
        env["SCRAPY_SETTINGS_MODULE"] = settings_module
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{argv} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return proc


def test_wheel_holds_every_module_and_the_replay_data_but_no_tests(wheel):
    dist_info = wheel.name.split("-py3")[0] + ".dist-info"
    assert_ships_the_crawler(wheel, dist_info)
    text = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "[scrapy]\nsettings = crawler.settings" in text  # what Scrapyd reads
    assert "finews = crawler.cli:main" in text


def test_installed_copy_lists_and_crawls_from_any_folder(installed, replay, tmp_path):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    python = sys.executable
    where = run_installed(installed, cwd, python, "-c",
                          "import crawler, spiders, pipelines; print(crawler.__file__, spiders.__file__, "
                          "pipelines.__file__)")
    assert all(Path(p).is_relative_to(installed) for p in where.stdout.split()), where.stdout

    spiders = ["emnews", "feeds", "market", "media", "share"]
    assert run_installed(installed, cwd, python, "-m", "crawler.cli", "list").stdout.split() == spiders
    assert run_installed(installed, cwd, python, "-m", "scrapy", "list",
                         settings_module="crawler.settings").stdout.split() == spiders

    data = generate(seed=21, emnews=0, media=5, market=0)
    server = replay(data)
    site = tmp_path / "site"
    finews = installed / "bin" / "finews"
    run_installed(installed, cwd, str(finews), "crawl", "media", *LOOPBACK, "-s", f"FINEWS_REPLAY_URL={server.url}",
                  "-s", f"FINEWS_OUTPUT_DIR={site}", "-s", f"FINEWS_NOW={NOW}")
    codes = {f"NW{row['code']}" for row in data["columns"]["350"]}
    assert {p.name[len("YYYY-MM-DD-"):-len(".md")] for p in (site / "_posts").glob("*.md")} == codes


def test_installed_copy_serves_its_bundled_replay(installed, tmp_path):
    """``crawlall --replay`` reads the dataset and the demo sources file shipped as package data."""
    run_installed(installed, tmp_path, str(installed / "bin" / "finews"), "crawlall", "--replay", *LOOPBACK,
                  "-s", "FINEWS_OUTPUT_DIR=site", "-s", f"FINEWS_NOW={NOW}")
    names = [p.name for p in (tmp_path / "site" / "_posts").glob("*.md")]
    assert any("-NW" in n for n in names) and any("-news-example-rss-test-" in n for n in names)
