"""Posts the WordPress site no longer publishes: their files leave, `content/_gone.yaml` keeps them.

The build answers 410 Gone for every path listed there, so old links say "removed" rather than
"never existed". A file the user edited by hand is never deleted behind their back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import write_if_changed

GONE_FILE = Path("content/_gone.yaml")


@dataclass
class Removal:
    wp_id: int
    path: str  # the published path, e.g. 2023/09/01/x/
    source: str  # the content file, relative to the site directory
    removed: bool  # False: kept because it was edited by hand


def content_ids(site_dir: Path) -> dict[int, tuple[str, str]]:
    """wp_id -> (content file relative to the site, published path), from the front matter.

    A line scan, not a YAML parse of every file: it has to stay fast for 100,000 posts.
    """
    found: dict[int, tuple[str, str]] = {}
    content = site_dir / "content"
    for file in sorted(content.rglob("*.md")):
        rel = file.relative_to(content)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        meta = _front_matter_keys(file, ("wp_id", "path"))
        if meta.get("wp_id", "").isdigit() and meta.get("path"):
            found[int(meta["wp_id"])] = (str(file.relative_to(site_dir)), meta["path"])
    return found


def _front_matter_keys(file: Path, keys: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    with file.open(encoding="utf-8", errors="replace") as fh:
        if fh.readline().strip() != "---":
            return out
        for line in fh:
            if line.strip() == "---":
                break
            key, sep, value = line.partition(":")
            if sep and key in keys:
                loaded = yaml.safe_load(value) if value.strip() else ""
                out[key] = str(loaded).strip("/") + "/" if key == "path" else str(loaded)
    return out


def remove_gone(
    site_dir: Path,
    gone: dict[int, str],
    edited: Callable[[Path], bool],
    today: str,
    problems: Problems,
) -> list[Removal]:
    """Delete the content files of posts the site no longer publishes; record them in _gone.yaml.

    A file edited by hand since it was imported stays (with a warning): the user decides.
    """
    if not gone:
        return []
    index = content_ids(site_dir)
    removals = []
    for wp_id in sorted(gone):
        if wp_id not in index:
            continue
        source, path = index[wp_id]
        if edited(site_dir / source):
            problems.warn(
                f"{gone[wp_id][:-1]} {wp_id} is no longer published, but this file was edited by "
                "hand, so it stays",
                source,
                "delete the file to mirror the deletion",
            )
            removals.append(Removal(wp_id, path, source, removed=False))
            continue
        (site_dir / source).unlink()
        removals.append(Removal(wp_id, path, source, removed=True))
    record_gone(site_dir, [r for r in removals if r.removed], today)
    return removals


def load_gone(site_dir: Path) -> list[dict[str, Any]]:
    path = site_dir / GONE_FILE
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise SitegenError("expected a list of {path, wp_id, removed}", str(GONE_FILE))
    return [d for d in data if isinstance(d, dict)]


def record_gone(site_dir: Path, removals: list[Removal], today: str) -> None:
    if not removals:
        return
    entries = {str(e.get("path")): e for e in load_gone(site_dir)}
    for r in removals:
        entries[r.path] = {"path": r.path, "wp_id": r.wp_id, "removed": today}
    write_gone(site_dir, list(entries.values()))


def forget_gone(site_dir: Path, wp_ids: Iterable[int]) -> None:
    """A post published again is no longer gone."""
    ids = set(wp_ids)
    entries = load_gone(site_dir)
    kept = [e for e in entries if e.get("wp_id") not in ids]
    if len(kept) != len(entries):
        write_gone(site_dir, kept)


def write_gone(site_dir: Path, entries: list[dict[str, Any]]) -> None:
    ordered = sorted(entries, key=lambda e: str(e.get("path")))
    head = (
        "# Posts and pages the WordPress site no longer publishes; the build answers 410 Gone\n"
        "# for each path. Written by `sitegen import --from`; remove an entry to drop its 410.\n"
    )
    body = (
        yaml.safe_dump(
            ordered, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000
        )
        if ordered
        else "[]\n"
    )
    write_if_changed(site_dir / GONE_FILE, (head + body).encode("utf-8"))
