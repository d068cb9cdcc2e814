"""`sitegen import --from URL --warc FILE` against a fake WordPress: every REST request and
answer is in the WARC, and one REST answer read back from it is the JSON the site served."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fetch_server import FakeWordPress, Reply, serve

from sitegen.cli import main


def test_import_from_records_its_requests_and_answers(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "fetched.warc.gz"
    wp = FakeWordPress({1: "2024-01-01T00:00:00", 2: "2024-02-01T00:00:00"})
    with serve(wp) as (base, _):
        done = CliRunner().invoke(
            main, ["--site", str(tmp_path / "site"), "import", "--from", base, "--warc", str(warc)]
        )
    assert done.exit_code == 0, done.output
    records: dict[str, list[tuple[str, int | None, bytes, dict[str, str]]]] = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            status = (
                int(record.http_headers.get_statuscode()) if record.rec_type == "response" else None
            )
            headers = dict(record.http_headers.headers) if record.http_headers else {}
            records.setdefault(uri, []).append(
                (record.rec_type, status, record.content_stream().read(), headers)
            )
    posts = [u for u in records if "/wp/v2/posts" in u]
    assert posts, sorted(records)
    kinds = [kind for kind, *_ in records[posts[0]]]
    assert "request" in kinds and "response" in kinds
    _, status, body, headers = next(r for r in records[posts[0]] if r[0] == "response")
    assert status == 200
    assert "json" in headers.get("Content-Type", "")
    served = {p["id"] for p in json.loads(body)}
    assert served == {1, 2}
    request = next(r for r in records[posts[0]] if r[0] == "request")
    assert "sitegen" in request[3].get("User-Agent", "")


def test_warc_without_from_is_a_usage_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["--site", str(tmp_path), "import", str(tmp_path), "--warc", str(tmp_path / "x")]
    )
    assert done.exit_code == 2 and "--warc goes with --from URL" in done.output


def _page(i: int, elsewhere: str) -> str:
    """A post's HTML page: same-site files (one of them only by srcset, one refused by
    robots.txt), one on another host, one on an internal address no one named."""
    return (
        '<!doctype html><html><head><link rel="stylesheet" href="/wp-content/theme.css?ver=1">'
        '<link rel="icon" href="/favicon.ico"><script src="/wp-includes/app.js"></script>'
        f'<link rel="stylesheet" href="{elsewhere}/font.css"></head><body>'
        f'<img src="/wp-content/uploads/a-{i}.jpg" '
        'srcset="/wp-content/uploads/a-300.jpg 300w, /wp-content/uploads/a-600.jpg 600w">'
        '<img src="/private/secret.png"><img src="http://10.255.0.1/internal.png">'
        f'<a href="/not-loaded/">a link is not loaded</a><p>post {i}</p></body></html>'
    )


class CapturedWordPress(FakeWordPress):
    """The fake WordPress with post pages, their files, a robots.txt; links on `home`."""

    def __init__(self, posts: dict[int, str], elsewhere: str) -> None:
        super().__init__(posts)
        self.elsewhere = elsewhere

    def __call__(self, path: str) -> Reply:
        if path == "/robots.txt":
            return Reply(
                200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
            )
        if path.startswith("/2024/01/"):
            i = int(path.rstrip("/").rsplit("-", 1)[1])
            html = _page(i, self.elsewhere)
            return Reply(200, html, {"Content-Type": "text/html; charset=UTF-8"})
        if path.startswith(("/wp-content/", "/wp-includes/", "/favicon", "/private/")):
            return Reply(200, f"file {path}", {"Content-Type": "application/octet-stream"})
        return super().__call__(path)


def _responses(warc: Path) -> dict[str, tuple[int, bytes]]:
    from warcio.archiveiterator import ArchiveIterator

    found = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                status = int(record.http_headers.get_statuscode())
                found[record.rec_headers.get_header("WARC-Target-URI")] = (
                    status,
                    record.content_stream().read(),
                )
    return found


def test_capture_pages_records_each_post_page_and_its_same_site_files(tmp_path: Path) -> None:
    warc = tmp_path / "fetched.warc.gz"
    with serve(lambda p: Reply(200, "other host", {"Content-Type": "text/css"})) as (other, far):
        wp = CapturedWordPress({1: "2024-01-01T00:00:00", 2: "2024-02-01T00:00:00"}, other)
        with serve(wp) as (base, seen):
            wp.home = base
            args = ["import", "--from", base, "--warc", str(warc), "--capture-pages"]
            done = CliRunner().invoke(main, ["--site", str(tmp_path / "site"), *args])
    assert done.exit_code == 0, done.output
    assert "captured into the WARC: 2 pages, 7 files they load" in done.output
    got = _responses(warc)
    for i in (1, 2):
        status, body = got[f"{base}/2024/01/{i:02d}/post-{i}/"]
        assert status == 200 and body.decode() == _page(i, other)
    files = ["/wp-content/theme.css?ver=1", "/favicon.ico", "/wp-includes/app.js"]
    files += [f"/wp-content/uploads/{n}.jpg" for n in ("a-1", "a-2", "a-300", "a-600")]
    for path in files:
        assert got[base + path] == (200, f"file {path}".encode()), path
    assert f"{base}/robots.txt" in got
    asked = {s.path for s in seen}
    assert "/private/secret.png" not in asked and "/not-loaded/" not in asked
    assert not far  # the other host was never asked
    assert not any("10.255.0.1" in url or url.startswith(other) for url in got)
    assert sum(1 for s in seen if s.path == "/wp-content/theme.css?ver=1") == 1  # once


def test_capture_pages_without_warc_is_a_usage_error(tmp_path: Path) -> None:
    args = ["import", "--from", "http://127.0.0.1:9/", "--capture-pages"]
    done = CliRunner().invoke(main, ["--site", str(tmp_path), *args])
    assert done.exit_code == 2 and "--capture-pages goes with --warc" in done.output
