"""`sitegen serve`: preview the site on the loopback with live reload."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from sitegen.errors import SitegenError
from sitegen.serve import Preview, directory_builder, site_builder, watch_targets


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops as cleanly as Ctrl-C


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Stays on the loopback unless you give another.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--drafts", is_flag=True, help="Also show posts with status: draft.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve this already built folder as it is (no build), reloading when it changes.",
)
@click.option("--verbose", is_flag=True, help="Log every request.")
@click.pass_obj
def command(
    site_dir: Path, host: str, port: int, drafts: bool, directory: Path | None, verbose: bool
) -> None:
    """Build the site in memory, serve it on http://127.0.0.1:8000/, rebuild on every change.

    Watches content/, themes/, static/ and sitegen.toml; a burst of saves is one rebuild, and
    only the pages a change affects are rendered again. Open pages reload by themselves. A
    failed build keeps the last good site up and shows the error (file, line, message) over the
    page until it is fixed. Nothing is written to public/. Ctrl-C stops.
    """
    root = directory.resolve() if directory else None
    try:
        preview = Preview(
            directory_builder(root) if root else None,
            [root] if root else watch_targets(site_dir),
            host=host,
            port=port,
            log=click.echo,
            verbose=verbose,
        )
    except SitegenError as exc:
        raise click.ClickException(str(exc)) from None
    if root is None:
        # The preview's own URL as base_url: every link of the built site stays on it.
        preview.builder = site_builder(site_dir, preview.url, drafts=drafts)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"Serving {root or site_dir} at {preview.url} (Ctrl-C to stop)")
    preview.run()
    click.echo("Stopped.")
