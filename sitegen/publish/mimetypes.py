"""Content-Type for each published file: by extension, and by the root element for XML.

Our own table rather than the stdlib's `mimetypes`, whose answers depend on the machine's
/etc/mime.types (a publish from a laptop and from CI must send the same headers). XML is sniffed
because a WordPress mirror's feeds live at `feed/index.xml` (RSS) and `feed/atom/index.xml`
(Atom): the file name says nothing, the root element says everything. JSON Feed
(`feed/json/index.json`) is told from other JSON by its `version` URL.
"""

from __future__ import annotations

import re

UTF8 = "; charset=utf-8"
RSS = "application/rss+xml" + UTF8
ATOM = "application/atom+xml" + UTF8
XML = "application/xml" + UTF8
JSON = "application/json"
JSON_FEED = "application/feed+json" + UTF8
OCTET = "application/octet-stream"

BY_EXTENSION = {
    "html": "text/html" + UTF8,
    "htm": "text/html" + UTF8,
    "css": "text/css" + UTF8,
    "js": "text/javascript" + UTF8,
    "mjs": "text/javascript" + UTF8,
    "json": JSON,
    "map": "application/json",
    "webmanifest": "application/manifest+json",
    "txt": "text/plain" + UTF8,
    "md": "text/markdown" + UTF8,
    "csv": "text/csv" + UTF8,
    "xml": XML,
    "xsl": "application/xslt+xml",
    "rss": RSS,
    "atom": ATOM,
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "ico": "image/vnd.microsoft.icon",
    "bmp": "image/bmp",
    "woff2": "font/woff2",
    "woff": "font/woff",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "pdf": "application/pdf",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "wasm": "application/wasm",
    "zip": "application/zip",
    "gz": "application/gzip",
}

_ROOT_ELEMENT = re.compile(rb"<(?![?!])([A-Za-z][\w.:-]*)")
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https://jsonfeed\.org/version/')
_BY_ROOT = {b"rss": RSS, b"feed": ATOM, b"rdf:RDF": "application/rdf+xml" + UTF8}

# Types worth gzip-compressing: text. Images, fonts (woff2 is compressed) and video are not.
_COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|feed\+json|xml|rss\+xml|atom\+xml|manifest\+json|xslt\+xml|rdf\+xml|wasm)"
    r"|image/svg\+xml|image/vnd\.microsoft\.icon|font/(ttf|otf))"
)


def content_type(key: str, head: bytes = b"") -> str:
    """The Content-Type for `key`; `head` is the file's first bytes (used for XML only)."""
    name = key.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    found = BY_EXTENSION.get(ext, OCTET)
    if found == XML:
        match = _ROOT_ELEMENT.search(head[:2048])
        if match:
            return _BY_ROOT.get(match.group(1), XML)
    if found == JSON and _JSON_FEED.search(head[:2048]):
        return JSON_FEED
    return found


def is_compressible(content_type: str) -> bool:
    return bool(_COMPRESSIBLE.match(content_type))


def is_feed(content_type: str) -> bool:
    return content_type.startswith(
        ("application/rss+xml", "application/atom+xml", "application/feed+json")
    )
