"""`sitegen init`: a new site folder with a commented sitegen.toml, netlify.toml, .gitignore
and a scheduled-sync example, filled in from what WordPress already says about the site."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from sitegen.errors import SitegenError
from sitegen.wp.export import WpSite, parse_site

_DEFAULT_BASE = "https://mirror.example.org/"


def read_site(source: str) -> tuple[WpSite, str]:
    """The WordPress site's details and the `import` argument that fetches its content."""
    if source.startswith(("http://", "https://")):
        from sitegen.wp.fetch import RestClient, check, parse_json

        client = RestClient(source)
        resp = check(client.http.get(client.discover()))
        return parse_site(parse_json(resp), source), f"--from {source}"
    path = Path(source)
    if path.is_dir():
        index = path / "index.json"
        if not index.is_file():
            raise SitegenError(
                "no index.json in this folder",
                str(path),
                "give the folder a REST dump was saved in (it holds index.json, the "
                "/wp-json/ answer), a WordPress export .xml, or --from URL",
            )
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SitegenError(f"not JSON: {exc}", str(index), "save /wp-json/ again") from None
        return parse_site(data, str(index)), str(path)
    if path.is_file():
        return _wxr_site(path), str(path)
    raise SitegenError(
        "no such file or folder",
        source,
        "give a REST dump folder, a WordPress export (.xml), or an http(s):// address",
    )


def _wxr_site(path: Path) -> WpSite:
    from sitegen.wp import wxr
    from sitegen.wp.sources import SideData

    side = SideData(wxr=wxr.WxrData())
    items = wxr.read(path, str(path), side, learn=True)
    try:
        for _ in items:  # the channel's details come before its first item
            if side.site is not None:
                break
    finally:
        items.close()  # type: ignore[attr-defined]
    if side.site is None:
        raise wxr.NotAnExport(
            "not a WordPress export (WXR): no site details in its channel",
            str(path),
            "give the file WordPress's Tools -> Export wrote",
        )
    return side.site


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def sitegen_toml(site: WpSite, base_url: str, source: str) -> str:
    lang = site.language.split("-")[0] if site.language else "en"
    lang_why = "from the export" if site.language else "WordPress's REST index does not say"
    zone = site.timezone or "UTC"
    zone_why = (
        "WordPress's own zone name"
        if site.timezone
        else "WordPress gave no zone name"
        + (f" (only a UTC offset of {site.gmt_offset:+g} h)" if site.gmt_offset else "")
        + ';\n# set the site\'s zone, e.g. "Europe/Berlin"'
    )
    return f"""\
# sitegen.toml: written by `sitegen init` from {source}.
# Every key is optional; a key left out comes from content/_site.yaml (what the import copied
# from WordPress) or sitegen's default. Unknown keys are errors, so a typo cannot go unnoticed.

# The site's name in page titles, feeds and the header (WordPress's "Site Title").
title = {_toml_str(site.name)}
# The tagline under the name and in feeds (WordPress's "Tagline").
description = {_toml_str(site.description)}

# Where the mirror will be served: canonical links, OpenGraph, feeds and the sitemap use it.
# WordPress's own address was {site.home or "not given"}.
base_url = {_toml_str(base_url)}

# Language of the pages (<html lang>, feeds), as an ISO 639 code ({lang_why}).
language = {_toml_str(lang)}
# Time zone of the dates shown in pages and feeds ({zone_why}).
timezone = {_toml_str(zone)}

# The built site goes here; serve or publish this folder at the root of base_url's host
# (a base_url with a path, such as https://example.org/web/, puts the site in public/web/).
output_dir = "public"
# Posts on each page of the home page and of every archive.
posts_per_page = 10

[feeds]
# Posts in each feed.
items = 20
# Whether feed items carry the whole text (true) or the excerpt only (false).
full_text = true

# Where `sitegen publish` uploads the built site (the scheduled sync in
# .github/workflows/sync.yml and deploy/ runs it with no argument). Uncomment and set one:
# [publish]
# target = "s3://my-bucket/"        # Amazon S3; add endpoint_url = "..." for R2, MinIO...
# target = "/var/www/mirror"        # or a folder a web server serves
"""


def netlify_toml() -> str:
    return """\
# Netlify: build the mirror and publish public/. The build writes public/_redirects (old
# WordPress URLs, ?p=ID, feeds) and public/_headers (feed content types) itself.
# Netlify serves public/ at the root of the deploy's own address, so the build is told that
# address: the production URL on the main branch, the preview URL on the others.
# `pip install sitegen` stands for wherever sitegen comes from (a package index, a wheel's
# URL, git+https://...).
[build]
  command = "pip install --quiet sitegen && sitegen build --base-url \\"$DEPLOY_PRIME_URL/\\""
  publish = "public"

[build.environment]
  PYTHON_VERSION = "3.11"

# Theme assets have a hash in their names (assets/style.<hash>.css): public/_headers caches
# exactly those for a year. Pages (`/slug/` URLs) keep Netlify's default, revalidated every
# time. No Cache-Control here: these rules apply after _headers' and would override it.
[[headers]]
  for = "/*"
  [headers.values]
    X-Content-Type-Options = "nosniff"
    Referrer-Policy = "strict-origin-when-cross-origin"
"""


