"""The no-op path: a build whose inputs and output are exactly as the last clean build left them
does nothing, in the time it takes to `stat` the files.

Every incremental build still loads, parses and plans the whole site to find what changed; at
10,000 posts that alone is seconds. Here the last successful build without a single warning
records a digest of (path, size, mtime, inode) of every input file (sitegen.toml, content/,
static/, the theme folders) with the options it ran with, and of every output file. The next
build compares both before loading anything; equal digests mean nothing can have changed.

Racy files (git's "racy clean" problem): a file written in the same clock tick as the snapshot
could change again without its size or mtime changing. So a snapshot is trusted only if every
input is older than the moment it was taken by more than `RACY_SECONDS`; otherwise the build
goes the normal way (which is always correct, only slower). State: `.sitegen/quick.json`,
disposable like the rest of `.sitegen/`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.cache import CACHE_DIR, STATE_FILE, digest
from sitegen.fsutil import atomic_write, walk_files

QUICK_FILE = "quick.json"
RACY_SECONDS = 2.0


def _walk(root: Path) -> Iterable[tuple[str, os.stat_result]]:
    if not root.exists():
        return
    if root.is_file():
        yield root.as_posix(), root.stat()
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            yield path, os.stat(path)


def _snapshot(roots: Iterable[Path]) -> tuple[str, int, int]:
    """(digest of every file's path, size, mtime and inode; newest mtime in ns; file count)."""
    rows, newest, count = [], 0, 0
    for root in roots:
        for path, st in _walk(root):
            rows.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
            count += 1
            if f"/{CACHE_DIR}/" not in path:  # sitegen's own state is written by the build
                newest = max(newest, st.st_mtime_ns)
    return digest("\n".join(rows)), newest, count


def output_stats(output: Path) -> dict[str, os.stat_result]:
    return {rel: os.stat(path) for path, rel in walk_files(output)}


def _outputs_digest(stats: Mapping[str, os.stat_result]) -> str:
    rows = [
        f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}" for rel, st in sorted(stats.items())
    ]
    return digest("\n".join(rows))


def input_roots(site_dir: Path, theme_dirs: list[Path]) -> list[Path]:
    # The build state is an input too: a damaged one must take the normal path, which says so.
    names = ("sitegen.toml", "content", "static", f"{CACHE_DIR}/{STATE_FILE}")
    # Missing ones too: a folder or file that appears later must change the snapshot.
    return [*(site_dir / n for n in names), *theme_dirs]


def nothing_changed(site_dir: Path, roots: list[Path], output: Path, options: Any) -> int | None:
    """The number of output files if the last build's snapshot still holds, else None."""
    try:
        saved = json.loads((site_dir / CACHE_DIR / QUICK_FILE).read_bytes())
        inputs, newest, _ = _snapshot(roots)
        if saved["inputs"] != digest(f"{__version__}\n{options!r}\n{inputs}"):
            return None
        if newest > saved["taken_ns"] - RACY_SECONDS * 1e9 or not output.is_dir():
            return None
        stats = output_stats(output)
        return len(stats) if saved["outputs"] == _outputs_digest(stats) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(
    site_dir: Path, roots: list[Path], options: Any, outputs: Mapping[str, os.stat_result]
) -> None:
    """Snapshot the inputs now, with `outputs`: the stat of every output file, taken after the
    build's commit (the commit's own walk of the output: not walked twice)."""
    taken = time.time_ns()
    inputs, _, _ = _snapshot(roots)
    data = {
        "inputs": digest(f"{__version__}\n{options!r}\n{inputs}"),
        "outputs": _outputs_digest(outputs),
        "taken_ns": taken,
    }
    atomic_write(site_dir / CACHE_DIR / QUICK_FILE, json.dumps(data).encode())


def forget(site_dir: Path) -> None:
    (site_dir / CACHE_DIR / QUICK_FILE).unlink(missing_ok=True)
