"""A tiny scripted HTTP server on 127.0.0.1 for the fetch tests: real sockets, no mocks.

A test gives it a function `answer(path_and_query) -> Reply`; every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to provoke client time-outs)
    drop: bool = False  # close the connection without answering

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

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    answer: Callable[[str], Reply]
    seen: list[Seen]


@contextmanager
def serve(answer: Callable[[str], Reply]) -> Iterator[tuple[str, list[Seen]]]:
    """Run the server; yields (base URL, list of requests seen)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.answer = answer
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
