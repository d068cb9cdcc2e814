"""Both cores for the build's and the import's CPU-bound loops, with serial output.

A pool of processes started with `fork`, so that the work function and everything it reads
(the assembled site, the Jinja environment, the list of jobs) are inherited, never pickled: the
parent sends only index ranges and gets back each item's result, in order, computed at most a
few chunks ahead of what it consumed (so its memory does not grow with the work). Whatever the
parent does with the results (write files, collect problems) it does in the same order as a
serial loop would, so a parallel build is byte-identical to a serial one (tested).

Serial when the platform has no `fork` (Windows, and macOS where it is unsafe), when other
threads run (serve), when there is one core, when SITEGEN_JOBS=1, or when there are too few
items to be worth a process start.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

from sitegen import tuning

R = TypeVar("R")

ENV = "SITEGEN_JOBS"
CHUNKS_PER_WORKER = 8  # small enough to balance uneven items, big enough to amortise the IPC
# At most this many items per chunk, and at most AHEAD chunks per worker computed before the
# parent took their results: what the parent holds does not grow with the site. (imap sent all
# chunks at once; a parent slower than its workers, writing 22,000 pages to a busy disk, held
# up to 300 MB of rendered pages it had not written yet at 10,000 posts.)
MAX_CHUNK = 64
AHEAD = 2

_work: Callable[[int], Any] | None = None  # the function of the running pool, set before fork


def jobs() -> int:
    """How many processes to use: SITEGEN_JOBS if set, else the CPUs this process may use."""
    value = os.environ.get(ENV, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    # Forking a process with other threads running (serve's watcher and HTTP server) can copy a
    # lock some thread holds, and the child hangs on it: such processes work serially.
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def forks(count: int, workers: int = 0) -> bool:
    """Whether `ordered_map` over `count` items would use processes (else it runs serially,
    in this process, where the work's side effects are this process's own)."""
    workers = workers or jobs()
    return workers > 1 and count >= tuning.current.pool_min_items and _work is None and _can_fork()


def _worker_start() -> None:
    """In each worker, first: exempt every object inherited from the parent from the cycle
    collector (`gc.freeze` only relinks the collector's lists, it touches no object). Else the
    worker's first full collection walks the whole inherited site, writing to each object's
    header, and the kernel copies every page of the parent's heap into the worker: a worker
    would cost as much memory as the parent however little of the site it reads."""
    gc.freeze()


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None, "a worker runs only inside ordered_map"
    return [_work(i) for i in range(*bounds)]


def ordered_map(
    work: Callable[[int], R], count: int, *, workers: int = 0
) -> Generator[R, None, None]:
    """`work(0)`, `work(1)`, ... `work(count - 1)`, in that order, computed by `workers`
    processes (default: `jobs()`). `work` may be a closure; its results must pickle."""
    global _work
    workers = workers or jobs()
    if not forks(count, workers):
        yield from (work(i) for i in range(count))
        return
    size = max(1, min(MAX_CHUNK, count // (workers * CHUNKS_PER_WORKER)))
    chunks = [(start, min(start + size, count)) for start in range(0, count, size)]
    _work = work
    try:
        with multiprocessing.get_context("fork").Pool(workers, _worker_start) as pool:
            pending: deque[AsyncResult[list[Any]]] = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_run, (chunk,)))
                if len(pending) > workers * AHEAD:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _work = None
