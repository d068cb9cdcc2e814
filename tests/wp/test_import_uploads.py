"""`sitegen import … --uploads DIR`: a backup's uploads copied into the site, at their old path.

The inputs are the dev corpus (tests/fixtures/wp-local-dev) plus one post written here that
links a PDF, an image with its srcset, an audio file, an office document with an encoded name,
a file missing from the backup, and hostile paths; the uploads folder is built in tmp with real
magic bytes. No network is touched: every socket call fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from builtsite import built_root
from cli_support import sitegen
from testdata import FIXTURES

CORPUS = FIXTURES / "wp-local-dev"
ORIGIN = "http://127.0.0.1:8089/web/wp-content/uploads"
PDF = b"%PDF-1.7\n% the annual report\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
MP3 = b"ID3\x04\x00" + b"\x00" * 24
DOCX = b"PK\x03\x04" + b"\x00" * 24
SECRET = b"%PDF-1.4 secret outside the uploads folder"
COPY = "static/wp-content/uploads"

BODY = f"""
<p><a href="{ORIGIN}/2024/04/annual-connectivity-report-2024.pdf#page=2">The report</a></p>
<p><img src="/web/wp-content/uploads/2024/04/chart.png" alt="Chart"
  srcset="{ORIGIN}/2024/04/chart.png 800w, {ORIGIN}/2024/04/chart-300x200.png 300w"></p>
<p><a href="{ORIGIN}/2024/04/tarif%20%E0%A4%B9.docx">Tariffs</a></p>
<p><a href="//127.0.0.1:8089/web/wp-content/uploads/2024/04/interview.mp3">Listen</a></p>
<p><a href="{ORIGIN}/2024/04/gone.pdf">Gone</a></p>
<p><a href="{ORIGIN}/../../secret.pdf">Up</a>
   <a href="{ORIGIN}/2024/%2e%2e/%2e%2e/%2e%2e/secret.pdf">Encoded up</a>
   <a href="{ORIGIN}/..%2F..%2Fsecret.pdf">Encoded slash</a></p>
<p><a href="{ORIGIN}/2024/04/page.html">Page</a> <a href="{ORIGIN}/2024/04/fake.jpg">Fake</a>
   <a href="{ORIGIN}/2024/04/passwd.pdf">Link</a> <a href="{ORIGIN}/2024/linked/secret.pdf">Dir</a>
   <a href="https://evil.example/web/wp-content/uploads/2024/04/chart.png">Elsewhere</a></p>
