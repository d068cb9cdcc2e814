"""The one write path of a build: URL collisions, identical bytes skipped, disk or memory.

Disk builds are staged (the project's write_if_changed/atomic_write discipline applied to the
whole tree at once): every file goes to a sibling folder `.<out>.new/`, and only a build
without errors swaps it into place, so a failed build leaves the previous `public/` intact and
files that vanished from the site are pruned for free. A file whose bytes did not change is
hard-linked from the previous output instead of rewritten: its mtime stays, so rsync/S3 deploys
and `git status` see only real changes. `serve` writes to a `MemorySink` instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sitegen.checks.files import DirFiles
from sitegen.errors import Problems


class Sink(Protocol):
    def write(self, rel: str, data: bytes) -> bool:
        """Store `data` at `rel`; True if that changed the output (new or different bytes)."""
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
        self._next[rel] = data
        return self.files.get(rel) != data

    def staged(self) -> Mapping[str, bytes]:
        return self._next

    def commit(self) -> None:
        self.files, self._next = self._next, {}

    def abort(self) -> None:
        self._next = {}


class StagedDirSink:
    """Writes the whole output beside `live`, then swaps it in on commit."""

    def __init__(self, live: Path) -> None:
        self.live = live
        self.stage = live.with_name(f".{live.name}.new")
        self.old = live.with_name(f".{live.name}.old")
        shutil.rmtree(self.stage, ignore_errors=True)
        self.stage.mkdir(parents=True)

    def write(self, rel: str, data: bytes) -> bool:
        target, previous = self.stage / rel, self.live / rel
        try:
            if previous.stat().st_size == len(data) and previous.read_bytes() == data:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(previous, target)
                return False
        except (FileNotFoundError, NotADirectoryError):
            pass
        # No fsync per file: the staging folder only goes live through the rename in commit(),
        # so a crash mid-build cannot leave a half-written page in the live output.
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return True

    def staged(self) -> Mapping[str, bytes]:
        return DirFiles(self.stage)

    def commit(self) -> None:
        shutil.rmtree(self.old, ignore_errors=True)
        if self.live.exists():
            self.live.rename(self.old)
        self.stage.rename(self.live)
        shutil.rmtree(self.old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


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
