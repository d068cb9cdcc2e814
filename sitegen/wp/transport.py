"""One GET over http.client: every redirect hop vetted, the socket pinned, the body capped.

Why not urllib's opener: it follows redirects itself (to any scheme its handlers know, to any
address) and resolves the host again when it connects, so a check made before the request says
nothing about where the request went. Here `vet` resolves the host once and checks every address
(netguard.py has the rules), and the connection classes below connect to exactly those addresses
while sending the name in the Host header and in TLS SNI (certificates are checked against the
name, as usual). Redirects are followed by `get` itself, each hop vetted the same way.

The body is read in chunks and abandoned as soon as it passes the caller's cap, so a huge or
endless answer costs at most the cap in memory.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from email.message import Message
from ipaddress import ip_address
from urllib.parse import urljoin, urlsplit

from sitegen.errors import SitegenError
from sitegen.wp.netguard import Address, Origin, origin, refusal

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_HOPS = 8
CHUNK = 64 * 1024
TRUST_HINT = (
    "sitegen fetches only public addresses, except from the exact origin (scheme, host, port) "
    "named with --from"
)


class FetchError(SitegenError):
    """A request that failed in a way the user (or the site's owner) has to fix."""

    def __init__(self, message: str, location: str = "", hint: str = "", code: str = "") -> None:
        super().__init__(message, location, hint)
        self.code = code  # WordPress's error code, when it sent one


@dataclass(frozen=True)
class Target:
    """A vetted request target: connect to one of `addresses`, speak to `host`."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]
    path: str  # path and query, as sent on the request line


@dataclass
class Answer:
    url: str  # the last hop's URL
    status: int
    headers: Message
    body: bytes


def get(
    url: str, headers: dict[str, str], *, timeout: float, limit: int, trusted: frozenset[Origin],
    confined: frozenset[Origin] = frozenset(),
) -> Answer:  # fmt: skip
    """GET `url`, following up to MAX_HOPS redirects, each one vetted before it is connected;
    with `confined`, every hop must also be on one of those origins."""
    first = url
    for _ in range(MAX_HOPS + 1):
        if confined and origin(url) not in confined:
            raise FetchError(f"refused: {url} is on another host than the site's", first)
        target = vet(url, trusted)
        status, head, body = _request(target, headers, timeout, limit, url)
        location = head.get("Location") if status in REDIRECTS else None
        if not location:
            return Answer(url, status, head, body)
        url = _next_hop(url, str(location))
    raise FetchError(f"more than {MAX_HOPS} redirects", first, "the site redirects in a loop")


def _next_hop(current: str, location: str) -> str:
    return iri_to_uri(urljoin(current, location.strip()))


def iri_to_uri(url: str) -> str:
    """Percent-encode what HTTP refuses (spaces, non-ASCII) and leave existing escapes alone."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    safe = "/:@!$&'()*+,;=%~-._"
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            host,
            urllib.parse.quote(parts.path, safe=safe),
            urllib.parse.quote(parts.query, safe=safe + "?"),
            "",
        )
    )


def vet(url: str, trusted: frozenset[Origin]) -> Target:
    """Resolve and check `url`'s host; a FetchError before any connection if it is refused."""
    where = origin(url)
    if where is None:
        scheme = urlsplit(url).scheme or "no scheme"
        raise FetchError(
            f"refused: only http:// and https:// addresses are fetched (got {scheme}: {url})",
            url,
        )
    scheme, host, port = where
    addresses = resolve(host, port, url)
    if where not in trusted:
        for address in addresses:
            why = refusal(address)
            if why:
                raise FetchError(
                    f"refused: {host} is a {why} address ({address}): {url}", url, TRUST_HINT
                )
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, tuple(str(a) for a in addresses), path)


def resolve(host: str, port: int, url: str) -> list[Address]:
    """Every address DNS gives for `host` (literal addresses included), in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise FetchError(
            f"cannot connect: cannot resolve {host} ({reason})",
            url,
            "check the address and that the site is up",
        ) from None
    found: list[Address] = []
    for info in infos:
        try:
            address = ip_address(str(info[4][0]))
        except ValueError:
            continue
        if address not in found:
            found.append(address)
    if not found:
        raise FetchError(f"cannot connect: {host} has no IP address", url)
    return found


def _connect(addresses: tuple[str, ...], port: int, timeout: float | None) -> socket.socket:
    """A socket to the first vetted address that answers (as create_connection tries each)."""
    last: OSError = OSError("no address")
    for address in addresses:
        try:
            sock = socket.create_connection((address, port), timeout)
        except OSError as exc:
            last = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise last


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One context for every connection: loading the CA store takes milliseconds each time."""
    return ssl.create_default_context()


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self.tls = _tls()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.addresses = target.addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _request(
    target: Target, headers: dict[str, str], timeout: float, limit: int, url: str
) -> tuple[int, Message, bytes]:
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = kind(target, timeout)
    try:
        conn.request("GET", target.path, headers=headers)
        resp = conn.getresponse()
        if resp.status in REDIRECTS and resp.getheader("Location"):
            return resp.status, resp.msg, b""  # the body of a redirect is not read at all
        return resp.status, resp.msg, read_capped(resp, limit, url)
    finally:
        conn.close()


def read_capped(resp: http.client.HTTPResponse, limit: int, url: str) -> bytes:
    """The body, or a FetchError as soon as it is longer than `limit` (never read past it)."""
    declared = resp.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_big(limit, url, f"it announces {int(declared):,} bytes")
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = resp.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            if declared.isdigit() and total < int(declared):  # the server hung up mid-body
                raise http.client.IncompleteRead(b"".join(chunks), int(declared) - total)
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise _too_big(limit, url, "stopped reading there")
        chunks.append(chunk)


def _too_big(limit: int, url: str, detail: str) -> FetchError:
    return FetchError(
        f"refused: the answer is larger than the limit of {limit:,} bytes ({detail})",
        url,
        "larger answers are refused; --max-download raises the limit for media files",
    )
