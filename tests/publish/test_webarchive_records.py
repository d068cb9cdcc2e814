"""The web archive's records on a small hand-made public/: which URL answers with which file,
status and headers, the redirect table's 301 and 410 records, the capture time, and a
`_redirects` edited by hand into nonsense (a warning; the archive is still written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitegen.errors import Problems, SitegenError
from sitegen.publish.webarchive import site_time, write_warc

BASE = "https://news.example.org/web/"
RSS = '<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>\n'


def _public(root: Path, redirects: str) -> Path:
    """A public/ as a build lays it out for BASE: the site in web/, the host's files beside."""
    files = {
        "index.html": "<title>Home</title>",
        "a ₹ b/index.html": '<meta property="og:type" content="article"><title>A &amp; B</title>'
        '<time class="dt-published" datetime="2024-01-02T03:04:05+05:30">',
        "feed/index.xml": RSS,
        "410.html": "gone",
        "assets/x.css": "body{}",
        "sitemap.xml": "<urlset><url><lastmod>2024-01-02T03:04:05+05:30</lastmod></url>"
        "<url><lastmod>2023-01-01T00:00:00Z</lastmod></url></urlset>",
        "_redirects": redirects,
        "_headers": "/*\n  X: y\n",
    }
    for key, text in files.items():
        path = root / (key if key.startswith("_") else "web/" + key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _records(warc: Path) -> dict[str, Any]:
    from warcio.archiveiterator import ArchiveIterator

    found = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                found[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.http_headers.get_statuscode(),
                    dict(record.http_headers.headers),
                    record.content_stream().read(),
                    record.rec_headers.get_header("WARC-Date"),
                )
    return found


RULES = (
    "/web/ p=7 /web/a%20%e2%82%b9%20b/ 301!\n"
    "/web/old/ /web/a%20%e2%82%b9%20b/ 301\n"
    "/web/gone/ /web/410.html 410\n"
    "/web/category/:slug/feed/ /web/category/:slug/feed/index.xml 200\n"
    "/web/feed/ /web/feed/index.xml 200\n"
)


def test_each_url_answers_as_the_site_would(tmp_path: Path) -> None:
    public = _public(tmp_path / "public", RULES)
    problems = Problems()
    when = site_time(public, {}, "web/")
    result = write_warc(public, BASE, tmp_path / "s.warc.gz", when, problems, tmp_path / "p.jsonl")
    assert not problems.items
    got = _records(tmp_path / "s.warc.gz")
    post = BASE + "a%20%E2%82%B9%20b/"
    assert set(got) == {
        BASE, post, BASE + "feed/", BASE + "feed/index.xml", BASE + "410.html",
        BASE + "assets/x.css", BASE + "sitemap.xml", BASE + "?p=7", BASE + "old/",
        BASE + "gone/",
    }  # fmt: skip
    assert got[BASE + "feed/"][:3] == ("200", got[BASE + "feed/index.xml"][1], RSS.encode())
    assert got[BASE + "feed/"][1]["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert got[BASE + "assets/x.css"][1]["Content-Type"] == "text/css; charset=utf-8"
    assert got[BASE + "?p=7"][0] == "301"
    assert got[BASE + "?p=7"][1]["Location"] == "https://news.example.org/web/a%20%e2%82%b9%20b/"
    assert got[BASE + "old/"][0] == "301"
    assert got[BASE + "gone/"][0::2] == ("410", b"gone")
    assert {r[3] for r in got.values()} == {"2024-01-01T21:34:05Z"}  # the newest lastmod
    assert (result.responses, result.redirects, result.gone, result.pages) == (7, 2, 1, 1)
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert '"title": "A & B"' in lines[1] and '"date": "2024-01-02T03:04:05+05:30"' in lines[1]


def test_a_redirects_file_edited_into_nonsense_is_a_warning(tmp_path: Path) -> None:
    public = _public(tmp_path / "public", RULES + "/web/x/ /web/y/ 302\n")
    problems = Problems()
    when = site_time(public, {}, "web/")
    result = write_warc(public, BASE, tmp_path / "s.warc.gz", when, problems)
    assert result.responses == 7 and result.redirects == 0
    assert "_redirects:6" in problems.render() and "302" in problems.render()
    assert not problems.errors


def test_source_date_epoch_wins_and_must_be_seconds(tmp_path: Path) -> None:
    public = _public(tmp_path / "public", "")
    assert (
        site_time(public, {"SOURCE_DATE_EPOCH": "86400"}).isoformat() == "1970-01-02T00:00:00+00:00"
    )
    with pytest.raises(SitegenError, match="whole seconds"):
        site_time(public, {"SOURCE_DATE_EPOCH": "soon"})


def test_a_file_wins_over_a_rule_at_its_path_however_it_is_encoded(tmp_path: Path) -> None:
    public = _public(tmp_path / "public", "/web/a%20%e2%82%b9%20b/ /web/old/ 301\n")
    problems = Problems()
    result = write_warc(
        public, BASE, tmp_path / "s.warc.gz", site_time(public, {}, "web/"), problems
    )
    assert result.redirects == 0
    assert _records(tmp_path / "s.warc.gz")[BASE + "a%20%E2%82%B9%20b/"][0] == "200"


def test_the_first_of_two_rules_for_one_url_wins(tmp_path: Path) -> None:
    """Two posts that claim one alias: the table's first rule answers, as on Netlify."""
    rules = "/web/old/ /web/a%20%e2%82%b9%20b/ 301\n/web/old/ /web/feed/ 301\n"
    public = _public(tmp_path / "public", rules)
    problems = Problems()
    result = write_warc(public, BASE, tmp_path / "s.warc.gz", site_time(public, {}), problems)
    assert result.redirects == 1
    assert _records(tmp_path / "s.warc.gz")[BASE + "old/"][1]["Location"].endswith("%b9%20b/")


def test_a_folder_with_two_feeds_answers_with_rss_once(tmp_path: Path) -> None:
    public = _public(tmp_path / "public", "")
    json_feed = '{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}'
    (public / "web" / "feed" / "index.json").write_text(json_feed, encoding="utf-8")
    (public / "web" / "j").mkdir()
    (public / "web" / "j" / "index.json").write_text(json_feed, encoding="utf-8")
    problems = Problems()
    write_warc(public, BASE, tmp_path / "s.warc.gz", site_time(public, {}, "web"), problems)
    from warcio.archiveiterator import ArchiveIterator

    with open(tmp_path / "s.warc.gz", "rb") as fh:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert uris.count(BASE + "feed/") == 1 and uris.count(BASE + "j/") == 1
    got = _records(tmp_path / "s.warc.gz")
    assert got[BASE + "feed/"][2] == RSS.encode()
    assert got[BASE + "j/"][1]["Content-Type"].startswith("application/feed+json")