"""


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to open a socket or resolve a name is recorded and fails."""
    calls: list[str] = []

    def refuse(name: str) -> Any:
        def call(*args: object, **kwargs: object) -> Any:
            calls.append(name)
            raise AssertionError(f"--uploads must not use the network ({name})")

        return call

    # The class is kept (ssl subclasses it on import); creating an instance is what fails.
    monkeypatch.setattr(socket.socket, "__init__", refuse("socket"))
    for name in ("create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse(name))
    return calls


def _dump(tmp_path: Path) -> Path:
    dump = tmp_path / "dump"
    dump.mkdir()
    for name in ("index.json", "media.json", "categories.json", "tags.json", "users.json"):
        shutil.copy(CORPUS / name, dump / name)
    shutil.copy(CORPUS / "posts-embed-page-2.json", dump / "posts-page-2.json")
    post = json.loads((CORPUS / "posts-page-1.json").read_text())[0]
    post.update(
        id=999001,
        slug="annual-report",
        link="http://127.0.0.1:8089/web/2025/11/03/annual-report/",
        featured_media=800413,  # expo-booth.jpg in media.json
        content={"rendered": BODY, "protected": False},
    )
    (dump / "posts-extra.json").write_text(json.dumps([post]))
    return dump


def _uploads(tmp_path: Path) -> Path:
    up = tmp_path / "backup" / "uploads"
    files = {
        "2024/04/annual-connectivity-report-2024.pdf": PDF,
        "2024/04/chart.png": PNG,
        "2024/04/tarif ह.docx": DOCX,
        "2024/04/interview.mp3": MP3,
        "2024/04/page.html": PDF,  # PDF magic under a name a browser would run as a page
        "2024/04/fake.jpg": b"<html><script>alert(1)</script>",
        "2024/10/expo-booth.jpg": JPEG,
        "2024/10/expo-foldable-1.jpg": JPEG,
    }
    for rel, data in files.items():
        (up / rel).parent.mkdir(parents=True, exist_ok=True)
        (up / rel).write_bytes(data)
    outside = tmp_path / "backup" / "outside"
    outside.mkdir()
    (tmp_path / "backup" / "secret.pdf").write_bytes(SECRET)
    (outside / "secret.pdf").write_bytes(SECRET)
    os.symlink(tmp_path / "backup" / "secret.pdf", up / "2024/04/passwd.pdf")
    os.symlink(outside, up / "2024/linked")
    return up


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitegen.toml").write_text('title = "T"\nbase_url = "https://mirror.example/web/"\n')
    return site


def _post(site: Path) -> str:
    return (site / "content/posts/2025/11/annual-report.md").read_text()


def test_uploads_are_copied_to_their_old_path_and_linked_there(
    tmp_path: Path, no_network: list[str]
) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    result = sitegen(site, "import", dump, "--uploads", up)
    assert result.exit_code == 0, result.output
    copied = {p.relative_to(site / COPY).as_posix() for p in (site / COPY).rglob("*")}
    assert copied - {"2024", "2024/04", "2024/10"} == {
        "2024/04/annual-connectivity-report-2024.pdf",
        "2024/04/chart.png",
        "2024/04/tarif ह.docx",
        "2024/04/interview.mp3",
        "2024/10/expo-booth.jpg",
        "2024/10/expo-foldable-1.jpg",
    }
    assert (site / COPY / "2024/04/annual-connectivity-report-2024.pdf").read_bytes() == PDF
    text = _post(site)
    assert "(/wp-content/uploads/2024/04/annual-connectivity-report-2024.pdf#page=2)" in text
    assert "/wp-content/uploads/2024/04/tarif%20%E0%A4%B9.docx" in text
    assert "(/wp-content/uploads/2024/04/interview.mp3)" in text
    assert "/wp-content/uploads/2024/04/chart.png" in text
    assert "url: /wp-content/uploads/2024/10/expo-booth.jpg" in text  # the featured image
    # Not copied: the content keeps its URL.
    assert f"({ORIGIN}/2024/04/gone.pdf)" in text
    assert f"({ORIGIN}/2024/04/fake.jpg)" in text
    assert "https://evil.example/web/wp-content/uploads/2024/04/chart.png" in text
    out = result.output
    assert "uploads: 6 copied, 0 unchanged," in out
    assert (
        f"{ORIGIN}/2024/04/gone.pdf: warning: upload not copied: not in {up}; used by "
        f"{dump / 'posts-extra.json'}[0].content.rendered"
    ) in out
    assert "2024/04/fake.jpg: warning: upload not copied: its name says .jpg but" in out
    assert "2024/04/page.html: warning: upload not copied: a .html file is not copied" in out
    assert no_network == []


def test_hostile_paths_never_read_outside_the_folder_nor_write_outside_the_site(
    tmp_path: Path, no_network: list[str]
) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    result = sitegen(site, "import", dump, "--uploads", up)
    assert result.exit_code == 0, result.output
    for path in [*site.rglob("*"), *tmp_path.glob("*")]:
        if path.is_file():
            assert path.read_bytes() != SECRET, path
    out = result.output
    assert f"{ORIGIN}/../../secret.pdf: warning: upload not copied: unsafe path" in out
    assert "%2e%2e/%2e%2e/%2e%2e/secret.pdf: warning: upload not copied: unsafe path" in out
    assert "..%2F..%2Fsecret.pdf: warning: upload not copied: unsafe path" in out
    assert "2024/04/passwd.pdf: warning: upload not copied: refused in the uploads folder" in out
    assert "2024/linked/secret.pdf: warning: upload not copied: refused in the uploads" in out
    assert f"({ORIGIN}/../../secret.pdf)" in _post(site)


def test_a_symbolic_link_in_the_site_is_not_written_through(tmp_path: Path) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "static").mkdir()
    os.symlink(elsewhere, site / "static" / "wp-content")
    result = sitegen(site, "import", dump, "--uploads", up)
    assert list(elsewhere.rglob("*")) == []
    assert "warning: upload not copied: not written:" in result.output
    assert f"({ORIGIN}/2024/04/annual-connectivity-report-2024.pdf#page=2)" in _post(site)


def test_importing_again_copies_nothing_unchanged_and_checks_the_bytes(
    tmp_path: Path, no_network: list[str]
) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    sitegen(site, "import", dump, "--uploads", up)
    pdf = site / COPY / "2024/04/annual-connectivity-report-2024.pdf"
    os.utime(pdf, (1_000_000, 1_000_000))
    again = sitegen(site, "import", dump, "--uploads", up)
    assert "uploads: 0 copied, 6 unchanged," in again.output
    assert pdf.stat().st_mtime == 1_000_000
    # Same size, other bytes (a copy damaged, or the backup's file replaced): copied again.
    pdf.write_bytes(PDF.replace(b"annual", b"ANNUAL"))
    third = sitegen(site, "import", dump, "--uploads", up)
    assert "uploads: 1 copied, 5 unchanged," in third.output
    assert pdf.read_bytes() == PDF
    assert no_network == []


