"""Where a build's memory and time go: the main process's RSS, wall and CPU seconds at the start
and end of each stage of `build_site`, and the peak with the stage it happened in.

    python -m benchmarks.memory_stages SITE [--full]     (from the repository root)

A thread samples /proc/self/status every 50 ms (Linux only). Because a second thread would make
sitegen's pool run serially (forking with threads is avoided), this script lets it fork anyway:
the sampler holds no lock a worker could need.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sitegen.build.incremental as incremental
import sitegen.build.orchestrator as build
import sitegen.build.state.searchindex as searchstate
import sitegen.parallel as parallel
import sitegen.search.index as search
from sitegen.build.options import BuildOptions

STAGES = [
    (build, ["_load_documents", "_site_and_plan", "_fingerprints", "_render"]),
    (incremental.Bodies, ["prefill"]),
    (build, ["_search_index", "_link_errors", "_commit", "_remember"]),
    (searchstate, ["_assembled", "_finish"]),
    (search, ["listing_files"]),
]


def rss_mb(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass  # a worker that just ended
    return 0


def workers_mb() -> int:
    """The RSS of the largest worker process (the pool's), 0 if none runs."""
    me = os.getpid()
    try:
        with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as fh:
            return max((rss_mb(int(p)) for p in fh.read().split()), default=0)
    except OSError:
        return 0


class Probe:
    def __init__(self) -> None:
        self.stage = "start"
        self.peak = (0, "")
        self.worker_peak = (0, "")
        self.marks: list[tuple[str, str, int, float, float]] = []  # stage, when, MB, wall, CPU
        self.start = time.perf_counter()

    def sample(self) -> None:
        while True:
            now = rss_mb()
            if now > self.peak[0]:
                self.peak = (now, self.stage)
            worker = workers_mb()
            if worker > self.worker_peak[0]:
                self.worker_peak = (worker, self.stage)
            time.sleep(0.05)

    def mark(self, name: str, when: str) -> None:
        wall = time.perf_counter() - self.start
        self.marks.append((name, when, rss_mb(), wall, time.process_time()))

    def wrap(self, module: Any, name: str) -> None:
        real: Callable[..., Any] = getattr(module, name)

        def staged(*args: Any, **kwargs: Any) -> Any:
            outer, self.stage = self.stage, name
            self.mark(name, "start")
            try:
                return real(*args, **kwargs)
            finally:
                self.mark(name, "end")
                self.stage = outer

        setattr(module, name, staged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--full", action="store_true", help="a clean build (ignore .sitegen/)")
    args = parser.parse_args()
    probe = Probe()
    for module, names in STAGES:
        for name in names:
            probe.wrap(module, name)
    searchstate.search = search  # the wrapped functions, as searchstate calls them
    parallel._can_fork = lambda: True  # type: ignore[attr-defined]  # see the docstring
    threading.Thread(target=probe.sample, daemon=True).start()
    report = build.build_site(args.site, BuildOptions(full=args.full))
    print(report.summary())
    print("    RSS    wall s   CPU s")
    for name, when, mb, wall, cpu in probe.marks:
        print(f"{mb:6d} MB  {wall:7.2f} {cpu:7.2f}  {when:5s} {name}")
    print(f"peak {probe.peak[0]} MB in {probe.peak[1]}")
    print(f"largest worker {probe.worker_peak[0]} MB in {probe.worker_peak[1]}")


if __name__ == "__main__":
    main()
