"""Run one command as a fresh child process and measure it: wall, CPU, peak memory, files written.

CPU time and peak memory come from `os.wait4`, i.e. the kernel's rusage of exactly that child
(and the grandchildren it waited for), not a difference of RUSAGE_CHILDREN totals: ru_maxrss of
RUSAGE_CHILDREN is the maximum over *all* children so far, which would smear one tool's memory
into the next one's figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    tool: str
    scenario: str
    size: int
    run: int
    wall_s: float
    cpu_s: float  # user + sys of the child
    max_rss_mb: float
    exit_code: int
    files_written: int  # files created or changed in the output folder
    html_pages: int  # .html files in the output folder after the step

    @property
    def pages_per_s(self) -> float:
        return self.html_pages / self.wall_s if self.wall_s else 0.0


class StepFailed(RuntimeError):
    """A measured command exited non-zero: its figures would be meaningless."""


Snapshot = dict[str, tuple[int, int]]


def snapshot(folder: Path) -> Snapshot:
    """(mtime_ns, size) of every file under `folder`, to count what a step wrote."""
    found: Snapshot = {}
    if not folder.is_dir():
        return found
    for root, _dirs, files in os.walk(folder):
        for name in files:
            st = os.stat(os.path.join(root, name))
            found[os.path.join(root, name)] = (st.st_mtime_ns, st.st_size)
    return found


def changed(before: Snapshot, after: Snapshot) -> int:
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp)


def html_count(after: Snapshot) -> int:
    return sum(1 for path in after if path.endswith(".html"))


def run_child(
    cmd: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path
) -> tuple[float, float, float, int]:
    """(wall s, user+sys s, max RSS MB, exit code) of `cmd`; its output goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"$ {' '.join(cmd)}\n".encode())
        out.flush()
        started = time.perf_counter()
        child = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env), stdout=out, stderr=out)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, tell Popen
    # Linux reports ru_maxrss in KiB.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def measure(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path,
    output: Path,
    label: tuple[str, str, int, int],
) -> Measurement:
    """Run `cmd` once; `output` is the folder whose written files are counted."""
    tool, scenario, size, run = label
    before = snapshot(output)
    wall, cpu, rss, code = run_child(cmd, cwd, env, log)
    after = snapshot(output)
    result = Measurement(
        tool, scenario, size, run, wall, cpu, rss, code, changed(before, after), html_count(after)
    )
    if code != 0:
        raise StepFailed(f"{tool} {scenario} (N={size}, run {run}) exited {code}; see {log}")
    return result


@dataclass(frozen=True)
class Summary:
    """Medians over the runs of one tool, scenario and size (never a single time)."""

    tool: str
    scenario: str
    size: int
    runs: int
    wall_s: float
    cpu_s: float
    max_rss_mb: float
    files_written: int
    html_pages: int
    walls: tuple[float, ...]

    @property
    def pages_per_s(self) -> float:
        return self.html_pages / self.wall_s if self.wall_s else 0.0


def summarize(results: Sequence[Measurement]) -> list[Summary]:
    groups: dict[tuple[str, str, int], list[Measurement]] = {}
    for m in results:
        groups.setdefault((m.tool, m.scenario, m.size), []).append(m)
    return [
        Summary(
            tool,
            scenario,
            size,
            len(ms),
            statistics.median(m.wall_s for m in ms),
            statistics.median(m.cpu_s for m in ms),
            statistics.median(m.max_rss_mb for m in ms),
            round(statistics.median(m.files_written for m in ms)),
            round(statistics.median(m.html_pages for m in ms)),
            tuple(m.wall_s for m in ms),
        )
        for (tool, scenario, size), ms in groups.items()
    ]
