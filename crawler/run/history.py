"""The run history: one JSON line per run in ``.finews/runs.jsonl``, failed runs included.

``last-run.json`` only changes when the archive did (a site repository sees no commit for
a quiet run); the history is where every run, quiet or failed, can be looked up later.
It is kept to the newest ``FINEWS_HEALTH_HISTORY`` lines; the site's ``.gitignore``
leaves it out of the site repository.
"""

from __future__ import annotations

import fcntl
import json
import os
from typing import Any

from crawler.archive.storage import atomic_write, resolve_inside

RUNS = ".finews/runs.jsonl"


def append_run(root: str, record: dict[str, Any], keep: int) -> None:
    """Append ``record``; once the file passes ``keep`` lines, keep only the newest ``keep``.

    Runs of one archive may end at the same moment (a ``share`` beside ``crawlall``): the
    append and the rotation hold an flock on the file, so no line is lost or torn.
    """
    path = resolve_inside(root, RUNS)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    while True:
        with open(path, "a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            if os.fstat(f.fileno()).st_ino != _inode(path):
                continue  # rotated (replaced) while this run waited: append to the new file
            f.write(line)
            f.flush()
            f.seek(0)
            lines = f.readlines()
            if len(lines) > keep:
                atomic_write(root, RUNS, "".join(lines[-keep:]))
            return


def _inode(path: os.PathLike) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def read_runs(root: str) -> list[dict[str, Any]]:
    """Every run recorded, oldest first (lines that are no JSON object are skipped)."""
    path = resolve_inside(root, RUNS)
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            runs.append(record)
    return runs
