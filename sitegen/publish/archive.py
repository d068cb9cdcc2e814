"""Permanent snapshots of a built site: `sitegen archive`, `archive list`, `archive restore`.

Layout under the target:

    objects/sha256/ab/abcd...       every distinct file, once, named by its content hash
    snapshots/2026-11-28T101500Z.json   one manifest per snapshot: paths -> hashes, and where
                                        the site came from

Content addressing makes a snapshot of an unchanged site nearly free (only the manifest is new)
and makes every object self-verifying. Snapshots are never overwritten: the manifest is written
with `If-None-Match: *` where the store honours it, after checking first where it may not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.content import split_document
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import atomic_write
from sitegen.publish.localsite import LocalObject, scan_site
from sitegen.publish.settings import IMMUTABLE, PublishSettings
from sitegen.publish.store import AlreadyExistsError, NotFoundError, ObjectMeta, ObjectStore
from sitegen.publish.sync import ARCHIVE_MARKER, PublishOptions, with_retries
from sitegen.safepath import UnsafePath, check_relative_file, inside

# progress(done, total): called with (0, total) before the transfers, then after each object.
Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    pass


OBJECTS = "objects/sha256/"
SNAPSHOTS = "snapshots/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_JSON = ObjectMeta(content_type="application/json", cache_control=IMMUTABLE)
_TEXT = ObjectMeta(content_type="text/plain; charset=utf-8", cache_control=IMMUTABLE)


@dataclass
class ArchiveResult:
    name: str
    files: int = 0
    size: int = 0
    stored: int = 0  # objects written by this snapshot
    stored_bytes: int = 0
    reused: int = 0  # distinct contents already archived by an earlier snapshot
    problems: Problems = field(default_factory=Problems)  # warnings: files skipped


@dataclass
class RestoreResult:
    files: int = 0
    size: int = 0
    problems: Problems = field(default_factory=Problems)


def object_key(sha256: str) -> str:
    return f"{OBJECTS}{sha256[:2]}/{sha256}"


def snapshot_key(name: str) -> str:
    return f"{SNAPSHOTS}{name}.json"


def build_time(env: Mapping[str, str] = os.environ) -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds, and tests)."""
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if not epoch:
        return datetime.now(UTC).replace(microsecond=0)
    if not epoch.isdigit():
        raise SitegenError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}")
    return datetime.fromtimestamp(int(epoch), UTC)


def snapshot_name(name: str | None, when: datetime) -> str:
    if name is None:
        return when.strftime("%Y-%m-%dT%H%M%SZ")
    if not _NAME.fullmatch(name):
        raise SitegenError(f"bad snapshot name {name!r}", hint="use letters, digits, '.', '_', '-'")
    return name


def create_snapshot(
    store: ObjectStore,
    source: Path,
    site_dir: Path,
    name: str,
    when: datetime,
    options: PublishOptions,
    progress: Progress = _no_progress,
) -> ArchiveResult:
    store.check()
    key = snapshot_key(name)
    if with_retries(lambda: store.head(key), options) is not None:
        raise _exists(store, name)
    problems = Problems()
    files = scan_site(
        source, PublishSettings(), compress=False, feed_index_html=False, problems=problems
    )
    _mark_archive(store, options)
    result = ArchiveResult(name, len(files), sum(f.source.stat().st_size for f in files))
    result.problems = problems
    have = {o.key for o in with_retries(lambda: store.list(OBJECTS), options)}
    todo = {f.meta.sha256: f for f in files if object_key(f.meta.sha256) not in have}
    result.reused = len({f.meta.sha256 for f in files}) - len(todo)
    progress(0, len(todo))
    with ThreadPoolExecutor(options.jobs) as pool:
        jobs = pool.map(lambda f: _store_object(store, f, options), todo.values())
        for done, written in enumerate(jobs, 1):
            progress(done, len(todo))
            if written is None:
                result.reused += 1
            else:
                result.stored += 1
                result.stored_bytes += written
    doc = _manifest(name, when, files, source, site_dir)
    data = json.dumps(doc, indent=1, ensure_ascii=False).encode() + b"\n"
    try:
        with_retries(lambda: store.put(key, data, _JSON, if_absent=True), options)
    except AlreadyExistsError:
        raise _exists(store, name) from None
    return result


