"""The one way finews writes a file: inside the site root, complete or not at all."""

from __future__ import annotations

import errno
import itertools
import os
import re
from functools import lru_cache
from pathlib import Path

# Files are written here first, then renamed into place: a run killed mid-write leaves its
# partial file in this hidden folder (which Jekyll never reads), not beside the posts.
TEMP_DIR = ".finews/tmp"
_TEMP_NAME = re.compile(r"^\.tmp-(?P<pid>\d+)-.*\.part$")


# Temp files are named by process and a counter (no random names to draw), created
# exclusively with the final mode, so no chmod is needed.
_serial = itertools.count()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class UnsafePathError(ValueError):
    """A relative path that would land outside the output directory."""


@lru_cache(maxsize=256)
def _real_dir(path: str) -> str:
    """A folder's realpath, remembered: a run writes thousands of files into a few folders,
    and ``realpath`` costs one ``lstat`` per path component."""
    return os.path.realpath(path)


def _inside(base: str, path: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def resolve_inside(root: str | Path, relpath: str) -> Path:
    """``root/relpath``, refusing absolute paths, ``..`` and symlink escapes."""
    return Path(_resolve(root, relpath))


def _resolve(root: str | Path, relpath: str) -> str:
    if not relpath or os.path.isabs(relpath):
        raise UnsafePathError(f"refusing path {relpath!r}")
    base = _real_dir(os.fspath(root))
    folder, name = os.path.split(os.path.normpath(relpath))
    parent = _real_dir(os.path.join(base, folder)) if folder else base
    if name in ("", ".", "..") or not _inside(base, parent):
        raise UnsafePathError(f"refusing path {relpath!r}: outside {base}")
    target = os.path.join(parent, name)
    if os.path.islink(target) and not _inside(base, os.path.realpath(target)):
        raise UnsafePathError(f"refusing path {relpath!r}: links outside {base}")
    return target


@lru_cache(maxsize=16)
def _temp_dir(root: str) -> str:
    return _resolve(root, TEMP_DIR)


def _create(tmp: str) -> int:
    try:
        return os.open(tmp, _CREATE, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(tmp), exist_ok=True)
    except FileExistsError:  # left by a killed run that had our pid: no live process owns it
        os.unlink(tmp)
    return os.open(tmp, _CREATE, 0o644)


def atomic_write(root: str | Path, relpath: str, text: str) -> bool:
    """Write ``text`` to ``root/relpath`` atomically; return False when it was already so.

    Unchanged content is not rewritten, so the file's mtime stays and a site repository
    sees no change. A complete, fsynced temp file under ``TEMP_DIR`` plus ``os.replace``
    means a reader (or a crash) only ever sees the old file or the complete new one.
    """
    target = _resolve(root, relpath)  # plain strings: pathlib costs more than the writing
    data = text.encode("utf-8")
    try:
        if os.stat(target).st_size == len(data):
            with open(target, "rb") as fh:
                if fh.read() == data:
                    return False
    except FileNotFoundError:
        pass
    try:
        _write_into(_temp_dir(os.fspath(root)), target, data)
    except OSError as exc:  # the target folder is another file system: rename within it
        if exc.errno != errno.EXDEV:
            raise
        _write_into(os.path.dirname(target), target, data)
    return True


def _write_into(temp_dir: str, target: str, data: bytes) -> None:
    """``data`` to a fsynced temp file in ``temp_dir``, then renamed onto ``target``."""
    tmp = os.path.join(temp_dir, f".tmp-{os.getpid()}-{next(_serial)}.part")
    fd = _create(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, target)
        except FileNotFoundError:  # the target's folder does not exist yet
            os.makedirs(os.path.dirname(target), exist_ok=True)
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
