"""`sitegen import --from URL --media`: the site's uploads (images and their sizes, PDFs, audio,
documents) are downloaded to their old path and linked there; fetched once, judged like a
backup's files. A real loopback server plays WordPress."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fetch_server import FakeWordPress, Reply, Seen, serve

from sitegen.cli import main

PDF = b"%PDF-1.7\n% report\n"
MP3 = b"ID3\x04\x00" + b"\x00" * 24
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
FILES = {
    "2024/04/report.pdf": PDF,
    "2024/04/talk.mp3": MP3,
    "2024/04/tariffs.docx": HTML,  # a page under a document's name
}


class UploadingWordPress(FakeWordPress):
    site: str  # this server; its home is <site>/web/

    def item(self, i: int) -> dict[str, Any]:
        post = super().item(i)
        up = f"{self.site}/web/wp-content/uploads"
        link = f"{self.site}/web/2024/01/{i:02d}/post-{i}/"
        body = (
            f'<p><a href="{up}/2024/04/report.pdf#page=2">Report</a> '
            f'<a href="{up}/2024/04/talk.mp3">Talk</a> <a href="{up}/2024/04/gone.pdf">Gone</a> '
            f'<a href="{up}/2024/04/tariffs.docx">Tariffs</a> '
            f'<a href="{up}/2024/%2e%2e/%2e%2e/secret.pdf">Up</a></p>'
        )
        post.update(link=link, guid={"rendered": link})
        post["content"] = {"rendered": body, "protected": False}
        return post

    def __call__(self, path: str) -> Reply:
        if path == "/wp-json/":
            return Reply(200, {"name": "Up", "home": f"{self.site}/web", "namespaces": ["wp/v2"]})
        prefix = "/web/wp-content/uploads/"
        if path.startswith(prefix):
            data = FILES.get(path.removeprefix(prefix))
            return Reply(200, data) if data is not None else Reply(404, b"not found")
        return super().__call__(path)


def _run(site_dir: Path, site: str, seen: list[Seen]) -> tuple[str, list[str]]:
    seen.clear()
    result = CliRunner().invoke(
        main, ["--site", str(site_dir), "import", "--from", site, "--media"]
    )
    assert result.exit_code == 0, result.output
    return result.output, [s.path for s in seen if "/wp-content/" in s.path]


def test_non_image_uploads_are_downloaded_to_their_old_path_once(tmp_path: Path) -> None:
    wp = UploadingWordPress({1: "2024-01-01T00:00:00"})
    with serve(wp) as (site, seen):
        wp.site = site
        _check(tmp_path, wp, site, seen)


def _check(tmp_path: Path, wp: UploadingWordPress, site: str, seen: list[Seen]) -> None:
    out, fetched = _run(tmp_path, site, seen)
    static = tmp_path / "static/wp-content/uploads/2024/04"
    assert sorted(p.name for p in static.iterdir()) == ["report.pdf", "talk.mp3"]
    assert (static / "report.pdf").read_bytes() == PDF
    text = (tmp_path / "content/posts/2024/01/post-1.md").read_text()
    assert "(/wp-content/uploads/2024/04/report.pdf#page=2)" in text
    assert "(/wp-content/uploads/2024/04/talk.mp3)" in text
    assert re.search(r"\(http://127\.0\.0\.1:\d+/web/wp-content/uploads/2024/04/gone\.pdf\)", text)
    assert re.search(r"gone\.pdf: warning: upload not mirrored: HTTP 404; used by content/", out)
    assert "tariffs.docx: warning: upload not mirrored: its name says .docx but" in out
    assert "secret.pdf: warning: upload not mirrored: unsafe path" in out
    assert not any("secret" in p or ".." in p.lower() or "%2e" in p.lower() for p in fetched)
    assert "uploads: 2 downloaded, 0 unchanged, 1 missing, 2 refused" in out
    # Again: the files in place are not fetched twice, the content stays as it was.
    wp.posts[1] = "2024-01-02T00:00:00"
    again, fetched_again = _run(tmp_path, site, seen)
    assert "report.pdf" not in " ".join(fetched_again)
    assert "uploads: 0 downloaded, 2 unchanged," in again
    assert (
        "(/wp-content/uploads/2024/04/report.pdf#page=2)"
        in (tmp_path / "content/posts/2024/01/post-1.md").read_text()
    )


def test_a_live_mirror_takes_uploads_from_a_backup_without_fetching_them(tmp_path: Path) -> None:
    backup = tmp_path / "uploads"
    (backup / "2024/04").mkdir(parents=True)
    (backup / "2024/04/report.pdf").write_bytes(PDF)
    wp = UploadingWordPress({1: "2024-01-01T00:00:00"})
    with serve(wp) as (site, seen):
        wp.site = site
        args = ["import", "--from", site, "--no-media", "--uploads", str(backup)]
        result = CliRunner().invoke(main, ["--site", str(tmp_path / "s"), *args])
    assert result.exit_code == 0, result.output
    assert not [s.path for s in seen if "/wp-content/" in s.path]
    assert "uploads: 1 copied, 0 unchanged, 3 missing, 1 refused" in result.output
    text = (tmp_path / "s/content/posts/2024/01/post-1.md").read_text()
    assert "(/wp-content/uploads/2024/04/report.pdf#page=2)" in text


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24


class ImageWordPress(UploadingWordPress):
    """Posts that show an image of the site's uploads with WordPress's srcset."""

    def item(self, i: int) -> dict[str, Any]:
        post = super().item(i)
        up = f"{self.site}/web/wp-content/uploads/2024/04"
        post["content"]["rendered"] += (
            f'<p><img src="{up}/photo-300x200.jpg" width="300" height="200" alt="P" '
            f'srcset="{up}/photo-300x200.jpg 300w, {up}/photo.jpg 1200w" '
            f'sizes="(max-width: 300px) 100vw, 300px"></p>'
        )
        return post

    def __call__(self, path: str) -> Reply:
        if path.startswith("/web/wp-content/uploads/2024/04/photo"):
            return Reply(200, JPEG, {"Content-Type": "image/jpeg"})
        return super().__call__(path)


def test_images_of_the_site_are_mirrored_at_their_old_path_with_every_size(
    tmp_path: Path,
) -> None:
    wp = ImageWordPress({1: "2024-01-01T00:00:00"})
    with serve(wp) as (site, seen):
        wp.site = site
        _, fetched = _run(tmp_path, site, seen)
    static = tmp_path / "static/wp-content/uploads/2024/04"
    assert (static / "photo-300x200.jpg").read_bytes() == JPEG
    assert (static / "photo.jpg").read_bytes() == JPEG
    assert not (tmp_path / "static/media").exists()  # no second, content-addressed copy
    text = (tmp_path / "content/posts/2024/01/post-1.md").read_text()
    assert (
        '<img src="/wp-content/uploads/2024/04/photo-300x200.jpg" alt="P" width="300" '
        'height="200" srcset="/wp-content/uploads/2024/04/photo-300x200.jpg 300w, '
        '/wp-content/uploads/2024/04/photo.jpg 1200w" sizes="(max-width: 300px) 100vw, 300px">'
    ) in text
    assert sorted(p for p in fetched if "photo" in p) == [
        "/web/wp-content/uploads/2024/04/photo-300x200.jpg",
        "/web/wp-content/uploads/2024/04/photo.jpg",
    ]
