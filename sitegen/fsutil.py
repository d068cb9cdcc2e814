"""The one way sitegen writes a file: atomically, and only when the bytes change.

Atomic (write a temporary file beside the target, then rename it over the target) so that an
interrupted run never leaves a half-written file. No fsync: it guards against a crash of the
operating system, not of sitegen, and at one per file it was most of an import's wall time.
Skip-if-identical so that unchanged outputs keep their mtime, which keeps deploys and
`git status` small.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly these bytes. True if written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def walk_files(root: Path) -> Iterator[tuple[str, str]]:
    """(full path, path relative to `root` with "/") of every file under `root`, any order.

    What os.walk(root) would list, as it lists it (a symbolic link to a folder is neither
    followed nor a file; a folder that cannot be read is skipped), in less than half its time:
    one scandir a folder and no joins, because this runs over every output folder of a build
    (20,000 at 10,000 posts) and over them again on the no-op path."""
    todo = [(os.fspath(root), "")]
    while todo:
        folder, prefix = todo.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                yield entry.path, prefix + entry.name
            elif not entry.is_symlink():
                todo.append((entry.path, f"{prefix}{entry.name}/"))
