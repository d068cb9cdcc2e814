"""`sitegen build` and `sitegen check` as a user runs them: summary, problems, exit status."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from builtsite import built_root
from click.testing import CliRunner

from sitegen.cli import build_cmd, check_cmd


def run(command: object, site: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, list(args), obj=site)  # type: ignore[arg-type]


def test_build_then_check(site: Path) -> None:
    result = run(build_cmd.command, site)
    assert result.exit_code == 0, result.output
    n = len([p for p in (site / "public").rglob("*") if p.is_file()])
    assert re.fullmatch(
        rf"{n} files: {n} written, 0 unchanged, 0 error\(s\), 0 warning\(s\) in \d+\.\d\d s\n",
        result.output,
    )
    again = run(build_cmd.command, site)
    assert again.output.startswith(f"{n} files: 0 written, {n} unchanged")
    checked = run(check_cmd.command, site)
    pages = len(list((site / "public").rglob("*.html")))
    feeds = len(list((site / "public").rglob("feed/**/index.*")))
    assert checked.exit_code == 0
    assert checked.output == f"public/: {pages} pages, {feeds} feeds; links, sitemap and feeds OK\n"


def test_check_fails_on_a_broken_site(site: Path) -> None:
    assert run(build_cmd.command, site).exit_code == 0
    shutil.rmtree(built_root(site) / "category/policy")
    result = run(check_cmd.command, site)
    assert result.exit_code == 1
    assert "error: broken link /web/category/policy/ (no such file in the site)" in result.output
    assert (
        "error: loc https://news.example.org/web/category/policy/ has no file in the build"
        in result.output
    )
    assert re.search(r"^\[1\] ", result.output, re.M)


def test_failed_build_exits_non_zero_with_numbered_problems(site: Path) -> None:
    (site / "content/posts/x.md").write_text("---\ntitle: [unclosed\n---\n")
    (site / "content/posts/y.md").write_text("---\ntitle: y\ndate: soon\npath: y/\n---\n")
    result = run(build_cmd.command, site)
    assert result.exit_code == 1
    assert re.search(r"^\[1\] content/posts/x\.md:\d: error: front matter:", result.output, re.M)
    assert "[2] content/posts/y.md:3: error: date: not a date: 'soon'" in result.output
    assert "(output NOT updated)" in result.output


def test_base_url_option_and_strict(site: Path) -> None:
    result = run(build_cmd.command, site, "--base-url", "http://127.0.0.1:9/", "--strict")
    assert result.exit_code == 0, result.output
    assert (
        'href="/category/telecom/5g/"'
        in (site / "public/2023/09/01/x-wont-use-users-private-data/index.html").read_text()
    )
