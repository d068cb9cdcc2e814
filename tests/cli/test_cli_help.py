"""Every command and every option explains itself in --help, and every command is in README.md.

Walks the real click tree (groups included), so a command or option added later without a
help text fails here, not in front of a user.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from testdata import ROOT

from sitegen.cli import main


def _walk(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(("sitegen", *path)), cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(main))


def test_the_walk_sees_every_command() -> None:
    names = {name for name, _ in COMMANDS}
    for expected in ("import", "build", "check", "serve", "publish", "archive", "archive list"):
        assert f"sitegen {expected}" in names


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_and_every_option_have_help(name: str, cmd: click.Command) -> None:
    assert (cmd.help or "").strip(), f"{name} has no help text"
    assert cmd.short_help or (cmd.help or "").strip().splitlines()[0]
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help text"
        elif isinstance(param, click.Argument):  # arguments have no help=: the text says them
            assert param.human_readable_name in (cmd.help or ""), (
                f"{name}'s help never explains {param.human_readable_name}"
            )


@pytest.mark.parametrize(("name", "cmd"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_runs_and_shows_every_option(name: str, cmd: click.Command) -> None:
    args = [*name.split()[1:], "--help"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage:")
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.opts[0] in result.output, f"{name} --help omits {param.opts[0]}"


@pytest.mark.parametrize(("name", "cmd"), COMMANDS[1:], ids=[n for n, _ in COMMANDS[1:]])
def test_readme_names_every_command(name: str, cmd: click.Command) -> None:
    readme = (ROOT / "README.md").read_text()
    # `sitegen --site x build` counts too: the README shows global options where they help.
    words = name.split()[1:]
    found = f"sitegen {' '.join(words)}" in readme or any(
        line.lstrip("$ ").startswith("sitegen ") and " ".join(words) in line
        for line in readme.splitlines()
    )
    assert found, f"README.md never shows `{name}`"
