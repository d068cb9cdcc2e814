"""The no-op build: nothing changed since the last clean build, so nothing is even loaded."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from builtsite import built_root

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site

POST = "content/posts/2023/09/5g-rollout.md"


@pytest.fixture
def site(site: Path) -> Path:
    """The shared fixture-site copy, its files aged as on a real site."""
    past = time.time() - 60  # files older than the racy window, as on a real site
    for path in site.rglob("*"):
        os.utime(path, (past, past))
    return site


def test_nothing_changed_is_a_no_op(site: Path) -> None:
    first = build_site(site)
    assert first.committed and first.written > 30
    again = build_site(site)
    assert again.committed and again.site is None  # returned before loading anything
    assert (again.written, again.unchanged) == (0, first.written + first.unchanged)


@pytest.mark.parametrize("change", ["edit", "delete-output", "option", "racy"])
def test_any_change_takes_the_normal_path(site: Path, change: str) -> None:
    assert build_site(site).committed
    post = site / POST
    overrides: dict[str, str] = {}
    if change == "edit":  # same size, new mtime
        text = post.read_text()
        post.write_text(text.replace("500", "501", 1))
        past = time.time() - 30
        os.utime(post, (past, past))
    elif change == "delete-output":
        (built_root(site) / "robots.txt").unlink()
    elif change == "option":
        overrides = {"base_url": "https://elsewhere.example/"}
    elif change == "racy":  # written just now: its mtime cannot be trusted yet
        post.write_text(post.read_text().replace("500", "501", 1))
    again = build_site(site, BuildOptions(overrides=overrides))
    assert again.site is not None and again.committed
    assert again.written > 0


def test_a_build_with_problems_is_never_skipped(site: Path) -> None:
    # A broken link is an error that still commits the output: the next build must say it
    # again (and exit 1), not skip as a no-op with exit 0.
    post = site / POST
    post.write_text(post.read_text() + "\n[broken](/no/such/page/)\n")
    past = time.time() - 60
    os.utime(post, (past, past))
    first = build_site(site)
    assert first.committed and first.problems.errors
    again = build_site(site)
    assert again.site is not None and again.problems.errors  # said again, not hidden
