"""The no-op path: a build whose inputs and output are exactly as the last clean build left them
does nothing, in the time it takes to `stat` the files.

Every incremental build still loads, parses and plans the whole site to find what changed; at
10,000 posts that alone is seconds. Here the last successful build without a single warning
records a digest of the stamp (sitegen.build.state.store.Stamp) of every input file (sitegen.toml,
content/,
static/, the theme folders) with the options it ran with, and of every output file. The next
build compares both before loading anything; equal digests mean nothing can have changed.

The snapshot is trusted only if every input had settled when it was taken (the build state's
racy rule); otherwise the build goes the normal way (always correct, only slower). Kept in the
build state (sitegen.build.state.store) as the `quick` blob.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.build.state.store import Stamp, Store, settled
from sitegen.digests import digest, fingerprint
from sitegen.fsutil import walk_files

KEY = "quick"  # its blob in the build state


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


def _snapshot(roots: Iterable[Path]) -> tuple[str, int]:
    """(digest of every file's path and stamp; newest mtime in ns)."""
    rows, newest = [], 0
    for root in roots:
        for path, st in _walk(root):
            rows.append(f"{path}\0{Stamp.encode_stat(st)}")
            newest = max(newest, st.st_mtime_ns)
    return digest("\n".join(rows)), newest


def output_stats(output: Path) -> dict[str, os.stat_result]:
    return {rel: os.stat(path) for path, rel in walk_files(output)}


def _outputs_digest(stats: Mapping[str, os.stat_result]) -> str:
    return digest("\n".join(f"{rel}\0{Stamp.encode_stat(st)}" for rel, st in sorted(stats.items())))


def input_roots(site_dir: Path, theme_dirs: list[Path]) -> list[Path]:
    # Missing ones too: a folder or file that appears later must change the snapshot.
    return [*(site_dir / n for n in ("sitegen.toml", "content", "static")), *theme_dirs]


def nothing_changed(store: Store, roots: list[Path], output: Path, options: Any) -> int | None:
    """The number of output files if the last build's snapshot still holds, else None."""
    try:
        saved = json.loads(store.blob(KEY) or b"null")
        if saved is None:
            return None
        inputs, newest = _snapshot(roots)
        if saved["inputs"] != fingerprint(__version__, options, inputs):
            return None
        if not settled(newest, saved["taken_ns"]) or not output.is_dir():
            return None
        stats = output_stats(output)
        return len(stats) if saved["outputs"] == _outputs_digest(stats) else None
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return None


def record(roots: list[Path], options: Any, outputs: Mapping[str, os.stat_result]) -> bytes:
    """The snapshot of the inputs now, with `outputs`: the stat of every output file, taken
    after the build's commit (the commit's own walk of the output: not walked twice)."""
    taken = time.time_ns()
    inputs, _ = _snapshot(roots)
    data = {
        "inputs": fingerprint(__version__, options, inputs),
        "outputs": _outputs_digest(outputs),
        "taken_ns": taken,
    }
    return json.dumps(data).encode()
