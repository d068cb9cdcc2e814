"""A polite, robust client for a live WordPress REST API (stdlib http.client only).

Why not a third-party HTTP library: we only GET, one request at a time per thread, and we need
exact control over what is retried (429 with Retry-After, 5xx, time-outs, dropped connections),
what is a clear user error (401/403, a disabled API, HTML instead of JSON), and where a request
may go (transport.py: every redirect hop vetted, no internal address unless it is the origin the
user named, bodies capped while they stream). One dependency less to keep current.

`RestClient.discover()` finds the API root the way WordPress advertises it (the
`Link: <…>; rel="https://api.w.org/"` header), falling back to `/wp-json/` and then to
`?rest_route=/` for sites without pretty permalinks.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import socket
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from sitegen import __version__
from sitegen.wp import transport
from sitegen.wp.netguard import trusted_origins
from sitegen.wp.transport import FetchError as FetchError
from sitegen.wp.transport import iri_to_uri as iri_to_uri

USER_AGENT = f"sitegen/{__version__} (+https://github.com/sitegen/sitegen)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
API_REL = "https://api.w.org/"


PAST_THE_END = "rest_post_invalid_page_number"


@dataclass(frozen=True)
class FetchOptions:
    jobs: int = 4  # concurrent requests; WordPress hosts are often small, keep it modest
    timeout: float = 30.0  # seconds per request (connect and each read)
    retries: int = 5  # extra attempts after the first, for 429, 5xx, time-outs, resets
    backoff: float = 1.0  # first retry delay in seconds; doubles each attempt
    max_wait: float = 120.0  # cap on any single wait, Retry-After included
    per_page: int = 100  # the REST API's maximum
    user_agent: str = USER_AGENT
    # Origins (scheme, host, port of these URLs) that may be on internal addresses: the site the
    # user named. Every other host must resolve to public addresses only (netguard.py).
    trusted: tuple[str, ...] = ()
    # When set, every request and every redirect hop must be on one of these origins (the
    # page capture of `import --warc --capture-pages` fetches the named site and nothing else).
    confined: tuple[str, ...] = ()
    max_json: int = 32_000_000  # bytes; a REST page of 100 long posts is a few MB
    max_media: int = 50_000_000  # bytes per media file (sitegen import --max-download)
    # Called with (url, headers sent, status, headers received, body) for each answer
    # (`import --warc`: wp/warcrecord.py); None records nothing.
    recorder: Callable[[str, dict[str, str], int, Message, bytes], None] | None = field(
        default=None, compare=False
    )


@dataclass
class FetchResponse:
    url: str
    status: int
    headers: Message
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return str(self.headers.get(name, default))

    def json(self) -> Any:
        return parse_json(self)


@dataclass
class HttpClient:
    """GET with retries. Thread-safe: it keeps no per-request state."""

    options: FetchOptions = field(default_factory=FetchOptions)
    sleep: Callable[[float], None] = time.sleep  # injectable so tests can record the waits
    accept: str = "application/json"

    def trusting(self, url: str) -> HttpClient:
        """A client that also trusts `url`'s origin (this one is shared, so it is left alone)."""
        if url in self.options.trusted:
            return self
        options = replace(self.options, trusted=(*self.options.trusted, url))
        return replace(self, options=options)

    def get(self, url: str, *, accept: str = "", limit: int = 0) -> FetchResponse:
        """GET with retries; `limit` caps the body (default: options.max_json)."""
        try:
            uri = iri_to_uri(url)
        except (UnicodeError, ValueError) as exc:
            raise FetchError(f"not a valid address: {exc}", url) from None
        last = ""
        for attempt in range(self.options.retries + 1):
            final = attempt == self.options.retries
            try:
                resp = self._once(uri, accept or self.accept, limit or self.options.max_json)
            except _TRANSIENT as exc:
                last = _describe(exc)
                if final:
                    break
                self.sleep(self._delay(attempt))
                continue
            if resp.status not in RETRY_STATUSES:
                return resp
            last = f"HTTP {resp.status}"
            if final:
                break
            self.sleep(self._delay(attempt, resp))
        raise FetchError(
            f"gave up after {self.options.retries + 1} attempts: {last}",
            url,
            "the site is overloaded or unreachable; try again later, or with fewer --jobs",
        )

    def _once(self, url: str, accept: str, limit: int) -> FetchResponse:
        headers = {"User-Agent": self.options.user_agent, "Accept": accept}
        try:
            a = transport.get(
                url,
                headers,
                timeout=self.options.timeout,
                limit=limit,
                trusted=trusted_origins(self.options.trusted),
                confined=trusted_origins(self.options.confined),
            )
        except _TRANSIENT:
            raise
        except (OSError, http.client.HTTPException, UnicodeError, ValueError) as exc:
            raise FetchError(
                f"cannot connect: {_reason(exc)}", url, "check the address and that the site is up"
            ) from None
        if self.options.recorder is not None:
            self.options.recorder(a.url, headers, a.status, a.headers, a.body)
        return FetchResponse(a.url, a.status, a.headers, a.body)

    def _delay(self, attempt: int, resp: FetchResponse | None = None) -> float:
        if resp is not None and resp.header("Retry-After"):
            wait = retry_after_seconds(resp.header("Retry-After"))
            if wait is not None:
                return min(wait, self.options.max_wait)
        # Exponential backoff with jitter, so that parallel workers do not retry in lockstep.
        base = self.options.backoff * 2**attempt
        return float(min(base * (0.75 + random.random() / 2), self.options.max_wait))


