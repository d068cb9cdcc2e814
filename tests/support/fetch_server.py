"""A tiny scripted HTTP server on 127.0.0.1 for the fetch tests: real sockets, no mocks.

A test gives it a function `answer(path_and_query) -> Reply`; every request is recorded.
`FakeWordPress` is such a function that answers the few REST queries a sync sends.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from testdata import CORPUS


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to provoke client time-outs)
    drop: bool = False  # close the connection without answering
    # A body sent chunk by chunk with no Content-Length, until the client hangs up; how many
    # bytes went out is appended to `sent` when the answer ends.
    stream: Iterable[bytes] | None = None
    sent: list[int] = field(default_factory=list)

    def data(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.seen.append(Seen(self.path, dict(self.headers.items())))
        reply = self.server.answer(self.path)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        if reply.stream is not None:
            self._stream(reply)
            return
        data = reply.data()
        self.send_response_only(reply.status)  # no automatic Date: a test may send its own
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "Date": self.date_time_string(),
            **reply.headers,
        }
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def _stream(self, reply: Reply) -> None:
        self.close_connection = True
        self.send_response_only(reply.status)
        for k, v in {"Connection": "close", **reply.headers}.items():
            self.send_header(k, v)
        self.end_headers()
        sent = 0
        try:
            for chunk in reply.stream or ():
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            reply.sent.append(sent)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    answer: Callable[[str], Reply]
    seen: list[Seen]


@contextmanager
def serve(
    answer: Callable[[str], Reply], tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, list[Seen]]]:
    """Run the server (HTTPS with a server-side `tls`); yields (base URL, requests seen)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.answer = answer
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        scheme = "https" if tls is not None else "http"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", server.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


NOW = "Sat, 28 Nov 2026 10:00:00 GMT"
TEMPLATE = json.loads((CORPUS / "posts-page-1.json").read_bytes())[0]


class FakeWordPress:
    """posts: id -> modified_gmt. Answers the few REST queries the sync sends."""

    def __init__(self, posts: dict[int, str]) -> None:
        self.posts = dict(posts)
        self.date = NOW
        self.fail_on: str = ""  # a query substring that gets a 500
        self.past_end_on: str = ""  # a query substring answered rest_post_invalid_page_number
        self.unlisted: set[int] = set()  # skipped by paging (as if shifted), found by include=
        self.comments: list[dict[str, Any]] = []  # what /wp/v2/comments answers
        self.home = "http://fake"  # where the posts' `link`s point

    def item(self, i: int) -> dict[str, Any]:
        """A real post of the corpus, renumbered; the importer accepts it like any other."""
        day, modified = f"2024-01-{i:02d}T00:00:00", self.posts[i]
        link = f"{self.home}/2024/01/{i:02d}/post-{i}/"
        return {**TEMPLATE, "id": i, "slug": f"post-{i}", "link": link, "guid": {"rendered": link},
                "date": day, "date_gmt": day, "modified": modified, "modified_gmt": modified,
                "categories": [], "tags": [], "featured_media": 0, "sticky": False,
                "content": {"rendered": f"<p>post {i}</p>", "protected": False}}  # fmt: skip

    def __call__(self, path: str) -> Reply:
        url = urllib.parse.urlsplit(path)
        q = dict(urllib.parse.parse_qsl(url.query))
        head = {"Date": self.date}
        if self.fail_on and self.fail_on in path:
            return Reply(500, {"code": "boom"})
        if self.past_end_on and self.past_end_on in path:
            return Reply(400, {"code": "rest_post_invalid_page_number", "message": "too far"})
        if url.path == "/":
            return Reply(200, "<html>", {"Content-Type": "text/html", **head})
        if url.path == "/wp-json/":
            return Reply(
                200, {"name": "Fake", "home": "http://fake/", "namespaces": ["wp/v2"]}, head
            )
        if url.path == "/wp-json/wp/v2/comments" and self.comments:
            total = str(len(self.comments))
            return Reply(200, self.comments, {"X-WP-Total": total, "X-WP-TotalPages": "1", **head})
        if url.path in ("/wp-json/wp/v2/pages", "/wp-json/wp/v2/media") or url.path.endswith(
            ("categories", "tags", "users", "comments")
        ):
            return Reply(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0", **head})
        ids = sorted(self.posts, reverse=True)
        if "modified_after" in q:
            after = q["modified_after"].rstrip("Z")
            ids = [i for i in ids if self.posts[i] > after]
        if "include" in q:
            ids = [int(i) for i in q["include"].split(",") if int(i) in self.posts]
        counted = len(ids)  # the totals were computed before the (simulated) shift
        if "include" not in q:
            ids = [i for i in ids if i not in self.unlisted]
        per, page = int(q.get("per_page", 10)), int(q.get("page", 1))
        chunk = ids[(page - 1) * per : page * per]
        body = [{"id": i} if q.get("_fields") == "id" else self.item(i) for i in chunk]
        pages = max(1, -(-counted // per))
        return Reply(200, body, {"X-WP-Total": str(counted), "X-WP-TotalPages": str(pages), **head})
