"""The `sitegen` command. Each subcommand lives in its own module under sitegen/cli/.

Only this package imports click. A command parses its options, calls one function of the
package, prints the summary and maps `SitegenError`s to a clear message and a non-zero exit.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path

import click

from sitegen import speedups

# One module per command; each defines `command`, a click.Command. A command added by a later
# change is one line here.
COMMAND_MODULES = {
    "import": "sitegen.cli.import_cmd",
    "publish": "sitegen.cli.publish_cmd",
    "archive": "sitegen.cli.archive_cmd",
    "serve": "sitegen.cli.serve_cmd",
    "build": "sitegen.cli.build_cmd",
    "check": "sitegen.cli.check_cmd",
    "init": "sitegen.cli.init_cmd",
    "redirects": "sitegen.cli.redirects_cmd",
}


class _LazyCommands(MutableMapping[str, click.Command]):
    """The subcommands, each imported when first used: `sitegen build` does not load the
    import side (html5lib), the S3 client or the preview server — a quarter of a second of
    imports on every run, which is a third of a build with nothing to do."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            command = importlib.import_module(self._modules[name]).command
            assert command.name == name, f"{self._modules[name]} defines {command.name!r}"
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command
        self._modules.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
# The installed distribution's version (pyproject.toml takes it from sitegen.__version__), read
# only when --version is asked for.
@click.version_option(package_name="sitegen", prog_name="sitegen")
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
    speedups.tune_gc()


main.commands = _LazyCommands(COMMAND_MODULES)


def run() -> None:
    """The `sitegen` command: `main`, then a fast exit (sitegen.speedups.fast_exit)."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    speedups.fast_exit(code or 0)
