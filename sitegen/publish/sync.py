"""Execute a publish: read the remote state, plan, upload in safe order, delete, record.

Remote hashes come from a manifest object (`.sitegen-publish.json`, one GET instead of a HEAD per
object) and, for objects it does not vouch for, from each object's own `sha256` metadata. Before
anything changes, the manifest is rewritten *without* the keys about to change; so if the run is
interrupted, the next run asks those objects themselves (HEAD) instead of trusting a stale hash,
and finishes the job correctly.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sitegen import __version__
from sitegen.errors import SitegenError
from sitegen.publish.localsite import LocalObject
from sitegen.publish.settings import glob_match
from sitegen.publish.store import NotFoundError, ObjectMeta, ObjectStore, RemoteObject, StoreError
from sitegen.publish.uploadplan import PHASE_NAMES, Plan, Upload, plan_sync

MANIFEST_KEY = ".sitegen-publish.json"
ARCHIVE_MARKER = ".sitegen-archive"  # written by `sitegen archive` at the root of an archive
T = TypeVar("T")


@dataclass(frozen=True)
class PublishOptions:
    dry_run: bool = False
    max_deletes: int = 256
    jobs: int = 8
    attempts: int = 3  # whole-object attempts, on top of botocore's per-request retries
    backoff: float = 0.5  # seconds before the 2nd attempt; doubles each time
    keep: tuple[str, ...] = ()  # patterns of remote-only keys never to delete


@dataclass
class Prepared:
    """The plan, with what execution needs to keep the manifest right."""

    plan: Plan
    remote: dict[str, ObjectMeta]
    sizes: dict[str, int]  # stored size per remote key
    manifest_bytes: bytes | None  # the manifest as read (None: none)


@dataclass
class SyncResult:
    plan: Plan
    uploaded: int = 0
    uploaded_bytes: int = 0
    deleted: int = 0
    failures: list[tuple[str, StoreError]] = field(default_factory=list)


def with_retries(fn: Callable[[], T], options: PublishOptions) -> T:
    """Run `fn`, again after a growing pause while it fails with a transient StoreError."""
    for attempt in range(options.attempts):
        try:
            return fn()
        except StoreError as exc:
            if not exc.transient or attempt == options.attempts - 1:
                raise
            time.sleep(options.backoff * 2**attempt)
    raise AssertionError("unreachable: attempts must be >= 1")


def prepare(
    store: ObjectStore, objects: Iterable[LocalObject], options: PublishOptions
) -> Prepared:
    store.check()
    local = {o.key: o.meta for o in objects}
    listing = _site_objects(store, with_retries(store.list, options), local, options.keep)
    manifest_bytes = _read_manifest(store, options) if store.keeps_metadata else None
    remote = _remote_state(store, listing, _manifest_entries(manifest_bytes), options)
    plan = plan_sync(local, remote, compare_metadata=store.keeps_metadata)
    return Prepared(plan, remote, {o.key: o.size for o in listing}, manifest_bytes)


def _site_objects(
    store: ObjectStore,
    listing: list[RemoteObject],
    local: Mapping[str, ObjectMeta],
    keep: Sequence[str],
) -> list[RemoteObject]:
    """The listed objects that belong to the published site, i.e. that a publish may delete.

    Not ours: our manifest, `sitegen archive` folders (marked by ARCHIVE_MARKER) and remote-only
    keys matching a `keep` pattern (files other tools put there, like a verification file).
    """
    archives = tuple(
        o.key[: -len(ARCHIVE_MARKER)]
        for o in listing
        if o.key == ARCHIVE_MARKER or o.key.endswith("/" + ARCHIVE_MARKER)
    )
    if "" in archives:
        raise SitegenError(
            "this target holds a `sitegen archive`; publishing here would delete its snapshots",
            store.name,
            hint="publish to another bucket or prefix (an archive may live *below* it)",
        )
    clash = next((key for key in local if key.startswith(archives)), None) if archives else None
    if clash:
        raise SitegenError(
            f"the site has {clash}, inside a `sitegen archive` folder of the target",
            store.name,
            hint="keep the archive under a prefix the site does not use",
        )
    return [
        o
        for o in listing
        if o.key != MANIFEST_KEY
        and not o.key.startswith(archives)
        and (o.key in local or not any(glob_match(p, o.key) for p in keep))
    ]


def _read_manifest(store: ObjectStore, options: PublishOptions) -> bytes | None:
    try:
        return with_retries(lambda: store.get(MANIFEST_KEY), options)
    except NotFoundError:
        return None


def _manifest_entries(data: bytes | None) -> dict[str, Any]:
    # An unreadable manifest costs HEAD requests, never a wrong publish: ignore it.
    try:
        doc = json.loads(data or b"{}")
        objects = doc.get("objects", {}) if doc.get("format") == 1 else {}
        return objects if isinstance(objects, dict) else {}
    except (ValueError, AttributeError):
        return {}


def _from_entry(entry: Any) -> ObjectMeta:
    return ObjectMeta(
        sha256=str(entry.get("sha256", "")),
        content_type=str(entry.get("content_type", "")),
        cache_control=str(entry.get("cache_control", "")),
        content_encoding=str(entry.get("content_encoding", "")),
        redirect=str(entry.get("redirect", "")),
    )


def _remote_state(
    store: ObjectStore,
    listing: list[RemoteObject],
    manifest: Mapping[str, Any],
    options: PublishOptions,
) -> dict[str, ObjectMeta]:
    remote: dict[str, ObjectMeta] = {}
    unknown = []
    for obj in listing:
        entry = manifest.get(obj.key)
        if obj.meta is not None:
            remote[obj.key] = obj.meta
        elif isinstance(entry, dict) and entry.get("size") == obj.size:
            remote[obj.key] = _from_entry(entry)
        else:
            unknown.append(obj.key)
    with ThreadPoolExecutor(options.jobs) as pool:
        heads = pool.map(lambda key: with_retries(lambda: store.head(key), options), unknown)
        for key, meta in zip(unknown, heads, strict=True):
            # Gone since the listing: an empty hash makes it "changed" or deleted, both safe.
            remote[key] = meta or ObjectMeta()
    return remote


def execute(
    store: ObjectStore,
    prepared: Prepared,
    objects: Iterable[LocalObject],
    options: PublishOptions,
    progress: Callable[[Upload], None] = lambda upload: None,
) -> SyncResult:
    """Carry out the plan. Raises SitegenError (after the last upload) if any upload failed."""
    plan = prepared.plan
    if len(plan.deletes) > options.max_deletes:
        raise SitegenError(
            f"refusing to delete {len(plan.deletes)} objects (more than --max-deletes "
            f"{options.max_deletes}); nothing was changed",
            store.name,
            hint="check --source and TARGET; if these deletes are intended, raise --max-deletes",
        )
    result = SyncResult(plan)
    by_key = {o.key: o for o in objects}
    if options.dry_run:
        return result
    sizes = dict(prepared.sizes)
    if store.keeps_metadata and not plan.empty:
        changing = {u.key for u in plan.uploads} | set(plan.deletes)
        keep = {k: m for k, m in prepared.remote.items() if k not in changing}
        _write_manifest(store, keep, sizes, prepared.manifest_bytes, options)
    for phase in range(len(PHASE_NAMES)):
        batch = [u for u in plan.uploads if u.phase == phase]
        _upload_batch(store, batch, by_key, sizes, result, options, progress)
        if result.failures:
            raise _failed(store, result)
    if plan.deletes:
        with_retries(lambda: store.delete(plan.deletes), options)
        result.deleted = len(plan.deletes)
    if store.keeps_metadata:
        final = {k: o.meta for k, o in by_key.items()}
        _write_manifest(store, final, sizes, prepared.manifest_bytes, options)
    return result


def _upload_batch(
    store: ObjectStore,
    batch: list[Upload],
    objects: Mapping[str, LocalObject],
    sizes: dict[str, int],
    result: SyncResult,
    options: PublishOptions,
    progress: Callable[[Upload], None],
) -> None:
    with ThreadPoolExecutor(options.jobs) as pool:
        futures = {pool.submit(_upload_one, store, objects[u.key], options): u for u in batch}
        try:
            for future in as_completed(futures):
                upload = futures[future]
                if future.cancelled():
                    continue
                try:
                    size = future.result()
                except StoreError as exc:
                    result.failures.append((upload.key, exc))
                    _cancel(futures)
                    continue
                sizes[upload.key] = size
                result.uploaded += 1
                result.uploaded_bytes += size
                progress(upload)
        except BaseException:
            _cancel(futures)  # Ctrl-C or a bug: do not start the queued uploads on the way out
            raise


def _cancel(futures: Iterable[Future[int]]) -> None:
    """Stop starting new uploads; the running ones finish (a PUT is atomic on its own)."""
    for future in futures:
        future.cancel()


def _upload_one(store: ObjectStore, obj: LocalObject, options: PublishOptions) -> int:
    try:
        body = obj.body()
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror}", str(obj.source)) from None
    with_retries(lambda: store.put(obj.key, body, obj.meta), options)
    return len(body)


def _failed(store: ObjectStore, result: SyncResult) -> SitegenError:
    key, first = result.failures[0]
    more = f" and {len(result.failures) - 1} more" if len(result.failures) > 1 else ""
    return SitegenError(
        f"upload of {key}{more} failed: {first}; {result.uploaded} uploaded, nothing deleted",
        store.name,
        hint="fix the cause and run the same command again: it uploads only what is missing",
    )


def _write_manifest(
    store: ObjectStore,
    metas: Mapping[str, ObjectMeta],
    sizes: Mapping[str, int],
    old: bytes | None,
    options: PublishOptions,
) -> None:
    entries = {
        key: {
            "sha256": m.sha256,
            "size": sizes.get(key, -1),
            "content_type": m.content_type,
            "cache_control": m.cache_control,
            "content_encoding": m.content_encoding,
            **({"redirect": m.redirect} if m.redirect else {}),
        }
        for key, m in sorted(metas.items())
    }
    doc = {"format": 1, "generator": f"sitegen {__version__}", "objects": entries}
    data = json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n"
    if data != old:
        meta = ObjectMeta(content_type="application/json", cache_control="no-store")
        with_retries(lambda: store.put(MANIFEST_KEY, data, meta), options)