def test_a_file_added_to_the_backup_later_is_linked_by_the_next_import(tmp_path: Path) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    sitegen(site, "import", dump, "--uploads", up)
    assert f"({ORIGIN}/2024/04/gone.pdf)" in _post(site)
    (up / "2024/04/gone.pdf").write_bytes(PDF)
    sitegen(site, "import", dump, "--uploads", up)
    assert "(/wp-content/uploads/2024/04/gone.pdf)" in _post(site)


def test_the_build_publishes_uploads_at_their_old_path_under_the_base_path(
    tmp_path: Path,
) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    sitegen(site, "import", dump, "--uploads", up)
    built = sitegen(site, "build")
    assert built.exit_code == 0, built.output
    public = built_root(site)
    report = public / "wp-content/uploads/2024/04/annual-connectivity-report-2024.pdf"
    assert report.read_bytes() == PDF
    assert (public / "wp-content/uploads/2024/04/tarif ह.docx").read_bytes() == DOCX
    page = (public / "2025/11/03/annual-report/index.html").read_text()
    assert 'href="/web/wp-content/uploads/2024/04/annual-connectivity-report-2024.pdf#page=2"' in (
        page
    )


def test_without_uploads_the_import_is_unchanged(tmp_path: Path) -> None:
    dump, site = _dump(tmp_path), _site(tmp_path)
    result = sitegen(site, "import", dump)
    assert "uploads:" not in result.output
    assert not (site / "static").exists()
    assert f"({ORIGIN}/2024/04/annual-connectivity-report-2024.pdf#page=2)" in _post(site)


def test_a_wordpress_export_links_its_uploads_and_featured_images_too(
    tmp_path: Path, no_network: list[str]
) -> None:
    up, site = _uploads(tmp_path), _site(tmp_path)
    result = sitegen(site, "import", CORPUS / "export.xml", "--uploads", up)
    assert result.exit_code == 0, result.output
    post = (
        site / "content/posts/2024/10/photos-kestrel-shows-off-foldable-prototype-at-tech-expo.md"
    )
    text = post.read_text()
    assert "url: /wp-content/uploads/2024/10/expo-foldable-1.jpg" in text  # _thumbnail_id
    assert "(/wp-content/uploads/2024/10/expo-booth.jpg)" in text
    assert f"({ORIGIN}/2024/10/expo-foldable-2.jpg)" in text  # not in the backup
    assert (site / COPY / "2024/10/expo-foldable-1.jpg").read_bytes() == JPEG
    assert no_network == []


def test_a_later_import_without_the_option_still_links_what_static_holds(tmp_path: Path) -> None:
    dump, up, site = _dump(tmp_path), _uploads(tmp_path), _site(tmp_path)
    sitegen(site, "import", dump, "--uploads", up)
    again = sitegen(site, "import", dump)
    assert "updated 0," in again.output
    assert "(/wp-content/uploads/2024/04/annual-connectivity-report-2024.pdf#page=2)" in (
        _post(site)
    )
    # The file removed from static/: the content goes back to the origin's URL.
    (site / COPY / "2024/04/annual-connectivity-report-2024.pdf").unlink()
    sitegen(site, "import", dump)
    assert f"({ORIGIN}/2024/04/annual-connectivity-report-2024.pdf#page=2)" in _post(site)


@pytest.mark.parametrize("named", ["backup", "backup/wp-content"])
def test_the_backup_root_or_its_wp_content_may_be_named(tmp_path: Path, named: str) -> None:
    dump, site = _dump(tmp_path), _site(tmp_path)
    up = tmp_path / "backup/wp-content/uploads"
    (up / "2024/04").mkdir(parents=True)
    (up / "2024/04/annual-connectivity-report-2024.pdf").write_bytes(PDF)
    result = sitegen(site, "import", dump, "--uploads", tmp_path / named)
    assert "uploads: 1 copied," in result.output
    assert (site / COPY / "2024/04/annual-connectivity-report-2024.pdf").read_bytes() == PDF


def test_a_wp_content_that_is_a_link_out_of_the_backup_is_not_followed(tmp_path: Path) -> None:
    dump, site = _dump(tmp_path), _site(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "uploads/2024/04").mkdir(parents=True)
    (elsewhere / "uploads/2024/04/annual-connectivity-report-2024.pdf").write_bytes(SECRET)
    (tmp_path / "backup").mkdir()
    os.symlink(elsewhere, tmp_path / "backup/wp-content")
    result = sitegen(site, "import", dump, "--uploads", tmp_path / "backup")
    assert "uploads: 0 copied," in result.output
    assert not (site / COPY).exists()
