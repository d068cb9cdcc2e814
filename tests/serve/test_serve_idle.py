"""`sitegen serve` closes connections that stay idle: each one holds a thread."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from serve_helpers import get, memory_builder, running

from sitegen.serve.http import IDLE_SECONDS, KEEPALIVE_SECONDS


def test_idle_connections_are_closed_and_their_threads_end() -> None:
    assert KEEPALIVE_SECONDS < IDLE_SECONDS  # a live-reload stream is never idle that long
    with running(memory_builder({"index.html": b"<body>home</body>"})) as preview:
        host, port = preview.server.server_address[:2]
        before = threading.active_count()
        kept = socket.create_connection((host, port))  # under the default timeout
        kept.settimeout(1.0)
        with pytest.raises(TimeoutError):
            kept.recv(1024)  # still open after a second: the default is not that short
        preview.server.idle_timeout = 0.5
        idle = [socket.create_connection((host, port)) for _ in range(20)]
        half = socket.create_connection((host, port))
        half.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a request that never ends
        for conn in [*idle, half]:
            conn.settimeout(10)
            assert conn.recv(1024) == b""  # closed by the server
            conn.close()
        kept.close()
        deadline = time.monotonic() + 10
        while threading.active_count() > before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert threading.active_count() <= before  # their threads ended
        assert get(preview, "/").status == 200  # and the server still answers
