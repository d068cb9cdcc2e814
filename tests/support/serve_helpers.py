"""Shared by the serve tests: a running Preview on a free loopback port, HTTP helpers, and a
`stop` for builds that a save interrupts."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.serve import Builder, BuildOutcome, MemoryFiles, Preview


def asked_after(n: int) -> Callable[[], bool]:
    """A build's `stop` that says yes the `n`th time it is asked (before the `n`th job it
    renders, or before the search index), as a save at that moment would."""
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return asked >= n

    return stop


def memory_builder(outputs: Mapping[str, bytes]) -> Builder:
    def build(changed: frozenset[Path]) -> BuildOutcome:
        return BuildOutcome(MemoryFiles(outputs))

    return build


@contextmanager
def running(builder: Builder, watch: list[Path] | None = None, **kw: Any) -> Iterator[Preview]:
    logs: list[str] = []
    preview = Preview(builder, watch or [], port=0, log=logs.append, **kw)
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(preview: Preview, path: str, method: str = "GET") -> Reply:
    """One request, the path sent exactly as given (no client-side normalisation)."""
    host, port = preview.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


class EventStream:
    """A client of /__sitegen/events, reading one `state` event at a time."""

    def __init__(self, preview: Preview) -> None:
        host, port = preview.server.server_address[:2]
        self.conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
        self.conn.request("GET", "/__sitegen/events")
        self.resp = self.conn.getresponse()
        assert self.resp.getheader("Content-Type") == "text/event-stream"

    def next_state(self) -> dict[str, Any]:
        event = ""
        while True:
            line = self.resp.fp.readline().decode()
            assert line, "the event stream ended"
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "state":
                state: dict[str, Any] = json.loads(line[6:])
                return state

    def close(self) -> None:
        self.conn.close()
