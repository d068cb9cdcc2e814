"""Importing again: byte-identical and untouched when nothing changed, updates what changed,
never overwrites a hand edit without --force, and moves a post whose permalink changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from testdata import SUBSET

from sitegen.content import parse_document
from sitegen.wp.importer import ImportOptions, ImportReport, import_paths

POST = "posts/2024/03/vayu-wireless-outage-hits-users-in-kolkata.md"


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    """A private copy of the subset, to edit as WordPress would."""
    return Path(shutil.copytree(SUBSET, tmp_path / "dump"))


def _edit_post(dump: Path, wp_id: int, **changes: Any) -> None:
    path = dump / "posts.json"
    posts = json.loads(path.read_text())
    post = next(p for p in posts if p["id"] == wp_id)
    post.update(changes)
    path.write_text(json.dumps(posts, ensure_ascii=False))


def _snapshot(content: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(content).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def _run(site: Path, dump: Path, **options: Any) -> ImportReport:
    report = import_paths(site, [dump], ImportOptions(**options))
    assert not report.failed, report.errors.render()
    return report


def _age(content: Path) -> None:
    """Set every mtime to the past, so that a rewrite cannot go unnoticed within one tick."""
    for p in content.rglob("*"):
        os.utime(p, ns=(10**18, 10**18))


def test_same_input_is_byte_identical_and_untouched(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    content = tmp_path / "content"
    _age(content)
    before = _snapshot(content)
    report = _run(tmp_path, dump)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 11)
    assert report.written == [] and report.converted == 0  # nothing changed: nothing converted
    assert _snapshot(content) == before  # bytes and mtimes
    # A fresh import elsewhere writes exactly the same bytes.
    other = tmp_path / "other"
    _run(other, dump)
    assert {k: v[0] for k, v in _snapshot(other / "content").items()} == {
        k: v[0] for k, v in before.items()
    }


def test_modified_post_is_updated(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    content = tmp_path / "content"
    _age(content)
    before = _snapshot(content)
    _edit_post(
        dump,
        800439,
        modified="2024-03-06T09:00:00",
        modified_gmt="2024-03-06T03:30:00",
        title={"rendered": "Vayu Wireless outage: services fully restored"},
    )
    report = _run(tmp_path, dump)
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 10)
    after = _snapshot(content)
    changed = sorted(k for k in after if after[k] != before[k])
    assert changed == [".import/manifest.json", POST]
    doc = parse_document(after[POST][0].decode(), POST)
    assert doc.title == "Vayu Wireless outage: services fully restored"
    assert doc.updated.isoformat() == "2024-03-06T09:00:00+05:30"


def test_hand_edit_is_kept_until_force(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    target = tmp_path / "content" / POST
    edited = target.read_text().replace("Engineers were", "Our engineers were")
    target.write_text(edited)
    # WordPress has nothing new: the edit stays, silently.
    report = _run(tmp_path, dump)
    assert report.unchanged == 11 and target.read_text() == edited and not len(report.errors)
    # WordPress changed the post: still kept, and the report says which file.
    _edit_post(dump, 800439, modified_gmt="2024-03-06T03:30:00", title={"rendered": "Outage over"})
    report = _run(tmp_path, dump)
    assert target.read_text() == edited
    assert report.skipped == {"edited by hand": 1} and report.kept == [target]
    assert [p.render().split("\n")[0] for p in report.errors] == [
        f"content/{POST}: warning: edited by hand since its import; not overwritten with "
        "WordPress's newer version"
    ]
    report = _run(tmp_path, dump, force=True)
    assert report.updated == 1 and "title: Outage over" in target.read_text()
    assert "Our engineers" not in target.read_text()


def test_slug_change_moves_the_file_and_keeps_an_alias(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    content = tmp_path / "content"
    new_link = "http://127.0.0.1:8089/web/2024/03/05/vayu-outage-kolkata/"
    _edit_post(dump, 800439, slug="vayu-outage-kolkata", link=new_link)
    report = _run(tmp_path, dump)
    assert report.updated == 2  # the post, and the post that links to it
    assert report.removed == [content / POST] and not (content / POST).exists()
    moved = content / "posts/2024/03/vayu-outage-kolkata.md"
    doc = parse_document(moved.read_text(), "moved.md")
    assert doc.path == "2024/03/05/vayu-outage-kolkata/"
    assert doc.aliases == ("2024/03/05/vayu-wireless-outage-hits-users-in-kolkata/",)
    # The post linking to it follows, and importing again changes nothing.
    linking = next(content.glob("posts/2025/07/tariffs-so-far*.md")).read_text()
    assert "](/2024/03/05/vayu-outage-kolkata/)" in linking
    _age(content)
    before = _snapshot(content)
    assert _run(tmp_path, dump).unchanged == 11 and _snapshot(content) == before


def test_moved_post_keeps_a_hand_edited_old_file(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    old = tmp_path / "content" / POST
    old.write_text(old.read_text() + "\nA note added by hand.\n")
    _edit_post(dump, 800439, slug="renamed", link="http://127.0.0.1:8089/web/2024/03/05/renamed/")
    report = _run(tmp_path, dump)
    assert old.exists() and report.kept == [old]
    assert "edited by hand and is kept" in report.errors.render()


def test_drafts_are_skipped_unless_asked(tmp_path: Path, dump: Path) -> None:
    draft = json.loads((dump / "posts.json").read_text())[0]
    draft.update(
        id=900001,
        status="draft",
        slug="",
        date_gmt=None,
        modified_gmt=None,
        link="http://127.0.0.1:8089/web/?p=900001",
        title={"rendered": "Work in progress"},
    )
    others = [
        dict(draft, id=900000 + n, status=s)
        for n, s in ((2, "private"), (3, "future"), (4, "pending"), (5, "trash"))
    ]
    locked = dict(
        draft,
        id=900006,
        status="publish",
        slug="locked",
        link="http://127.0.0.1:8089/web/2024/01/01/locked/",
        content={"rendered": "", "protected": True},
    )
    (dump / "more.json").write_text(json.dumps([draft, *others, locked]))
    report = _run(tmp_path, dump)
    assert report.imported == 11
    assert report.skipped == {
        "draft": 1,
        "private": 1,
        "scheduled (future)": 1,
        "pending review": 1,
        "in the trash": 1,
        "password-protected": 1,
    }
    report = _run(tmp_path, dump, drafts=True)
    assert report.imported == 1 and "draft" not in report.skipped
    (file,) = (tmp_path / "content" / "posts").rglob("900001.md")
    doc = parse_document(file.read_text(), "draft.md")
    assert doc.status == "draft" and doc.title == "Work in progress"
    assert doc.date.utcoffset() is not None and doc.date.utcoffset().total_seconds() == 19800  # type: ignore[union-attr]


def test_progress_reports_every_post(tmp_path: Path) -> None:
    totals: list[int] = []
    done: list[int] = []
    options = ImportOptions(on_total=totals.append)
    report = import_paths(tmp_path, [SUBSET], options, progress=done.append)
    assert totals == [11] and sum(done) == 11 == report.imported


def test_a_new_post_reconverts_the_posts_that_link_to_it(tmp_path: Path, dump: Path) -> None:
    posts = json.loads((dump / "posts.json").read_text())
    later = next(p for p in posts if p["id"] == 800439)
    (dump / "posts.json").write_text(json.dumps([p for p in posts if p["id"] != 800439]))
    _run(tmp_path, dump)
    linking = next((tmp_path / "content").glob("posts/2025/07/tariffs-so-far*.md"))
    absolute = "](http://127.0.0.1:8089/web/2024/03/05/vayu-wireless-outage-hits-users-in-kolkata/)"
    assert absolute in linking.read_text()  # not imported yet: the link stays absolute
    (dump / "later.json").write_text(json.dumps(later))
    report = _run(tmp_path, dump)
    assert (report.imported, report.updated, report.unchanged) == (1, 1, 9)
    assert report.converted == 2  # the new post and the one linking to it; 9 skipped
    assert "](/2024/03/05/vayu-wireless-outage-hits-users-in-kolkata/)" in linking.read_text()


def test_the_conversion_cache_is_disposable(tmp_path: Path, dump: Path) -> None:
    _run(tmp_path, dump)
    content = tmp_path / "content"
    _age(content)
    before = _snapshot(content)
    shutil.rmtree(tmp_path / ".sitegen")
    report = _run(tmp_path, dump)
    assert report.converted == 11 and report.unchanged == 11  # converted again, same bytes
    assert _snapshot(content) == before
    assert _run(tmp_path, dump, force=True).converted == 11  # --force converts everything
