"""A `kill -9` while a build writes its state: the next build is right, and says nothing odd.

The state is written in one SQLite transaction after the output's commit; a build killed half
way through that transaction leaves last build's state, which the next build must not trust for
the outputs that changed since (their stamps and bytes differ from what it recorded)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from builtsite import built_folder, built_root
from testdata import FIXTURE_SITE

from sitegen.build.orchestrator import build_site
from sitegen.checks.files import DirFiles

POST = "content/posts/2023/09/5g-rollout.md"
POST_OUT = "2023/09/02/5g-rollout-reaches-500-cities/index.html"
OUTPUT = (built_folder(FIXTURE_SITE) / POST_OUT).as_posix()  # named from public/'s root

# Kills the build after the KILL_AT-th table of its state is written, inside the transaction.
SITECUSTOMIZE = """
import os, signal
import sitegen.build.state.store
_real, _calls = sitegen.build.state.store._sync, [0]
def _sync(*args):
    _real(*args)
    _calls[0] += 1
    if _calls[0] == int(os.environ["KILL_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
sitegen.build.state.store._sync = _sync
"""


def _killed_build(site: Path, hook: Path, at: int) -> None:
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "PYTHONPATH": str(hook), "KILL_AT": str(at)}
    cmd = [sys.executable, "-m", "sitegen", "--site", str(site), "build"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr


def _rows(site: Path) -> list[tuple[str, object, object]]:
    """Every row of the build state."""
    with contextlib.closing(sqlite3.connect(site / ".sitegen" / "state.sqlite")) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return sorted((t, *row) for t in tables for row in db.execute(f"SELECT * FROM {t}"))


def _clean(site: Path, into: Path) -> dict[str, bytes]:
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".sitegen"))
    assert build_site(into).committed
    return dict(DirFiles(into / "public"))


def test_a_build_killed_while_saving_its_state_leaves_the_next_one_right(tmp_path: Path) -> None:
    for at in (1, 3):  # after the first table, and half way
        site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / f"site{at}"))
        assert build_site(site).committed
        post = site / POST
        post.write_text(post.read_text().replace("500th city", "600th city"))
        before = _rows(site)
        _killed_build(site, tmp_path / "hook", at)
        assert _rows(site) == before  # the last state whole, not half of the new one
        assert "600th city" in (built_root(site) / POST_OUT).read_text()  # output committed
        post.write_text(post.read_text().replace("600th city", "700th city"))
        report = build_site(site)
        assert report.committed and report.notes == [], report.notes
        assert OUTPUT in report.rendered
        assert dict(DirFiles(site / "public")) == _clean(site, tmp_path / f"clean{at}")
        again = build_site(site)  # and the state it saved is whole
        assert again.committed and OUTPUT not in again.rendered