GITIGNORE = """\
# Built by `sitegen build`: made again from content/ at every build.
/public/
# sitegen's own state (build cache, sync bookkeeping): local to this machine.
/.sitegen/
# content/.import/ is kept: a scheduled sync that commits it asks WordPress only for what changed.
"""


def sync_workflow(import_arg: str) -> str:
    return f"""\
# Keeps the mirror in step with a WordPress that is still written in: every hour, fetch what
# changed, build, publish. Needs the repository secrets the [publish] table of sitegen.toml
# names (e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for an S3 bucket).
name: sync
on:
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:
jobs:
  sync:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # Or the wheel / git+https:// address sitegen is installed from.
      - run: pip install sitegen
      - run: sitegen import {import_arg} --media
      - run: sitegen build
      - run: sitegen publish
        env:
          AWS_ACCESS_KEY_ID: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          AWS_SECRET_ACCESS_KEY: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
      # Commit what the import changed, so the content is versioned with the site.
      - run: |
          git config user.name "sitegen sync"
          git config user.email "sitegen-sync@users.noreply.github.com"
          git add content && git commit -qm "sync from WordPress" && git push || true
"""


def sync_service(import_arg: str) -> str:
    return f"""\
# One sync of the mirror: fetch what changed in WordPress, build, publish.
# Install: copy this and sitegen-sync.timer to /etc/systemd/system/, set WorkingDirectory and
# User below, then `systemctl enable --now sitegen-sync.timer`.
[Unit]
Description=sitegen: sync the static mirror from WordPress
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User=sitegen
# The site folder (the one holding sitegen.toml).
WorkingDirectory=/srv/mirror
ExecStart=sitegen import {import_arg} --media
ExecStart=sitegen build
ExecStart=sitegen publish
"""


SYNC_TIMER = """\
# Runs sitegen-sync.service every hour (and at boot if a run was missed).
[Unit]
Description=sitegen: hourly sync of the static mirror

[Timer]
OnCalendar=hourly
RandomizedDelaySec=5min
Persistent=true

[Install]
WantedBy=timers.target
"""


def _ask_base_url(given: str | None, home: str) -> str:
    if given is None and sys.stdin.isatty():
        given = click.prompt("The mirror's public URL", default=_DEFAULT_BASE)
    value = given or _DEFAULT_BASE
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(
            f"{value!r} is not an http:// or https:// address", param_hint="'--base-url'"
        )
    return value if value.endswith("/") else value + "/"


@click.command("init")
@click.argument("dump", required=False)
@click.option("--from", "url", metavar="URL", help="Read the site's details from a live WordPress.")
@click.option("--base-url", help=f"The mirror's public URL (asked on a terminal; {_DEFAULT_BASE}).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_obj
def command(
    site_dir: Path, dump: str | None, url: str | None, base_url: str | None, force: bool
) -> None:
    """Start a new mirror: sitegen.toml, netlify.toml, .gitignore and a scheduled sync.

    The site's name, address, time zone and language come from DUMP (a folder of saved REST
    JSON with its index.json, or a WordPress export .xml) or from --from URL.
    """
    if (dump is None) == (url is None):
        raise click.UsageError("give either DUMP (a folder or export .xml) or --from URL")
    if url is not None and not url.startswith(("http://", "https://")):
        raise click.BadParameter(
            f"{url!r} is not an http:// or https:// address", param_hint="'--from'"
        )
    try:
        site, import_arg = read_site(url or dump or "")
    except SitegenError as err:
        click.echo(f"error: {err}", err=True)
        raise SystemExit(1) from None
    base = _ask_base_url(base_url, site.home)
    # A scheduled sync reads the live site, whatever this one run was given.
    live = f"--from {site.home}" if site.home else "--from https://wordpress.example.org/"
    files = {
        "sitegen.toml": sitegen_toml(site, base, import_arg),
        "netlify.toml": netlify_toml(),
        ".gitignore": GITIGNORE,
        ".github/workflows/sync.yml": sync_workflow(live),
        "deploy/sitegen-sync.service": sync_service(live),
        "deploy/sitegen-sync.timer": SYNC_TIMER,
    }
    kept = _write(site_dir, files, force)
    click.echo(f"site: {site.name or '(no name)'} ({site.home or 'no home URL'})")
    if base == _DEFAULT_BASE and base_url is None:
        click.echo(f"base_url is a placeholder ({_DEFAULT_BASE}): set it in sitegen.toml")
    for name in kept:
        click.echo(f"kept {name} (exists; --force overwrites it)")
    click.echo(f"next: sitegen import {import_arg} && sitegen build")


def _write(site_dir: Path, files: dict[str, str], force: bool) -> list[str]:
    from sitegen import safepath

    kept = []
    for name, text in files.items():
        try:
            target = safepath.inside(site_dir, name)
        except safepath.UnsafePath as exc:  # e.g. deploy/ is a link to outside the site
            click.echo(f"error: {site_dir / name}: refused: {exc}", err=True)
            raise SystemExit(1) from None
        if target.exists() and not force:
            kept.append(name)
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: {target}: cannot write: {exc.strerror}", err=True)
            raise SystemExit(1) from None
        click.echo(f"wrote {name}")
    return kept
