"""The one way finews writes a file: inside the site root, complete or not at all."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

# Files are written here first, then renamed into place: a run killed mid-write leaves its
# partial file in this hidden folder (which Jekyll never reads), not beside the posts.
TEMP_DIR = ".finews/tmp"
_TEMP_NAME = re.compile(r"^\.tmp-(?P<pid>\d+)-.*\.part$")


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
    sees no change. A complete, fsynced temp file under ``TEMP_DIR`` plus ``os.replace``
    means a reader (or a crash) only ever sees the old file or the complete new one.
    """
    target = resolve_inside(root, relpath)
    data = text.encode("utf-8")
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temp_dir = resolve_inside(root, TEMP_DIR)
    temp_dir.mkdir(parents=True, exist_ok=True)
    try:
        _write_into(temp_dir, target, data)
    except OSError as exc:  # the target folder is another file system: rename within it
        if exc.errno != errno.EXDEV:
            raise
        _write_into(target.parent, target, data)
    return True


def _write_into(temp_dir: Path, target: Path, data: bytes) -> None:
    """``data`` to a fsynced temp file in ``temp_dir``, then renamed onto ``target``."""
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", suffix=".part", dir=temp_dir)
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_temp(root: str | Path) -> int:
    """Remove temp files left by killed runs (their process is gone); returns how many."""
    try:
        entries = list(os.scandir(resolve_inside(root, TEMP_DIR)))
    except FileNotFoundError:
        return 0
    swept = 0
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if m and not _alive(int(m["pid"])):
            Path(entry.path).unlink(missing_ok=True)
            swept += 1
    return swept
