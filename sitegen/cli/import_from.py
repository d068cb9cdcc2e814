"""`sitegen import --from URL`: progress bars and the summary for sitegen.wp.mirror.

Kept apart from import_cmd.py (which owns the command and its options) so that the live mirror's
terminal output can change without touching the offline import's.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from sitegen.errors import SitegenError
from sitegen.wp.fetch import FetchOptions
from sitegen.wp.importer import ImportOptions
from sitegen.wp.mirror import MirrorOptions, MirrorReport, mirror_site
from sitegen.wp.pull import PullOptions
from sitegen.wp.warcrecord import WarcRecorder

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

LABELS = {"fetch": "Fetching", "import": "Importing", "media": "Media"}


class Bars:
    """One click progress bar per phase; phases arrive in order, from several threads."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.lock = threading.Lock()
        self.label = ""
        self.bar: ProgressBar[int] | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self.lock:
            if what != self.label:
                self.close()
                self.label = what
                name = LABELS.get(what, f"Fetching {what}")
                self.bar = click.progressbar(length=max(total, 1), label=name, file=sys.stderr)
                self.bar.__enter__()
            bar = self.bar
            assert bar is not None
            bar.length = max(bar.length or 0, total, done, 1)
            bar.update(max(0, done - bar.pos))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run_from(
    site_dir: Path, url: str, *, media: bool | None, jobs: int, full: bool, force: bool,
    drafts: bool, quiet: bool, max_download: int = 50, uploads: Path | None = None,
    as_json: bool = False, warc: Path | None = None, capture: bool = False,
) -> None:  # fmt: skip
    """Mirror `url` into `site_dir`; exit status 1 when anything failed."""
    with contextlib.ExitStack() as stack:
        recorder = None
        if warc is not None:
            try:
                recorder = stack.enter_context(WarcRecorder(warc))
            except SitegenError as err:
                click.echo(f"error: {err}", err=True)
                raise SystemExit(1) from None
        _run_from(
            site_dir, url, media=media, jobs=jobs, full=full, force=force, drafts=drafts,
            quiet=quiet, max_download=max_download, uploads=uploads, as_json=as_json,
            recorder=recorder, capture=capture,
        )  # fmt: skip


def _run_from(
    site_dir: Path, url: str, *, media: bool | None, jobs: int, full: bool, force: bool,
    drafts: bool, quiet: bool, max_download: int, uploads: Path | None, as_json: bool,
    recorder: WarcRecorder | None, capture: bool,
) -> None:  # fmt: skip
    fetch = FetchOptions(jobs=jobs, max_media=max_download * 1_000_000, recorder=recorder)
    options = MirrorOptions(
        sync=PullOptions(full=full, fetch=fetch),
        media=media,
        import_options=ImportOptions(force=force, drafts=drafts, uploads=uploads),
        capture_pages=capture,
    )
    bars = Bars(enabled=not quiet and sys.stderr.isatty())
    try:
        report = mirror_site(site_dir, url, options, bars)
    except SitegenError as err:
        bars.close()
        click.echo(f"error: {err}", err=True)
        raise SystemExit(1) from None
    bars.close()
    if as_json:
        problems = report.all_problems()
        if len(problems):
            click.echo(problems.render(), err=True)
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        _print(report, quiet)
    if report.failed:
        raise SystemExit(1)


def _print(report: MirrorReport, quiet: bool) -> None:
    problems = report.all_problems()
    if len(problems):
        click.echo(problems.render(), err=True)
    if not quiet:
        for r in report.removals:
            what = "removed" if r.removed else "kept (edited by hand)"
            click.echo(f"{what} {r.source}: no longer published")
    if report.imported.uploads is not None:
        click.echo(report.imported.uploads.summary())
    click.echo(report.summary())
    line = report.imported.not_carried_line()
    if line:
        click.echo(line)


