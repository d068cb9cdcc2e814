"""`sitegen import PATH...`: parse options, call sitegen.wp.importer, print the summary."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sitegen.cli.import_from import live_options
from sitegen.wp.fetch import FetchOptions
from sitegen.wp.importer import ImportOptions, ImportReport, import_paths

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

# Fewer posts than this import in a blink; a progress bar would only flicker.
PROGRESS_FROM = 500


def on_terminal() -> bool:
    return sys.stderr.isatty()


@click.command("import")
@click.argument("paths", nargs=-1, required=False, type=click.Path(exists=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite content files edited by hand since their import (and remove the "
    "old files of moved posts even if edited).",
)
@click.option(
    "--drafts",
    is_flag=True,
    help="Import drafts too, as 'status: draft' (they are skipped by default).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the summary line.")
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print the import report as JSON on standard output instead of the summary "
    "(keys in docs/import-report.md); problems still go to standard error.",
)  # fmt: skip
@click.option(
    "--uploads", metavar="DIR", default=None,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of the site's wp-content/uploads folder (or the backup holding it): the "
    "uploads the content uses (images, audio, video, PDF, office documents, ZIP) are copied "
    "into static/wp-content/uploads/ and published at their old URL. Reads no network.",
)  # fmt: skip
@click.pass_obj
@live_options  # --from URL, --media, --jobs, --full: sitegen/cli/import_from.py
def command(
    site_dir: Path, paths: tuple[Path, ...], force: bool, drafts: bool, quiet: bool,
    as_json: bool, uploads: Path | None, media: FetchOptions | None = None,
) -> None:  # fmt: skip
    """Import WordPress REST API JSON or a WordPress export into content/ as Markdown files.

    PATHS are JSON files saved from /wp-json/wp/v2/posts or /wp-json/wp/v2/pages (one post, or
    a list of posts, with or without _embed), or folders of them. Side files next to them are
    used when present: categories.json, tags.json, users.json, media.json, pages.json and
    index.json (the /wp-json/ site index: name, home URL, timezone).

    PATHS can also be WordPress exports (WXR .xml files from Tools -> Export or wp export), or
    a folder of them: the pieces of one site's export are read together.

    \b
    Posts go to content/posts/YYYY/MM/<slug>.md, pages to content/pages/<path>.md, the site's
    details to content/_site.yaml. Only published content is imported: drafts, private,
    scheduled, trashed and password-protected posts are skipped and counted. Importing again
    is safe: unchanged files are not rewritten, changed posts are updated, and files edited
    by hand since their import are kept unless --force is given.

    With --from URL (and no PATHS), mirror a live WordPress site instead; see "Mirroring a live
    site" in the README.
    """
    with ExitStack() as stack:
        bars: list[ProgressBar[int]] = []

        def on_total(total: int) -> None:
            # On a terminal only, as build and publish do: a log would get a stray label line.
            if total >= PROGRESS_FROM and not quiet and on_terminal():
                bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
                bars.append(stack.enter_context(bar))

        def progress(done: int) -> None:
            for bar in bars:
                bar.update(done)

        options = ImportOptions(
            force=force, drafts=drafts, on_total=on_total, uploads=uploads, media=media
        )
        report = import_paths(site_dir, list(paths), options, progress)
    if as_json:
        if len(report.errors):
            click.echo(report.errors.render(), err=True)
        click.echo(json.dumps(report.as_json(site_dir), indent=2, ensure_ascii=False))
    else:
        _print(report, site_dir, quiet)
    if report.failed:
        raise SystemExit(1)


def _print(report: ImportReport, site_dir: Path, quiet: bool) -> None:
    if len(report.errors):
        click.echo(report.errors.render(), err=True)
    if not quiet:
        for path in report.removed:
            click.echo(f"removed {_rel(path, site_dir)} (the post moved)")
    if report.uploads is not None:
        click.echo(report.uploads.summary())
    if report.media is not None:
        click.echo(report.media.summary().replace("copied", "downloaded", 1))
    click.echo(report.summary())
    line = report.not_carried_line()
    if line:
        click.echo(line)


def _rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)
