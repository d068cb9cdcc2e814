"""Build state kept between runs, under `.sitegen/`: versioned, JSON, and disposable.

What an incremental build needs to know about the last one: a fingerprint of everything that
changes every page (sitegen's version, the config, the theme), the hash of each content file,
and for each output the fingerprint of its inputs and the hash of the bytes written. JSON, not
pickle, so that it can be read, diffed and deleted safely (Pelican's policy). Anything wrong with
it — missing, unreadable, another format version, another sitegen — means one thing: do a full
build, and say why. A cache can make a build faster; it must never make a site wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.fsutil import atomic_write

CACHE_DIR = ".sitegen"
STATE_FILE = "build-state.json"
FORMAT = 3  # 2: the link check's results (`links`); 3: output stamps (`stamps`)


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@dataclass
class BuildState:
    """The last build: `site` invalidates everything; `jobs` and `outputs` are per output path."""

    site: str = ""  # fingerprint of sitegen version + config + theme
    sources: dict[str, str] = field(default_factory=dict)  # content file -> digest of bytes
    jobs: dict[str, str] = field(default_factory=dict)  # output -> fingerprint of its inputs
    outputs: dict[str, str] = field(default_factory=dict)  # output -> digest of bytes written
    # The link check's: {"inputs": digest of the file names and _redirects, "pages": {page:
    # [[fragment targets], [[message, location], ...]]}} for pages with either (build.py).
    links: dict[str, Any] = field(default_factory=dict)
    # output -> "size:mtime_ns:inode" of the file as committed, for outputs older than the racy
    # window when taken: a reused output whose file still has it is not read and hashed again.
    stamps: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "sitegen": __version__,
            "site": self.site,
            "sources": self.sources,
            "jobs": self.jobs,
            "outputs": self.outputs,
            "links": self.links,
            "stamps": self.stamps,
        }
        # No indent: json's C encoder only runs without one (5x faster on 100,000 entries).
        return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode()


def state_path(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR / STATE_FILE


def load_state(site_dir: Path) -> tuple[BuildState | None, str]:
    """The saved state, or None and the reason a full build is needed ("" if simply absent)."""
    path = state_path(site_dir)
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as exc:
        return None, f"{_shown(path, site_dir)}: unreadable ({exc}); doing a full build"
    problem = _check(raw)
    if problem:
        return None, f"{_shown(path, site_dir)}: {problem}; doing a full build"
    state = BuildState(
        raw["site"], raw["sources"], raw["jobs"], raw["outputs"], raw["links"], raw["stamps"]
    )
    return state, ""


def _check(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "not a build state"
    if raw.get("format") != FORMAT:
        return f"format {raw.get('format')!r}, this sitegen reads format {FORMAT}"
    if raw.get("sitegen") != __version__:
        return f"written by sitegen {raw.get('sitegen')}, this is {__version__}"
    if not isinstance(raw.get("site"), str):
        return "no site fingerprint"
    for key in ("sources", "jobs", "outputs", "stamps"):
        table = raw.get(key)
        if not isinstance(table, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in table.items()
        ):
            return f"'{key}' is not a table of text"
    links = raw.get("links")
    if not isinstance(links, dict) or not isinstance(links.get("pages", {}), dict):
        return "'links' is not a table"
    return ""


def save_state(site_dir: Path, state: BuildState) -> None:
    atomic_write(state_path(site_dir), state.to_json())


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)


def stamp(path: Path) -> str | None:
    """The file's "size:mtime_ns:inode", or None if it is not there."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def output_stamps(
    stats: Mapping[str, os.stat_result], taken_ns: int, racy_ns: int
) -> dict[str, str]:
    """Stamps of the outputs last modified more than `racy_ns` before `taken_ns` (a younger
    file could change again within the clock's resolution and keep its stamp)."""
    return {
        rel: f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        for rel, st in stats.items()
        if st.st_mtime_ns < taken_ns - racy_ns
    }


# The address the last committed build was made for, so that `sitegen check` checks the site
# as it was built (`build --base-url X` then `check` must not need X again). Kept apart from the
# build state, which describes inputs; this one describes what is in the output folder. Without
# it (SITEGEN_NO_CACHE, a deleted .sitegen/) check falls back to comparing robots.txt.
BUILT_FOR_FILE = "built-for.json"


def save_built_for(site_dir: Path, base_url: str, chosen: bool) -> None:
    data = json.dumps({"base_url": base_url, "chosen": chosen}, sort_keys=True) + "\n"
    atomic_write(site_dir / CACHE_DIR / BUILT_FOR_FILE, data.encode())


def load_built_for(site_dir: Path) -> str | None:
    """The base URL the last build was told (--base-url or sitegen.toml), or None if it used
    the default or nothing was recorded (an older build, a deleted .sitegen/)."""
    try:
        raw = json.loads((site_dir / CACHE_DIR / BUILT_FOR_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = raw.get("base_url") if isinstance(raw, dict) and raw.get("chosen") is True else None
    return url if isinstance(url, str) and url else None
