"""What keeps a build's memory small: workers that do not copy the inherited site, rendered
bodies and serve's outputs held compressed, and neither changing a byte of the output."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from sitegen import parallel, tuning
from sitegen.build.incremental import Memo, unpack
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.build.state.searchindex import Docs, PackedTexts
from sitegen.checks.files import DirFiles
from sitegen.tuning import Tuning


def test_workers_exempt_what_they_inherit_from_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A collection in a worker would walk (and so copy) every object the parent held when it
    forked; frozen, they are skipped. The parent's own collector is left as it was."""
    monkeypatch.setattr(tuning, "current", Tuning(pool_min_items=1))
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    monkeypatch.setenv(parallel.ENV, "2")
    inherited = [object() for _ in range(1000)]  # tracked: lists of objects are
    before = gc.get_freeze_count()
    counts = list(parallel.ordered_map(lambda i: gc.get_freeze_count(), 20))
    assert len(counts) == 20 and all(count >= len(inherited) for count in counts)
    assert gc.get_freeze_count() == before


def test_serve_outputs_are_held_compressed_and_read_back_as_written(site: Path) -> None:
    sink = MemorySink()
    assert build_site(
        site, BuildOptions(check_links=False, target=InMemory(sink, Memo()))
    ).committed
    assert build_site(site, BuildOptions(full=True)).committed
    on_disk = dict(DirFiles(site / "public"))
    assert dict(sink.files) == on_disk
    packed = sum(len(data) for data in sink._files.values())
    assert packed < sum(len(data) for data in on_disk.values()) / 2


def test_rendered_bodies_are_kept_compressed(site: Path) -> None:
    memo = Memo()
    assert build_site(
        site, BuildOptions(check_links=False, target=InMemory(MemorySink(), memo))
    ).committed
    assert memo.bodies
    html = [unpack(packed) for packed in memo.bodies.values()]
    assert all(isinstance(packed, bytes) for packed in memo.bodies.values())
    assert any("<p>" in body for body in html)
    assert sum(map(len, memo.bodies.values())) < sum(len(b.encode()) for b in html)


def test_search_texts_are_held_compressed_and_read_back_as_set() -> None:
    texts = PackedTexts()
    words = "It’s the city’s “budget” — again. " * 200
    texts[3], texts[7] = words, "\ud800 a lone surrogate"
    assert (texts[3], texts[7], sorted(texts), 5 in texts) == (
        words,
        "\ud800 a lone surrogate",
        [3, 7],
        False,
    )
    assert len(texts._packed[3]) < len(words) / 10
    assert isinstance(Docs([], [], lambda n: "").cut, PackedTexts)
