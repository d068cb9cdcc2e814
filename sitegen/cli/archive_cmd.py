"""`sitegen archive TARGET`, `archive list TARGET`, `archive restore TARGET SNAPSHOT DIR`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sitegen.build.state.store import load_built_for
from sitegen.cli.publish_cmd import fail, human_size, s3_options
from sitegen.config import load_config
from sitegen.errors import Problems, SitegenError
from sitegen.publish.archive import (
    build_time,
    create_snapshot,
    list_snapshots,
    restore_snapshot,
    snapshot_key,
    snapshot_name,
)
from sitegen.publish.local import LocalStore
from sitegen.publish.settings import load_settings
from sitegen.publish.store import ObjectStore, open_store
from sitegen.publish.sync import PublishOptions
from sitegen.publish.webarchive import FORMATS, list_web_archives, store_web_archive
from sitegen.site.assemble import load_site_info


class _Bar:
    """archive's progress(done, total) as a click progress bar, on a terminal only (logs get
    the one-line summary); drawn once there is something to transfer."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not total or not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done == total:
            self.bar.__exit__(None, None, None)


class _DefaultToCreate(click.Group):
    """`sitegen archive TARGET` means `sitegen archive create TARGET`: the common case is short."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else ""
        if first not in self.commands and first not in ctx.help_option_names and first:
            args = ["create", *args]
        return super().parse_args(ctx, args)


@click.group("archive", cls=_DefaultToCreate)
def command() -> None:
    """Keep permanent, dated snapshots of the built site.

    \b
      sitegen archive TARGET                  snapshot public/ (same as `archive create`)
      sitegen archive list TARGET             the snapshots, oldest first
      sitegen archive restore TARGET NAME DIR restore one into DIR, verifying every hash

    `--format wacz` (or `warc`) writes a web archive of the site for pywb, ReplayWeb.page and
    the archives of libraries instead, into webarchives/ of TARGET.

    TARGET is s3://BUCKET/PREFIX or a folder. A file unchanged since an earlier snapshot is
    stored once (objects are named by their sha256); snapshots are never overwritten.
    """


@command.command("create")
@click.argument("target")
@click.option(
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    help="The built site.  [default: output_dir of sitegen.toml, or public/]",
)
@click.option(
    "--name",
    help="Snapshot name.  [default: the UTC time (or SOURCE_DATE_EPOCH), like 2026-11-28T101500Z]",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Parallel uploads.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["snapshot", *FORMATS]),
    default="snapshot",
    show_default=True,
    help="snapshot: sitegen's own; wacz or warc: a web archive that pywb and "
    "ReplayWeb.page replay (needs the `archive` extra).",
)
@click.option(
    "--base-url",
    help="The URL the web archive says the site was captured at (default: the one the last "
    "build used).",
)
@s3_options
@click.pass_obj
def create(
    site_dir: Path,
    target: str,
    source: Path | None,
    name: str | None,
    jobs: int,
    fmt: str,
    base_url: str | None,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None,
) -> None:
    """Snapshot the built site into TARGET."""
    try:
        settings = load_settings(site_dir)
        store = open_store(target, settings.store_options(endpoint_url, region, profile, jobs))
        if fmt != "snapshot":
            _web_archive(site_dir, store, fmt, source, name, base_url, settings.output_dir)
            return
        when = build_time()
        name = snapshot_name(name, when)
        result = create_snapshot(
            store,
            source or site_dir / settings.output_dir,
            site_dir,
            name,
            when,
            PublishOptions(jobs=jobs),
            _Bar("Archiving"),
        )
    except SitegenError as err:
        fail(err)
    if result.problems.items:
        click.echo(result.problems.render(), err=True)
    click.echo(
        f"Snapshot {name}: {result.files} files ({human_size(result.size)}); stored "
        f"{result.stored} new objects ({human_size(result.stored_bytes)}), {result.reused} "
        f"already archived.\n  {store.name}{snapshot_key(name)}"
    )


@command.command("list")
@click.argument("target")
@s3_options
@click.pass_obj
def list_(
    site_dir: Path, target: str, endpoint_url: str | None, region: str | None, profile: str | None
) -> None:
    """List the snapshots in TARGET."""
    try:
        options = load_settings(site_dir).store_options(endpoint_url, region, profile, 8)
        store = open_store(target, options)
        _folder_exists(store)
        snapshots = list_snapshots(store, PublishOptions())
        archives = list_web_archives(store)
    except SitegenError as err:
        fail(err)
    if not snapshots and not archives:
        click.echo(f"No snapshots in {store.name}.")
    for doc in snapshots:
        click.echo(_describe(doc))
    for obj in archives:
        click.echo(f"{obj.key}  {human_size(obj.size)}")


def _web_archive(
    site_dir: Path,
    store: ObjectStore,
    fmt: str,
    source: Path | None,
    name: str | None,
    base_url: str | None,
    output_dir: Path | str,
) -> None:
    problems = Problems()
    info = load_site_info(site_dir, problems)
    config = load_config(site_dir, info, problems, {"base_url": base_url} if base_url else {})
    if problems.errors:
        click.echo(problems.render(), err=True)
        raise SystemExit(1)
    url = base_url or load_built_for(site_dir) or config.base_url
    result = store_web_archive(store, fmt, source or site_dir / output_dir, url, name, problems)
    if problems.items:
        click.echo(problems.render(), err=True)
    click.echo(
        f"Web archive ({fmt}) of {url}: {result.responses} responses, {result.redirects} "
        f"redirects, {result.gone} gone, {result.pages} pages listed "
        f"({human_size(result.size)}).\n  {store.name}{result.key}"
    )


def _folder_exists(store: ObjectStore) -> None:
    """A mistyped folder is not an empty archive (was: "No snapshots in ...", exit 0)."""
    if isinstance(store, LocalStore) and not store.root.is_dir():
        raise SitegenError(
            "no such folder", store.name, hint="check TARGET; `sitegen archive TARGET` creates it"
        )


def _describe(doc: dict[str, Any]) -> str:
    posts = "" if doc.get("posts") is None else f", {doc['posts']} posts"
    commit = (doc.get("source") or {}).get("git_commit")
    where = f", git {commit[:12]}" if isinstance(commit, str) else ""
    return (
        f"{doc['name']}  {doc.get('created', '?')}  {len(doc['files'])} files, "
        f"{human_size(int(doc.get('total_size', 0)))}{posts}{where}"
    )


@command.command("restore")
@click.argument("target")
@click.argument("snapshot")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Parallel downloads.",
)
@s3_options
@click.pass_obj
def restore(
    site_dir: Path,
    target: str,
    snapshot: str,
    dest: Path,
    jobs: int,
    endpoint_url: str | None,
    region: str | None,
    profile: str | None,
) -> None:
    """Restore SNAPSHOT from TARGET into the empty folder DEST, verifying every file."""
    try:
        options = load_settings(site_dir).store_options(endpoint_url, region, profile, jobs)
        store = open_store(target, options)
        _folder_exists(store)
        result = restore_snapshot(
            store, snapshot, dest, PublishOptions(jobs=jobs), _Bar("Restoring")
        )
    except SitegenError as err:
        fail(err)
    if result.problems.failed():
        click.echo(result.problems.render(), err=True)
        click.echo(
            f"Restored {result.files} files; {len(result.problems.errors)} failed verification.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(
        f"Restored {snapshot}: {result.files} files ({human_size(result.size)}) into "
        f"{dest}, every sha256 verified."
    )
