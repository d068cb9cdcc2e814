"""What earlier imports wrote: `content/.import/manifest.json`, and `content/_site.yaml`.

The manifest remembers, per WordPress id, the file the import wrote, the sha256 of its bytes, the
post's path and older paths. With it a re-import can tell a file edited by hand (its bytes no longer
match) from one the import may replace, and a post whose permalink changed keeps its old path as
an alias. Both files are written sorted and without timestamps, so an unchanged import leaves them
byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen import safepath
from sitegen.content import SafeLoader, load_yaml, yaml_error
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import write_if_changed

MANIFEST = Path(".import") / "manifest.json"
SITE_FILE = "_site.yaml"
VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    file: str  # relative to content/, posix
    sha256: str
    path: str
    modified_gmt: str
    aliases: tuple[str, ...] = ()


@dataclass
class Manifest:
    entries: dict[int, ManifestEntry] = field(default_factory=dict)

    def files(self) -> dict[str, int]:
        return {e.file: wp_id for wp_id, e in self.entries.items()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_manifest(content_dir: Path, rebuild: Problems | None = None) -> Manifest:
    """The manifest of earlier imports. An unreadable one is a SitegenError, unless `rebuild`
    is given (`import --force`, which overwrites what the manifest protects anyway): then the
    import starts a new one, with a warning there of what that loses."""
    path = content_dir / MANIFEST
    name = f"content/{MANIFEST.as_posix()}"
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = {
            int(k): ManifestEntry(
                # The import writes and deletes these files and links to these paths: a name
                # the gate refuses (UnsafePath is a ValueError) makes the manifest unreadable.
                file=safepath.check_relative_file(v["file"]),
                sha256=v["sha256"],
                path=_checked_path(v["path"]),
                modified_gmt=v.get("modified_gmt", ""),
                aliases=tuple(_checked_path(a) for a in v.get("aliases", ())),
            )
            for k, v in data["entries"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if rebuild is not None:
            rebuild.warn(
                f"unreadable import manifest ({exc}): --force starts a new one",
                name,
                "files of posts whose permalink changed since an earlier import are not "
                "removed this time, and their old permalinks are no longer kept as aliases",
            )
            return Manifest()
        raise SitegenError(
            f"unreadable import manifest ({exc})",
            name,
            "it is rebuilt by importing again with --force (hand edits are "
            "then overwritten); or restore it from version control",
        ) from None
    return Manifest(entries)


def _checked_path(path: str) -> str:
    safepath.check_page_path(path)
    return path


def save_manifest(content_dir: Path, manifest: Manifest) -> bool:
    entries = {}
    for wp_id in sorted(manifest.entries):
        entry = asdict(manifest.entries[wp_id])
        entry["aliases"] = list(entry["aliases"])
        entries[str(wp_id)] = entry
    text = json.dumps(
        {"version": VERSION, "entries": entries}, indent=1, sort_keys=True, ensure_ascii=False
    )
    return write_if_changed(content_dir / MANIFEST, (text + "\n").encode())


def load_site(content_dir: Path) -> dict[str, Any]:
    """The current _site.yaml (empty if none): a re-import of some posts keeps what it knew."""
    path = content_dir / SITE_FILE
    if not path.exists():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), SafeLoader)
    except yaml.YAMLError as exc:
        err = yaml_error(exc, f"content/{SITE_FILE}", "not valid YAML")
        err.hint = "fix the YAML or delete the file; the import writes it again"
        raise err from None
    except UnicodeDecodeError as exc:  # was a traceback
        raise SitegenError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
            f"content/{SITE_FILE}",
            "save it as UTF-8, or delete it; the import writes it again",
        ) from None
    if not isinstance(data, dict):
        raise SitegenError("expected a mapping of keys to values", f"content/{SITE_FILE}")
    return data


def merge_site(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """New values win; terms and authors are merged by slug so none is lost, then sorted."""
    merged = {
        k: new.get(k) or old.get(k, "")
        for k in ("name", "description", "home", "timezone", "language")
    }
    for key in ("categories", "tags", "authors"):
        by_slug: dict[str, dict[str, Any]] = {}
        for item in [*(old.get(key) or []), *(new.get(key) or [])]:
            if isinstance(item, dict) and item.get("slug"):
                by_slug[str(item["slug"])] = item
        merged[key] = [by_slug[s] for s in sorted(by_slug)]
    for key, value in old.items():  # keys added by hand are kept
        merged.setdefault(key, value)
    return merged


def save_site(content_dir: Path, data: dict[str, Any]) -> bool:
    # Flow style for the term entries only: one line per category reads like a table.
    text = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10_000
    )
    return write_if_changed(content_dir / SITE_FILE, text.encode())
