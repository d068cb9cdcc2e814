"""One build of a site's output at a time: a second `sitegen build` while one runs (a CI job
started twice, a build in another terminal) says so and touches nothing; before the lock it
crashed with a traceback (FileExistsError on the stage the first one was filling), and its
recovery could undo the first one's commit half way."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from sitegen import transaction


def _build(site: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sitegen", "--site", str(site), "build"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def _locked_by_another(site: Path) -> Iterator[None]:
    """The lock as another sitegen process holds it: a descriptor of its own on the folder
    that holds public/ (a second descriptor is refused even in the same process)."""
    fd = os.open(site, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_second_build_waits_its_turn(site: Path) -> None:
    assert _build(site).returncode == 0
    public = site / "public"
    before = _tree(public)
    (site / "content" / "posts" / "2023" / "09" / "5g-rollout.md").open("a").write("\nMore.\n")
    with _locked_by_another(site):
        second = _build(site)
        assert second.returncode == 1
        assert "another sitegen command is writing public/" in second.stderr
        assert str(site) in second.stderr
        assert "wait for it to finish" in second.stderr
        assert "Traceback" not in second.stderr
        assert _tree(public) == before  # nothing written, nothing undone
        assert not transaction.stage_dir(public).exists()
    after = _build(site)  # the lock is free again: the edit goes in
    assert after.returncode == 0, after.stderr
    assert _tree(public) != before


def test_a_build_lets_go_of_the_lock_when_it_ends(site: Path) -> None:
    """In one process (serve's tests, a script calling build_site twice) a finished build
    leaves the lock free for another process."""
    from sitegen.build.orchestrator import build_site

    assert build_site(site).committed
    with _locked_by_another(site):  # raises if the build still held it
        pass
