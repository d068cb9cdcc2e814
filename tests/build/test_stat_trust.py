"""What a build trusts by `stat` alone, and what it must not: the parsed-documents cache
(sitegen.build.state.documents) and the stamps of previous outputs (BuildState.stamps).

Each test changes a file in a way a stat-based cache could miss, and checks the build saw it:
the output equals a clean build's."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from builtsite import built_root

import sitegen.build.incremental
from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink

POST = "content/posts/2023/09/5g-rollout.md"
PAGE = "2023/09/02/5g-rollout-reaches-500-cities/index.html"  # in the site's folder


def _age(site: Path, seconds: float = 60) -> None:
    past = time.time() - seconds  # older than the racy window, as on a real site
    for path in site.rglob("*"):
        os.utime(path, (past, past))


@pytest.fixture
def site(site: Path) -> Path:
    """The shared fixture-site copy, its files aged past the racy window."""
    _age(site)
    return site


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _clean(site: Path, tmp_path: Path) -> dict[str, bytes]:
    fresh = Path(shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(
        "public", ".sitegen", ".public.new")))  # fmt: skip
    assert build_site(fresh, BuildOptions(full=True)).committed
    return _tree(fresh / "public")


def _documents(site: Path, garbage: bytes | None = None) -> list[str]:
    """The content files the build state holds a document for (first damaged if `garbage`)."""
    with contextlib.closing(sqlite3.connect(site / ".sitegen" / "state.sqlite")) as db, db:
        if garbage is not None:
            db.execute("UPDATE documents SET value = ?", (garbage,))
        return sorted(source for (source,) in db.execute("SELECT key FROM documents"))


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = sitegen.build.incremental.parse_document  # type: ignore[attr-defined]

    def counting(text: str, source: str, *zone: object) -> object:
        parsed.append(source)
        return real(text, source, *zone)

    monkeypatch.setattr(sitegen.build.incremental, "parse_document", counting)
    return parsed


def test_unchanged_files_are_not_parsed_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_site(site).committed
    assert POST in _documents(site)  # one row per content file: an edit rewrites one
    parsed = _count_parses(monkeypatch)
    post = site / POST
    post.write_text(post.read_text().replace("500", "501", 1))
    _age(site / "content")  # an old mtime, but not the one it had: the stamp differs
    again = build_site(site)
    assert again.committed and parsed == [POST]
    assert "501" in (built_root(site) / PAGE).read_text()


def test_a_file_saved_in_the_racy_window_is_read_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = site / POST
    post.write_text(post.read_text() + "\nFirst version.\n")  # just now: stamp not trusted
    assert build_site(site).committed
    st = post.stat()
    post.write_text(post.read_text().replace("First", "Other"))  # same size...
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...and the same mtime
    parsed = _count_parses(monkeypatch)
    assert build_site(site).committed
    assert parsed == [POST]
    assert "Other version." in (built_root(site) / PAGE).read_text()
    assert _tree(site / "public") == _clean(site, tmp_path)


def test_a_damaged_cache_is_parsed_again_with_a_note(site: Path, tmp_path: Path) -> None:
    assert build_site(site).committed
    _documents(site, garbage=b"\x80\x05garbage")
    post = site / POST
    post.write_text(post.read_text().replace("500", "502", 1))
    _age(site / "content")
    again = build_site(site)
    assert again.committed and any("damaged" in note for note in again.notes)
    assert _tree(site / "public") == _clean(site, tmp_path)
    assert build_site(site).notes == []  # the documents were written anew


def test_an_output_changed_behind_our_back_is_restored(site: Path) -> None:
    assert build_site(site).committed
    _age(site / "public", 30)  # stamps are taken for outputs older than the racy window...
    post = site / POST
    post.write_text(post.read_text() + "\nA new line.\n")
    _age(site / "content")
    assert build_site(site).committed  # ...by this build, which reuses the page below
    page = built_root(site) / "2023" / "09" / "03" / "index.html"  # a day without the post
    good = page.read_bytes()
    page.write_bytes(good.replace(b"<", b">", 1))  # same size, new mtime: the stamp differs
    post.write_text(post.read_text() + "\nAnother line.\n")
    _age(site / "content")
    report = build_site(site)
    assert report.committed and page.read_bytes() == good  # rendered again: bytes differed


def test_a_stray_file_in_the_output_is_removed(site: Path, tmp_path: Path) -> None:
    assert build_site(site).committed
    (built_root(site) / "stray" / "deep").mkdir(parents=True)
    (built_root(site) / "stray" / "deep" / "x.html").write_text("not ours")
    post = site / POST
    post.write_text(post.read_text() + "\nA new line.\n")
    _age(site / "content")
    assert build_site(site).committed
    assert not (built_root(site) / "stray").exists()  # the file and the folders it emptied
    assert _tree(site / "public") == _clean(site, tmp_path)


def test_serve_lists_content_again_only_when_a_folder_changed(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink, memo = MemorySink(), Memo()
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    listed: list[int] = []
    real = sitegen.build.incremental.content_sources  # type: ignore[attr-defined]

    def counting(site_dir: Path) -> object:
        listed.append(1)
        return real(site_dir)

    monkeypatch.setattr(sitegen.build.incremental, "content_sources", counting)
    post = site / POST
    post.write_text(post.read_text() + "\nAn edit in place.\n")  # the folder does not change
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    assert listed == []
    new = site / "content" / "posts" / "2023" / "09" / "new-post.md"
    new.write_text(
        post.read_text().replace("5g-rollout", "new-post").replace("slug: ", "slug: x", 1)
    )
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    assert listed == [1] and any("new-post" in rel for rel in sink.files)
    fresh = _clean(site, tmp_path)
    assert {k: v for k, v in sink.files.items()} == fresh
