"""``finews ARGS``: ``scrapy ARGS`` with finews' settings, from any folder.

``scrapy`` finds its project through a scrapy.cfg in the working folder or above, which an
installed finews has none of; naming the settings module makes every command work anywhere
(``scrapy.utils.project.inside_project`` accepts an importable SCRAPY_SETTINGS_MODULE).
"""

from __future__ import annotations

import os
import sys

from scrapy.cmdline import execute

SETTINGS = "crawler.settings"


def main(argv: list[str] | None = None) -> None:
    """Run the Scrapy command line; a SCRAPY_SETTINGS_MODULE already set wins."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS)
    execute(["finews", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
