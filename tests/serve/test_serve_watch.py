"""Watching sources: a burst of saves is one rebuild; scratch files are not sources."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sitegen.serve.watch import Debouncer, Watcher, is_scratch


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_waits_for_quiet_then_hands_over_everything() -> None:
    clock = Clock()
    bounce = Debouncer(2.0, clock)
    assert bounce.take() is None
    for i in range(5):  # five saves, 1 s apart: never quiet for 2 s
        bounce.add(Path(f"content/{i}.md"))
        clock.now += 1.0
        assert bounce.take() is None
    clock.now += 1.0
    assert bounce.take() == {Path(f"content/{i}.md") for i in range(5)}
    assert bounce.take() is None  # handed over once


def test_debouncer_wait_returns_none_when_stopped() -> None:
    stop = threading.Event()
    stop.set()
    assert Debouncer(0.2).wait(stop) is None


def test_scratch_files() -> None:
    scratch = [".post.md.swp", "post.md~", "4913", ".#post.md", "#post.md#", ".index.html.x.tmp"]
    assert all(is_scratch(Path(n)) for n in scratch)
    assert not any(is_scratch(Path(n)) for n in ["post.md", "_site.yaml", "sitegen.toml"])


def test_watcher_batches_a_burst_and_sees_every_source(tmp_path: Path) -> None:
    content, theme = tmp_path / "content", tmp_path / "themes"
    content.mkdir()
    (theme / "default").mkdir(parents=True)
    config = tmp_path / "sitegen.toml"
    config.write_text("")
    (tmp_path / "public").mkdir()  # not watched: the build writes there
    batches: list[frozenset[Path]] = []
    done = threading.Event()
    expected = {
        *(content / f"p{i}.md" for i in range(20)),
        theme / "default" / "post.html",
        config.resolve(),
    }

    def on_change(paths: frozenset[Path]) -> None:
        batches.append(paths)
        if expected <= set().union(*batches):
            done.set()

    # A quiet period far longer than the burst takes, so the burst cannot be split.
    watcher = Watcher([content, theme, config], on_change, quiet=1.0)
    watcher.start()
    try:
        for i in range(20):
            (content / f"p{i}.md").write_text(f"post {i}")
        (content / ".p0.md.swp").write_text("vim")
        (theme / "default" / "post.html").write_text("{{ page }}")
        config.write_text("title = 'x'")
        (tmp_path / "public" / "index.html").write_text("output")
        assert done.wait(20), f"not all changes seen: {batches}"
    finally:
        watcher.stop()
    seen = set().union(*batches)
    assert len(batches) == 1, batches
    assert seen == {p.resolve() for p in expected}


def test_watcher_notices_a_folder_created_after_it_started(tmp_path: Path) -> None:
    themes = tmp_path / "themes"  # a site without its own theme, yet
    seen: list[Path] = []
    got_template = threading.Event()

    def on_change(paths: frozenset[Path]) -> None:
        seen.extend(paths)
        if any(p.name == "post.html" for p in seen):
            got_template.set()

    watcher = Watcher([themes], on_change, quiet=0.3)
    watcher.start()
    try:
        (themes / "default" / "templates").mkdir(parents=True)
        assert _eventually(lambda: themes.resolve() in seen)
        (themes / "default" / "templates" / "post.html").write_text("{{ broken")
        assert got_template.wait(20), seen
    finally:
        watcher.stop()


def _eventually(check: Callable[[], bool]) -> bool:
    for _ in range(200):
        if check():
            return True
        threading.Event().wait(0.1)
    return False
