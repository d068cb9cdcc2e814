"""`sitegen redirects`: the built site's redirect table in one host's configuration form."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen.build import hostrules
from sitegen.config import load_config
from sitegen.errors import Problems, SitegenError
from sitegen.site.assemble import load_site_info

# Where each file goes; none of them belongs in the published folder (a server config served
# as a page tells the world how the server is set up), except Apache's, which must be there.
DEFAULT_NAMES = {
    "nginx": "sitegen-redirects.nginx.conf",
    "apache": ".htaccess",
    "caddy": "sitegen-redirects.caddy",
    "cloudflare": "sitegen-redirects.cloudflare.csv",
    "s3": "sitegen-redirects.s3-website.json",
    "netlify": "_redirects",
}


@click.command("redirects")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(hostrules.WRITERS)),
    required=True,
    help="The host whose configuration form to write.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--base-url", help="The base URL the site was built with (default: from config).")
@click.pass_obj
def command(site_dir: Path, fmt: str, output: Path | None, base_url: str | None) -> None:
    """Write the built site's redirects (old WordPress URLs) for nginx, Apache, Caddy,
    Cloudflare Bulk Redirects or an S3 bucket website; read from the build's _redirects."""
    problems = Problems()
    info = load_site_info(site_dir, problems)
    config = load_config(site_dir, info, problems, {"base_url": base_url} if base_url else {})
    source = config.output_dir / "_redirects"
    text = ""
    if not problems.errors:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.error(f"cannot read {source}: {exc}", hint="run `sitegen build` first")
    if not problems.errors:
        try:
            rules = hostrules.table_from_netlify(text, str(source))
            result = hostrules.render(fmt, rules, config.base_url, config.base_path)
        except SitegenError as err:
            problems.add(err)
    if problems.errors:
        click.echo(problems.render(), err=True)
        raise SystemExit(1)
    missing = hostrules.left_out(fmt, rules)
    if missing:
        click.echo(f"note: {missing}", err=True)
    if output is None:
        click.echo(result, nl=False)
        return
    try:
        output.write_text(result, encoding="utf-8")
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
        click.echo("  hint: give a file in a folder that exists and that you may write", err=True)
        raise SystemExit(1) from None
    click.echo(f"{output}: the redirect table ({len(rules)} rules) in {fmt} form", err=True)
