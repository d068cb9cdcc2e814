"""`sitegen check`: offline link, sitemap and feed checks of a built site."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen import transaction
from sitegen.build.state.store import load_built_for
from sitegen.checks.feeds import check_feeds, feed_names
from sitegen.checks.files import DirFiles
from sitegen.checks.links import check_links
from sitegen.checks.sitemap import check_sitemap
from sitegen.config import load_config
from sitegen.errors import Problems, SitegenError
from sitegen.site.assemble import load_site_info


@click.command("check")
@click.option(
    "--base-url",
    help="The base URL the site was built with (default: the one the last build used).",
)
@click.pass_obj
def command(site_dir: Path, base_url: str | None) -> None:
    """Check the built site offline: internal links (and #fragments), sitemap.xml, feeds."""
    problems = Problems()
    info = load_site_info(site_dir, problems)
    config = load_config(site_dir, info, problems, {"base_url": base_url} if base_url else {})
    built_for = None if base_url or problems.errors else load_built_for(site_dir)
    if built_for and (built_for, True) != (config.base_url, config.mirror_url_set):
        # check the site as the last build made it
        config = load_config(site_dir, info, problems, {"base_url": built_for})
    out = config.output_dir
    if not problems.errors and not out.is_dir():
        problems.error(f"no built site in {out}", hint="run `sitegen build` first")
    if not problems.errors:
        _recover(out, problems)
    site = out / config.output_root  # where the site sits: public/web/ for /web/
    if not problems.errors:
        _same_base_url(out, site, config.base_url, problems)
    checked = not problems.errors
    if checked:
        # As a static server with its root at public/ resolves them: a site whose files do
        # not sit under its links' path fails here, as it would for every reader.
        found = check_links(out, "/")
        if config.sitemap.enabled:  # [sitemap] enabled = false builds none: not an error
            found += check_sitemap(site, config.base_url)
        for problem in found + check_feeds(site, config.base_url):
            problems.error(problem.message, problem.location, problem.hint)
    if len(problems):
        click.echo(problems.render(), err=True)
    click.echo(_summary(out, problems, checked))
    if len(problems):
        raise SystemExit(1)


def _recover(out: Path, problems: Problems) -> None:
    """A build killed while it moved its files in is undone first: check what is published."""
    try:
        note = transaction.recover(out)
    except SitegenError as err:
        problems.add(err)
        return
    if note:
        click.echo(f"note: {note}", err=True)


def _summary(out: Path, problems: Problems, checked: bool) -> str:
    """One line, pass or fail: a long list of problems should not end without a verdict."""
    if not checked:
        return f"check failed: {len(problems)} error(s); nothing was checked"
    pages = sum(1 for _ in out.rglob("*.html"))
    feeds = len(feed_names(DirFiles(out)))
    if len(problems):
        return f"{out.name}/: {pages} pages, {feeds} feeds; {len(problems)} error(s)"
    return f"{out.name}/: {pages} pages, {feeds} feeds; links, sitemap and feeds OK"


def _built_robots(out: Path, site: Path) -> Path | None:
    """The build's robots.txt: in the site's folder, or, for a build with another base path,
    in another folder (looked for only then: walking a large site costs seconds)."""
    for robots in (site / "robots.txt", out / "robots.txt"):
        if robots.is_file():
            return robots
    return next(iter(sorted(out.glob("**/robots.txt"))), None)


def _same_base_url(out: Path, site: Path, base_url: str, problems: Problems) -> None:
    """A site built with another --base-url is one mistake, not one error per link of it."""
    robots = _built_robots(out, site)
    if robots is None:
        return
    for line in robots.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Sitemap:") and line.endswith("/sitemap.xml"):
            built = line.removeprefix("Sitemap:").strip().removesuffix("sitemap.xml")
            if built != base_url:
                problems.error(
                    f"{out.name}/ was built for {built}, not {base_url}",
                    hint=f"check it with --base-url {built}, or build again",
                )