def live_options(func: Callable[..., None]) -> Callable[..., None]:
    """Add --from/--media/--jobs/--full to `sitegen import`; with --from, mirror instead."""

    @click.option(
        "--from", metavar="URL",  # the parameter is named "from": a keyword, so read via kwargs
        help="Mirror a live WordPress site through its REST API instead of reading files: "
        "the first run fetches everything, later runs only what changed, and posts the site "
        "no longer publishes leave content/ (their paths go to content/_gone.yaml). "
        "This URL's origin is the only one fetched from a private or loopback address.",
    )  # fmt: skip
    @click.option(
        "--media/--no-media", default=None,
        help="Download every upload of the site the content uses (images with each size "
        "their srcset names, PDF, audio, video, documents) into static/wp-content/uploads/, "
        "at its old path, and point the content there; images on other hosts go to "
        "static/media/. Only files that really are media or documents are kept (SVG is "
        "refused); a file already there is not fetched again. With --from: remembered, "
        "later runs keep mirroring until --no-media. With saved files (PATHS): the site "
        "their index.json names is the one fetched from.",
    )  # fmt: skip
    @click.option(
        "--jobs", type=click.IntRange(1, 16), default=4, show_default=True,
        help="With --from: how many requests to send at once.",
    )  # fmt: skip
    @click.option(
        "--full", is_flag=True, help="With --from: fetch everything again, not only changes."
    )
    @click.option(
        "--warc", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
        help="With --from: also append every request and answer (REST pages, media) to this "
        "WARC file (.warc.gz), with their headers and times: evidence of what the site served.",
    )  # fmt: skip
    @click.option(
        "--capture-pages", is_flag=True,
        help="With --warc: also fetch each public post's and page's own HTML page (its "
        "WordPress address) and the stylesheets, scripts and images it loads from the same "
        "host, into the WARC: how the site looked, not only its data. Only the host named "
        "with --from is fetched, and its robots.txt is obeyed.",
    )  # fmt: skip
    @click.option(
        "--max-download", metavar="MB", type=click.IntRange(1, 100_000), default=None,
        help="With --media: refuse media files larger than this many megabytes "
        "(default 50); a download stops as soon as it passes the limit.",
    )  # fmt: skip
    @functools.wraps(func)
    def wrapper(
        site_dir: Path, *args: Any, media: bool | None, jobs: int, full: bool,
        max_download: int | None, warc: Path | None, capture_pages: bool, **kwargs: Any,
    ) -> None:  # fmt: skip
        from_url: str | None = kwargs.pop("from", None)
        paths = kwargs.get("paths") or ()
        if capture_pages and warc is None:
            raise click.UsageError("--capture-pages goes with --warc FILE (and --from URL)")
        if from_url is None:
            if warc is not None:
                raise click.UsageError("--warc goes with --from URL")
            if full:
                raise click.UsageError("--full goes with --from URL")
            if max_download is not None and not media:
                raise click.UsageError("--max-download goes with --media")
            if not paths:
                raise click.UsageError("give JSON files or folders to import, or --from URL")
            # --media with saved files: the origin they name is fetched from, and only it.
            fetch = FetchOptions(jobs=jobs, max_media=(max_download or 50) * 1_000_000)
            func(site_dir, *args, media=fetch if media else None, **kwargs)
            return
        if paths:
            raise click.UsageError("give either PATHS or --from URL, not both")
        _check_url(from_url)
        run_from(
            site_dir, from_url, media=media, jobs=jobs, full=full,
            force=bool(kwargs.get("force")), drafts=bool(kwargs.get("drafts")),
            quiet=bool(kwargs.get("quiet")), max_download=max_download or 50,
            uploads=kwargs.get("uploads"), as_json=bool(kwargs.get("as_json")), warc=warc,
            capture=capture_pages,
        )  # fmt: skip

    return wrapper


def _check_url(url: str) -> None:
    """A clear usage error before anything is fetched or recorded (was a ValueError traceback)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return
    guess = f" (did you mean {_likely_scheme(url)}://{url}?)" if "://" not in url else ""
    raise click.BadParameter(
        f"{url!r} is not an http:// or https:// address{guess}", param_hint="'--from'"
    )


def _likely_scheme(address: str) -> str:
    """http for what is almost never served over TLS: a loopback, private or link-local
    address, a bare name like `localhost` or `wp`, or a port other than 443; https otherwise."""
    try:
        parts = urlsplit(f"//{address}")
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number: no better guess than the usual one
        return "https"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        plain = "." not in host or host.endswith((".localhost", ".local", ".test"))
    else:
        plain = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified
    return "http" if plain or (port is not None and port != 443) else "https"
