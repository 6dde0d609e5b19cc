"""The one way finews writes a file: inside the site root, complete or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class UnsafePathError(ValueError):
    """A relative path that would land outside the output directory."""


def resolve_inside(root: str | Path, relpath: str) -> Path:
    """``root/relpath``, refusing absolute paths, ``..`` and symlink escapes."""
    base = os.path.realpath(root)
    if not relpath or os.path.isabs(relpath):
        raise UnsafePathError(f"refusing path {relpath!r}")
    # os.path rather than pathlib: the same realpath, without pathlib's per-call parsing.
    target = os.path.realpath(os.path.join(base, relpath))
    if not target.startswith(base.rstrip(os.sep) + os.sep):
        raise UnsafePathError(f"refusing path {relpath!r}: outside {base}")
    return Path(target)


def atomic_write(root: str | Path, relpath: str, text: str) -> bool:
    """Write ``text`` to ``root/relpath`` atomically; return False when it was already so.

    Unchanged content is not rewritten, so the file's mtime stays and a site repository
    sees no change. A temp file in the same directory plus ``os.replace`` means a reader
    (or a crash) only ever sees the old file or the complete new one.
    """
    target = resolve_inside(root, relpath)
    data = text.encode("utf-8")
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True
