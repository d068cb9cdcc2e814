"""What a build is asked to do: `BuildOptions`, and where its output and its memory go.

Two targets, each saying what it implies instead of the orchestrator guessing from which
arguments are missing:

- `OnDisk` (`sitegen build`): the output is the config's output folder, staged and committed as
  one journalled transaction (an interrupted commit is recovered first); the build state is
  `.sitegen/state.sqlite`, and the no-op check may answer without reading anything.
- `InMemory` (`sitegen serve`, tests): the output goes to the sink it names; the state lives in
  its `Memo` for as long as the caller keeps it; nothing under `.sitegen/` or the output folder
  is touched.

`SITEGEN_NO_CACHE` (sitegen.tuning) overrides both: no state at all, every build a clean one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import transaction, tuning
from sitegen.build.incremental import Memo, Progress
from sitegen.build.output import Sink, StagedDirSink
from sitegen.build.state.store import Store
from sitegen.errors import Problems, SitegenError


def defer_nothing(rel: str) -> bool:
    """Every output brought up to date in this build."""
    return False


def never() -> bool:
    """Never stop a build before it is done."""
    return False


@dataclass(frozen=True)
class Destination:
    """Where one build writes: its sink, the state store (None: the state is the memo's
    only) and whether the no-op snapshot may be checked and recorded."""

    sink: Sink
    store: Store | None
    no_op: bool
    locked: Path | None = None  # the output folder this build holds the lock of

    def close(self) -> None:
        """Let go of the state store and the output's lock (the build is over)."""
        if self.store is not None:
            self.store.close()
        if self.locked is not None:
            transaction.release(self.locked)


@dataclass(frozen=True)
class OnDisk:
    """The output folder and `.sitegen/` (see the module's docstring)."""

    def memo(self) -> Memo:
        return Memo()  # the state is loaded from the store into a fresh memo

    def open(
        self, site_dir: Path, output_dir: Path, problems: Problems, notes: list[str]
    ) -> Destination | None:
        """None if another build holds the output, or an interrupted commit of it could not
        be undone (reported). The build holds the output's lock until it is closed."""
        try:
            transaction.hold(output_dir)
            note = transaction.recover(output_dir)
        except SitegenError as err:
            problems.add(err)
            return None
        notes.extend([note] if note else [])
        cache = tuning.current.cache
        store = Store(site_dir) if cache else None
        return Destination(StagedDirSink(output_dir), store, no_op=cache, locked=output_dir)


@dataclass(frozen=True)
class InMemory:
    """A sink the caller holds and a memo that lives as long as the caller keeps it."""

    sink: Sink
    state: Memo = field(default_factory=Memo)

    def memo(self) -> Memo:
        # SITEGEN_NO_CACHE: not even serve's memo is trusted; each build starts afresh.
        return self.state if tuning.current.cache else Memo()

    def open(
        self, site_dir: Path, output_dir: Path, problems: Problems, notes: list[str]
    ) -> Destination | None:
        return Destination(self.sink, None, no_op=False)


@dataclass(frozen=True)
class BuildOptions:
    overrides: Mapping[str, Any] = field(default_factory=dict)  # config keys (`--base-url`)
    drafts: bool = False  # posts with `status: draft` too
    strict: bool = False  # a warning fails the build
    check_links: bool = True  # broken internal links as warnings (serve: off)
    full: bool = False  # render everything; record a fresh state
    # Outputs (by path) that may keep last build's bytes this time if their inputs changed,
    # and the search index if it says yes to "search/"; named in `report.deferred`, brought up
    # to date by the next build (serve: the pages first, the rest a moment later).
    defer: Callable[[str], bool] = defer_nothing
    progress: Progress | None = None  # called with (done, total) as jobs are rendered
    # Asked between two rendered jobs and before the search index: True stops the build,
    # which then writes nothing (`report.stopped`; serve: a newer save came in meanwhile).
    stop: Callable[[], bool] = never
    target: OnDisk | InMemory = field(default_factory=OnDisk)
