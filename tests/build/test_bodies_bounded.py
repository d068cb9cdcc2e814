"""A build holds the site's metadata and streams the bodies: each Markdown body is read from its
content file when it is rendered and dropped once it is. Counted here, across the build process
and its workers: the most Markdown bodies alive at once during a clean build of a few hundred
generated posts must be bounded by what the pool has in flight (workers × chunk size), not by
the number of posts."""

from __future__ import annotations

import multiprocessing
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import formats, generate
from sitegen import parallel
from sitegen.build import incremental
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.model import Document
from sitegen.tuning import tuned
from sitegen.wp.importer import ImportOptions, import_paths

POSTS = 300
WORKERS = 2
CONFIG = 'posts_per_page = 20\n\n[feeds]\nitems = 10\nformats = ["rss", "atom"]\n'


class _Body(str):
    """A Markdown body as read for rendering, so that its death can be observed (a plain str
    cannot be weakly referenced)."""


class Counter:
    """Live bodies and their Markdown bytes, shared by the build process and the workers it
    forks (shared memory made before the fork): each process adds what it reads and takes away
    what it drops."""

    def __init__(self) -> None:
        self.lock = multiprocessing.Lock()
        self.values = multiprocessing.Array("q", 5, lock=False)  # live, peak, bytes, peak, reads

    def hook(self, read: Callable[[Path, Document], str]) -> Callable[[Path, Document], str]:
        def counted(site_dir: Path, doc: Document) -> str:
            body = _Body(read(site_dir, doc))
            size = len(body.encode("utf-8"))
            self._add(1, size)
            weakref.finalize(body, self._add, -1, -size)
            return body

        return counted

    def _add(self, count: int, size: int) -> None:
        with self.lock:
            v = self.values
            v[0] += count
            v[2] += size
            v[1], v[3] = max(v[1], v[0]), max(v[3], v[2])
            v[4] += max(count, 0)

    @property
    def live(self) -> int:
        return int(self.values[0])

    @property
    def peak(self) -> int:
        return int(self.values[1])

    @property
    def peak_bytes(self) -> int:
        return int(self.values[3])

    @property
    def reads(self) -> int:
        return int(self.values[4])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bounded")
    formats.write_wp(generate.generate(POSTS, seed=17), root / "wp")
    site = root / "site"
    site.mkdir()
    (site / "sitegen.toml").write_text(CONFIG)
    imported = import_paths(site, [root / "wp"], ImportOptions())
    assert imported.imported == POSTS and not imported.errors.items
    return site


def test_a_clean_build_never_holds_every_body(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter()
    monkeypatch.setattr(incremental, "read_body", counter.hook(incremental.read_body))
    monkeypatch.setenv(parallel.ENV, str(WORKERS))
    with tuned(pool_min_items=2, cache=False):
        report = build_site(generated, BuildOptions(full=True))
    assert report.committed, report.problems.render()
    assert report.site is not None
    docs = report.site.docs
    assert all(not hasattr(doc, "body") for doc in docs.values())  # metadata only
    assert counter.reads >= len(docs) >= POSTS  # every body was read, through the one loader
    chunk = max(1, min(parallel.MAX_CHUNK, len(docs) // (WORKERS * parallel.CHUNKS_PER_WORKER)))
    assert counter.peak <= WORKERS * chunk < POSTS // 4, counter.peak
    total = sum((generated / doc.source).stat().st_size for doc in docs.values())
    assert counter.peak_bytes < total // 4, (counter.peak_bytes, total)
    assert counter.live == 0  # none kept once the build is done
