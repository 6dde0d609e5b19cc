"""What the archive on disk already holds: which ids live in which post file."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

POSTS = "_posts"
OLD_POSTS = "old_post"
_POST_NAME = re.compile(r"^(?:\d{4}-\d{2}-\d{2})?-(?P<id>[A-Za-z0-9_-]+)\.md$")


def post_id(filename: str) -> str | None:
    """The id in a post file name (``2022-01-19-NW….md`` or the broken ``-….md``)."""
    m = _POST_NAME.match(filename)
    return m.group("id") if m else None


def post_files(root: str | Path, folder: str) -> Iterator[tuple[str, str, int]]:
    """``(id, relative path, size)`` of every post file in ``root/folder`` (a listing, no reads)."""
    try:
        entries = os.scandir(Path(root) / folder)
    except FileNotFoundError:
        return
    with entries:
        for entry in entries:
            item_id = post_id(entry.name)
            if item_id and entry.is_file(follow_symlinks=False):
                yield item_id, f"{folder}/{entry.name}", entry.stat(follow_symlinks=False).st_size

