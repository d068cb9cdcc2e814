"""Which URLs name one of the site's uploads, and which files may be published at their name."""

from __future__ import annotations

import pytest

from sitegen.safepath import UnsafePath
from sitegen.wp.uploads import _passive, html_urls, local_upload, local_url, upload_path

HOME = "https://news.example/web/"
UP = "https://news.example/web/wp-content/uploads"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{UP}/2024/04/report.pdf", ("2024/04/report.pdf", "")),
        (f"{UP}/2024/04/report.pdf?ver=2#page=3", ("2024/04/report.pdf", "?ver=2#page=3")),
        ("http://news.example/web/wp-content/uploads/a.png", ("a.png", "")),  # either scheme
        ("//news.example/web/wp-content/uploads/a.png", ("a.png", "")),
        ("/web/wp-content/uploads/a%20b.png", ("a%20b.png", "")),
        ("HTTPS://NEWS.EXAMPLE/web/WP-CONTENT/uploads/a.png", ("a.png", "")),
        ("https://other.example/web/wp-content/uploads/a.png", None),
        ("https://news.example.evil/web/wp-content/uploads/a.png", None),
        ("https://evil.example\\@news.example/web/wp-content/uploads/a.png", None),
        ("https://news.example/wp-content/uploads/a.png", None),  # not under the home
        ("wp-content/uploads/a.png", None),  # relative to a page
        (f"{UP}/2024/", None),  # a folder
        ("mailto:x@news.example", None),
    ],
)
def test_upload_path(url: str, expected: tuple[str, str] | None) -> None:
    assert upload_path(url, HOME) == expected


@pytest.mark.parametrize(
    "tail",
    ["../../etc/passwd", "2024/%2e%2e/%2e%2e/x.pdf", "..%2F..%2Fx.pdf", "a%00.pdf", "a\\..\\b.pdf",
     "a%2Fb.pdf", "%ff.pdf", "2024//x.pdf"],
)  # fmt: skip
def test_hostile_upload_paths_are_refused(tail: str) -> None:
    with pytest.raises(UnsafePath):
        upload_path(f"{UP}/{tail}", HOME)
    assert local_upload(f"{UP}/{tail}", HOME, {"x.pdf", "etc/passwd"}) is None


def test_local_urls_are_root_relative_and_encoded_once() -> None:
    assert local_url("2024/04/tarif ह.docx") == "/wp-content/uploads/2024/04/tarif%20%E0%A4%B9.docx"
    copied = {"2024/04/a b.pdf"}
    assert local_upload(f"{UP}/2024/04/a%20b.pdf#p=2", HOME, copied) == (
        "/wp-content/uploads/2024/04/a%20b.pdf#p=2"
    )
    assert local_upload(f"{UP}/2024/04/other.pdf", HOME, copied) is None


def test_html_urls_finds_attributes_srcset_and_entities() -> None:
    html = (
        f'<img src="/web/wp-content/uploads/a.png" srcset="{UP}/a-300.png 300w,{UP}/a.png 800w">'
        f'<a href="{UP}/r.pdf?a=1&amp;b=2">r</a> <video poster="{UP}/p.jpg"></video>'
    )
    assert html_urls(html) == [
        "/web/wp-content/uploads/a.png",
        f"{UP}/a-300.png",
        f"{UP}/a.png",
        f"{UP}/r.pdf?a=1&b=2",
        f"{UP}/p.jpg",
    ]


@pytest.mark.parametrize(
    ("head", "ext", "ok"),
    [
        (b"%PDF-1.7", ".pdf", True),
        (b"\xff\xd8\xff\xe0", ".jpeg", True),
        (b"\x89PNG\r\n\x1a\n", ".jpg", True),  # a PNG named .jpg: both images, both passive
        (b"PK\x03\x04", ".docx", True),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls", True),
        (b"ID3\x04", ".mp3", True),
        (b"%PDF-1.7", ".html", False),  # a browser would run it as a page
        (b"%PDF-1.7", ".svg", False),
        (b"%PDF-1.7", "", False),
        (b"<svg onload=alert(1)>", ".png", False),
        (b"<!DOCTYPE html>", ".pdf", False),
        (b"PK\x03\x04", ".js", False),
        (b"hello", ".txt", False),
    ],
)
def test_only_passive_names_with_passive_bytes_are_published(
    head: bytes, ext: str, ok: bool
) -> None:
    assert (_passive(head, ext) == "") is ok
