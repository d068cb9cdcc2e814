"""The speed-ups that reach into other libraries (sitegen.speedups) change nothing but time:
the fixture site built with them and without (SITEGEN_NO_SPEEDUPS=1) is the same, byte for
byte, and each one is really off when switched off (else the comparison compares nothing).
html5lib's are compared in tests/wp/test_html5parse.py."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from testdata import FIXTURE_SITE

from sitegen import speedups, tuning
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.build.render import make_env, theme_dirs
from sitegen.checks.files import DirFiles
from sitegen.tuning import Tuning, tuned


def built(site: Path) -> dict[str, bytes]:
    for _ in range(2):  # the second build reads the saved documents (speedups.no_gc)
        report = build_site(site, BuildOptions(full=True))
        assert report.committed, report.problems.render()
    return dict(DirFiles(site / "public"))


def test_same_site_with_and_without_speedups(tmp_path: Path) -> None:
    with tuned(speedups=True):
        fast = built(Path(shutil.copytree(FIXTURE_SITE, tmp_path / "fast")))
    with tuned(speedups=False):
        plain = built(Path(shutil.copytree(FIXTURE_SITE, tmp_path / "plain")))
    assert len(fast) > 50
    assert plain == fast


def test_same_site_from_the_command_line(tmp_path: Path) -> None:
    """Through the environment variable, read once when sitegen starts (and gc tuning)."""
    outputs = []
    for name, switch in (("fast", "0"), ("plain", "1")):
        site = shutil.copytree(FIXTURE_SITE, tmp_path / name)
        env = {**os.environ, "SITEGEN_NO_SPEEDUPS": switch}
        run = [sys.executable, "-m", "sitegen", "--site", str(site), "build"]
        subprocess.run(run, env=env, check=True, capture_output=True)
        outputs.append(dict(DirFiles(site / "public")))
    assert outputs[0] == outputs[1]


def test_the_switch_is_read_from_the_environment() -> None:
    assert tuning.from_env({}).speedups
    assert tuning.from_env({"SITEGEN_NO_SPEEDUPS": "0"}).speedups
    assert not tuning.from_env({"SITEGEN_NO_SPEEDUPS": "1"}).speedups


def card(env: jinja2.Environment) -> object:
    return getattr(env.get_template("_partials/card.html").module, "card")  # noqa: B009


def test_the_card_macro_is_memoized_only_with_speedups(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    env = make_env(theme_dirs(build_site(site).config))  # type: ignore[arg-type]
    with tuned(speedups=True):
        speedups.memoize_macro(env, "_partials/card.html", "card")
    memoized = card(env)
    assert not isinstance(memoized, jinja2.runtime.Macro)
    assert isinstance(getattr(memoized, "__wrapped__", None), jinja2.runtime.Macro)
    with tuned(speedups=False):
        speedups.memoize_macro(env, "_partials/card.html", "card")
    assert isinstance(card(env), jinja2.runtime.Macro)


def test_gc_is_left_alone_without_speedups() -> None:
    before = gc.get_threshold()
    try:
        with tuned(speedups=False):
            speedups.tune_gc()
            assert gc.get_threshold() == before
            with speedups.no_gc():
                assert gc.isenabled()
        with tuned(speedups=True):
            speedups.tune_gc()
            assert gc.get_threshold() == (50_000, 20, 100)
            with speedups.no_gc():
                assert not gc.isenabled()
        assert gc.isenabled()
    finally:
        gc.set_threshold(*before)


def test_defaults() -> None:
    assert Tuning() == tuning.from_env({})


def test_the_plain_exit_without_speedups() -> None:
    """(The fast one, `os._exit`, is what every `sitegen` run above ends with.)"""
    with tuned(speedups=False), pytest.raises(SystemExit) as exited:
        speedups.fast_exit(3)
    assert exited.value.code == 3
