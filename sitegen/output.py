"""The one write path of a build: URL collisions, identical bytes skipped, disk or memory.

Disk builds are staged (the project's write_if_changed/atomic_write discipline applied to the
whole tree): a file whose bytes changed goes to a sibling folder `.<out>.new/`, and only a build
without errors moves those files into place (one rename each) and prunes the files that
vanished from the site, so a failed build leaves the previous `public/` intact. A file whose
bytes did not change is not touched at all: its mtime stays, so rsync/S3 deploys and
`git status` see only real changes, and a build that changes one post costs a few renames
instead of re-creating 20,000 folders (the whole-tree swap it replaces did that every time).
`serve` writes to a `MemorySink` instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sitegen import safepath
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import walk_files


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

    def commit(self) -> None: ...

    def abort(self) -> None: ...


@dataclass
class MemorySink:
    """Output in a dict, for `serve`; keeps the previous build's files to tell what changed."""

    files: dict[str, bytes] = field(default_factory=dict)
    _next: dict[str, bytes] = field(default_factory=dict)

    def write(self, rel: str, data: bytes) -> bool:
        _checked(rel)
        self._next[rel] = data
        return self.files.get(rel) != data

    def keep(self, rel: str) -> None:
        self._next[rel] = self.files[rel]

    def staged(self) -> Mapping[str, bytes]:
        return self._next

    def commit(self) -> None:
        self.files, self._next = self._next, {}

    def abort(self) -> None:
        self._next = {}


class StagedDirSink:
    """Stages the files that changed beside `live`; commit moves them in and prunes the rest."""

    def __init__(self, live: Path) -> None:
        self.live = live
        self.stage = live.with_name(f".{live.name}.new")
        shutil.rmtree(self.stage, ignore_errors=True)
        self.stage.mkdir(parents=True)
        self.kept: set[str] = set()  # written with the bytes `live` already has
        self.changed: set[str] = set()  # new or different: staged
        self.stats: dict[str, os.stat_result] = {}  # after commit: every output file's stat

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

    def staged(self) -> Mapping[str, bytes]:
        return _Overlay(self)

    def commit(self) -> None:
        """Remove what this build did not write, then move the staged files in. Leaves the
        stat of every output file in `stats` (what the next build may trust)."""
        self.live.mkdir(parents=True, exist_ok=True)
        self._prune()
        for rel in sorted(self.changed):
            target = self.live / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.stage / rel, target)
            self.stats[rel] = os.stat(target)
        shutil.rmtree(self.stage, ignore_errors=True)

    def _prune(self) -> None:
        """One walk: files this build did not write are removed (then the folders left empty),
        those it kept are stat'ed."""
        wanted = self.kept | self.changed
        emptied: set[str] = set()  # folders something was removed from
        for path, rel in walk_files(self.live):
            if rel in self.kept:
                self.stats[rel] = os.stat(path)
            elif rel not in wanted:
                os.unlink(path)
                emptied.add(os.path.dirname(path))
        root = os.fspath(self.live)
        # Deepest first, then up the tree while folders are left empty.
        for folder in sorted(emptied, key=lambda f: f.count(os.sep), reverse=True):
            while folder != root:
                try:
                    os.rmdir(folder)
                except OSError:  # not empty: it holds wanted files or folders
                    break
                folder = os.path.dirname(folder)

    def abort(self) -> None:
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


class Output:
    """Claims output files for their producers (collisions name both), then writes them."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.owners: dict[str, str] = {}
        self.written = 0
        self.unchanged = 0

    def claim(self, rel: str, owner: str, problems: Problems) -> bool:
        """Reserve `rel` for `owner`; a second claim is a URL collision (an error)."""
        first = self.owners.setdefault(rel, owner)
        if first != owner:
            problems.error(
                f"URL collision: {rel} is written by both {first} and {owner}",
                hint="change the path of one of them",
            )
            return False
        return True

    def write(self, rel: str, data: bytes) -> None:
        if self.sink.write(rel, data):
            self.written += 1
        else:
            self.unchanged += 1

    def keep(self, rel: str) -> None:
        self.sink.keep(rel)
        self.unchanged += 1
