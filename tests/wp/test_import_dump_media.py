"""`sitegen import DUMP --media`: a saved REST dump whose origin still answers gets every upload
its content uses downloaded to the old path, once; a missing one is reported and keeps its URL."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from cli_support import sitegen
from fetch_server import Reply, serve
from testdata import CORPUS

from sitegen.wp.fetch import FetchOptions
from sitegen.wp.importer import ImportOptions, import_paths

HOST = "http://127.0.0.1:8089"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
MISSING = "2024/10/expo-booth-300x169.jpg"


def _dump(tmp: Path, base: str) -> Path:
    """The dev corpus as if saved from a WordPress on `base` (a loopback test server)."""
    dump = tmp / "dump"
    dump.mkdir()
    for path in CORPUS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        text = text.replace(HOST, base).replace(HOST.replace("/", "\\/"), base.replace("/", "\\/"))
        (dump / path.name).write_text(text, encoding="utf-8")
    return dump


def _answer(path: str) -> Reply:
    if MISSING in path:
        return Reply(404, b"not found")
    if path.endswith(".jpg"):
        return Reply(200, JPEG, {"Content-Type": "image/jpeg"})
    if path.endswith(".png"):
        return Reply(200, PNG, {"Content-Type": "image/png"})
    return Reply(404, b"not found")


def test_dump_media_downloads_each_upload_once_at_its_old_path(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with serve(_answer) as (base, seen):
        dump = _dump(tmp_path, base)
        options = ImportOptions(media=FetchOptions(retries=0))
        report = import_paths(site, [dump], options)
        first = len(seen)
        assert report.media is not None and report.media.copied >= 40, report.media
        uploads = site / "static" / "wp-content" / "uploads"
        # The gallery's thumbnail and every size its srcset names, at the old path.
        for name in ("expo-foldable-1-300x169.jpg", "expo-foldable-1-1024x576.jpg",
                     "expo-foldable-1.jpg"):  # fmt: skip
            assert (uploads / "2024" / "10" / name).read_bytes() == JPEG
        body = next(site.glob("content/posts/2024/10/photos-kestrel-*.md")).read_text()
        assert 'src="/wp-content/uploads/2024/10/expo-foldable-1-300x169.jpg"' in body
        assert "/wp-content/uploads/2024/10/expo-foldable-1-1024x576.jpg 1024w" in body
        # The missing file: reported with the post and the URL; the content keeps its URL.
        warnings = [p.render() for p in report.errors.warnings]
        said = [w for w in warnings if MISSING in w]
        assert len(said) == 1 and "HTTP 404; used by" in said[0] and "posts-" in said[0]
        assert f"{base}/web/wp-content/uploads/{MISSING}" in body
        assert (site / "content" / ".import" / "uploads.json").is_file()

        # Again: nothing already stored is fetched; only the missing file is asked for again.
        report = import_paths(site, [dump], options)
        again = [s.path for s in seen[first:]]
        assert again and all(MISSING in p for p in again), again
        assert report.media is not None and report.media.copied == 0

        # A stored file changed since: reported, kept, not fetched.
        (uploads / "2024" / "10" / "expo-foldable-1.jpg").write_bytes(JPEG + b"\x01")
        report = import_paths(site, [dump], options)
        changed = [p.render() for p in report.errors.warnings if "changed since" in p.message]
        assert len(changed) == 1 and "expo-foldable-1.jpg" in changed[0]


def test_dump_media_fetches_only_the_origin_the_dump_names(tmp_path: Path) -> None:
    """A post linking an upload on another host: not fetched (no public address here)."""
    site = tmp_path / "site"
    with serve(_answer) as (base, seen):
        dump = _dump(tmp_path, base)
        posts = dump / "posts-page-1.json"
        posts.write_text(
            posts.read_text().replace(
                "</p>", '<a href="http://10.0.0.1/wp-content/uploads/x.pdf">x</a></p>', 1
            )
        )
        report = import_paths(site, [dump], ImportOptions(media=FetchOptions(retries=0)))
        assert all(s.path.startswith("/web/") for s in seen)
    assert not (site / "static" / "wp-content" / "uploads" / "x.pdf").exists()
    assert report.media is not None


def test_cli_media_with_saved_files(tmp_path: Path) -> None:
    with serve(_answer) as (base, _):
        dump = _dump(tmp_path, base)
        result = sitegen(tmp_path / "s", "import", "--media", dump)
    out = result.output
    assert "uploads: " in out and " downloaded, " in out, out
    assert f"upload not mirrored: HTTP 404; used by {dump}" in out
    assert result.exit_code == 0  # a missing file is a warning: the rest is imported


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_uploads_dir_works_with_no_network_at_all(tmp_path: Path, no_network: None) -> None:
    backup = tmp_path / "backup" / "wp-content" / "uploads" / "2024" / "10"
    backup.mkdir(parents=True)
    for name in ("expo-foldable-1-300x169.jpg", "expo-foldable-1.jpg"):
        (backup / name).write_bytes(JPEG)
    site = tmp_path / "site"
    report = import_paths(site, [CORPUS], ImportOptions(uploads=tmp_path / "backup"))
    assert report.uploads is not None and report.uploads.copied == 2
    body = next(site.glob("content/posts/2024/10/photos-kestrel-*.md")).read_text()
    assert 'src="/wp-content/uploads/2024/10/expo-foldable-1-300x169.jpg"' in body
    with pytest.raises(AssertionError, match="a socket was opened"):
        socket.create_connection(("127.0.0.1", 9))  # the guard is really in place
    shutil.rmtree(site)


def test_export_media_mirrors_the_sizes_the_restored_srcset_names(tmp_path: Path) -> None:
    """A WXR export has no srcset in its bodies: the one given back from the attachments'
    sizes points at files downloaded to their old path."""
    with serve(_answer) as (base, _):
        export = tmp_path / "export.xml"
        export.write_text((CORPUS / "export.xml").read_text().replace(HOST, base))
        report = import_paths(
            tmp_path / "s", [export], ImportOptions(media=FetchOptions(retries=0))
        )
    assert report.media is not None and report.media.copied > 40
    body = next((tmp_path / "s").glob("content/posts/2024/10/photos-kestrel-*.md")).read_text()
    assert "/wp-content/uploads/2024/10/expo-foldable-1-768x432.jpg 768w" in body
    uploads = tmp_path / "s" / "static" / "wp-content" / "uploads" / "2024" / "10"
    assert (uploads / "expo-foldable-1-768x432.jpg").read_bytes() == JPEG
    missing = [p.render() for p in report.errors.warnings if MISSING in p.render()]
    assert len(missing) == 1 and "export.xml:item[" in missing[0]