# Worth another try: the server or the network hiccuped. DNS failures and refused connections
# are not transient enough to wait for, so they are not here.
_TRANSIENT = (
    TimeoutError,
    socket.timeout,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.IncompleteRead,
    http.client.RemoteDisconnected,
)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    return f"connection failed ({type(exc).__name__}: {exc})"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"[Errno {exc.errno}] {exc.strerror}" if exc.errno else exc.strerror
    return str(exc) or type(exc).__name__


def retry_after_seconds(value: str) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_json(resp: FetchResponse) -> Any:
    """The body as JSON, or a FetchError that says what came back instead."""
    # Some plugins print a BOM or blank lines before WordPress's output; JSON parsers refuse it.
    text = resp.body.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        ctype = resp.header("Content-Type", "no Content-Type")
        start = re.sub(r"\s+", " ", text[:80])
        raise FetchError(
            f"the answer is not JSON ({ctype}; starts with {start!r})",
            resp.url,
            "a cache, firewall or login page answered instead of WordPress; open the URL in a "
            "browser to see it",
        ) from None


def check(resp: FetchResponse) -> FetchResponse:
    """Map a non-200 answer to a FetchError that tells the user what to do."""
    if resp.status == 200:
        return resp
    code, message = _wp_error(resp)
    if resp.status in (401, 403):
        raise FetchError(
            f"HTTP {resp.status}: the site refuses anonymous access ({code or message})",
            resp.url,
            "the REST API is restricted (a security plugin or a login wall); allow anonymous "
            "GET on /wp-json/wp/v2/ or mirror from an export instead",
        )
    if code == PAST_THE_END:
        raise FetchError(
            f"page number past the end ({PAST_THE_END})",
            resp.url,
            "posts were deleted while we were reading; run the command again",
            code,
        )
    if resp.status == 404:
        raise FetchError(
            f"HTTP 404: not found ({code or 'no WordPress error code'})",
            resp.url,
            "the REST API route is missing or disabled on this site",
        )
    detail = f" ({code}: {message})" if code else ""
    raise FetchError(f"HTTP {resp.status}{detail}", resp.url)


def _wp_error(resp: FetchResponse) -> tuple[str, str]:
    try:
        data = json.loads(resp.body.decode("utf-8", errors="replace").lstrip("\ufeff"))
    except json.JSONDecodeError:
        return "", ""
    if isinstance(data, dict):
        return str(data.get("code", "")), str(data.get("message", ""))
    return "", ""


@dataclass
class RestClient:
    """One WordPress site's REST API: discovery and URL building on top of HttpClient."""

    site_url: str  # the site the user named: its origin is trusted (see netguard.py)
    http: HttpClient = field(default_factory=HttpClient)
    api_root: str = ""  # e.g. https://example.com/wp-json/ or https://example.com/?rest_route=/

    def __post_init__(self) -> None:
        self.http = self.http.trusting(self.site_url)

    def discover(self) -> str:
        """Find the API root; FetchError with a hint when the site has none we can use."""
        home = self.site_url.rstrip("/") + "/"
        resp = self.http.get(home, accept="text/html,application/json")
        if resp.status in (401, 403):
            check(resp)
        advertised = api_link(resp.headers.get_all("Link") or [])
        candidates = [advertised] if advertised else []
        candidates += [home + "wp-json/", home + "?rest_route=/"]
        tried = []
        for root in dict.fromkeys(candidates):
            try:
                resp = self.http.get(root)
            except FetchError as err:
                if root != advertised:
                    raise
                # The site's own Link header may name another host (refused if internal): the
                # usual places on the named site are still worth a try.
                tried.append(f"{root} -> {err.message}")
                continue
            tried.append(f"{root} -> HTTP {resp.status}")
            if resp.status in (401, 403):
                check(resp)
            if resp.status == 200 and _is_index(resp):
                self.api_root = root
                return root
        raise FetchError(
            "no WordPress REST API found",
            self.site_url,
            "tried " + "; ".join(tried) + ". Is this a WordPress site with the REST API enabled "
            "(some security plugins disable it)?",
        )

    def url(self, route: str, params: Mapping[str, str | int] | None = None) -> str:
        """The URL of `route` (e.g. "wp/v2/posts") under the discovered root."""
        query = urllib.parse.urlencode(dict(params or {}))
        root = self.api_root or self.discover()
        if "rest_route=" in root:
            parts = urllib.parse.urlsplit(root)
            pairs = urllib.parse.parse_qsl(parts.query)
            pairs = [(k, v) for k, v in pairs if k != "rest_route"]
            base = urllib.parse.urlencode([("rest_route", "/" + route.strip("/")), *pairs])
            return urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, parts.path, base + ("&" + query if query else ""), "")
            )
        return root + route.strip("/") + ("?" + query if query else "")

    def get(self, route: str, params: Mapping[str, str | int] | None = None) -> FetchResponse:
        """GET a route; non-200 answers become FetchErrors."""
        return check(self.http.get(self.url(route, params)))


def api_link(values: list[str]) -> str:
    """The URL in a `Link: <url>; rel="https://api.w.org/"` header, or ""."""
    for value in values:
        for m in re.finditer(r"<([^>]+)>\s*;([^,]*)", value):
            if re.search(r'rel\s*=\s*"?' + re.escape(API_REL), m.group(2)):
                return m.group(1)
    return ""


def _is_index(resp: FetchResponse) -> bool:
    try:
        data = json.loads(resp.body.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t"))
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and ("routes" in data or "namespaces" in data)
