"""One table of content types: `sitegen serve` and `sitegen publish` name every file alike.

The comparison is end to end: the Content-Type header of a real preview server's answer against
the metadata publish would upload, for every file of a built site and for every extension of the
table, so a second table or a fallback to the machine's /etc/mime.types in either shows here.
"""

from __future__ import annotations

import mimetypes
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from builtsite import built_root
from serve_helpers import get, memory_builder, running
from testdata import FIXTURE_SITE

from sitegen.build.orchestrator import build_site
from sitegen.mediatypes import BY_EXTENSION, content_type, essence
from sitegen.publish.localsite import scan_site
from sitegen.publish.settings import PublishSettings

XSL = (
    b'<?xml version="1.0"?>\n<xsl:stylesheet version="1.0" '
    b'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>\n'
)
# Static files a WordPress mirror carries beside what the build writes.
EXTRA_STATIC = {
    "feed.xsl": XSL,
    "favicon.ico": b"\x00\x00\x01\x00",
    "assets/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    "assets/fonts/inter.woff2": b"wOF2",
    "assets/app.mjs": b"export {};\n",
    "wp-content/uploads/report.pdf": b"%PDF-1.4\n",
    "wp-content/uploads/photo.heic": b"\x00\x00\x00\x18ftypheic",
    "wp-content/uploads/clip.mov": b"\x00\x00\x00\x14ftypqt  ",
    "LICENSE": b"MIT\n",
}


def published(public: Path) -> dict[str, str]:
    objects = scan_site(public, PublishSettings(), compress=False, feed_index_html=False)
    return {o.key: o.meta.content_type for o in objects}


def served(public: Path, keys: list[str]) -> dict[str, str]:
    files = {key: (public / key).read_bytes() for key in keys}
    with running(memory_builder(files)) as preview:
        replies = {key: get(preview, "/" + quote(key)) for key in keys}
    assert {key: r.status for key, r in replies.items() if r.status != 200} == {}
    return {key: r.headers["content-type"] for key, r in replies.items()}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path_factory.mktemp("types") / "site"))
    for rel, data in EXTRA_STATIC.items():
        (site / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "static" / rel).write_bytes(data)
    report = build_site(site)
    assert report.committed and not report.problems.items, report.problems.render()
    return built_root(site)  # the site's own files; the host's rule files sit beside them


def test_serve_and_publish_name_every_file_of_a_built_site_alike(public: Path) -> None:
    by_publish = published(public)
    assert set(EXTRA_STATIC) <= set(by_publish)
    # The host's own rule files are read by the host, never served: not in the site's folder.
    assert not {"_headers", "_redirects"} & set(by_publish)
    assert served(public, sorted(by_publish)) == by_publish
    # Not what the machine's table says (`text/xsl`, `image/x-icon`, `video/quicktime` …):
    assert by_publish["feed.xsl"] == "application/xslt+xml"
    assert by_publish["favicon.ico"] == "image/vnd.microsoft.icon"
    assert by_publish["wp-content/uploads/clip.mov"] == "application/octet-stream"
    assert by_publish["feed/index.xml"] == "application/rss+xml; charset=utf-8"
    assert by_publish["sitemap.xml"] == "application/xml; charset=utf-8"


def test_serve_and_publish_agree_on_every_extension_of_the_table(tmp_path: Path) -> None:
    names = [f"f.{ext}" for ext in BY_EXTENSION] + [
        f"upper/F.{ext.upper()}" for ext in BY_EXTENSION
    ]
    names += ["LICENSE", "a.heic", "a.tar", "a.docx", "a.", "dir.v2/file"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    by_publish = published(tmp_path)
    assert served(tmp_path, names) == by_publish
    for ext, expected in BY_EXTENSION.items():
        assert by_publish[f"f.{ext}"] == by_publish[f"upper/F.{ext.upper()}"] == expected


def test_the_answer_does_not_depend_on_the_machines_mime_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A laptop's /etc/mime.types and a CI runner's differ; ours must not."""
    names = ["feed.xsl", "favicon.ico", "a.heic", "clip.mov", "LICENSE", "index.html"]
    before = {n: content_type(n, b"") for n in names}
    monkeypatch.setattr(mimetypes, "guess_type", lambda *a, **k: ("x-machine/odd", None))
    mimetypes.add_type("x-machine/odd", ".xsl")
    try:
        assert {n: content_type(n, b"") for n in names} == before
    finally:
        mimetypes.init()


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        # The root element decides, after declarations, comments (even with `<` in them) and a
        # doctype; a namespace prefix does not hide it.
        ("feed/index.xml", b'<?xml version="1.0"?>\n<!-- <feed> -->\n<rss version="2.0">', "rss"),
        ("x/index.xml", b'<?xml-stylesheet href="/f.xsl"?>\n<feed xmlns="a">', "atom"),
        ("x.xml", b"<!DOCTYPE rdf:RDF>\n<rdf:RDF xmlns:rdf='x'>", "rdf"),
        ("x.xml", b'<!DOCTYPE rss [\n<!ENTITY n "&#160;">\n]>\n<rss version="0.91">', "rss"),
        ("x.xml", b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>", "atom"),
        ("sitemap.xml", b"<urlset>", "xml"),
        ("x.xml", b"not xml at all", "xml"),
        ("feed/json/index.json", b'{"version": "https://jsonfeed.org/version/1.1"}', "json feed"),
        ("search/index.json", b'{"docs": ["jsonfeed.org/version/1"]}', "json"),
    ],
)
def test_sniffing_xml_and_json(name: str, head: bytes, expected: str) -> None:
    kinds = {
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "rdf": "application/rdf+xml",
        "xml": "application/xml",
        "json feed": "application/feed+json",
        "json": "application/json",
    }
    assert essence(content_type(name, head)) == kinds[expected]
