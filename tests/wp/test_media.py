"""Image mirroring: which URLs, thumbnail upgrades, content-addressed storage, failures.

Downloads go to scripted HTTP servers on 127.0.0.1 (two of them: "other hosts" work too).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fetch_server import Reply, serve
from testdata import CORPUS

from sitegen.errors import Problems
from sitegen.wp.fetch import FetchOptions, HttpClient
from sitegen.wp.media import (
    MediaMirror,
    best_url,
    image_urls,
    is_image_url,
    originals,
    post_image_urls,
    rewrite_html,
    rewrite_media_item,
    rewrite_post,
    srcset_urls,
)

UP = "http://127.0.0.1:8089/web/wp-content/uploads/2025/03/"
PNG = b"\x89PNG\r\n\x1a\n" + b"fake image bytes"
JPG = b"\xff\xd8\xff\xe0" + b"another image"


def test_image_urls_finds_src_srcset_and_links_to_originals() -> None:
    html = (
        '<a href="/web/wp-content/uploads/big.jpg"><img src="a-300x200.jpg" '
        'srcset="a-300x200.jpg 300w, a-1024x683.jpg 1024w,  a.jpg 2048w" alt="x"></a>'
        '<picture><source srcset="b.webp 1x, b@2x.webp 2x"></picture>'
        '<a href="/2024/01/01/post/">not an image</a>'
        "<script>var s = '<img src=\"in-script.png\">';</script>"
        '<img src="q.png?w=300&amp;h=200">'
    )
    assert image_urls(html) == [
        "/web/wp-content/uploads/big.jpg",
        "a-300x200.jpg", "a-300x200.jpg", "a-1024x683.jpg", "a.jpg",
        "b.webp", "b@2x.webp",
        "q.png?w=300&h=200",
    ]  # fmt: skip


def test_srcset_and_image_url_helpers() -> None:
    assert srcset_urls("") == []
    assert srcset_urls("x.jpg") == ["x.jpg"]
    assert srcset_urls("https://cdn/x.jpg?a=1,2 300w, y.jpg 2x") == [
        "https://cdn/x.jpg?a=1,2",
        "y.jpg",
    ]
    assert is_image_url("https://h/a/photo%20(1).JPEG?x=1")
    assert not is_image_url("https://h/2024/01/01/post/")


def test_thumbnails_upgrade_to_the_original_known_from_media_json() -> None:
    media = json.loads((CORPUS / "media.json").read_text())
    index = originals(media)
    original = UP + "fake-kyc-sms-screenshot.png"
    assert best_url(UP + "fake-kyc-sms-screenshot-169x300.png", index) == original
    assert best_url(UP + "fake-kyc-sms-screenshot-150x150.png", index) == original
    # a size media.json does not list, of an original it knows: still upgraded
    assert best_url(UP + "fake-kyc-sms-screenshot-77x88.png", index) == original
    # unknown images stay as they are
    assert best_url(UP + "unknown-300x200.png", index) == UP + "unknown-300x200.png"
    assert best_url("https://elsewhere.example/x-300x200.png", index).endswith("x-300x200.png")


def test_post_image_urls_includes_the_featured_image() -> None:
    posts = json.loads((CORPUS / "posts-page-1.json").read_text())
    media = {m["id"]: m for m in json.loads((CORPUS / "media.json").read_text())}
    with_featured = next(p for p in posts if p["featured_media"])
    urls = post_image_urls(with_featured, media)
    assert media[with_featured["featured_media"]]["source_url"] in urls


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_mirror_stores_each_file_once_and_rewrites(tmp_path: Path) -> None:
    def images(path: str) -> Reply:
        if path.startswith("/web/wp-content/uploads/"):
            return Reply(200, PNG, {"Content-Type": "image/png"})
        return Reply(404, "<html>no</html>", {"Content-Type": "text/html"})

    def other(path: str) -> Reply:
        if path == "/photos/%E0%A4%AB%E0%A5%8B%E0%A4%9F%E0%A5%8B%20(1).jpg?resize=300%2C200&ssl=1":
            return Reply(200, JPG, {"Content-Type": "image/jpeg"})
        if path == "/login.png":
            return Reply(
                200, "<!DOCTYPE html><title>Sign in</title>", {"Content-Type": "text/html"}
            )
        return Reply(404, "missing", {"Content-Type": "text/plain"})

    with serve(images) as (base, seen), serve(other) as (cdn, cdn_seen):
        home = base + "/web/"
        urls = [
            "/web/wp-content/uploads/a.png",  # root-relative
            base + "/web/wp-content/uploads/a-copy.png",  # same bytes, another URL
            cdn + "/photos/फोटो (1).jpg?resize=300%2C200&ssl=1",  # non-ASCII, parentheses, query
            cdn + "/gone.jpg",  # 404
            cdn + "/login.png",  # an HTML page, not an image
        ]
        problems = Problems()
        # Both servers are on 127.0.0.1: each must be named to be trusted (a real CDN is public).
        http = HttpClient(FetchOptions(retries=0, jobs=2, trusted=(base, cdn)))
        mirror = MediaMirror(tmp_path, home, http)
        report = mirror.mirror(urls, problems)

        png = hashlib.sha256(PNG).hexdigest()
        jpg = hashlib.sha256(JPG).hexdigest()
        assert files_under(tmp_path / "static") == sorted([
            tmp_path / "static" / "media" / png[:2] / f"{png}.png",
            tmp_path / "static" / "media" / jpg[:2] / f"{jpg}.jpg",
        ])  # fmt: skip
        assert (tmp_path / "static" / "media" / png[:2] / f"{png}.png").read_bytes() == PNG
        assert mirror.rewrite("/web/wp-content/uploads/a.png") == f"/media/{png[:2]}/{png}.png"
        assert (
            mirror.rewrite(base + "/web/wp-content/uploads/a-copy.png")
            == f"/media/{png[:2]}/{png}.png"
        )
        assert (
            mirror.rewrite(cdn + "/photos/फोटो (1).jpg?resize=300%2C200&ssl=1")
            == f"/media/{jpg[:2]}/{jpg}.jpg"
        )
        assert mirror.rewrite(cdn + "/gone.jpg") is None
        assert (report.downloaded, report.reused, report.stored) == (3, 0, 2)
        assert sorted(why for _, why in report.failed) == [
            "HTTP 404",
            "not an image, audio, video or PDF file (HTML, served as text/html)",
        ]
        assert len(problems.warnings) == 2 and not problems.errors
        assert "image not mirrored: HTTP 404" in problems.render()

        # A second run downloads nothing it already has, and retries what failed.
        again = MediaMirror(tmp_path, home, http)
        before = len(seen) + len(cdn_seen)
        report2 = again.mirror(urls, Problems())
        assert len(seen) + len(cdn_seen) - before == 2
        assert (report2.downloaded, report2.reused) == (0, 3)
        assert again.rewrite("/web/wp-content/uploads/a.png") == f"/media/{png[:2]}/{png}.png"


def test_mirror_downloads_the_original_instead_of_the_thumbnail(tmp_path: Path) -> None:
    with serve(lambda path: Reply(200, PNG + path.encode(), {"Content-Type": "image/png"})) as (
        base,
        seen,
    ):
        sizes = {"medium": {"source_url": base + "/u/x-300x200.png"}}
        media = [{"id": 1, "source_url": base + "/u/x.png", "media_details": {"sizes": sizes}}]
        mirror = MediaMirror(
            tmp_path,
            base + "/",
            HttpClient(FetchOptions(retries=0)).trusting(base),
            originals(media),
        )
        mirror.mirror([base + "/u/x-300x200.png", base + "/u/x.png"], Problems())
        assert [s.path for s in seen] == ["/u/x.png"]
        local = mirror.rewrite(base + "/u/x-300x200.png")
        assert local is not None and local == mirror.rewrite(base + "/u/x.png")
        assert (tmp_path / "static" / local.lstrip("/")).read_bytes() == PNG + b"/u/x.png"


def test_rewrite_html_replaces_only_mirrored_urls() -> None:
    local = {
        "http://h/up/a.jpg": "/media/aa/aa.jpg",
        "http://h/up/a-300x200.jpg": "/media/aa/aa.jpg",
        "http://h/up/q.png?w=300&h=200": "/media/bb/bb.png",
    }
    html = (
        '<a href="http://h/up/a.jpg"><img class="x" src="http://h/up/a-300x200.jpg" '
        'srcset="http://h/up/a-300x200.jpg 300w, http://h/up/other.jpg 1024w" alt="a &amp; b"></a>'
        "<img src='http://h/up/q.png?w=300&#038;h=200'>"
        '<a href="http://h/2024/01/01/post/">read</a> <code>&lt;img src="http://h/up/a.jpg"&gt;</code>'
    )
    assert rewrite_html(html, local.get) == (
        '<a href="/media/aa/aa.jpg"><img class="x" src="/media/aa/aa.jpg" '
        'srcset="/media/aa/aa.jpg 300w, http://h/up/other.jpg 1024w" alt="a &amp; b"></a>'
        '<img src="/media/bb/bb.png">'
        '<a href="http://h/2024/01/01/post/">read</a> <code>&lt;img src="http://h/up/a.jpg"&gt;</code>'
    )


def test_rewrite_post_and_media_item_leave_their_input_alone() -> None:
    post = {"id": 1, "content": {"rendered": '<img src="http://h/a.jpg">', "protected": False}}
    media = {"id": 2, "source_url": "http://h/a.jpg"}
    new_post = rewrite_post(post, {"http://h/a.jpg": "/media/x.jpg"}.get)
    new_media = rewrite_media_item(media, {"http://h/a.jpg": "/media/x.jpg"}.get)
    assert new_post["content"] == {"rendered": '<img src="/media/x.jpg">', "protected": False}
    assert new_media["source_url"] == "/media/x.jpg"
    assert post["content"]["rendered"] == '<img src="http://h/a.jpg">'
    assert media["source_url"] == "http://h/a.jpg"
    assert rewrite_post(post, lambda u: None) is post


def test_a_url_that_is_not_a_url_is_reported_not_a_traceback(tmp_path: Path) -> None:
    bad = "http://[x/broken.png"
    mirror = MediaMirror(tmp_path, "https://example.org/", HttpClient(FetchOptions(retries=0)))
    problems = Problems()
    report = mirror.mirror([(bad, "posts.json[0].content.rendered")], problems)
    assert report.downloaded == 0
    assert [p.location for p in problems.warnings] == [bad]
    assert "not a valid URL; used by posts.json[0].content.rendered" in problems.warnings[0].message
    assert mirror.rewrite(bad) is None
    assert not is_image_url(bad)
