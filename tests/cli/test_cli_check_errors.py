"""`sitegen check` (and the `--base-url` both commands take) on unbuilt, broken or
differently built sites: one clear verdict line, a non-zero exit when something is wrong."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

from builtsite import built_root
from cli_support import sitegen


def test_check_of_a_broken_site_ends_with_a_verdict(site: Path) -> None:
    # Before: a failing `sitegen check` printed its numbered problems and no summary line.
    assert sitegen(site, "build").exit_code == 0
    shutil.rmtree(built_root(site) / "category" / "policy")
    result = sitegen(site, "check")
    assert result.exit_code == 1
    count = len(re.findall(r"^\[\d+\] ", result.output, re.M))
    assert count > 1
    pages = len(list((site / "public").rglob("*.html")))
    assert re.fullmatch(
        rf"public/: {pages} pages, \d+ feeds; {count} error\(s\)", result.output.splitlines()[-1]
    )
    (site / "sitegen.toml").write_text("base_url = 3\n")
    bad_config = sitegen(site, "check")
    assert bad_config.exit_code == 1
    assert "sitegen.toml:1: error: base_url: expected str, got 3" in bad_config.output
    assert bad_config.output.splitlines()[-1] == "check failed: 1 error(s); nothing was checked"


def test_check_uses_the_base_url_the_build_used(site: Path) -> None:
    other = "https://staging.example.net/mirror/"
    assert sitegen(site, "build", "--base-url", other).exit_code == 0
    result = sitegen(site, "check")  # no --base-url again: the build recorded it
    assert result.exit_code == 0, result.output
    assert result.output.endswith("links, sitemap and feeds OK\n")
    # The config's own address again: the build did not use it, which is one error.
    mine = "https://news.example.org/web/"
    assert sitegen(site, "check", "--base-url", mine).exit_code == 1


def test_check_of_a_site_built_for_another_base_url_says_so_once(site: Path) -> None:
    # Before: one error per link, feed item and sitemap entry (5908 on the corpus).
    other = "https://staging.example.net/mirror/"
    assert sitegen(site, "build", "--base-url", other).exit_code == 0
    with sqlite3.connect(site / ".sitegen" / "state.sqlite") as db:  # an older build: no record
        db.execute("DELETE FROM blobs WHERE key = 'built-for'")
    result = sitegen(site, "check")
    assert result.exit_code == 1
    assert result.output == (
        f"[1] error: public/ was built for {other}, not https://news.example.org/web/\n"
        f"  hint: check it with --base-url {other}, or build again\n"
        "check failed: 1 error(s); nothing was checked\n"
    )
    assert sitegen(site, "check", "--base-url", other).exit_code == 0


def test_check_of_a_site_built_without_a_sitemap_passes(site: Path) -> None:
    # Before: `[sitemap] enabled = false`, then `sitegen check` failed: "no sitemap in the build".
    toml = site / "sitegen.toml"
    toml.write_text(toml.read_text() + "\n[sitemap]\nenabled = false\n")
    assert sitegen(site, "build").exit_code == 0
    assert not (built_root(site) / "sitemap.xml").exists()
    result = sitegen(site, "check")
    assert result.exit_code == 0, result.output
    shutil.rmtree(built_root(site) / "category")  # the other checks still run
    assert sitegen(site, "check").exit_code == 1


def test_build_and_check_in_a_folder_with_nothing(tmp_path: Path) -> None:
    result = sitegen(tmp_path, "build")
    assert result.exit_code == 1
    assert f"error: no content/ folder in {tmp_path}" in result.output
    assert "hint: run `sitegen import` first" in result.output
    # Before: also "sitegen.toml: error: base_url: not set", for a file that does not exist.
    assert "base_url" not in result.output
    checked = sitegen(tmp_path, "check", "--base-url", "https://example.org/")
    assert checked.exit_code == 1
    assert f"error: no built site in {tmp_path / 'public'}" in checked.output
    assert "hint: run `sitegen build` first" in checked.output


def test_a_bad_base_url_option_is_named_as_the_option(site: Path) -> None:
    # Before: "sitegen.toml: error: base_url: not an absolute http(s) URL: 'example.org'",
    # sending the user to a file that does not hold the mistake.
    for command in ("build", "check"):
        result = sitegen(site, command, "--base-url", "example.org")
        assert result.exit_code == 1
        assert "[1] error: --base-url: not an absolute http(s) URL: 'example.org'" in result.output
        assert "hint: give the full address, e.g. https://example.org/" in result.output
        assert "sitegen.toml" not in result.output
