"""Watch the site's sources and call back once per burst of changes.

An editor's save is several events (write a temp file, rename, chmod), and a `git checkout`
is hundreds; rebuilding on each would waste seconds and flash the browser. The Debouncer
collects changed paths until the sources have been quiet for `quiet` seconds, then hands the
whole set over at once. One worker thread does the callbacks, so rebuilds never overlap, and
changes made during a rebuild are collected for the next one.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# Editors' scratch files: vim's swap files and its "4913" write test, emacs' lock and backup
# files, our own atomic-write temporaries. None of them is a source.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".tmp")
_EVENT_TYPES = frozenset({"created", "modified", "deleted", "moved", "closed"})


class Debouncer:
    """Collects paths; `take()` returns them once nothing was added for `quiet` seconds."""

    def __init__(self, quiet: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self.clock = clock
        self._cond = threading.Condition()
        self._paths: set[Path] = set()
        self._last = 0.0

    def add(self, path: Path) -> None:
        with self._cond:
            self._paths.add(path)
            self._last = self.clock()
            self._cond.notify_all()

    def take(self) -> frozenset[Path] | None:
        """The collected paths if the quiet period is over (and forget them), else None."""
        with self._cond:
            if not self._paths or self.clock() - self._last < self.quiet:
                return None
            paths, self._paths = frozenset(self._paths), set()
            return paths

    def pending(self) -> bool:
        """Whether a change came in that no callback was handed yet."""
        with self._cond:
            return bool(self._paths)

    def wait(self, stop: threading.Event) -> frozenset[Path] | None:
        """Block until a burst is over (its paths) or `stop` is set (None)."""
        with self._cond:
            while not stop.is_set():
                if not self._paths:
                    self._cond.wait(0.5)  # woken by add(); the timeout only notices `stop`
                    continue
                left = self.quiet - (self.clock() - self._last)
                if left <= 0:
                    paths, self._paths = frozenset(self._paths), set()
                    return paths
                self._cond.wait(left)
            return None

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


def is_scratch(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "#")) or name.endswith(_SCRATCH_SUFFIXES) or name == "4913"


class _Forward(FileSystemEventHandler):
    def __init__(self, accept: Callable[[Path], bool], sink: Callable[[Path], None]) -> None:
        self.accept = accept
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EVENT_TYPES or (
            event.is_directory and event.event_type == "modified"
        ):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw.decode() if isinstance(raw, bytes) else raw)
                if self.accept(path):
                    self.sink(path)


class Watcher:
    """Watches folders (recursively) and single files; calls `on_change(paths)` per burst.

    A target that does not exist yet (a site without `static/` or its own theme) is watched
    through its parent folder, and gets its own recursive watch once it is created.
    """

    def __init__(
        self,
        targets: Iterable[Path],
        on_change: Callable[[frozenset[Path]], object],
        *,
        quiet: float = 0.2,
    ) -> None:
        self.targets = [t.resolve() for t in targets]
        self.on_change = on_change
        self.debouncer = Debouncer(quiet)
        self._stop = threading.Event()
        self._observer = Observer()
        self._handler = _Forward(self._accept, self._changed)
        self._watched: set[Path] = set()  # folders with a recursive watch
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def _accept(self, path: Path) -> bool:
        for target in self.targets:
            if path == target:
                return True
            if path.is_relative_to(target):
                return not any(is_scratch(Path(p)) for p in path.relative_to(target).parts)
        return False

    def _changed(self, path: Path) -> None:
        if path in self.targets and path.is_dir():
            self._watch(path)  # created after we started: watch inside it from now on
        self.debouncer.add(path)

    def _watch(self, folder: Path) -> None:
        with self._lock:
            if folder in self._watched or any(folder.is_relative_to(w) for w in self._watched):
                return
            self._watched.add(folder)
        self._observer.schedule(self._handler, str(folder), recursive=True)

    def start(self) -> None:
        for folder in sorted(t for t in self.targets if t.is_dir()):
            self._watch(folder)
        # Files, and targets still to be created, are watched through their parent folder.
        parents = {t.parent for t in self.targets if not t.is_dir() and t.parent.is_dir()}
        for parent in sorted(parents):
            if not any(parent.is_relative_to(w) for w in self._watched):
                self._observer.schedule(self._handler, str(parent), recursive=False)
        self._observer.start()
        self._worker.start()

    def _run(self) -> None:
        while (paths := self.debouncer.wait(self._stop)) is not None:
            try:
                self.on_change(paths)
            except Exception:  # a bug must not end watching: report it, keep going
                traceback.print_exc()

    def stop(self) -> None:
        self._stop.set()
        self.debouncer.wake()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._worker.is_alive():
            self._worker.join(timeout=30)  # let a running rebuild finish its writes
