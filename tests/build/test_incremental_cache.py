"""The build state (.sitegen/state.sqlite): round trip, one transaction, and every way it can be
wrong means a clean build with a note."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest

from sitegen.build.state.store import (
    RACY_NS,
    SCHEMA,
    BuildState,
    Changes,
    Stamp,
    Store,
    db_path,
    output_stamps,
    settled,
)


def _state() -> BuildState:
    return BuildState(
        "abc",
        {"content/a.md": "1"},
        {"a/index.html": "2"},
        {"a/index.html": "3"},
        {"inputs": "x", "pages": {}},
        {"a/index.html": Stamp(10, 20, 30).encode()},
    )


def test_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.state() is None and store.notes == []
    store.save(Changes(_state(), {"quick": b"q"}, {"content/a.md": b"doc"}))
    store.close()
    again = Store(tmp_path)
    assert again.state() == _state() and again.blob("quick") == b"q"
    assert list(again.documents()) == [("content/a.md", b"doc")]
    assert db_path(tmp_path) == tmp_path / ".sitegen" / "state.sqlite"


def test_save_writes_the_difference(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(Changes(_state()))
    changed = _state()
    changed.outputs = {"b/index.html": "4"}
    changed.stamps = {}
    store.save(Changes(changed, {"quick": None}, {"content/a.md": None}))
    assert Store(tmp_path).state() == changed


def test_a_crash_in_the_middle_of_saving_leaves_the_last_state(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(Changes(_state(), {"quick": b"old"}))

    class Crash(Exception):
        pass

    class Exploding(dict[str, str]):
        def items(self):  # type: ignore[no-untyped-def]
            raise Crash  # half the tables written, the rest not

    half = _state()
    half.site, half.outputs = "new", Exploding()
    with pytest.raises(Crash):
        store.save(Changes(half, {"quick": b"new"}))
    store.close()
    again = Store(tmp_path)
    assert again.state() == _state() and again.blob("quick") == b"old"


def test_a_database_that_cannot_take_the_state_is_a_note(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(Changes(_state()))
    other = sqlite3.connect(db_path(tmp_path), isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another build holds it
    store._db.execute("PRAGMA busy_timeout = 0")
    changed = _state()
    changed.site = "new"
    note = store.save(Changes(changed))
    assert "not saved" in note and "locked" in note
    other.execute("ROLLBACK")
    other.close()
    store.close()
    assert Store(tmp_path).state() == _state()


def _garbage(path: Path) -> str:
    path.write_bytes(b"{not a database at all, but long enough to be read as one" * 20)
    return "unreadable"


def _schema(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 7")
    return f"schema 7, this sitegen reads schema {SCHEMA}"


def _version(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE blobs SET value = x'302e302e30' WHERE key = 'sitegen'")
    return "written by sitegen 0.0.0"


@pytest.mark.parametrize("damage", [_garbage, _schema, _version])
def test_anything_wrong_means_full_build_with_a_reason(tmp_path: Path, damage: object) -> None:
    store = Store(tmp_path)
    store.save(Changes(_state()))
    store.close()
    reason = damage(db_path(tmp_path))  # type: ignore[operator]
    again = Store(tmp_path)
    assert again.state() is None
    (note,) = again.notes
    assert note.startswith(".sitegen/state.sqlite: ") and reason in note
    assert note.endswith("doing a full build")
    again.save(Changes(_state()))  # and it is usable again
    assert Store(tmp_path).notes == []


def test_the_old_formats_are_removed(tmp_path: Path) -> None:
    old = tmp_path / ".sitegen"
    (old / "documents").mkdir(parents=True)
    (old / "documents" / "00.pickle").write_bytes(b"x")
    for name in ("build-state.json", "quick.json", "search-state.bin"):
        (old / name).write_text("{}")
    (old / "import-fingerprints.json").write_text("{}")  # the import's: not the build's
    Store(tmp_path).close()
    assert sorted(p.name for p in old.iterdir() if not p.name.startswith("state.sqlite")) == [
        "import-fingerprints.json"
    ]


def test_stamp_encodes_and_decodes() -> None:
    stamp = Stamp(1, 2_000_000_001, 3)
    assert Stamp.decode(stamp.encode()) == stamp


def test_the_racy_rule() -> None:
    taken = 10 * RACY_NS
    assert settled(taken - RACY_NS - 1, taken)
    assert not settled(taken - RACY_NS, taken)  # could still change within the window
    assert not settled(-1, taken)  # not there


def test_output_stamps_are_only_for_settled_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text("o")
    new.write_text("n")
    os.utime(old, (0, 60))
    stamps = output_stamps({"old": old.stat(), "new": new.stat()}, os.stat(new).st_mtime_ns)
    assert stamps == {"old": Stamp.of(old.stat()).encode()}
