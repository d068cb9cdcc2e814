"""Everything a build remembers between runs, in one SQLite database: `.sitegen/state.sqlite`.

What an incremental build needs to know about the last one: a fingerprint of everything that
changes every page (sitegen's version, the config, the theme), the hash of each content file,
for each output the fingerprint of its inputs, the hash of the bytes written and their file's
stamp; the parsed content files (sitegen.build.state.documents); the link check's results; the
search
index's weights (sitegen.build.state.searchindex); and the no-op snapshot
(sitegen.build.state.noop).

One format, one version (`SCHEMA`, in SQLite's `user_version`), one stamp type (`Stamp`), one
racy rule (`settled`). A build writes its state in ONE transaction after its output is
committed, so a crash leaves the last state or the new one, never half of each. Anything wrong
with the database — unreadable, another schema, another sitegen — means one thing: it is
deleted, the build is a clean one, and the report says why. A cache can make a build faster;
it must never make a site wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import __version__

CACHE_DIR = ".sitegen"
DB_FILE = "state.sqlite"
SCHEMA = 3  # 2: pickled documents name their classes by the packaged modules; 3: no bodies
# What earlier sitegens kept under CACHE_DIR, one format each: removed when the database is made.
_OLD = ("build-state.json", "quick.json", "search-state.bin", "documents")

# Git's "racy clean" problem: a file changed twice within the clock's resolution (and the time a
# write takes to land) can keep its size and mtime. A stamp is trusted only for a file older than
# this when the stamp was taken; a younger one is read again (cheap: it was just edited).
RACY_NS = 2_000_000_000


def settled(mtime_ns: int, taken_ns: int) -> bool:
    """THE racy rule: whether a file last modified at `mtime_ns` can be trusted by its stamp
    when that stamp was taken at `taken_ns` (it could not change again unseen)."""
    return 0 <= mtime_ns < taken_ns - RACY_NS


@dataclass(frozen=True)
class Stamp:
    """A file as `stat` sees it: equal stamps of a settled file mean equal bytes."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stamp:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)

    def encode(self) -> str:
        return f"{self.size}:{self.mtime_ns}:{self.inode}"

    @staticmethod
    def encode_stat(st: os.stat_result) -> str:
        """`Stamp.of(st).encode()` without the object (asked for every file of a build)."""
        return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        size, mtime, inode = text.split(":")
        return cls(int(size), int(mtime), int(inode))


@dataclass
class BuildState:
    """The last build: `site` invalidates everything; `jobs` and `outputs` are per output path."""

    site: str = ""  # fingerprint of sitegen version + config + theme
    sources: dict[str, str] = field(default_factory=dict)  # content file -> digest of bytes
    jobs: dict[str, str] = field(default_factory=dict)  # output -> fingerprint of its inputs
    outputs: dict[str, str] = field(default_factory=dict)  # output -> digest of bytes written
    # The link check's: {"inputs": digest of the file names and _redirects, "pages": {page:
    # [[fragment targets], [[message, location], ...]]}} for pages with either
    # (build/orchestrator.py).
    links: dict[str, Any] = field(default_factory=dict)
    # output -> `Stamp.encode()` of the file as committed, for settled outputs: a reused output
    # whose file still has it is not read and hashed again (kept encoded: most are never asked).
    stamps: dict[str, str] = field(default_factory=dict)


# BuildState's tables of text by text, named as its fields; then the large values (`documents`:
# by content file). Rowid tables for those: WITHOUT ROWID keeps a value in its key's B-tree,
# and reading one small blob then read megabytes of others.
_TABLES = ("sources", "jobs", "outputs", "stamps")
_DDL = [
    *(f"CREATE TABLE {t} (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID" for t in _TABLES),
    *(f"CREATE TABLE {t} (key TEXT PRIMARY KEY, value BLOB)" for t in ("blobs", "documents")),
]


