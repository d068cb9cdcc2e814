"""SITEGEN_NO_CACHE=1 / `build --no-cache`: a build (and an import) without any build state --
nothing under .sitegen/ read or written -- whose output is a clean build's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

from builtsite import built_root
from cli_support import sitegen
from testdata import CORPUS, FIXTURE_SITE

from sitegen import tuning
from sitegen.build.orchestrator import build_site
from sitegen.build.plan import RenderJob
from sitegen.build.render import Renderer
from sitegen.checks.files import DirFiles
from sitegen.serve import site_builder
from sitegen.tuning import tuned


def copy(name: str, into: Path) -> Path:
    return Path(
        shutil.copytree(FIXTURE_SITE, into / name, ignore=shutil.ignore_patterns(".sitegen"))
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_same_output_and_no_state(tmp_path: Path) -> None:
    cached = Path(
        shutil.copytree(
            FIXTURE_SITE, tmp_path / "cached", ignore=shutil.ignore_patterns(".sitegen")
        )
    )
    plain = Path(
        shutil.copytree(FIXTURE_SITE, tmp_path / "plain", ignore=shutil.ignore_patterns(".sitegen"))
    )
    with tuned(cache=True):
        assert build_site(cached).committed
    assert files_under(cached / ".sitegen")  # (else the check below checks nothing)
    with tuned(cache=False):
        for _ in range(2):
            report = build_site(plain)
            assert report.committed, report.problems.render()
            assert report.reused == 0 and len(report.rendered) == len(report.jobs)
    assert not (plain / ".sitegen").exists()
    assert dict(DirFiles(plain / "public")) == dict(DirFiles(cached / "public"))


def test_a_state_left_behind_is_not_read(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    with tuned(cache=True):
        assert build_site(site).committed
    before = {p: p.read_bytes() for p in files_under(site / ".sitegen")}
    post = next((site / "content").rglob("*.md"))
    post.write_text(post.read_text() + "\nOne more line.\n")
    with tuned(cache=False):
        report = build_site(site)
    assert report.reused == 0 and report.committed
    assert {p: p.read_bytes() for p in files_under(site / ".sitegen")} == before


def test_the_command_line_switches(tmp_path: Path) -> None:
    site = copy("flag", tmp_path)
    before = tuning.current
    result = sitegen(site, "build", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (site / ".sitegen").exists() and (built_root(site) / "index.html").is_file()
    assert tuning.current is before  # the flag is for that build only

    site = copy("env", tmp_path)
    env = {**os.environ, "SITEGEN_NO_CACHE": "1"}
    run = [sys.executable, "-m", "sitegen", "--site", str(site), "build"]
    subprocess.run(run, env=env, check=True, capture_output=True)
    assert not (site / ".sitegen").exists() and (built_root(site) / "index.html").is_file()
    assert not tuning.from_env({"SITEGEN_NO_CACHE": "1"}).cache


def test_import_remembers_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with tuned(cache=False):
        result = sitegen(site, "import", CORPUS)
    assert result.exit_code == 0, result.output
    assert list((site / "content").rglob("*.md"))
    assert not (site / ".sitegen").exists()


def test_serve_rebuilds_everything_without_state(tmp_path: Path) -> None:
    site = copy("serve", tmp_path)
    rendered: list[str] = []
    real = Renderer.render

    def counted(self: Renderer, job: RenderJob) -> bytes:
        rendered.append(job.output)
        return real(self, job)

    with tuned(cache=False), mock.patch.object(Renderer, "render", counted):
        builder = site_builder(site, "http://127.0.0.1:8000/")
        first = builder(frozenset())
        assert first.files is not None and not first.problems.failed()
        everything = len(rendered)
        post = next((site / "content").rglob("*.md"))
        post.write_text(post.read_text() + "\nOne more line.\n")
        rendered.clear()
        again = builder(frozenset())
        assert again.later is None  # nothing deferred: there is no last build to keep from
        assert again.files is not None and len(rendered) == everything
    assert not (site / ".sitegen").exists()
