"""Retention: posts older than the window move from ``_posts/`` to ``old_post/``, unchanged.

The window is whole Beijing days: with 3 days, today and the two days before stay. A
post's date is the date in its file name (its Beijing publish date), so no post is read.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

from crawler.archive.layout import OLD_POSTS, POSTS, post_files
from crawler.archive.storage import resolve_inside


def cutoff_date(now: datetime, days: int) -> date:
    """The oldest date kept in ``_posts/`` (``now`` is Beijing time)."""
    return now.date() - timedelta(days=max(days, 1) - 1)


def retire(root: str | Path, cutoff: date) -> list[tuple[str, str]]:
    """Move every post dated before ``cutoff`` to ``old_post/``; returns ``(id, new path)``.

    ``os.replace`` within the site root: a reader sees the post in one folder or the other.
    Names without a date (the archive's broken ``-….md``) are left where they are.
    """
    moved = []
    made_folder = False
    for item_id, path, _ in sorted(post_files(root, POSTS)):
        name = path.split("/", 1)[1]
        try:
            day = date.fromisoformat(name[:10])
        except ValueError:
            continue
        if day >= cutoff:
            continue
        target = f"{OLD_POSTS}/{name}"
        dest = resolve_inside(root, target)
        if not made_folder:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made_folder = True
        os.replace(resolve_inside(root, path), dest)
        moved.append((item_id, target))
    return moved
