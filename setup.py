"""For scrapyd-deploy, which builds its egg with ``python setup.py bdist_egg``.

Without this file it writes its own setup.py (find_packages(), name "project") into the
checkout and leaves it there. Every setting lives in pyproject.toml.
"""

from setuptools import setup

setup()
