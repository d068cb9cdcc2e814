"""The benchmark's measurements: per-child peak memory and CPU, files written, medians."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from benchmarks.measure import Measurement, StepFailed, measure, summarize

# Allocates and touches 150 MB, spins the CPU a little, writes two files and rewrites one.
CHILD = """
import sys, pathlib
block = bytearray(150 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
sum(i * i for i in range(2_000_000))
out = pathlib.Path(sys.argv[1])
out.mkdir(exist_ok=True)
(out / "a.html").write_text(sys.argv[2])
(out / "b.xml").write_text("same")
"""


def _run(tmp_path: Path, text: str, run: int) -> Measurement:
    return measure(
        [sys.executable, "-c", CHILD, str(tmp_path / "out"), text],
        cwd=tmp_path, env=os.environ, log=tmp_path / "log.txt", output=tmp_path / "out",
        label=("python", "step", 1, run),
    )  # fmt: skip


def test_a_child_is_measured_on_its_own(tmp_path: Path) -> None:
    first = _run(tmp_path, "one", 1)
    assert first.max_rss_mb >= 150  # the child's own peak, not this test process's
    assert first.cpu_s > 0 and first.wall_s > 0
    assert (first.files_written, first.html_pages) == (2, 1)
    # Same bytes again: the sizes and mtimes of a.html may stay; b.xml is rewritten.
    second = _run(tmp_path, "two", 2)
    assert second.files_written >= 1 and second.html_pages == 1
    assert "$ " in (tmp_path / "log.txt").read_text()


def test_a_failing_step_stops_the_benchmark(tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="exited 3"):
        measure(
            [sys.executable, "-c", "raise SystemExit(3)"],
            cwd=tmp_path,
            env=os.environ,
            log=tmp_path / "log.txt",
            output=tmp_path,
            label=("python", "fail", 1, 1),
        )


def test_summaries_are_medians_of_the_runs() -> None:
    runs = [Measurement("t", "s", 10, n, wall, wall / 2, 100 + n, 0, 5, 10, )
            for n, wall in enumerate((3.0, 1.0, 2.0), 1)]  # fmt: skip
    (summary,) = summarize(runs)
    assert (summary.wall_s, summary.cpu_s, summary.max_rss_mb) == (2.0, 1.0, 102)
    assert summary.walls == (3.0, 1.0, 2.0) and summary.pages_per_s == 5.0
