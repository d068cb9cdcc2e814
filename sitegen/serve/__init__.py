"""`sitegen serve`: build, serve on the loopback, rebuild on change, reload the browser.

The pieces: `files` (what is served: a folder or the build's outputs in memory), `redirects`
(`_redirects` applied as Netlify does), `http` (the server), `reload` (Server-Sent Events and
the error overlay), `watch` (watchdog + debounce). `Preview` wires them to a builder: any
function from "these paths changed" to a BuildOutcome. A failed build keeps the last good site
up and shows its problems over the page; the next good build clears them.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from sitegen.errors import Problem, Problems, SitegenError
from sitegen.serve.engine import directory_builder, site_builder, watch_targets
from sitegen.serve.files import DirectoryFiles, MemoryFiles, SiteFiles
from sitegen.serve.http import PreviewServer, make_server
from sitegen.serve.reload import LiveSite, LiveState
from sitegen.serve.types import Builder, BuildOutcome, Later
from sitegen.serve.watch import Watcher

__all__ = [
    "BuildOutcome",
    "Builder",
    "DirectoryFiles",
    "MemoryFiles",
    "Preview",
    "SiteFiles",
    "directory_builder",
    "site_builder",
    "watch_targets",
]


class Preview:
    """The running preview: server, watcher and the builder between them.

    The server is bound on construction, so that the builder can be made for its URL
    (`preview.builder = ...`) before `start()`.
    """

    def __init__(
        self,
        builder: Builder | None,
        watch: Iterable[Path],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        # An editor's save (temporary file, rename, chmod) is a burst of a few milliseconds;
        # every millisecond waited here is one more before the writer sees the change.
        quiet: float = 0.05,
        log: Callable[[str], None] = print,
        verbose: bool = False,
    ) -> None:
        self.builder = builder
        self.log = log
        self.state = LiveState()
        # Bind before building: a busy port should fail at once, not after a long build.
        self.server: PreviewServer = make_server(host, port, self.state, verbose=verbose)
        self.watcher = Watcher(watch, self.rebuild, quiet=quiet)
        self.builds = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def rebuild(self, changed: frozenset[Path]) -> bool:
        """Build; serve the result if it is good, else show why. True if it was good."""
        with self._lock:
            started = time.perf_counter()
            assert self.builder is not None, "set Preview.builder before starting"
            outcome = _run(self.builder, changed)
            elapsed = time.perf_counter() - started
            self.builds += 1
            if len(outcome.problems):
                self.log(outcome.problems.render())
            if outcome.files is None or outcome.problems.failed():
                self.state.fail(outcome.problems.errors or [Problem("the build failed")])
                # Before any good build there is no site to fall back on: say so, not "still
                # serving" a site the user never had.
                kept = (
                    "still serving the last good site"
                    if self.state.snapshot().site is not None
                    else "the preview shows the problems until a build succeeds"
                )
                self.log(f"build failed after {elapsed:.2f}s; {kept}")
                return False
            site = LiveSite.of(outcome.files)
            for warning in site.warnings:
                self.log(warning.render())
            self.state.publish(site)
            what = f"{len(changed)} changed file(s)" if changed else "initial build"
            self.log(f"built in {elapsed:.2f}s ({what})")
            if outcome.later is not None:
                return self._finish(outcome.later)
            return True

    def _finish(self, later: Later) -> bool:
        """The rest of a build whose pages are served already: its files replace the served
        ones without a reload; a failure shows like any other. A save meanwhile stops it: the
        pages of that save come first, and its own second step does this one's work too."""
        started = time.perf_counter()
        outcome = _run(lambda _: later(self.watcher.debouncer.pending), frozenset())
        if outcome.stopped:
            self.log("a newer change came in: feeds, sitemap and search index follow its build")
            return True
        if outcome.files is None or outcome.problems.failed():
            self.state.fail(outcome.problems.errors or [Problem("the build failed")])
            self.log(outcome.problems.render())
            return False
        self.state.refresh(LiveSite.of(outcome.files))
        self.log(
            f"feeds, sitemap and search index followed in {time.perf_counter() - started:.2f}s"
        )
        return True

    def start(self) -> None:
        """Serve (the first build's problems, until there is a good build), watch, build once."""
        # A short poll interval makes stop() (and so Ctrl-C) prompt; it costs nothing idle.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="sitegen-http"
        )
        self._thread.start()
        self.watcher.start()  # before building, so that nothing saved meanwhile is missed
        self.rebuild(frozenset())

    def stop(self) -> None:
        """Stop serving and watching; waits for a running rebuild to finish. Safe after a
        partial start (Ctrl-C during the first build)."""
        self.watcher.stop()
        self.state.close()  # ends the event streams, which would otherwise hold their threads
        if self._thread is not None and self._thread.is_alive():
            self.server.shutdown()
            self._thread.join()
        self.server.server_close()

    def run(self) -> None:
        """Serve until Ctrl-C (or SIGTERM, which the caller maps to KeyboardInterrupt)."""
        try:
            self.start()
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def _run(builder: Builder, changed: frozenset[Path]) -> BuildOutcome:
    """Call the builder; turn what it raises into problems so the server stays up."""
    try:
        return builder(changed)
    except SitegenError as exc:
        problems = Problems()
        problems.add(exc)
        return BuildOutcome(None, problems)
    except Exception as exc:  # a bug, or a library error the build did not wrap
        traceback.print_exc()
        problems = Problems()
        problems.error(f"{type(exc).__name__}: {exc}", _where(exc), "see the traceback")
        return BuildOutcome(None, problems)


def _where(exc: BaseException) -> str:
    """file:line of an exception that carries them (Jinja's template errors do)."""
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if isinstance(filename, str) and filename:
        return f"{filename}:{line}" if isinstance(line, int) else filename
    return ""
