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

    String slicing, not Path.relative_to: this runs for each of 20,000 output folders."""
    top = os.fspath(root)
    for folder, _dirs, files in os.walk(top):
        prefix = folder[len(top) + 1 :].replace(os.sep, "/")
        for name in files:
            yield os.path.join(folder, name), f"{prefix}/{name}" if prefix else name
