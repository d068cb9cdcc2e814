"""`sitegen import --from` against the REAL WordPress on 127.0.0.1:8089 (tests/wordpress/).

scripts/test starts it and exports SITEGEN_TEST_WORDPRESS; without it these tests FAIL. Tests
that change the site put it back (rows restored exactly, inserted posts deleted) in `finally`, so
they can run in any order and leave the site equal to tests/fixtures/wp-local-dev/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from testdata import CORPUS, TESTS

from sitegen.cli import main
from sitegen.wp.importer import ImportOptions, import_paths
from sitegen.wp.mirror import MirrorOptions, MirrorReport, mirror_site
from sitegen.wp.pull import SyncState

pytestmark = pytest.mark.wordpress

EDIT = TESTS / "wordpress" / "edit.php"


def wp(*args: str) -> Any:
    """Run tests/wordpress/edit.php: changes go through WordPress's own PHP API."""
    done = subprocess.run(
        ["php", str(EDIT), *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def restore() -> Iterator[list[Any]]:
    """Snapshots to put back and post ids to delete, whatever the test did."""
    undo: list[Any] = []
    yield undo
    for item in reversed(undo):
        if isinstance(item, int):
            wp("delete", str(item))
        else:
            wp("restore", json.dumps(item))


def mirror(site: Path, url: str, media: bool | None = None) -> MirrorReport:
    return mirror_site(site, url, MirrorOptions(media=media))


def content_files(site: Path) -> dict[str, bytes]:
    root = site / "content"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def mtimes(site: Path) -> dict[str, int]:
    return {k: (site / "content" / k).stat().st_mtime_ns for k in content_files(site)}


def post_file(site: Path, wp_id: int) -> Path:
    manifest = json.loads((site / "content" / ".import" / "manifest.json").read_text())
    return site / "content" / manifest["entries"][str(wp_id)]["file"]


def test_a_full_sync_equals_the_offline_import_of_the_dump(tmp_path: Path, wp_url: str) -> None:
    live, offline = tmp_path / "live", tmp_path / "offline"
    report = mirror(live, wp_url)
    assert not report.failed, report.all_problems().render()
    assert not report.fetched.incremental
    assert report.fetched.counts == {"posts": 60, "pages": 2}
    assert (report.imported.imported, report.imported.updated) == (62, 0)
    import_paths(offline, [CORPUS], ImportOptions())
    got, want = content_files(live), content_files(offline)
    assert sorted(got) == sorted(want)
    assert [k for k in want if got[k] != want[k]] == []
    # The raw folder is itself a valid offline input, and gives the same files again.
    again = tmp_path / "again"
    import_paths(again, [report.fetched.raw_dir], ImportOptions())
    assert content_files(again) == want


def test_an_edit_and_a_new_post_are_all_that_a_second_sync_changes(
    tmp_path: Path, wp_url: str, restore: list[Any]
) -> None:
    site = tmp_path / "site"
    mirror(site, wp_url)
    before, before_mtimes = content_files(site), mtimes(site)
    edited = 800471
    restore.append(wp("snapshot", str(edited)))
    wp("update", str(edited), json.dumps({"post_content": "<p>Corrected: the figure is 42.</p>"}))
    author = wp("snapshot", str(edited))["post_author"]
    new = wp("insert", json.dumps({"post_title": "Breaking: sync works", "post_author": author,
                                   "post_content": "<p>Fresh news.</p>"}))  # fmt: skip
    restore.append(new)

    report = mirror(site, wp_url)
    assert not report.failed, report.all_problems().render()
    assert report.fetched.incremental and report.fetched.since
    assert report.fetched.changed == {"posts": sorted([edited, new]), "pages": []}
    assert (report.imported.imported, report.imported.updated) == (1, 1)
    after, after_mtimes = content_files(site), mtimes(site)
    edited_file = post_file(site, edited).relative_to(site / "content").as_posix()
    new_file = post_file(site, new).relative_to(site / "content").as_posix()
    assert "Corrected: the figure is 42." in after[edited_file].decode()
    assert "Fresh news." in after[new_file].decode() and new_file not in before
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == sorted([edited_file, new_file])
    untouched = [k for k in before if k not in changed and k != "_site.yaml"]
    assert [k for k in untouched if after_mtimes[k] != before_mtimes[k]] == []
    # Raw answers of the incremental run: only the two posts.
    raw = json.loads((report.fetched.raw_dir / "posts-page-1.json").read_bytes())
    assert sorted(p["id"] for p in raw) == sorted([edited, new])


def test_unpublished_posts_leave_and_are_recorded_as_gone(
    tmp_path: Path, wp_url: str, restore: list[Any]
) -> None:
    site = tmp_path / "site"
    mirror(site, wp_url)
    gone, edited_by_hand = 800475, 800474
    gone_file, kept_file = post_file(site, gone), post_file(site, edited_by_hand)
    path = yaml.safe_load(gone_file.read_text().split("---")[1])["path"]
    kept_file.write_text(kept_file.read_text() + "\nA note added by hand.\n")
    for wp_id in (gone, edited_by_hand):
        restore.append(wp("snapshot", str(wp_id)))
        wp("update", str(wp_id), json.dumps({"post_status": "draft"}))

    report = mirror(site, wp_url)
    assert report.fetched.gone == {gone: "posts", edited_by_hand: "posts"}
    assert not gone_file.exists()
    assert kept_file.exists() and "A note added by hand." in kept_file.read_text()
    assert "edited by hand, so it stays" in report.all_problems().render()
    today = datetime.now(UTC).date()
    entries = yaml.safe_load((site / "content" / "_gone.yaml").read_text())
    assert entries == [{"path": path, "wp_id": gone, "removed": today}]
    # Published again: it comes back and is no longer gone.
    for snapshot in restore:
        wp("restore", json.dumps(snapshot))
    back = mirror(site, wp_url)
    assert gone in back.fetched.changed["posts"]
    assert gone_file.exists()
    assert yaml.safe_load((site / "content" / "_gone.yaml").read_text()) == []


def test_media_are_mirrored_and_no_image_points_at_wordpress(tmp_path: Path, wp_url: str) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["--site", str(site), "import", "--from", wp_url, "--media"])
    assert result.exit_code == 0, result.output
    assert "collector.example" in result.output  # the one image on an unreachable host: a warning
    host = re.escape(wp_url.split("//", 1)[1].split("/", 1)[0])
    images = re.compile(
        rf"!\[[^\]]*\]\(https?://{host}[^)]*\)|<img[^>]+{host}|url: https?://{host}|{host}[^\s)\"']*wp-content/uploads"
    )  # fmt: skip
    texts = {k: v.decode() for k, v in content_files(site).items() if k.endswith(".md")}
    assert {k: images.findall(t) for k, t in texts.items() if images.search(t)} == {}
    # Every upload at its old path: the content links there, and the file is in static/.
    local = {m for t in texts.values() for m in re.findall(r"/wp-content/uploads/[^\s)\"',]+", t)}
    assert len(local) >= 30
    assert all((site / "static" / m.lstrip("/")).is_file() for m in local), local
    # Remembered without --media; nothing fetched again; the content stays byte-identical.
    before = content_files(site)
    again = mirror(site, wp_url)
    assert again.uploads is not None and again.uploads.copied == 0
    assert content_files(site) == before
    assert SyncState.load(site).pending == ""
    # --no-media: nothing is fetched; what static/ holds at an old path stays linked there.
    plain = mirror(site, wp_url, media=False)
    assert plain.media is None and plain.uploads is None
    assert content_files(site) == before


def test_a_pdf_and_an_image_are_mirrored_at_their_old_paths(
    tmp_path: Path, wp_url: str, restore: list[Any]
) -> None:
    """The dev site has no PDF: the test uploads one (and deletes it, file and all, after)."""
    pdf = wp("upload-pdf", "annual-connectivity-report-test.pdf", "Annual report (test)")
    restore.append(pdf["id"])
    image = f"{wp_url.rstrip('/')}/wp-content/uploads/2025/03/fake-kyc-sms-screenshot.png"
    author = wp("snapshot", "800471")["post_author"]
    content = f'<p><a href="{pdf["url"]}">The report</a> <a href="{image}">the screenshot</a></p>'
    new = wp("insert", json.dumps({"post_title": "Report out", "post_author": author,
                                   "post_content": content}))  # fmt: skip
    restore.append(new)
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["--site", str(site), "import", "--from", wp_url, "--media"])
    assert result.exit_code == 0, result.output
    body = post_file(site, new).read_text()
    for url in (pdf["url"], image):
        path = "/wp-content/uploads/" + url.split("/wp-content/uploads/", 1)[1]
        assert f"]({path})" in body, body
        assert (site / "static" / path.lstrip("/")).is_file()
    assert (site / "static" / pdf["url"].split("/web/", 1)[1]).read_bytes().startswith(b"%PDF-")
