"""What the preview server may read, and what it calls it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.serve.files import DirectoryFiles, MemoryFiles, content_type, url_candidates

RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel/></rss>'
ATOM = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet href="/feed.xsl"?>\n'
    b'<!-- generated -->\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
)
SITEMAP = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'


@pytest.mark.parametrize(
    ("rel", "data", "expected"),
    [
        ("feed/index.xml", RSS, "application/rss+xml; charset=utf-8"),
        ("feed/atom/index.xml", ATOM, "application/atom+xml; charset=utf-8"),
        ("sitemap.xml", SITEMAP, "application/xml; charset=utf-8"),
        ("index.html", b"<!doctype html>", "text/html; charset=utf-8"),
        ("search/index.json", b"{}", "application/json"),
        (
            "feed/json/index.json",
            b'{\n  "version": "https://jsonfeed.org/version/1.1",\n  "title": "x"}',
            "application/feed+json; charset=utf-8",
        ),
        ("static/site.css", b"", "text/css; charset=utf-8"),
        ("static/app.js", b"", "text/javascript; charset=utf-8"),
        ("robots.txt", b"", "text/plain; charset=utf-8"),
        ("media/logo.png", b"\x89PNG", "image/png"),
        ("media/unknown.bin-ish", b"", "application/octet-stream"),
    ],
)
def test_content_types(rel: str, data: bytes, expected: str) -> None:
    assert content_type(rel, data) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", [""]),
        ("/2023/09/01/slug/", ["2023/09/01/slug"]),
        ("//a///b/", ["a/b"]),
        # A WordPress non-ASCII slug: decoded first, then as published, then lower-case escapes.
        ("/%E0%A4%B9/", ["ह", "%E0%A4%B9", "%e0%a4%b9"]),
        ("/%e0%a4%b9/", ["ह", "%e0%a4%b9"]),
        ("/%ff/", ["%ff"]),  # not UTF-8: only the encoded name can exist
    ],
)
def test_url_candidates(url: str, expected: list[str]) -> None:
    assert url_candidates(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/../etc/passwd",
        "/a/../../x",
        "/%2e%2e/x",
        "/a/%2E%2E/%2e%2e/x",
        "/a%2f..%2f..%2fx",
        "/a%5c..%5cx",
        "/a%00.html",
        "/./x",
    ],
)
def test_url_candidates_refuse_leaving_the_site(url: str) -> None:
    assert url_candidates(url) == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    site = tmp_path / "public"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("inside")
    (tmp_path / "secret.txt").write_text("outside")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "key").write_text("outside")
    os.symlink(tmp_path / "secret.txt", site / "leak.txt")
    os.symlink(tmp_path / "secrets", site / "leakdir")
    os.symlink(site / "a" / "index.html", site / "alias.html")  # stays inside: allowed
    return site


def test_directory_files_read_inside(tree: Path) -> None:
    files = DirectoryFiles(tree)
    assert files.read("a/index.html") == b"inside"
    assert files.read("alias.html") == b"inside"
    assert files.is_dir("a") and files.is_dir("")
    assert files.read("a") is None and files.read("missing") is None


def test_directory_files_refuse_symlink_and_dotdot_escape(tree: Path) -> None:
    files = DirectoryFiles(tree)
    assert files.read("leak.txt") is None
    assert files.read("leakdir/key") is None
    assert not files.is_dir("leakdir")
    assert files.read("../secret.txt") is None
    assert files.read("a/../../secret.txt") is None
    assert files.read(str(tree.parent / "secret.txt")) is None  # absolute


def test_memory_files() -> None:
    files = MemoryFiles({"index.html": b"home", "2023/09/01/x/index.html": b"post"})
    assert files.read("2023/09/01/x/index.html") == b"post"
    assert [d for d in ("", "2023", "2023/09", "2023/09/01/x") if files.is_dir(d)] == [
        "",
        "2023",
        "2023/09",
        "2023/09/01/x",
    ]
    assert not files.is_dir("2023/09/01/x/index.html")
    assert files.read("../index.html") is None
