"""Preloading a crawl's components: every one the settings name is imported up front, and a
path that does not load is reported, not raised (the crawl itself will say why)."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT


def test_preload_imports_what_the_crawl_will_load_and_names_what_will_not():
    probe = ("import sys\n"
             "from scrapy.utils.project import get_project_settings\n"
             "from crawler.run.preload import preload\n"
             "settings = get_project_settings()\n"
             "before = 'pipelines.archive' in sys.modules, 'crawler.net.robots' in sys.modules\n"
             "failed = preload(settings, {'ITEM_PIPELINES': {'pipelines.archive.ArchivePipeline': 300,\n"
             "                                               'nowhere.Missing': 400}})\n"
             "after = 'pipelines.archive' in sys.modules, 'crawler.net.robots' in sys.modules\n"
             "print(before, after, failed)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "(False, False) (True, True) ['nowhere.Missing']", out.stderr[-2000:]
