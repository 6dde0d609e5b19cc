"""Category slugs: pinyin of the media name, assigned once and never changed.

The archive made its slugs with xpinyin, whose polyphone readings differ from pypinyin's
(重庆晨报 → ``zhongqingchenbao``); existing category URLs depend on them, so new slugs are
computed the same way and every assignment is kept in a registry in the output tree.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from xpinyin import Pinyin

from crawler.storage import atomic_write

REGISTRY_PATH = "_data/categories.yml"


@lru_cache(maxsize=1)
def _pinyin() -> Pinyin:
    return Pinyin()


def pinyin_slug(name: str) -> str:
    """Slug of a media name the way the archive computed it (non-CJK characters kept)."""
    return _pinyin().get_pinyin(name).replace("-", "")


class SlugRegistry:
    """Media name → slug, persisted as YAML under the site root (``_data/categories.yml``).

    Jekyll exposes the file as ``site.data.categories``; the crawler reads it before it
    computes a slug, so an assignment made once survives library upgrades and renames.
    """

    def __init__(self, root: str | Path):
        self.path = Path(root) / REGISTRY_PATH
        self.root = Path(root)
        self._slugs: dict[str, str] = {}
        self._dirty = False
        if self.path.exists():
            data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                raise ValueError(f"{self.path}: expected a mapping of media name to slug")
            self._slugs = {str(k): str(v) for k, v in data.items()}

    def slug(self, media: str) -> str:
        """The slug for ``media``: the registered one, else a new pinyin slug (registered)."""
        found = self._slugs.get(media)
        if found is None:
            found = self._slugs[media] = pinyin_slug(media)
            self._dirty = True
        return found

    def items(self) -> dict[str, str]:
        return dict(self._slugs)

    def save(self) -> bool:
        """Write the registry if it gained entries; returns whether the file changed."""
        if not self._dirty:
            return False
        text = yaml.safe_dump(self._slugs, allow_unicode=True, sort_keys=True)
        self._dirty = False
        return atomic_write(self.root, REGISTRY_PATH, text)
