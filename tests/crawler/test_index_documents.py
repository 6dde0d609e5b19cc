"""Index schema 3: feed/sitemap validators (conditional GET) and canonical aliases, migrated in place."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.archive.index import INDEX_PATH, SCHEMA_VERSION, ArchiveIndex

V1_POSTS = """CREATE TABLE posts (id TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, published TEXT NOT NULL, body_from TEXT NOT NULL, row_sig TEXT NOT NULL,
    checked TEXT NOT NULL) WITHOUT ROWID"""
V2_DROPS = """CREATE TABLE drops (id TEXT PRIMARY KEY, row_sig TEXT NOT NULL, reason TEXT NOT NULL,
    dropped TEXT NOT NULL) WITHOUT ROWID"""
WHEN = "2026-11-20T12:00:00+08:00"


def old_index(root, version: int) -> None:
    """An index as version 1 or 2 left it, with one post row and (v2) one drop."""
    path = root / INDEX_PATH
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(f"{V1_POSTS};{V2_DROPS if version == 2 else ''};PRAGMA user_version={version};")
    db.execute("INSERT INTO posts VALUES ('NW1', '_posts/2026-11-20-NW1.md', 3, 'x', '', '', 'sig', '')")
    if version == 2:
        db.execute("INSERT INTO drops VALUES ('NW2', 'sig2', 'no_body', ?)", (WHEN,))
    db.commit()
    db.close()
    (root / "_posts").mkdir()
    (root / "_posts" / "2026-11-20-NW1.md").write_bytes(b"abc")


@pytest.mark.parametrize("version", [1, 2])
def test_old_index_is_migrated_keeping_what_it_knows(tmp_path, version):
    old_index(tmp_path, version)
    index = ArchiveIndex(tmp_path)
    assert index.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert index.get("NW1").row_sig == "sig"  # not rebuilt from scratch
    if version == 2:
        assert index.drop_of("NW2").reason == "no_body"
    assert index.validators("http://x.test/rss") == ("", "")
    index.record_validators("http://x.test/rss", '"e1"', "Thu, 19 Nov 2026 13:00:00 GMT", WHEN)
    index.record_alias("a-1", "a-2")
    index.close()
    again = ArchiveIndex(tmp_path)
    assert again.validators("http://x.test/rss") == ('"e1"', "Thu, 19 Nov 2026 13:00:00 GMT")
    assert again.alias_of("a-1") == "a-2"
    again.close()


def test_validators_are_written_only_when_they_change_and_forgotten(tmp_path):
    index = ArchiveIndex(tmp_path)
    url = "http://x.test/rss"
    index.record_validators(url, '"e1"', "", WHEN)
    before = index.db.total_changes
    index.record_validators(url, '"e1"', "", "2026-11-21T12:00:00+08:00")
    assert index.db.total_changes == before  # a quiet run writes nothing
    index.record_validators(url, '"e2"', "", WHEN)
    assert index.validators(url) == ('"e2"', "")
    index.forget_validators(url)
    assert index.validators(url) == ("", "")
    index.record_validators(url, "", "", WHEN)  # a document without validators is not kept
    assert index.validators(url) == ("", "")
    index.close()


def test_alias_of_an_unknown_id_is_the_id(tmp_path):
    index = ArchiveIndex(tmp_path)
    assert index.alias_of("x-1") == "x-1"
    index.record_alias("x-1", "x-2")
    before = index.db.total_changes
    index.record_alias("x-1", "x-2")
    assert index.db.total_changes == before
    index.close()
