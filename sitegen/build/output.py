"""The one write path of a build: URL collisions, identical bytes skipped, disk or memory.

Disk builds are staged (the project's write_if_changed/atomic_write discipline applied to the
whole tree): a file whose bytes changed goes to a sibling folder `.<out>.new/`, and only a build
without errors moves those files into place (a rename each) and prunes the files that vanished
from the site, as one journalled transaction (sitegen.transaction), so a failed or killed build
leaves the previous `public/` intact. A file whose
bytes did not change is not touched at all: its mtime stays, so rsync/S3 deploys and
`git status` see only real changes, and a build that changes one post costs a few renames
instead of re-creating 20,000 folders (the whole-tree swap it replaces did that every time).
`serve` writes to a `MemorySink` instead. Both are a `Sink`: the build asks the protocol, never
which sink it has.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import unicodedata
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

from sitegen import safepath, transaction
from sitegen.build.state.store import Stamp
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import walk_files
from sitegen.safepath import UnsafePath, check_relative_file


class Sink(Protocol):
    def write(self, rel: str, data: bytes) -> bool:
        """Store `data` at `rel`; True if that changed the output (new or different bytes)."""
        ...

    def keep(self, rel: str) -> None:
        """Keep the previous build's file at `rel` as it is (known unchanged, not re-read)."""
        ...

    def staged(self) -> Mapping[str, bytes]:
        """What this build wrote so far (checked before it is committed)."""
        ...

    def previous(self, rel: str) -> bytes | None:
        """The bytes the last committed build left at `rel`, if any."""
        ...

    def unchanged(self, rel: str, stamp: str | None) -> bool:
        """Whether the file the last committed build left at `rel` is provably still what it
        wrote, without reading it: `stamp` is the `Stamp` recorded for it after that commit
        (a folder on disk must match it; nobody else writes to memory)."""
        ...

    @property
    def stats(self) -> Mapping[str, os.stat_result]:
        """After a commit: the stat of every output file, if they are files (else empty)."""
        ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class MemorySink:
    """Output in memory, for `serve`; keeps the previous build's files to tell what changed.

    Each file is held compressed (zlib's fastest level: a page shrinks to about a fifth, and a
    preview reads one page at a time): at 10,000 posts the outputs were a gigabyte as they
    are. The same bytes always compress to the same bytes, so "changed" compares the packed
    forms. `files` reads them back as they were written."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._next: dict[str, bytes] = {}

    @property
    def files(self) -> Mapping[str, bytes]:
        """The committed outputs, by path."""
        return _Unpacked(self._files)

    def write(self, rel: str, data: bytes) -> bool:
        _checked(rel)
        packed = self._next[rel] = zlib.compress(data, 1)
        return self._files.get(rel) != packed

    def keep(self, rel: str) -> None:
        self._next[rel] = self._files[rel]

    def previous(self, rel: str) -> bytes | None:
        return self.files.get(rel)

    def unchanged(self, rel: str, stamp: str | None) -> bool:
        return rel in self._files

    @property
    def stats(self) -> Mapping[str, os.stat_result]:
        return {}

    def staged(self) -> Mapping[str, bytes]:
        return _Unpacked(self._next)

    def commit(self) -> None:
        self._files, self._next = self._next, {}

    def abort(self) -> None:
        self._next = {}


class _Unpacked(Mapping[str, bytes]):
    """A read-only view of packed outputs, giving each file's bytes back when read."""

    def __init__(self, packed: dict[str, bytes]) -> None:
        self._packed = packed

    def __getitem__(self, rel: str) -> bytes:
        return zlib.decompress(self._packed[rel])

    def __contains__(self, rel: object) -> bool:
        return rel in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class StagedDirSink:
    """Stages the files that changed beside `live`; commit moves them in and prunes the rest."""

    def __init__(self, live: Path) -> None:
        self.live = live
        self.stage = transaction.stage_dir(live)
        # A commit interrupted by a crash is undone (or finished) before anything else reads
        # the live folder or clears the stage it may still need.
        self.recovered = transaction.recover(live)
        shutil.rmtree(self.stage, ignore_errors=True)
        self.stage.mkdir(parents=True)
        self.kept: set[str] = set()  # written with the bytes `live` already has
        self.changed: set[str] = set()  # new or different: staged
        self._stats: dict[str, os.stat_result] = {}  # after commit: every output file's stat
        # The stat `unchanged` proved a file by: a kept file needs no second one at commit.
        self._proved: dict[str, os.stat_result] = {}
        self._root = os.fspath(live)  # string joins: `unchanged` runs for every output

    def write(self, rel: str, data: bytes) -> bool:
        previous = self.live / _checked(rel)
        try:
            if previous.stat().st_size == len(data) and previous.read_bytes() == data:
                self.kept.add(rel)
                return False
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
        # No fsync per file: a staged file only goes live through a rename in commit(), so a
        # crash mid-build cannot leave a half-written page in the live output.
        target = _checked(rel, self.stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.changed.add(rel)
        return True

    def keep(self, rel: str) -> None:
        self.kept.add(rel)

    def previous(self, rel: str) -> bytes | None:
        try:
            return (self.live / rel).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def unchanged(self, rel: str, stamp: str | None) -> bool:
        if stamp is None:
            return False
        try:
            stat = os.stat(f"{self._root}/{rel}")
        except (FileNotFoundError, NotADirectoryError):
            return False
        if stamp != Stamp.encode_stat(stat):
            return False
        self._proved[rel] = stat
        return True

    @property
    def stats(self) -> Mapping[str, os.stat_result]:
        return self._stats

    def staged(self) -> Mapping[str, bytes]:
        return _Overlay(self)

    def commit(self) -> None:
        """Move the staged files in and remove what this build did not write, as one
        transaction (sitegen.transaction): on any failure, even a crash, the live folder stays
        or becomes again exactly the previous build. Leaves the stat of every output file in
        `stats` (what the next build may trust)."""
        first = not self.live.exists()
        self.live.mkdir(parents=True, exist_ok=True)
        new, replace, remove = self._plan()
        try:
            transaction.commit(self.live, new, replace, remove)
        except BaseException:
            if first:  # there was no output before: there is none after
                with contextlib.suppress(OSError):
                    self.live.rmdir()
            raise
        for rel in self.changed:
            self._stats[rel] = os.stat(self.live.joinpath(*rel.split("/")))

    def _plan(self) -> tuple[list[str], list[str], list[str]]:
        """One walk of the live folder: the staged files that are new and those that replace
        a live file, and the live files this build did not write; kept files are stat'ed
        unless `unchanged` just did."""
        replace, remove = [], []
        proved = self._proved
        for path, rel in walk_files(self.live):
            if rel in self.kept:
                self._stats[rel] = proved.get(rel) or os.stat(path)
            elif rel in self.changed:
                replace.append(rel)
            else:
                remove.append(rel)
        new = self.changed.difference(replace)
        # A symbolic link to a folder is not among the walk's files, yet the file replaces it.
        links = {rel for rel in new if os.path.islink(self.live.joinpath(*rel.split("/")))}
        return sorted(new - links), sorted(replace + list(links)), sorted(remove)

    def abort(self) -> None:
        if not transaction.journal_file(self.live).exists():  # else recovery may need it
            shutil.rmtree(self.stage, ignore_errors=True)


def _checked(rel: str, root: Path | None = None) -> Path:
    """The last line of defence, whatever the caller: an output name that is not a safe
    relative file name, or a file under `root` that would land outside it, is never written
    (nor read: the name is checked before the live file is compared)."""
    try:
        if root is None:
            return Path(safepath.check_relative_file(rel))
        return safepath.inside(root, rel)
    except safepath.UnsafePath as exc:
        raise SitegenError(
            f"output file refused: {exc}",
            hint="every path is checked when content is read; please report this as a bug",
        ) from None


class _Overlay(Mapping[str, bytes]):
    """The output as this build makes it: staged files over the live ones it kept."""

    def __init__(self, sink: StagedDirSink) -> None:
        self.sink = sink
        self._names = sorted(sink.kept | sink.changed)

    def __getitem__(self, rel: str) -> bytes:
        if rel in self.sink.changed:
            return (self.sink.stage / rel).read_bytes()
        if rel in self.sink.kept:
            return (self.sink.live / rel).read_bytes()
        raise KeyError(rel)

    def __contains__(self, rel: object) -> bool:
        return rel in self.sink.changed or rel in self.sink.kept

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


# What an Output's claims are: file -> owner, file -> the path claimed, folder -> (path, owner).
Claims = tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]


