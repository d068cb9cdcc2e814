"""`sitegen publish` from options to a ready plan: settings, target, scan, remote state.

The command line gives what the user typed (None where they typed nothing); this module fills the
gaps from sitegen.toml and the defaults, so the CLI only parses, calls, and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problems, SitegenError
from sitegen.publish.local import LocalStore
from sitegen.publish.localsite import LocalObject, scan_site
from sitegen.publish.settings import load_settings
from sitegen.publish.store import ObjectStore, open_store
from sitegen.publish.sync import Prepared, PublishOptions, prepare


@dataclass(frozen=True)
class PublishRequest:
    target: str | None = None
    source: Path | None = None
    dry_run: bool = False
    max_deletes: int | None = None
    jobs: int | None = None
    compress: bool | None = None
    endpoint_url: str | None = None
    region: str | None = None
    profile: str | None = None


@dataclass
class Deployment:
    store: ObjectStore
    objects: list[LocalObject]
    options: PublishOptions
    prepared: Prepared
    problems: Problems  # warnings about the source (files skipped, a commit undone)


def plan_publish(site_dir: Path, request: PublishRequest) -> Deployment:
    """Everything up to the plan; nothing on the target changes here."""
    settings = load_settings(site_dir)
    jobs = request.jobs or settings.jobs
    compress = settings.gzip if request.compress is None else request.compress
    store = open_store(
        request.target or settings.resolved_target(site_dir),
        settings.store_options(request.endpoint_url, request.region, request.profile, jobs),
    )
    if compress and not store.keeps_metadata:
        raise SitegenError(
            "--gzip needs a target that sends Content-Encoding (s3://...)",
            store.name,
            hint="a folder cannot; drop --gzip",
        )
    source = request.source or site_dir / settings.output_dir
    if isinstance(store, LocalStore):
        _refuse_own_files(store, site_dir, source)
    problems = Problems()
    objects = scan_site(
        source,
        settings,
        compress=compress,
        feed_index_html=store.keeps_metadata,  # only object stores need the feed copies
        problems=problems,
    )
    max_deletes = settings.max_deletes if request.max_deletes is None else request.max_deletes
    options = PublishOptions(
        dry_run=request.dry_run, max_deletes=max_deletes, jobs=jobs, keep=settings.keep
    )
    return Deployment(store, objects, options, prepare(store, objects, options), problems)


# A publish deletes what the source does not have: into content/ it would delete every post
# (fewer than --max-deletes on a small site), into the site folder everything but public/.
_SOURCES = ("content", "themes", "static", ".sitegen")


def _refuse_own_files(store: LocalStore, site_dir: Path, source: Path) -> None:
    root, site, src = store.root, site_dir.resolve(), source.resolve()
    if root == src:
        return  # nothing to copy, nothing to delete: harmless
    overlaps = [site / name for name in _SOURCES] + [src]
    if (
        root == site
        or root in site.parents
        or root in src.parents
        or any(root == p or p in root.parents or root in p.parents for p in overlaps)
    ):
        raise SitegenError(
            "refusing to publish here: the folder holds (or is inside) the site's own files, "
            "which a publish would delete",
            store.name,
            hint="publish to a folder of its own, outside the site's content/, themes/, "
            "static/ and the built site",
        )
