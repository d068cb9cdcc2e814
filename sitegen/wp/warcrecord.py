"""`sitegen import --from URL --warc FILE`: every answer the import got from WordPress (REST
pages, media) as a WARC `request`/`response` pair, with the headers sent and received and the
time it came: evidence of what the original site served, and when, beside the raw JSON.

Each pair is one gzip member appended under a lock (the import fetches in several threads), so
a file cut short by a crash keeps every pair written before it. Only an answer's last hop is
recorded: the redirects that led there are followed by the transport and not kept.
"""

from __future__ import annotations

import threading
from email.message import Message
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from sitegen.errors import SitegenError


class WarcRecorder:
    def __init__(self, path: Path) -> None:
        try:
            from warcio.statusandheaders import StatusAndHeaders
            from warcio.warcwriter import WARCWriter
        except ImportError:
            raise SitegenError(
                "--warc needs the `archive` extra (warcio is not installed)",
                hint="pip install 'sitegen[archive]'",
            ) from None
        self._headers = StatusAndHeaders
        self._lock = threading.Lock()
        try:
            self._file = open(path, "ab")  # noqa: SIM115 - open for the whole import
        except OSError as exc:
            raise SitegenError(f"cannot write the WARC: {exc.strerror}", str(path)) from None
        self._writer = WARCWriter(self._file, gzip=True, warc_version="WARC/1.1")
        self.records = 0

    def __call__(
        self, url: str, sent: dict[str, str], status: int, received: Message, body: bytes
    ) -> None:
        """Record one exchange: GET `url` with `sent`, answered `status` `received` `body`."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = self._headers(
            f"GET {target} HTTP/1.1", [("Host", parts.netloc), *sent.items()], is_http_request=True
        )
        response_headers = self._headers(
            f"{status} {_reason(status)}", list(_pairs(received)), protocol="HTTP/1.1"
        )
        with self._lock:
            response = self._writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=response_headers,
            )  # fmt: skip
            request = self._writer.create_warc_record(
                url, "request", payload=BytesIO(b""), length=0, http_headers=request_headers
            )
            self._writer.write_request_response_pair(request, response)
            self._file.flush()
            self.records += 2

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _pairs(headers: Message) -> list[tuple[str, Any]]:
    return [(name, str(value)) for name, value in headers.items()]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
