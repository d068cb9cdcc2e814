"""The preview server over real HTTP on 127.0.0.1: files, redirects, safety, live state."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from serve_helpers import EventStream, get, memory_builder, running

from sitegen.errors import Problems, SitegenError
from sitegen.serve import BuildOutcome, MemoryFiles, Preview, directory_builder

RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel/></rss>\n'
OUTPUTS = {
    "index.html": b"<!doctype html><html><body><h1>Home</h1></body></html>",
    "2023/09/01/post/index.html": b"<!doctype html><html><BODY><p>Post</p></BODY></html>",
    "feed/index.xml": RSS,
    "search/index.json": b'{"pages": []}',
    "404.html": b"<!doctype html><html><body><h1>Not here</h1></body></html>",
    "web/404.html": b"<!doctype html><html><body><h1>Not in web</h1></body></html>",
    "%e0%a4%b9%e0%a4%bf/index.html": b"<!doctype html><p>Hindi</p>",
    "gone.html": b"<!doctype html><p>Gone for good</p>",
    "_redirects": (
        "/ p=:id /archives/:id/ 301!\n/old/ /2023/09/01/post/ 301\n"
        "/app/* /2023/09/01/post/ 200\n/gone /gone.html 410\n/hindi /हिंदी/ 302\n"
    ).encode(),
}
SCRIPT = b'<script src="/__sitegen/reload.js" data-version="1"></script>'


@pytest.fixture(scope="module")
def preview():  # type: ignore[no-untyped-def]
    with running(memory_builder(OUTPUTS)) as p:
        yield p


def test_pages_get_the_reload_script_before_body_end(preview: Preview) -> None:
    home = get(preview, "/")
    assert home.status == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert home.body == OUTPUTS["index.html"].replace(b"</body>", SCRIPT + b"</body>")
    post = get(preview, "/2023/09/01/post/")
    assert post.body.count(b"/__sitegen/reload.js") == 1
    assert post.body.index(b"reload.js") < post.body.index(b"</BODY>")
    assert home.headers["cache-control"] == "no-store"


def test_feeds_and_json_are_served_untouched_with_their_types(preview: Preview) -> None:
    feed = get(preview, "/feed/")
    assert (feed.status, feed.headers["content-type"]) == (
        200,
        "application/rss+xml; charset=utf-8",
    )
    assert feed.body == RSS
    search = get(preview, "/search/")
    assert (search.headers["content-type"], search.body) == ("application/json", b'{"pages": []}')


def test_folder_without_slash_redirects_to_it(preview: Preview) -> None:
    reply = get(preview, "/2023/09/01/post?x=1")
    assert (reply.status, reply.headers["location"]) == (301, "/2023/09/01/post/?x=1")


def test_missing_page_is_the_sites_404(preview: Preview) -> None:
    reply = get(preview, "/no/such/page/")
    assert reply.status == 404
    assert b"Not here" in reply.body and b"reload.js" in reply.body


def test_missing_page_under_a_base_path_is_its_folders_404(preview: Preview) -> None:
    # A site built for https://host/web/ keeps its 404 page in web/ of public/.
    for url in ("/web/no-such-page/", "/web/2019/01/gone/", "/web/x.html"):
        reply = get(preview, url)
        assert (reply.status, b"Not in web" in reply.body) == (404, True), url
    assert b"Not here" in get(preview, "/webby/").body


def test_head_has_headers_and_no_body(preview: Preview) -> None:
    reply = get(preview, "/", method="HEAD")
    assert reply.status == 200 and reply.body == b""
    assert int(reply.headers["content-length"]) == len(get(preview, "/").body)


def test_percent_encoded_wordpress_paths(preview: Preview) -> None:
    for url in ("/%e0%a4%b9%e0%a4%bf/", "/%E0%A4%B9%E0%A4%BF/"):
        reply = get(preview, url)
        assert (reply.status, b"Hindi" in reply.body) == (200, True), url


@pytest.mark.parametrize(
    ("url", "status", "location", "text"),
    [
        ("/?p=17", 301, "/archives/17/", None),
        ("/old", 301, "/2023/09/01/post/", None),
        ("/old/?ref=x", 301, "/2023/09/01/post/?ref=x", None),
        ("/app/any/thing", 200, None, b"Post"),
        ("/gone", 410, None, b"Gone for good"),
        ("/hindi", 302, "/%E0%A4%B9%E0%A4%BF%E0%A4%82%E0%A4%A6%E0%A5%80/", None),
        ("/_redirects", 404, None, b"Not here"),  # host configuration is not served
    ],
)
def test_redirects_file_is_applied(
    preview: Preview, url: str, status: int, location: str | None, text: bytes | None
) -> None:
    reply = get(preview, url)
    assert reply.status == status
    assert reply.headers.get("location") == location
    if text is not None:
        assert text in reply.body


@pytest.fixture
def disk_site(tmp_path: Path) -> Path:
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_bytes(OUTPUTS["index.html"])
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    os.symlink(tmp_path / "secret.txt", site / "leak.txt")
    os.symlink(tmp_path, site / "up")
    return site


@pytest.mark.parametrize(
    "url",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/a/../../secret.txt",
        "/..%2fsecret.txt",
        "/leak.txt",
        "/up/secret.txt",
        "/up/public/../secret.txt",
    ],
)
def test_never_serves_outside_the_site(disk_site: Path, url: str) -> None:
    with running(directory_builder(disk_site)) as preview:
        reply = get(preview, url)
    assert reply.status in (400, 404), url
    assert b"TOP-SECRET" not in reply.body


def test_raw_socket_traversal_is_refused(disk_site: Path) -> None:
    """No client library in between: the bytes a hostile client would send."""
    with running(directory_builder(disk_site)) as preview:
        host, port = preview.server.server_address[:2]
        with socket.create_connection((str(host), int(port)), timeout=10) as sock:
            sock.sendall(b"GET /../../../../secret.txt HTTP/1.0\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    assert data.startswith(b"HTTP/1.0 400") and b"TOP-SECRET" not in data


def test_script_is_never_written_to_disk(disk_site: Path) -> None:
    with running(directory_builder(disk_site)) as preview:
        assert b"reload.js" in get(preview, "/").body
    assert (disk_site / "index.html").read_bytes() == OUTPUTS["index.html"]


class Toggle:
    """A builder whose next result the test decides: good outputs, or a template error."""

    def __init__(self) -> None:
        self.text = b"one"
        self.error: SitegenError | None = None

    def __call__(self, changed: frozenset[Path]) -> BuildOutcome:
        if self.error is not None:
            raise self.error
        return BuildOutcome(MemoryFiles({"index.html": b"<body>" + self.text + b"</body>"}))


def test_event_stream_reports_versions_and_problems() -> None:
    toggle = Toggle()
    with running(toggle) as preview:
        events = EventStream(preview)
        assert events.next_state() == {"version": 1, "problems": []}

        toggle.error = SitegenError(
            "unexpected '}'", "themes/default/templates/post.html:12", "close the tag"
        )
        assert preview.rebuild(frozenset()) is False
        state = events.next_state()
        assert state["version"] == 1
        [problem] = state["problems"]
        assert problem["location"] == "themes/default/templates/post.html:12"
        assert problem["message"] == "unexpected '}'"
        assert "post.html:12: error: unexpected '}'" in problem["text"]
        assert b"one" in get(preview, "/").body  # the last good site stays up

        toggle.error, toggle.text = None, b"two"
        assert preview.rebuild(frozenset()) is True
        assert events.next_state() == {"version": 2, "problems": []}
        assert b"two" in get(preview, "/").body
        assert b'data-version="2"' in get(preview, "/").body
        events.close()


def test_a_bug_in_the_build_is_shown_not_fatal() -> None:
    def broken(changed: frozenset[Path]) -> BuildOutcome:
        raise ZeroDivisionError("division by zero")

    with running(broken) as preview:
        reply = get(preview, "/")
        assert reply.status == 503 and b"reload.js" in reply.body  # waits for a good build
        state = EventStream(preview).next_state()
        assert state["problems"][0]["message"] == "ZeroDivisionError: division by zero"


def test_failed_build_with_problems_keeps_serving_nothing_until_good() -> None:
    def with_errors(changed: frozenset[Path]) -> BuildOutcome:
        problems = Problems()
        problems.error("title: missing", "content/posts/a.md:1")
        return BuildOutcome(MemoryFiles({"index.html": b"half"}), problems)

    with running(with_errors) as preview:
        assert get(preview, "/").status == 503


def test_busy_port_is_reported() -> None:
    with running(memory_builder(OUTPUTS)) as first:
        port = int(first.server.server_address[1])
        with pytest.raises(SitegenError) as err:
            Preview(memory_builder(OUTPUTS), [], port=port)
    assert f"127.0.0.1:{port} is already in use" in str(err.value)
    assert "--port" in str(err.value)


def test_a_browser_that_leaves_mid_answer_is_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    import struct
    import time

    big = {"big.bin": os.urandom(32 * 1024 * 1024), "index.html": b"<p>hi</p>"}
    with running(memory_builder(big)) as preview:
        host, port = preview.server.server_address[:2]
        for _ in range(3):
            client = socket.create_connection((str(host), int(port)))
            client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)  # the answer has started
            # close with a reset, as a browser tab does when it goes away mid-download
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)
        assert get(preview, "/").status == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err
