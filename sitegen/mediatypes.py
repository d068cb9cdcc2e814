"""The one table of content types: what `_headers`, `sitegen serve` and `sitegen publish` say a
file is. Imports nothing of the package, so every side can use it.

Our own table rather than the stdlib's `mimetypes`, whose answers depend on the machine's
/etc/mime.types (a publish from a laptop and from CI, and a preview on either, must send the
same headers). XML is sniffed because a WordPress mirror's feeds live at `feed/index.xml` (RSS)
and `feed/atom/index.xml` (Atom): the file name says nothing, the root element says everything.
JSON Feed (`feed/json/index.json`) is told from other JSON by its `version` URL.
"""

from __future__ import annotations

import re

UTF8 = "; charset=utf-8"
RSS = "application/rss+xml" + UTF8
ATOM = "application/atom+xml" + UTF8
RDF = "application/rdf+xml" + UTF8
XML = "application/xml" + UTF8
JSON = "application/json"
JSON_FEED = "application/feed+json" + UTF8
HTML = "text/html" + UTF8
OCTET = "application/octet-stream"

BY_EXTENSION = {
    "html": HTML,
    "htm": HTML,
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

# How many first bytes of a file `content_type` looks at (publish reads no more than this).
HEAD = 2048

# Declarations, comments and a doctype (with its internal subset) may come before the root
# element (a feed's `<?xml-stylesheet?>`); a namespace prefix (`rdf:RDF`) does not change what
# the root is.
_XML_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.S)
_XML_ROOT = re.compile(rb"\s*<(?:[\w.-]+:)?([\w.-]+)")
_BY_ROOT = {b"rss": RSS, b"feed": ATOM, b"RDF": RDF}
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https://jsonfeed\.org/version/')

# Types worth gzip-compressing: text. Images, fonts (woff2 is compressed) and video are not.
_COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|feed\+json|xml|rss\+xml|atom\+xml|manifest\+json|xslt\+xml|rdf\+xml|wasm)"
    r"|image/svg\+xml|image/vnd\.microsoft\.icon|font/(ttf|otf))"
)


def content_type(key: str, head: bytes = b"") -> str:
    """The Content-Type for the site file `key`; `head` is its first bytes (read for XML and
    JSON only, at most `HEAD` of them)."""
    name = key.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    found = BY_EXTENSION.get(ext, OCTET)
    if found == XML:
        return xml_type(head[:HEAD])
    if found == JSON and _JSON_FEED.search(head[:HEAD]):
        return JSON_FEED
    return found


def xml_type(head: bytes) -> str:
    """RSS, Atom or RDF by the document's root element; plain XML otherwise."""
    pos = 0
    while match := _XML_SKIP.match(head, pos):
        pos = match.end()
    root = _XML_ROOT.match(head, pos)
    return _BY_ROOT.get(root.group(1) if root else b"", XML)


def essence(content_type: str) -> str:
    """The type without its parameters (`application/rss+xml`), as a `type` attribute says it."""
    return content_type.split(";", 1)[0].strip()


def is_compressible(content_type: str) -> bool:
    return bool(_COMPRESSIBLE.match(content_type))
