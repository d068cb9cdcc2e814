"""The preview HTTP server: static files the way a static host serves them, plus live reload.

`respond()` is the whole serving policy as one function of (site, path, query); the handler
only moves bytes. Policy, in Netlify's order: a forced redirect rule; the file (a folder serves
its `index.html`, then `index.xml`, then `index.json`; a folder named without its trailing
slash is redirected to it); an unforced rule; the site's `404.html`.
"""

from __future__ import annotations

import errno
import socket
import sys
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from sitegen.errors import SitegenError
from sitegen.serve.files import SiteFiles, content_type, url_candidates
from sitegen.serve.redirects import REDIRECT_CODES, find
from sitegen.serve.reload import CLIENT_JS, EVENTS_PATH, SCRIPT_PATH, LiveSite, LiveState, inject

INDEX_NAMES = ("index.html", "index.xml", "index.json")
HIDDEN = frozenset({"_redirects", "_headers"})  # host configuration, not pages
KEEPALIVE_SECONDS = 15.0
# A connection that sends no request (or does not take its answer) for this long is closed:
# each one holds a thread, and 600 idle connections were 600 threads that never ended.
IDLE_SECONDS = 30.0
URL_SAFE = "/:?&=%#+@!$'()*,;~[]"  # what may stay as it is in a Location header


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def text_response(status: int, text: str) -> Reply:
    return Reply(status, text.encode(), {"Content-Type": "text/plain; charset=utf-8"})


@dataclass(frozen=True)
class Found:
    rel: str  # the site path of the file served
    data: bytes
    folder: bool  # the URL named a folder, and this is its index


def _locate(files: SiteFiles, candidates: list[str]) -> Found | None:
    for rel in candidates:
        if rel in HIDDEN:
            continue
        if files.is_dir(rel):
            for name in INDEX_NAMES:
                index = f"{rel}/{name}" if rel else name
                data = files.read(index)
                if data is not None:
                    return Found(index, data, folder=True)
            continue
        data = files.read(rel)
        if data is not None:
            return Found(rel, data, folder=False)
    return None


def _file(found: Found, version: int, status: int = 200) -> Reply:
    data = found.data
    ctype = content_type(found.rel, data)
    if ctype.startswith("text/html"):
        data = inject(data, version)
    return Reply(status, data, {"Content-Type": ctype})


def not_found(site: LiveSite, version: int, status: int = 404, url_path: str = "/") -> Reply:
    """The 404 page of the folder nearest `url_path` that has one: a site built for a base
    path keeps its pages, 404.html included, in that folder of public/ (`web/404.html`)."""
    parts = [p for p in url_path.split("/") if p][:-1] if url_candidates(url_path) else []
    for depth in range(len(parts), -1, -1):
        for rel in url_candidates("/".join([*parts[:depth], "404.html"])):
            data = site.files.read(rel)
            if data is not None:
                return _file(Found(rel, data, folder=False), version, status)
    return text_response(status, f"{status} Not Found\n" if status == 404 else f"{status}\n")


def respond(site: LiveSite, url_path: str, query: str, version: int) -> Reply:
    """The response for GET `url_path`?`query` (a raw, still percent-encoded path)."""
    candidates = url_candidates(url_path)
    if not candidates:
        return text_response(400, "400 Bad Request: the path leaves the site\n")
    found = _locate(site.files, candidates)
    params = parse_qs(query, keep_blank_values=True)
    decoded = "/" + unquote(url_path, errors="replace").lstrip("/")
    match = find(site.rules, decoded, params, query, file_exists=found is not None)
    if match is None:
        if found is None:
            return not_found(site, version, url_path=url_path)
        if found.folder and not url_path.endswith("/"):
            # Static hosts address folders with a trailing slash; relative links need it.
            return Reply(301, b"", {"Location": url_path + "/" + (f"?{query}" if query else "")})
        return _file(found, version)
    status, target = match.rule.status, match.location
    if status in REDIRECT_CODES:
        # Headers are Latin-1: anything else in a target goes percent-encoded.
        return Reply(status, b"", {"Location": quote(target, safe=URL_SAFE)})
    if not target.startswith("/"):
        return text_response(501, f"sitegen serve does not proxy to {target}\n")
    hit = _locate(site.files, url_candidates(target.split("?", 1)[0]))
    if hit is None:
        return not_found(site, version, 404 if status == 200 else status, url_path)
    return _file(hit, version, status)


class Handler(BaseHTTPRequestHandler):
    """Moves bytes; `respond()` decides. One thread per connection (event streams block)."""

    server: PreviewServer
    server_version = "sitegen-serve"

    def setup(self) -> None:
        super().setup()
        # A read or write that waits longer ends the connection (handle_one_request catches
        # the TimeoutError). An event stream writes at least every KEEPALIVE_SECONDS, so it is
        # never idle that long.
        self.connection.settimeout(self.server.idle_timeout)

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def _handle(self, *, send_body: bool) -> None:
        url = urlsplit(self.path)
        state = self.server.state
        if url.path == EVENTS_PATH and send_body:
            self._events(state)
            return
        if url.path == SCRIPT_PATH:
            js_type = {"Content-Type": "text/javascript; charset=utf-8"}
            resp = Reply(200, CLIENT_JS.encode(), js_type)
        else:
            snap = state.snapshot()
            resp = (
                waiting_page(snap.version)
                if snap.site is None
                else respond(snap.site, url.path or "/", url.query, snap.version)
            )
        self._send(resp, send_body)

    def _send(self, resp: Reply, send_body: bool) -> None:
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.send_header("Cache-Control", "no-store")  # a preview must never show stale pages
            self.end_headers()
            if send_body:
                self.wfile.write(resp.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser left (a reload, a closed tab) before the answer was written

    def _events(self, state: LiveState) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        snap = state.snapshot()
        try:
            self.wfile.write(b"retry: 500\n\n" + snap.event())
            self.wfile.flush()
            seen = snap.changes
            while not state.closed:
                newer = state.wait(seen, KEEPALIVE_SECONDS)
                if newer is not None:
                    seen = newer.changes
                self.wfile.write(newer.event() if newer is not None else b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away; nothing to clean up

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def waiting_page(version: int) -> Reply:
    """Served before the first good build: the overlay shows why, the reload shows the site."""
    html = b"<!doctype html><title>sitegen serve</title><p>Waiting for a good build.</p></body>"
    return Reply(503, inject(html, version), {"Content-Type": "text/html; charset=utf-8"})


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams must not keep the process alive at Ctrl-C

    def __init__(self, host: str, port: int, state: LiveState, *, verbose: bool = False) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.state = state
        self.verbose = verbose
        self.idle_timeout = IDLE_SECONDS  # seconds; read by each new connection
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/"


def make_server(host: str, port: int, state: LiveState, *, verbose: bool = False) -> PreviewServer:
    """A bound, listening server; a busy port is the user's to fix, so it is a SitegenError."""
    try:
        return PreviewServer(host, port, state, verbose=verbose)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SitegenError(
                f"{host}:{port} is already in use",
                "",
                "another `sitegen serve` (or another server) is running there; stop it or "
                "choose a free port with --port",
            ) from None
        raise SitegenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
