import os
import subprocess
import sys

import pytest

from crawler.archive.storage import TEMP_DIR, UnsafePathError, atomic_write, sweep_temp
from tests.support import ROOT


def test_write_then_unchanged_keeps_mtime(tmp_path):
    assert atomic_write(tmp_path, "_posts/a.md", "x") is True
    target = tmp_path / "_posts" / "a.md"
    os.utime(target, (1_000_000, 1_000_000))
    assert atomic_write(tmp_path, "_posts/a.md", "x") is False
    assert target.stat().st_mtime == 1_000_000
    assert atomic_write(tmp_path, "_posts/a.md", "y") is True
    assert target.read_text() == "y"
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]


@pytest.mark.parametrize("rel", ["../x.md", "/etc/passwd", "_posts/../../x.md", "", "."])
def test_paths_outside_the_root_are_refused(tmp_path, rel):
    root = tmp_path / "site"
    root.mkdir()
    with pytest.raises(UnsafePathError):
        atomic_write(root, rel, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_symlink_escape_is_refused(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "_posts").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        atomic_write(root, "_posts/evil.md", "x")


KILL_MID_WRITE = """
import os, signal, sys
import crawler.archive.storage as storage
storage.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # dies before the rename
storage.atomic_write(sys.argv[1], "_posts/2026-11-20-x.md", "---\\nlayout: post\\n---\\n" * 1000)
"""


def test_a_write_killed_midway_leaves_nothing_beside_the_posts_and_is_swept(tmp_path):
    proc = subprocess.run([sys.executable, "-c", KILL_MID_WRITE, str(tmp_path)], cwd=ROOT)
    assert proc.returncode == -9
    assert list((tmp_path / "_posts").glob("*")) == []  # the folder may not even exist yet
    left = list((tmp_path / TEMP_DIR).iterdir())
    assert len(left) == 1 and left[0].name.startswith(".tmp-") and left[0].suffix == ".part"
    atomic_write(tmp_path, "_posts/b.md", "x")  # a live writer's files are not touched
    assert sweep_temp(tmp_path) == 1
    assert list((tmp_path / TEMP_DIR).iterdir()) == []
    assert (tmp_path / "_posts" / "b.md").read_text() == "x"
