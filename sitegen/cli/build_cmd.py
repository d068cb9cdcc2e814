"""`sitegen build`: content/ -> public/ (WordPress's URLs, theme, feeds, sitemap, redirects)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.tuning import tuned

PROGRESS_FROM = 200  # jobs; smaller builds finish before a bar would be worth drawing


class _Bar:
    """Adapts build_site's progress(done, total) callback to a click progress bar."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM or not sys.stdout.isatty():
            return  # logs and pipes get the one-line summary only
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="rendering")
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done
        if done == total:
            self.bar.__exit__(None, None, None)


@click.command("build")
@click.option(
    "--base-url", help="Public URL of the mirror for this build (overrides sitegen.toml)."
)
@click.option("--drafts", is_flag=True, help="Also build posts with status: draft.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (broken links, unknown terms).")
@click.option("--full", is_flag=True, help="Render every page, ignoring what .sitegen/ remembers.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write .sitegen/: a clean build (also SITEGEN_NO_CACHE=1).",
)
@click.pass_obj
def command(
    site_dir: Path, base_url: str | None, drafts: bool, strict: bool, full: bool, no_cache: bool
) -> None:
    """Build the static site from content/ into the output folder (default public/).

    The previous output stays in place unless the build succeeds. Only pages whose inputs
    changed since the last build are rendered again (state in .sitegen/, safe to delete).
    """
    overrides = {"base_url": base_url} if base_url else {}
    with tuned(**({"cache": False} if no_cache else {})):
        options = BuildOptions(
            overrides=overrides, drafts=drafts, strict=strict, full=full, progress=_Bar()
        )
        report = build_site(site_dir, options)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if len(report.problems):
        click.echo(report.problems.render(), err=True)
    summary = report.summary()
    if strict and report.problems.warnings and not report.problems.errors:
        summary += "; --strict: warnings fail the build"  # else "0 error(s)" reads as a pass
    click.echo(summary)
    if report.failed(strict=strict):
        raise SystemExit(1)
