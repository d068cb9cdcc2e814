"""The builders `sitegen serve` runs: the real build into memory, or a built folder as it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitegen import speedups, transaction
from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory, defer_nothing, never
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.build.render import DEFAULT_THEME
from sitegen.errors import Problems, SitegenError
from sitegen.serve.files import DirectoryFiles, MemoryFiles
from sitegen.serve.types import Builder, BuildOutcome


def site_builder(site_dir: Path, base_url: str, *, drafts: bool = False) -> Builder:
    """Build `site_dir` in memory for `base_url` (the preview's own URL, so links stay local).

    The outputs and what the incremental build remembers live as long as the server, so each
    rebuild renders only what the change affects; `public/` and `.sitegen/` are not touched.
    A rebuild renders the pages first (what a browser shows) and leaves the feeds, sitemap,
    `_redirects` and search index for right after the pages are served: at 10,000 posts that
    is half of the rebuild, off the path from a save to the reloaded page. That second step
    stops as soon as its `stop` says so (a newer save came in): it writes nothing then, and
    the next rebuild leaves the same outputs for its own second step.
    """
    sink = MemorySink()
    target = InMemory(sink, Memo())
    frozen = False

    def build(defer: Callable[[str], bool], stop: Callable[[], bool] = never) -> BuildOutcome:
        nonlocal frozen
        options = BuildOptions(
            overrides={"base_url": base_url},
            drafts=drafts,
            check_links=False,
            defer=defer,
            stop=stop,
            target=target,
        )
        report = build_site(site_dir, options)
        if report.committed and not frozen:
            speedups.freeze_gc()
            frozen = True
        files = MemoryFiles(sink.files) if report.committed else None
        if not (report.committed and report.deferred):
            if report.committed and target.state.shape is not None:
                target.state.shape.prepare()  # the build is whole: the next save will use it
            return BuildOutcome(files, report.problems, stopped=report.stopped)

        def later(stop: Callable[[], bool] = never) -> BuildOutcome:
            return build(defer_nothing, stop)

        return BuildOutcome(files, report.problems, later)

    return lambda changed: build(not_a_page)


def not_a_page(rel: str) -> bool:
    """What a rebuild may leave for later: anything but HTML (the search index too)."""
    return not rel.endswith(".html")


def watch_targets(site_dir: Path) -> list[Path]:
    """What a rebuild depends on: content, the site's themes and static files, the config,
    and the default theme (which a site falls back to, template by template). Those that do
    not exist yet are watched for their creation."""
    names = ("content", "themes", "static", "sitegen.toml")
    return [*(site_dir / n for n in names), DEFAULT_THEME]


def directory_builder(root: Path) -> Builder:
    """Serve an already built folder as it is; "rebuilding" is looking at it again."""

    def build(changed: frozenset[Path]) -> BuildOutcome:
        problems = Problems()
        if not root.is_dir():
            problems.error("no such folder", str(root), "run `sitegen build` first")
            return BuildOutcome(None, problems)
        try:  # a build killed while it moved its files in: serve the previous one, not a mix
            note = transaction.recover(root)
        except SitegenError as err:
            problems.add(err)
            return BuildOutcome(None, problems)
        if note:
            problems.warn(note, str(root))
        return BuildOutcome(DirectoryFiles(root), problems)

    return build
