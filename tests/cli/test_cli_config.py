"""sitegen.toml as a user writes it: one file for build, publish and archive.

Every command reads the same file, so a table one command owns must not be a typo to another.
"""

from __future__ import annotations

from pathlib import Path

from builtsite import built_folder, built_root
from click.testing import CliRunner, Result

from sitegen.cli import main


def sitegen(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--site", str(site), *args])


def test_a_publish_table_does_not_break_the_build(site: Path, tmp_path: Path) -> None:
    # Before: `[publish]` (as README's Publishing section shows it) made `sitegen build` fail
    # with "unknown key 'publish'", so a configured publish target broke every build.
    dest = tmp_path / "dest"
    dest.mkdir()
    with (site / "sitegen.toml").open("a") as toml:
        toml.write(f'\n[publish]\ntarget = "{dest}"\nmax_deletes = 10\n')
    built = sitegen(site, "build")
    assert built.exit_code == 0, built.output
    published = sitegen(site, "publish")
    assert published.exit_code == 0, published.output
    home = built_folder(site) / "index.html"  # a copy of public/ as it is
    assert (dest / home).read_bytes() == (built_root(site) / "index.html").read_bytes()


def test_unknown_keys_and_wrong_types_are_all_reported_with_their_lines(site: Path) -> None:
    toml = site / "sitegen.toml"
    toml.write_text('titel = "x"\n' + toml.read_text() + '[search]\nenabled = "no"\n')
    lines = toml.read_text().splitlines()
    result = sitegen(site, "build")
    assert result.exit_code == 1
    titel = lines.index('titel = "x"') + 1
    enabled = lines.index('enabled = "no"') + 1
    assert f"sitegen.toml:{titel}: error: unknown key 'titel'" in result.output
    assert "hint: known keys here: base_url, comments, description," in result.output
    assert f"sitegen.toml:{enabled}: error: search.enabled: expected bool, got 'no'" in (
        result.output
    )
    assert "(output NOT updated)" in result.output
    assert not (site / "public").exists()