def _mark_archive(store: ObjectStore, options: PublishOptions) -> None:
    """Mark the archive's root, so that `sitegen publish` never deletes snapshots here."""
    note = b"sitegen archive: objects/ and snapshots/ below are immutable snapshots.\n"
    with contextlib.suppress(AlreadyExistsError):  # marked by an earlier snapshot
        with_retries(lambda: store.put(ARCHIVE_MARKER, note, _TEXT, if_absent=True), options)


def _exists(store: ObjectStore, name: str) -> SitegenError:
    return SitegenError(
        f"snapshot {name!r} already exists; snapshots are never overwritten",
        store.name + snapshot_key(name),
        hint="choose another --name (or unset SOURCE_DATE_EPOCH)",
    )


def _store_object(store: ObjectStore, obj: LocalObject, options: PublishOptions) -> int | None:
    """Upload one content object: the bytes written, or None if it was there already."""
    body = obj.source.read_bytes()
    if hashlib.sha256(body).hexdigest() != obj.meta.sha256:
        raise SitegenError("file changed while archiving", str(obj.source), hint="archive again")
    meta = ObjectMeta(obj.meta.sha256, "application/octet-stream", IMMUTABLE)
    try:
        with_retries(
            lambda: store.put(object_key(obj.meta.sha256), body, meta, if_absent=True), options
        )
    except AlreadyExistsError:
        return None  # another snapshot stored the same content meanwhile: same bytes, fine
    return len(body)


def _manifest(
    name: str, when: datetime, files: list[LocalObject], source: Path, site_dir: Path
) -> dict[str, Any]:
    return {
        "format": 1,
        "name": name,
        "created": when.isoformat().replace("+00:00", "Z"),
        "sitegen_version": __version__,
        "source": source_info(source, site_dir),
        "posts": count_posts(site_dir),
        "file_count": len(files),
        "total_size": sum(f.source.stat().st_size for f in files),
        "files": [
            {
                "path": f.key,
                "sha256": f.meta.sha256,
                "size": f.source.stat().st_size,
                "content_type": f.meta.content_type,
            }
            for f in files
        ],
    }


def source_info(source: Path, site_dir: Path) -> dict[str, Any]:
    """Where the snapshot came from: the folder, and the site's git commit if it has one."""
    source, site_dir = source.resolve(), site_dir.resolve()
    shown = (
        source.relative_to(site_dir).as_posix() if source.is_relative_to(site_dir) else str(source)
    )
    info: dict[str, Any] = {"dir": shown, "git_commit": None, "git_dirty": None}
    head = _git(site_dir, "rev-parse", "HEAD")
    if head is not None:
        info["git_commit"] = head.strip()
        info["git_dirty"] = bool((_git(site_dir, "status", "--porcelain", "--", ".") or "").strip())
    return info


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git here: the snapshot simply does not name a commit
    return done.stdout if done.returncode == 0 else None


def count_posts(site_dir: Path) -> int | None:
    """Published posts in `content/` (docs/content-format.md), or None without a content/."""
    content = site_dir / "content"
    if not content.is_dir():
        return None
    count = 0
    for path in sorted(content.rglob("*.md")):
        try:
            meta, _, _ = split_document(path.read_text(encoding="utf-8"), str(path))
        except (SitegenError, UnicodeDecodeError):
            continue  # the build reports broken files; a snapshot only counts what it can
        count += meta.get("type", "post") == "post" and meta.get("status", "publish") == "publish"
    return count


