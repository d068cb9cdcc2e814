"""The `sitegen` command. Each subcommand lives in its own module under sitegen/cli/.

Only this package imports click. A command parses its options, calls one function of the
package, prints the summary and maps `SitegenError`s to a clear message and a non-zero exit.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from sitegen import __version__

# One module per command; each defines `command`, a click.Command. A command added by a later
# change is one line here.
COMMAND_MODULES = [
    "sitegen.cli.import_cmd",
    "sitegen.cli.publish_cmd",
    "sitegen.cli.archive_cmd",
    "sitegen.cli.serve_cmd",
    "sitegen.cli.build_cmd",
    "sitegen.cli.check_cmd",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sitegen")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site directory (holds sitegen.toml, content/, themes/).",
)
@click.pass_context
def main(ctx: click.Context, site_dir: Path) -> None:
    """Turn a WordPress news site into a fast, permanent, static mirror.

    \b
    Typical use:
      sitegen import wp-dump/            WordPress REST JSON files -> content/*.md
      sitegen import --from URL --media  the same, straight from a live WordPress
      sitegen serve                      preview with live reload on 127.0.0.1:8000
      sitegen build                      content/ -> public/ (what deploys run)
      sitegen publish s3://bucket        upload what changed; `archive` keeps snapshots
    """
    ctx.obj = site_dir.resolve()


for _name in COMMAND_MODULES:
    main.add_command(importlib.import_module(_name).command)
