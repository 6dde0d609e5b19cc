import os

import pytest

from crawler.storage import UnsafePathError, atomic_write


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
