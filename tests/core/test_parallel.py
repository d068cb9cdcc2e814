"""A build with a process pool writes the same bytes and reports the same problems as a serial
one (sitegen.parallel): the pool only computes, the parent writes in job order."""

from __future__ import annotations

import multiprocessing.pool
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from testdata import CORPUS, FIXTURE_SITE

from sitegen import parallel, tuning
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import BuildReport, build_site
from sitegen.build.render import DEFAULT_THEME
from sitegen.checks.files import DirFiles
from sitegen.tuning import Tuning
from sitegen.wp import importer
from sitegen.wp.importer import ImportOptions, import_paths


def force_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool even for the fixture's few pages (normally from 200 items on), and even
    though other tests of this process may have left idle threads behind (sitegen forks only in
    a single-threaded process; see test_no_pool_while_other_threads_run)."""
    monkeypatch.setattr(tuning, "current", Tuning(pool_min_items=1))
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    force_pool(monkeypatch)
    monkeypatch.setenv(parallel.ENV, "2")


def test_no_pool_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning, "current", Tuning(pool_min_items=1))
    monkeypatch.setenv(parallel.ENV, "2")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert {pid for pid in parallel.ordered_map(lambda i: os.getpid(), 50)} == {os.getpid()}
    finally:
        stop.set()
        other.join()


def test_ordered_map_runs_in_other_processes_and_keeps_the_order(pooled: None) -> None:
    pids = list(parallel.ordered_map(lambda i: (i, os.getpid()), 100))
    assert [i for i, _ in pids] == list(range(100))
    assert os.getpid() not in {pid for _, pid in pids}


def test_the_parent_holds_a_bounded_number_of_results(
    pooled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are handed to the workers as the parent consumes results, not all at once: a
    parent slower than its workers (writing pages to a busy disk) must not pile them up."""
    monkeypatch.setattr(parallel, "MAX_CHUNK", 3)
    sent: list[tuple[int, int]] = []
    submit = multiprocessing.pool.Pool.apply_async

    def counted(pool: Any, func: Any, args: Any = (), *rest: Any) -> Any:
        sent.append(args[0])
        return submit(pool, func, args, *rest)

    monkeypatch.setattr(multiprocessing.pool.Pool, "apply_async", counted)
    window = 2 * parallel.AHEAD * 3  # workers x chunks ahead x items per chunk
    for consumed, value in enumerate(parallel.ordered_map(lambda i: i * i, 300)):
        assert value == consumed * consumed
        assert sent[-1][1] <= consumed + 1 + window + 3
    assert sent[-1][1] == 300 and len(sent) == 100


def test_ordered_map_is_serial_with_one_job(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning, "current", Tuning(pool_min_items=1))
    monkeypatch.setenv(parallel.ENV, "1")
    assert {pid for pid in parallel.ordered_map(lambda i: os.getpid(), 50)} == {os.getpid()}


def test_worker_errors_reach_the_parent(pooled: None) -> None:
    def work(i: int) -> int:
        if i == 37:
            raise ZeroDivisionError("in a worker")
        return i

    with pytest.raises(ZeroDivisionError, match="in a worker"):
        list(parallel.ordered_map(work, 100))
    assert list(parallel.ordered_map(lambda i: i, 3)) == [0, 1, 2]  # the pool is gone


def _build(tmp_path: Path, name: str, jobs: str, monkeypatch: pytest.MonkeyPatch) -> BuildReport:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / name))
    override = site / "themes" / "default" / "templates" / "post.html"
    override.parent.mkdir(parents=True)
    broken = (DEFAULT_THEME / "templates" / "post.html").read_text()
    override.write_text(broken.replace("</article>", "{{ post.no_such_field }}</article>", 1))
    monkeypatch.setenv(parallel.ENV, jobs)
    return build_site(site)


def test_serial_and_parallel_builds_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_pool(monkeypatch)
    serial = _build(tmp_path, "serial", "1", monkeypatch)
    pooled = _build(tmp_path, "pooled", "2", monkeypatch)
    # The broken template: the same problems, in the same order, from the workers.
    assert serial.problems.items and serial.problems.items == pooled.problems.items
    assert "post.no_such_field" not in str(serial.problems.items)  # the message, not the text
    assert any("post.html" in p.location for p in serial.problems.items)
    # Without it, the same bytes.
    for name in ("serial", "pooled"):
        (tmp_path / name / "themes" / "default" / "templates" / "post.html").unlink()
    monkeypatch.setenv(parallel.ENV, "1")
    assert build_site(tmp_path / "serial").committed
    monkeypatch.setenv(parallel.ENV, "2")
    assert build_site(tmp_path / "pooled", BuildOptions(full=True)).committed
    one, two = DirFiles(tmp_path / "serial" / "public"), DirFiles(tmp_path / "pooled" / "public")
    assert list(one) == list(two) and len(one) > 50
    assert all(one[name] == two[name] for name in one)


def _import(site: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    monkeypatch.setenv(parallel.ENV, jobs)
    report = import_paths(site, [CORPUS], ImportOptions())
    return report.summary(), [p.render() for p in report.errors]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_serial_and_parallel_imports_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    force_pool(monkeypatch)
    monkeypatch.setattr(importer, "BATCH", 7)  # several pool runs, one of them partial
    sites = {jobs: tmp_path / f"site-{jobs}" for jobs in ("1", "2")}
    first = {jobs: _import(site, jobs, monkeypatch) for jobs, site in sites.items()}
    assert first["1"] == first["2"] and first["1"][0].startswith("imported 62,")
    assert tree(sites["1"]) == tree(sites["2"]) and len(tree(sites["1"])) > 60
    for site in sites.values():  # a hand edit, and a post the import must convert again
        edited = sorted((site / "content" / "posts").rglob("*.md"))
        edited[3].write_text(edited[3].read_text() + "\nMy own note.\n")
        (site / ".sitegen" / "import-fingerprints.json").unlink()
    again = {jobs: _import(site, jobs, monkeypatch) for jobs, site in sites.items()}
    assert again["1"] == again["2"] and again["1"][0].startswith("imported 0, updated 0,")
    assert tree(sites["1"]) == tree(sites["2"])
    assert b"My own note." in tree(sites["2"])[edited[3].relative_to(sites["2"]).as_posix()]
    # Nothing changed: the workers send back fingerprints only, and every post is left alone.
    third = {jobs: _import(site, jobs, monkeypatch) for jobs, site in sites.items()}
    assert third["1"] == third["2"] and ", unchanged 62," in third["1"][0]
    assert tree(sites["1"]) == tree(sites["2"])
