"""`sitegen serve`: preview the site on the loopback with live reload."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from sitegen.errors import SitegenError
from sitegen.serve import Preview, directory_builder


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
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve this already built folder as it is, reloading when it changes.  [default: public/]",
)
@click.option("--verbose", is_flag=True, help="Log every request.")
@click.pass_obj
def command(site_dir: Path, host: str, port: int, directory: Path | None, verbose: bool) -> None:
    """Serve the site on http://127.0.0.1:8000/ and reload the browser on every change.

    Pages reload by themselves when the site changes; a failed build keeps the last good site
    up and shows the error over the page until it is fixed. Ctrl-C stops.
    """
    root = (directory or site_dir / "public").resolve()
    try:
        preview = Preview(
            directory_builder(root),
            [root],
            host=host,
            port=port,
            log=click.echo,
            verbose=verbose,
        )
    except SitegenError as exc:
        raise click.ClickException(str(exc)) from None
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"Serving {root} at {preview.url} (Ctrl-C to stop)")
    preview.run()
    click.echo("Stopped.")
