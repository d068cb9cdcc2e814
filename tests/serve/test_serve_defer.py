"""serve's rebuilds serve the pages first and bring feeds, sitemap and _redirects up to date
right after (sitegen.serve.engine): the page a writer looks at reloads sooner, and nothing is
left stale once the second step ran."""

from __future__ import annotations

import shutil
from pathlib import Path

from serve_helpers import asked_after
from testdata import FIXTURE_SITE

from sitegen.content import dump_document, split_document
from sitegen.serve import BuildOutcome, MemoryFiles, Preview, site_builder

POST = "content/posts/2023/09/5g-rollout.md"
PAGE = "2023/09/02/5g-rollout-reaches-500-cities/index.html"
BASE = "http://127.0.0.1:8000/"


def _append(site: Path, text: str) -> None:
    meta, body, _ = split_document((site / POST).read_text(), POST)
    (site / POST).write_text(dump_document(meta, f"{body}\n\n{text}\n"))


def _files(outcome: BuildOutcome) -> dict[str, bytes]:
    assert isinstance(outcome.files, MemoryFiles), outcome.problems.render()
    return outcome.files.outputs


def test_pages_first_then_the_feeds(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    build = site_builder(site, BASE)
    first = build(frozenset())
    assert first.later is None  # nothing to catch up with
    _append(site, "Breaking: a new paragraph.")
    pages = build(frozenset({site / POST}))
    assert b"Breaking: a new paragraph." in _files(pages)[PAGE]
    assert b"Breaking" not in _files(pages)["feed/index.xml"]  # not yet
    assert b"Breaking" not in _files(pages)["search/text/0.json"]
    assert pages.later is not None
    rest = pages.later()
    assert b"Breaking: a new paragraph." in _files(rest)["feed/index.xml"]
    assert b"Breaking: a new paragraph." in _files(rest)["search/text/0.json"]
    assert rest.later is None and _files(rest)[PAGE] == _files(pages)[PAGE]
    again = build(frozenset())  # nothing changed since: nothing is stale
    assert again.later is None and _files(again) == _files(rest)


def test_a_newer_save_stops_the_second_step(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    build = site_builder(site, BASE)
    build(frozenset())
    _append(site, "First save.")
    pages = build(frozenset({site / POST}))
    assert pages.later is not None
    stopped = pages.later(lambda: True)  # the writer saved again meanwhile
    assert stopped.stopped and stopped.files is None and not stopped.problems.items
    _append(site, "Second save.")
    pages = build(frozenset({site / POST}))
    assert b"Second save." in _files(pages)[PAGE]
    assert b"First save." not in _files(pages)["feed/index.xml"]  # still last good one's
    assert pages.later is not None
    rest = pages.later(lambda: False)
    feed, text = _files(rest)["feed/index.xml"], _files(rest)["search/text/0.json"]
    assert b"First save." in feed and b"Second save." in feed
    assert b"First save." in text and b"Second save." in text
    assert build(frozenset()).later is None  # nothing left stale


def test_a_second_step_stopped_at_any_point_leaves_nothing_wrong(tmp_path: Path) -> None:
    """Stopped at each place it asks (between jobs, between the search index's files), the
    next rebuild still ends with what a clean build of the same sources makes."""
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    build = site_builder(site, BASE)
    build(frozenset())
    asked: list[bool] = []
    _append(site, "Counted.")
    pages = build(frozenset({site / POST}))
    assert pages.later is not None and _files(pages.later(lambda: asked.append(False) or False))
    assert len(asked) > 10  # the feeds, and the index's files
    for n in (1, len(asked) // 2, len(asked)):
        _append(site, f"Save {n}.")
        pages = build(frozenset({site / POST}))
        assert pages.later is not None
        assert pages.later(asked_after(n)).stopped
        pages = build(frozenset())
        assert pages.later is not None
        served = _files(pages.later())
        assert served == _files(site_builder(site, BASE)(frozenset())), n


def test_the_preview_stops_the_second_step_for_a_newer_save(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    logs: list[str] = []
    preview = Preview(site_builder(site, BASE), [], port=0, log=logs.append)
    try:
        assert preview.rebuild(frozenset())
        _append(site, "First save.")
        preview.watcher.debouncer.add(site / POST)  # a save the watcher has not handed over
        assert preview.rebuild(frozenset({site / POST}))
        snapshot = preview.state.snapshot()
        assert snapshot.site is not None and not snapshot.problems
        page, feed = (snapshot.site.files.read(p) for p in (PAGE, "feed/index.xml"))
        assert page is not None and b"First save." in page
        assert feed is not None and b"First save." not in feed
        assert any("a newer change came in" in line for line in logs)
        assert preview.watcher.debouncer.take() is not None  # handed over: no longer pending
        assert preview.rebuild(frozenset({site / POST}))
        site_now = preview.state.snapshot().site
        assert site_now is not None
        feed = site_now.files.read("feed/index.xml")
        assert feed is not None and b"First save." in feed
    finally:
        preview.stop()


def test_the_preview_reloads_once_and_serves_the_feeds_after(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    logs: list[str] = []
    preview = Preview(site_builder(site, BASE), [], port=0, log=logs.append)
    try:
        assert preview.rebuild(frozenset())
        version = preview.state.snapshot().version
        _append(site, "Breaking: a new paragraph.")
        assert preview.rebuild(frozenset({site / POST}))
        snapshot = preview.state.snapshot()
        assert snapshot.version == version + 1  # one reload, for the pages
        assert snapshot.site is not None
        feed = snapshot.site.files.read("feed/index.xml")
        assert feed is not None and b"Breaking: a new paragraph." in feed
        assert any("followed in" in line for line in logs)
    finally:
        preview.stop()
