"""Posts the WordPress site no longer publishes: their files leave, `content/_gone.yaml` keeps them.

The build answers 410 Gone for every path listed there, so old links say "removed" rather than
"never existed". A file the user edited by hand is never deleted behind their back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sitegen.content import SafeLoader, load_yaml, yaml_error
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import write_if_changed
from sitegen.wp.manifest import load_manifest, save_manifest, sha256

GONE_FILE = Path("content/_gone.yaml")


@dataclass
class Removal:
    wp_id: int
    path: str  # the published path, e.g. 2023/09/01/x/
    source: str  # the content file, relative to the site directory
    removed: bool  # False: kept because it was edited by hand


def remove_gone(
    site_dir: Path, gone: Mapping[int, str], today: date, problems: Problems
) -> list[Removal]:
    """Delete the content files of posts the site no longer publishes; record them in _gone.yaml.

    The import manifest knows each post's file and the sha256 of what the import wrote: a file
    whose bytes differ was edited by hand and stays (with a warning): the user decides.
    """
    content = site_dir / "content"
    load_gone(site_dir)  # a broken _gone.yaml stops us before a file is deleted, not after
    manifest = load_manifest(content)
    removals = []
    for wp_id in sorted(gone):
        entry = manifest.entries.get(wp_id)
        if entry is None:
            continue
        file = content / entry.file
        source = f"content/{entry.file}"
        if file.exists() and sha256(file.read_bytes()) != entry.sha256:
            problems.warn(
                f"{gone[wp_id].rstrip('s')} {wp_id} is no longer published, but this file was "
                "edited by hand, so it stays",
                source,
                "delete the file to mirror the deletion",
            )
            removals.append(Removal(wp_id, entry.path, source, removed=False))
            continue
        file.unlink(missing_ok=True)
        del manifest.entries[wp_id]
        removals.append(Removal(wp_id, entry.path, source, removed=True))
    save_manifest(content, manifest)
    record_gone(site_dir, [r for r in removals if r.removed], today)
    return removals


def load_gone(site_dir: Path) -> list[dict[str, Any]]:
    path = site_dir / GONE_FILE
    if not path.exists():
        return []
    hint = "fix it (sitegen import --from only adds entries to it), or delete it"
    try:  # both were tracebacks
        data = load_yaml(path.read_text(encoding="utf-8"), SafeLoader) or []
    except yaml.YAMLError as exc:
        err = yaml_error(exc, str(GONE_FILE), "not valid YAML")
        raise SitegenError(err.message, err.location, hint) from None
    except UnicodeDecodeError as exc:
        raise SitegenError(f"not UTF-8 text ({exc.reason})", str(GONE_FILE), hint) from None
    if not isinstance(data, list):
        raise SitegenError("expected a list of {path, wp_id, removed}", str(GONE_FILE))
    return [d for d in data if isinstance(d, dict)]


def record_gone(site_dir: Path, removals: list[Removal], today: date) -> None:
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