class Output:
    """Claims output files for their producers (collisions name both), then writes them."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.owners: dict[str, str] = {}  # file (as `file_key` names it) -> its producer
        self._claimed: dict[str, str] = {}  # file -> the path it was claimed as
        self._folders: dict[str, tuple[str, str]] = {}  # folder -> (a path in it, its owner)
        self.written = 0
        self.unchanged = 0

    def claim(self, rel: str, owner: str, problems: Problems) -> bool:
        """Reserve `rel` for `owner`. A second claim of the same file, under any spelling
        (`a/`, `a/./index.html`, another Unicode form), or of a file where another output
        needs a folder (`a` and `a/index.html`) is a URL collision; a path that is not a safe
        relative file is refused. Both are errors, reported before anything is written."""
        key = file_key(rel)
        clash = self._clash(key, owner)
        if clash is not None:
            other, other_owner = clash
            same = other if other == rel else f"{rel} and {other}"
            problems.error(
                f"URL collision: {same} {'are' if other != rel else 'is'} written by both "
                f"{other_owner} and {owner}"
                + ("" if file_key(other) == key else ": one needs a folder of the other's name")
                + (
                    " (one name in two Unicode forms)"
                    if other != rel and _nfc(other) == _nfc(rel)
                    else ""
                ),
                hint="change the path of one of them",
            )
            return False
        if key in self.owners:
            return True  # the same producer again
        try:
            check_relative_file(rel)
        except UnsafePath as exc:
            problems.error(f"unsafe output path from {owner}: {exc}", hint=_UNSAFE_HINT)
            return False
        self.owners[key], self._claimed[key] = owner, rel
        if key.rpartition("/")[0] not in self._folders:  # else its folders all are (see _clash)
            for folder in _folders(key):
                self._folders.setdefault(folder, (rel, owner))
        return True

    def claims(self) -> Claims:
        """A copy of the claims made so far, to start another Output from (`restore`)."""
        return dict(self.owners), dict(self._claimed), dict(self._folders)

    def restore(self, claims: Claims) -> None:
        """Start from `claims` (made by `claims()`, with no problem): as if claimed again."""
        owners, claimed, folders = claims
        self.owners, self._claimed, self._folders = dict(owners), dict(claimed), dict(folders)

    def _clash(self, key: str, owner: str) -> tuple[str, str] | None:
        """(path, owner) of an earlier claim another owner made that `key` cannot coexist
        with: the same file, a file where `key` needs a folder, or a folder `key` would be."""
        first = self.owners.get(key)
        if first is not None:
            return None if first == owner else (self._claimed[key], first)
        if key in self._folders:
            return self._folders[key]
        # A claimed folder's own folders are claimed too, and no file is ever claimed where a
        # folder is (that would clash): a key whose parent is known clashes with no file. Most
        # outputs share their folder with another (a post's page and its comment feeds).
        if key.rpartition("/")[0] in self._folders:
            return None
        for folder in _folders(key):
            if folder in self.owners:
                return self._claimed[folder], self.owners[folder]
        return None

    def write(self, rel: str, data: bytes) -> None:
        if self.sink.write(rel, data):
            self.written += 1
        else:
            self.unchanged += 1

    def keep(self, rel: str) -> None:
        self.sink.keep(rel)
        self.unchanged += 1

    def keep_all(self, rels: list[str]) -> None:
        keep = self.sink.keep
        for rel in rels:
            keep(rel)
        self.unchanged += len(rels)


_UNSAFE_HINT = "a path segment may not be empty, `.` or `..`, nor hold control characters"


def file_key(rel: str) -> str:
    """The file an output path lands on, in one spelling: a folder path (`a/`) names its
    `index.html`, `.`, `..` and doubled slashes are resolved as a file system would, and
    Unicode is composed (NFC), because macOS file systems and browsers treat the composed and
    decomposed forms of a name as one."""
    if safepath.is_plain_file(rel):  # nearly every output: nothing to resolve or compose
        return rel
    return _resolved_key(rel)


def _resolved_key(rel: str) -> str:
    """`file_key` by its rules, for any path."""
    rel = _nfc(rel)
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return posixpath.normpath(rel)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _folders(key: str) -> Iterator[str]:
    """`a/b/c.html` -> `a`, `a/b`."""
    start = key.find("/")
    while start != -1:
        yield key[:start]
        start = key.find("/", start + 1)
