"""The archive index: which ids the output holds, where, with what content and list row.

Kept in SQLite under ``.finews/`` so a scheduled run knows its archive without parsing
every post. The files stay the truth: on open the index is compared with a listing of
``_posts/`` and ``old_post/`` (names and sizes only) and only files that differ are read.
A file the index has never seen gets no row signature; the next listing of its row
adopts one without fetching it. Nothing is written unless something changed, so a run
with nothing new leaves the index file (bytes and mtime) as it was.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.archive.layout import OLD_POSTS, POSTS, post_files
from crawler.archive.storage import resolve_inside

INDEX_PATH = ".finews/index.sqlite"
SCHEMA_VERSION = 3
_DROPS = """
CREATE TABLE drops (
    id        TEXT PRIMARY KEY,  -- archive id of a row dropped after its body was fetched
    row_sig   TEXT NOT NULL,     -- signature of that row: the same row is not fetched again
    reason    TEXT NOT NULL,     -- the drop reason (no_body, bad_date, …)
    dropped   TEXT NOT NULL      -- ISO time of the drop
) WITHOUT ROWID
"""
# Version 3: conditional GET of feeds and sitemaps, and article URLs whose page names
# another canonical URL (so a known article is not fetched again under its other spelling).
_DOCUMENTS = """
CREATE TABLE documents (
    url           TEXT PRIMARY KEY,  -- a feed or sitemap whose entries were all handled
    etag          TEXT NOT NULL,     -- its ETag, sent back as If-None-Match; '' if none
    last_modified TEXT NOT NULL,     -- its Last-Modified, sent back as If-Modified-Since; '' if none
    checked       TEXT NOT NULL      -- ISO time it was last read
) WITHOUT ROWID;
CREATE TABLE aliases (
    id        TEXT PRIMARY KEY,  -- id of an entry's URL
    canonical TEXT NOT NULL      -- id of the canonical URL its page declared
) WITHOUT ROWID
"""
_MIGRATIONS = {1: f"{_DROPS};{_DOCUMENTS}", 2: _DOCUMENTS}  # from user_version to SCHEMA_VERSION
_SCHEMA = """
CREATE TABLE posts (
    id        TEXT PRIMARY KEY,  -- archive id (row id or NW info code)
    path      TEXT NOT NULL,     -- _posts/… or old_post/…, relative to the output dir
    size      INTEGER NOT NULL,  -- bytes; with path, what a listing compares
    sha256    TEXT NOT NULL,     -- of the file's bytes
    published TEXT NOT NULL,     -- 'YYYY-MM-DD HH:MM:SS' Beijing time, '' if unreadable
    body_from TEXT NOT NULL,     -- textapi | source | digest; '' when unknown
    row_sig   TEXT NOT NULL,     -- signature of the list row last archived; '' when unknown
    checked   TEXT NOT NULL      -- ISO time the body was last fetched; '' when unknown
) WITHOUT ROWID
"""
_COLUMNS = ("id", "path", "size", "sha256", "published", "body_from", "row_sig", "checked")
_DATE_LINE = re.compile(r"^date: (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \+0800$", re.M)
_EMNEWS_LINE = re.compile(r"^categories: emnews$", re.M)


UNREAD = object()  # record(): the caller has not read the entry


@dataclass(frozen=True)
class Entry:
    id: str
    path: str
    size: int
    sha256: str
    published: str
    body_from: str
    row_sig: str
    checked: str

    @property
    def retired(self) -> bool:
        return self.path.startswith(OLD_POSTS + "/")


@dataclass(frozen=True)
class Drop:
    row_sig: str
    reason: str
    dropped: str  # ISO time


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe_post(text: str) -> tuple[str, str]:
    """``(published, body_from)`` read back from a post's text (for a rebuilt entry).

    Only the digest-only rolling-news form is recognisable (its blank line after the
    front matter); any other body's origin is unknown.
    """
    head, sep, body = text.partition("\n---\n")
    date = _DATE_LINE.search(head)
    digest_only = bool(sep and _EMNEWS_LINE.search(head) and body.startswith("\n"))
    return (date.group(1) if date else "", "digest" if digest_only else "")


class ArchiveIndex:
    """The SQLite index of one output directory (one connection, one open transaction)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.path = resolve_inside(self.root, INDEX_PATH)
        self.db = self._connect()
        self.rebuilt = self.sync()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return db
            if version in _MIGRATIONS:
                db.executescript(f"{_MIGRATIONS[version]};PRAGMA user_version={SCHEMA_VERSION};")
                return db
            if version == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
                db.executescript(f"{_SCHEMA};{_DROPS};{_DOCUMENTS};PRAGMA user_version={SCHEMA_VERSION};")
                return db
            db.close()
        except sqlite3.DatabaseError:
            pass
        # Another schema or not a database: the index is derived data, start it afresh.
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        db.executescript(f"{_SCHEMA};{_DROPS};{_DOCUMENTS};PRAGMA user_version={SCHEMA_VERSION};")
        return db

    def sync(self) -> int:
        """Bring the index in line with the post files; returns how many entries changed."""
        disk: dict[str, tuple[str, int]] = {}
        for folder in (POSTS, OLD_POSTS):  # an id in both is retired: old_post wins
            for item_id, path, size in post_files(self.root, folder):
                disk[item_id] = (path, size)
        known = {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT id, path, size FROM posts")}
        changed = 0
        for item_id in known.keys() - disk.keys():
            self.db.execute("DELETE FROM posts WHERE id = ?", (item_id,))
            changed += 1
        for item_id, (path, size) in disk.items():
            seen = known.get(item_id)
            if seen == (path, size):
                continue
            if seen and seen[1] == size:  # moved, not edited
                self.db.execute("UPDATE posts SET path = ? WHERE id = ?", (path, item_id))
            else:
                self._read_file(item_id, path, keep_row=seen is not None)
            changed += 1
        self.db.commit()
        return changed

    def _read_file(self, item_id: str, path: str, keep_row: bool) -> None:
        data = resolve_inside(self.root, path).read_bytes()
        published, body_from = describe_post(data.decode("utf-8", errors="replace"))
        if keep_row:
            self.db.execute(
                "UPDATE posts SET path=?, size=?, sha256=?, published=?, body_from=? WHERE id=?",
                (path, len(data), sha256(data), published, body_from, item_id),
            )
        else:
            self.db.execute(
                "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, '', '')",
                (item_id, path, len(data), sha256(data), published, body_from),
            )

    def get(self, item_id: str) -> Entry | None:
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM posts WHERE id = ?", (item_id,)
        ).fetchone()
        return Entry(*row) if row else None

    def entries(self) -> Iterator[Entry]:
        """Every post the index knows (distributed mode mirrors them to Redis)."""
        for row in self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM posts"):
            yield Entry(*row)

    def drops(self) -> Iterator[tuple[str, Drop]]:
        """Every remembered drop, by id."""
        for item_id, row_sig, reason, dropped in self.db.execute("SELECT id, row_sig, reason, dropped FROM drops"):
            yield item_id, Drop(row_sig, reason, dropped)

    def record(self, item_id: str, path: str, text: str, published: str, body_from: str,
               row_sig: str, checked: str, known: Entry | None | object = UNREAD) -> None:
        """Remember the post just archived (written or found unchanged).

        ``known``: the entry (or None) the caller read for this id before writing, to save a query.
        """
        data = text.encode("utf-8")
        new = Entry(item_id, path, len(data), sha256(data), published, body_from, row_sig, checked)
        if known is UNREAD:
            known = self.get(item_id)
        if known != new:
            self.db.execute(
                f"INSERT OR REPLACE INTO posts VALUES ({', '.join('?' * len(_COLUMNS))})",
                tuple(getattr(new, c) for c in _COLUMNS),
            )
            self.db.execute("DELETE FROM drops WHERE id = ?", (item_id,))

    def record_drop(self, item_id: str, row_sig: str, reason: str, when: str) -> None:
        """Remember a row dropped after its body was fetched, so the same row is not fetched again."""
        self.db.execute("INSERT OR REPLACE INTO drops VALUES (?, ?, ?, ?)", (item_id, row_sig, reason, when))

    def drop_of(self, item_id: str) -> Drop | None:
        row = self.db.execute("SELECT row_sig, reason, dropped FROM drops WHERE id = ?", (item_id,)).fetchone()
        return Drop(*row) if row else None

    def validators(self, url: str) -> tuple[str, str]:
        """``(etag, last_modified)`` of a feed or sitemap as last read; ``("", "")`` if unknown."""
        row = self.db.execute("SELECT etag, last_modified FROM documents WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def record_validators(self, url: str, etag: str, last_modified: str, when: str) -> None:
        """Remember a document's validators (none: forget it); written only when they changed."""
        if not (etag or last_modified):
            self.forget_validators(url)
        elif self.validators(url) != (etag, last_modified):
            self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)", (url, etag, last_modified, when))

    def forget_validators(self, url: str) -> None:
        """The document must be read whole next time (an entry of it was left for later)."""
        self.db.execute("DELETE FROM documents WHERE url = ?", (url,))

    def alias_of(self, item_id: str) -> str:
        """The canonical id an entry id stands for; the id itself when it has no alias."""
        row = self.db.execute("SELECT canonical FROM aliases WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else item_id

    def record_alias(self, item_id: str, canonical: str) -> None:
        if self.alias_of(item_id) != canonical:
            self.db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (item_id, canonical))

    def documents(self) -> Iterator[tuple[str, str, str]]:
        """``(url, etag, last_modified)`` of every document read whole (distributed mode mirrors them)."""
        yield from self.db.execute("SELECT url, etag, last_modified FROM documents")

    def aliases(self) -> Iterator[tuple[str, str]]:
        """``(id, canonical id)`` of every alias (distributed mode mirrors them)."""
        yield from self.db.execute("SELECT id, canonical FROM aliases")

    def adopt_row(self, item_id: str, row_sig: str) -> None:
        """Give a rebuilt entry (no signature yet) the signature of its current list row."""
        self.db.execute(
            "UPDATE posts SET row_sig = ? WHERE id = ? AND row_sig = ''", (row_sig, item_id)
        )

    def moved(self, item_id: str, path: str) -> None:
        self.db.execute("UPDATE posts SET path = ? WHERE id = ?", (path, item_id))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


_SHARED: dict[Path, tuple[ArchiveIndex, int]] = {}


def open_index(root: str | Path) -> ArchiveIndex:
    """The process's index of ``root``, shared by every crawler of a run (see release_index)."""
    key = Path(root).resolve()
    index, users = _SHARED.get(key, (None, 0))
    if index is None:
        index = ArchiveIndex(key)
    _SHARED[key] = (index, users + 1)
    return index


def release_index(index: ArchiveIndex) -> None:
    """Commit; close when the last crawler using the index lets go of it."""
    index.commit()
    key = index.root.resolve()
    _, users = _SHARED[key]
    if users <= 1:
        del _SHARED[key]
        index.close()
    else:
        _SHARED[key] = (index, users - 1)
