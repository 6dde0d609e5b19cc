"""Category slugs: pinyin of the media name, assigned once and never changed.

The archive made its slugs with xpinyin, whose polyphone readings differ from pypinyin's
(重庆晨报 → ``zhongqingchenbao``); existing category URLs depend on them, so new slugs are
computed the same way and every assignment is kept in a registry in the output tree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from xpinyin import Pinyin

from crawler.archive.storage import atomic_write

REGISTRY_PATH = "_data/categories.yml"
# What a slug may hold: every slug of the archive is made of these. Anything else (`/`,
# `..`, `:`, `#`, quotes, …) would break the category page path, its URL or the YAML.
_UNSAFE = re.compile(r"[^A-Za-z0-9 ()_-]+")
_SPACES = re.compile(r" {2,}")


@lru_cache(maxsize=1)
def _pinyin() -> Pinyin:
    return Pinyin()


def pinyin_slug(name: str) -> str:
    """Slug of a media name the way the archive computed it (non-CJK characters kept)."""
    return _pinyin().get_pinyin(name).replace("-", "")


def safe_slug(name: str) -> str:
    """``pinyin_slug`` without characters unsafe in a path, URL or YAML ("" if none is left)."""
    return _SPACES.sub(" ", _UNSAFE.sub("", pinyin_slug(name))).strip(" -_")


class SlugRegistry:
    """Media name → slug, persisted as YAML under the site root (``_data/categories.yml``).

    Jekyll exposes the file as ``site.data.categories``; the crawler reads it before it
    computes a slug, so an assignment made once survives library upgrades and renames.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.path = self.root / REGISTRY_PATH
        self._slugs = self._read()
        self._new: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: expected a mapping of media name to slug")
        return {str(k): str(v) for k, v in data.items()}

    def slug(self, media: str) -> str:
        """The slug for ``media``: the registered one, else a new safe pinyin slug (registered);
        "" (not registered) when the name leaves no safe character."""
        found = self._slugs.get(media)
        if found is None:
            found = safe_slug(media)
            if found:
                self._slugs[media] = self._new[media] = found
        return found

    def assign(self, media: str, slug: str) -> str:
        """A source's fixed slug (FINEWS_SOURCES ``slug:``), registered for ``media`` unless the
        name already has one: that one stays (a slug never changes), this source's posts use ``slug``."""
        if media not in self._slugs:
            self._slugs[media] = self._new[media] = slug
        return slug

    def items(self) -> dict[str, str]:
        return dict(self._slugs)

    def save(self) -> bool:
        """Add this run's new entries to the file; returns whether the file changed.

        The file is re-read first and its entries win, so crawls sharing the output
        (crawlall runs several feeds at once) never undo each other's assignments.
        """
        if not self._new:
            return False
        merged = {**self._new, **self._read()}
        self._slugs.update(merged)
        self._new = {}
        text = yaml.safe_dump(merged, allow_unicode=True, sort_keys=True)
        return atomic_write(self.root, REGISTRY_PATH, text)
