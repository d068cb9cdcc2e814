"""The switches and thresholds a build reads from the environment, read once, in one place.

`SITEGEN_NO_SPEEDUPS=1` turns off every speed-up that reaches into another library
(sitegen.speedups): the code takes the libraries' public paths, with the same output.
`SITEGEN_NO_CACHE=1` builds without any build state: nothing under `.sitegen/` is read or
written, every build is a clean one (same output, only slower).
The two thresholds decide *how* work is done, never what comes out: from how many items a map
runs in worker processes, and above how many changed documents the search index is assembled
from scratch rather than patched. Tests lower them so that every path runs on a small site.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tuning:
    speedups: bool = True
    cache: bool = True
    pool_min_items: int = 200  # below this, starting processes costs more than it saves
    search_max_patched: int = 64  # more changed documents: assembling every shard is cheaper


def _count(value: str, default: int) -> int:
    return int(value) if value.isdigit() and int(value) > 0 else default


def from_env(environ: Mapping[str, str]) -> Tuning:
    """The tuning `environ` asks for (unset or unparsable values: the defaults)."""
    base = Tuning()
    return Tuning(
        speedups=environ.get("SITEGEN_NO_SPEEDUPS", "") in ("", "0"),
        cache=environ.get("SITEGEN_NO_CACHE", "") in ("", "0"),
        pool_min_items=_count(environ.get("SITEGEN_POOL_MIN_ITEMS", ""), base.pool_min_items),
        search_max_patched=_count(
            environ.get("SITEGEN_SEARCH_MAX_PATCHED", ""), base.search_max_patched
        ),
    )


# Read once, when sitegen is imported; `--no-cache` and tests replace it (`use`).
current = from_env(os.environ)


def use(tuning: Tuning) -> Tuning:
    """Make `tuning` the one in force; returns the one it replaces."""
    global current
    previous, current = current, tuning
    return previous


@contextmanager
def tuned(**changes: Any) -> Iterator[Tuning]:
    """`current` with `changes` while the block runs (`--no-cache`, tests)."""
    previous = use(dataclasses.replace(current, **changes))
    try:
        yield current
    finally:
        use(previous)