def read_snapshot(store: ObjectStore, name: str, options: PublishOptions) -> dict[str, Any]:
    key = snapshot_key(name)
    try:
        data = with_retries(lambda: store.get(key), options)
    except NotFoundError:
        raise SitegenError(
            f"no snapshot named {name!r}",
            store.name,
            hint="`sitegen archive list TARGET` shows the snapshots",
        ) from None
    try:
        doc = json.loads(data)
        files = doc["files"]
        if doc.get("format") != 1 or not isinstance(files, list):
            raise ValueError("unknown format")
        for entry in files:
            if not (isinstance(entry["path"], str) and isinstance(entry["sha256"], str)):
                raise ValueError("bad file entry")
            if not _SHA256.fullmatch(entry["sha256"]):
                raise ValueError(f"bad sha256 {entry['sha256']!r} of {entry['path']!r}")
    except (ValueError, KeyError, TypeError) as exc:
        raise SitegenError(f"not a sitegen snapshot manifest ({exc})", store.name + key) from None
    result: dict[str, Any] = doc
    return result


def list_snapshots(store: ObjectStore, options: PublishOptions) -> list[dict[str, Any]]:
    """Every snapshot's manifest, oldest name first."""
    store.check()
    names = [
        o.key[len(SNAPSHOTS) : -len(".json")]
        for o in store.list(SNAPSHOTS)
        if o.key.endswith(".json")
    ]
    with ThreadPoolExecutor(options.jobs) as pool:
        return list(pool.map(lambda n: read_snapshot(store, n, options), names))


def restore_snapshot(
    store: ObjectStore,
    name: str,
    dest: Path,
    options: PublishOptions,
    progress: Progress = _no_progress,
) -> RestoreResult:
    """Write snapshot `name` into the empty folder `dest`, verifying every file's hash."""
    store.check()
    doc = read_snapshot(store, name, options)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SitegenError(
            "restore needs an empty or new folder",
            str(dest),
            hint="choose another DIR: a restore never mixes with other files",
        )
    by_hash: dict[str, list[str]] = {}
    result = RestoreResult()
    for entry in doc["files"]:
        path = entry["path"]
        try:
            check_relative_file(path)
        except UnsafePath as exc:
            result.problems.error(
                f"unsafe path {path!r} in the snapshot, skipped: {exc}",
                store.name + snapshot_key(name),
                hint="the snapshot was altered after it was made: restore another one",
            )
            continue
        by_hash.setdefault(entry["sha256"], []).append(path)
    progress(0, len(by_hash))
    with ThreadPoolExecutor(options.jobs) as pool:
        fetched = pool.map(lambda s: _fetch(store, s, options), by_hash)
        for done, (sha, body) in enumerate(fetched, 1):
            _write_verified(dest, sha, body, by_hash[sha], result)
            progress(done, len(by_hash))
    return result


def _fetch(store: ObjectStore, sha: str, options: PublishOptions) -> tuple[str, bytes | None]:
    try:
        return sha, with_retries(lambda: store.get(object_key(sha)), options)
    except NotFoundError:
        return sha, None


def _write_verified(
    dest: Path, sha: str, body: bytes | None, paths: list[str], result: RestoreResult
) -> None:
    """Write `body` to every path that has this hash, or report why not."""
    where = object_key(sha)
    for path in paths:
        if body is None:
            result.problems.error(
                f"object {where} is missing",
                path,
                hint="the archive is damaged: restore another snapshot",
            )
        elif (got := hashlib.sha256(body).hexdigest()) != sha:
            result.problems.error(
                f"object {where} is corrupt (its sha256 is {got})",
                path,
                hint="the archive is damaged: restore another snapshot",
            )
        else:
            try:
                atomic_write(inside(dest, path), body)
            except (UnsafePath, OSError) as exc:  # `a` and `a/b` both, a link in the way
                result.problems.error(f"not restored: {exc}", path)
                continue
            result.files += 1
            result.size += len(body)