def db_path(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / DB_FILE


@dataclass
class Changes:
    """What one build leaves for the next: written in one transaction (`Store.save`)."""

    state: BuildState | None = None  # None: keep the saved one (a failed build)
    blobs: dict[str, bytes | None] = field(default_factory=dict)  # None: delete it
    documents: Mapping[str, bytes | None] = field(default_factory=dict)  # by content file


class Store:
    """The open database. Reads are lazy (a no-op build reads one row); `save` writes only the
    rows that differ from what `state()` returned, in one transaction."""

    def __init__(self, site_dir: Path) -> None:
        self.path = db_path(site_dir)
        self.notes: list[str] = []
        self._saved: BuildState | None = None
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        if fresh:
            self._remove_old()
        db: sqlite3.Connection | None = None
        try:
            db = self._connect()
            problem = "" if fresh else self._problem(db)
        except sqlite3.Error as exc:
            problem = f"unreadable ({exc})"
        if problem or db is None:
            if db is not None:
                db.close()
            self.notes.append(f"{CACHE_DIR}/{DB_FILE}: {problem}; doing a full build")
            self._delete()
            fresh, db = True, self._connect()
        if fresh:
            db.execute("BEGIN IMMEDIATE")
            for statement in _DDL:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA}")
            db.execute("INSERT INTO blobs VALUES ('sitegen', ?)", (__version__.encode(),))
            db.execute("COMMIT")
        return db

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")  # a reader never waits for a build's commit
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable enough, atomic always
        return db

    @staticmethod
    def _problem(db: sqlite3.Connection) -> str:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA:
            return f"schema {version}, this sitegen reads schema {SCHEMA}"
        row = db.execute("SELECT value FROM blobs WHERE key = 'sitegen'").fetchone()
        written = bytes(row[0]).decode() if row else "?"
        if written != __version__:
            return f"written by sitegen {written}, this is {__version__}"
        return ""

    def _remove_old(self) -> None:
        for name in _OLD:
            old = self.path.parent / name
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _damaged(self, exc: Exception) -> None:
        """A read failed half way: forget everything, say so; the build goes on clean."""
        self.notes.append(f"{CACHE_DIR}/{DB_FILE}: unreadable ({exc}); doing a full build")
        self._db.close()
        self._delete()
        self._db = self._open()

    def state(self) -> BuildState | None:
        """The last build's state; None if there is none (a first or clean build)."""
        try:
            tables = _shared_keys(
                {t: dict(self._db.execute(f"SELECT key, value FROM {t}")) for t in _TABLES}
            )
            links = self.blob("links")
            site = self.blob("site")
        except (sqlite3.Error, ValueError) as exc:
            self._damaged(exc)
            return None
        if site is None:
            return None
        self._saved = BuildState(site.decode(), links=json.loads(links or b"{}"), **tables)
        return self._saved

    def blob(self, key: str) -> bytes | None:
        """A saved value; None if there is none or it cannot be read (then it is made anew)."""
        try:
            row = self._db.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else bytes(row[0])

    def documents(self) -> Iterator[tuple[str, bytes]]:
        """The saved documents' rows, one at a time (at 10,000 posts they are 70 MB)."""
        try:
            yield from self._db.execute("SELECT key, value FROM documents")
        except sqlite3.Error as exc:
            self._damaged(exc)

    def save(self, changes: Changes) -> str:
        """Write `changes` in one transaction: all of them or, after a crash, none. A database
        that cannot take them (a full disk, another build holding it) is a note: the next build
        finds the last state, which it does not trust for the outputs that changed since."""
        try:
            self._save(changes)
        except sqlite3.Error as exc:
            return f"{CACHE_DIR}/{DB_FILE}: not saved ({exc}); the next build does more work"
        return ""

    def _save(self, changes: Changes) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if changes.state is not None:
                self._write_state(changes.state)
            for table, rows in (("blobs", changes.blobs), ("documents", changes.documents)):
                for key, data in rows.items():
                    _put(db, table, key, data)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        if changes.state is not None:
            self._saved = changes.state

    def _write_state(self, state: BuildState) -> None:
        old = self._saved
        if old is None:  # what the tables hold is not known: start them afresh
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")
            old = BuildState()
        for table in _TABLES:
            _sync(self._db, table, getattr(state, table), getattr(old, table))
        _put(self._db, "blobs", "site", state.site.encode())
        _put(self._db, "blobs", "links", json.dumps(state.links, sort_keys=True).encode())

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def _shared_keys(tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The tables with one string object per key: `jobs`, `outputs` and `stamps` are keyed by
    the same output paths (about four per post), and each read made its own copies: two too
    many of every path, about 1 KB per post."""
    one: dict[str, str] = {}
    return {t: {one.setdefault(k, k): v for k, v in rows.items()} for t, rows in tables.items()}


def _put(db: sqlite3.Connection, table: str, key: str, value: bytes | None) -> None:
    if value is None:
        db.execute(f"DELETE FROM {table} WHERE key = ?", (key,))
    else:
        db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (key, value))


def _sync(
    db: sqlite3.Connection, table: str, new: Mapping[str, str], was: Mapping[str, str]
) -> None:
    """Make `table` (holding `was`) hold `new`, touching only the rows that differ."""
    gone = [(k,) for k in was.keys() - new.keys()]
    db.executemany(f"DELETE FROM {table} WHERE key = ?", gone)
    rows = ((k, v) for k, v in new.items() if was.get(k) != v)
    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)


def output_stamps(stats: Mapping[str, os.stat_result], taken_ns: int) -> dict[str, str]:
    """Stamps of the settled outputs, encoded (a younger file could change again and keep its
    stamp)."""
    return {
        rel: Stamp.encode_stat(st) for rel, st in stats.items() if settled(st.st_mtime_ns, taken_ns)
    }


# The address the last committed build was made for, so that `sitegen check` checks the site
# as it was built (`build --base-url X` then `check` must not need X again). Without it
# (SITEGEN_NO_CACHE, a deleted .sitegen/) check falls back to comparing robots.txt.
BUILT_FOR_KEY = "built-for"


def built_for_record(base_url: str, chosen: bool) -> bytes:
    return json.dumps({"base_url": base_url, "chosen": chosen}, sort_keys=True).encode()


def load_built_for(site_dir: Path) -> str | None:
    """The base URL the last build was told (--base-url or sitegen.toml), or None if it used
    the default or nothing was recorded. Read-only: `check` never creates or repairs the state."""
    path = db_path(site_dir)
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM blobs WHERE key = ?", (BUILT_FOR_KEY,)).fetchone()
        raw = json.loads(bytes(row[0])) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None
    url = raw.get("base_url") if isinstance(raw, dict) and raw.get("chosen") is True else None
    return url if isinstance(url, str) and url else None
