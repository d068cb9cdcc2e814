"""What `sitegen serve` serves: a built directory on disk, or the build's outputs in memory.

Both answer the same two questions for a site-relative path: "what bytes are here?" and "is
this a folder?". The directory form refuses any path that would leave the site root, whether by
`..` or by a symlink pointing outside: a preview server must never become a file server for the
rest of the disk.
"""

from __future__ import annotations

import bisect
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote


class SiteFiles(Protocol):
    """Read-only view of a built site; paths are POSIX, relative, without a leading "/"."""

    def read(self, rel: str) -> bytes | None:
        """The file's bytes, or None if there is no file at `rel`."""
        ...

    def is_dir(self, rel: str) -> bool: ...


class DirectoryFiles:
    """A site on disk (`public/`). Symlinks are followed only while they stay inside the root."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _inside(self, rel: str) -> Path | None:
        if _unsafe(rel):
            return None
        try:
            real = (self.root / rel).resolve()
        except (OSError, RuntimeError):  # symlink loops, names the OS refuses
            return None
        return real if real == self.root or real.is_relative_to(self.root) else None

    def read(self, rel: str) -> bytes | None:
        real = self._inside(rel)
        if real is None or not real.is_file():
            return None
        try:
            return real.read_bytes()
        except OSError:  # removed between the check and the read (a rebuild is writing)
            return None

    def is_dir(self, rel: str) -> bool:
        real = self._inside(rel)
        return real is not None and real.is_dir()


class MemoryFiles:
    """The build's outputs held in memory: {"2023/09/01/slug/index.html": b"..."}."""

    def __init__(self, outputs: Mapping[str, bytes]) -> None:
        self.outputs = dict(outputs)
        # Sorted names, not a set of every folder: made after each rebuild, and the set of
        # 20,000 pages' folders cost a tenth of a rebuild at 10,000 posts.
        self._names = sorted(self.outputs)

    def read(self, rel: str) -> bytes | None:
        return None if _unsafe(rel) else self.outputs.get(rel)

    def is_dir(self, rel: str) -> bool:
        if _unsafe(rel):
            return False
        prefix = rel.strip("/")
        if not prefix:
            return True
        prefix += "/"
        i = bisect.bisect_left(self._names, prefix)
        return i < len(self._names) and self._names[i].startswith(prefix)


def _unsafe(rel: str) -> bool:
    bad_char = "\\" in rel or "\x00" in rel
    return rel.startswith("/") or bad_char or any(p in ("..", ".") for p in rel.split("/"))


def url_candidates(url_path: str) -> list[str]:
    """Site paths to try for a URL path, best first; [] if the path tries to leave the site.

    A `..` segment, an encoded slash (`%2f`) or backslash, or a NUL byte is refused rather than
    normalised away: no real page needs one, and refusing is the safe answer. WordPress
    publishes non-ASCII slugs percent-encoded (`%e0%a4%b9`) and the content keeps them that way,
    so an output may be stored under the decoded name or under the encoded one: try both.
    """
    raw_parts = [p for p in url_path.split("/") if p]
    decoded_parts: list[str] | None = []
    for raw in raw_parts:
        try:
            part = unquote(raw, errors="strict")
        except UnicodeDecodeError:  # not UTF-8: only the encoded name can exist
            decoded_parts = None
            continue
        if part in ("..", ".") or any(c in part for c in "/\\\x00"):
            return []
        if decoded_parts is not None:
            decoded_parts.append(part)
    raw = "/".join(raw_parts)
    lowered = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), raw)
    decoded = "/".join(decoded_parts) if decoded_parts is not None else None
    return list(dict.fromkeys(c for c in (decoded, raw, lowered) if c is not None))


_FEED_TYPES = {
    b"rss": "application/rss+xml; charset=utf-8",
    b"feed": "application/atom+xml; charset=utf-8",
    b"RDF": "application/rdf+xml; charset=utf-8",
}
_TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".xsl": "text/xsl; charset=utf-8",
}
_XML_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)
_XML_ROOT = re.compile(rb"\s*<(?:[\w.-]+:)?([\w.-]+)")


def content_type(rel: str, data: bytes) -> str:
    """The Content-Type for a site file; XML is sniffed so feeds get their feed type.

    Feeds live at `feed/index.xml` whatever their flavour (RSS, Atom, RDF), so the name cannot
    tell them apart; the root element can.
    """
    suffix = Path(rel).suffix.lower()
    if suffix == ".xml":
        return xml_type(data)
    if suffix == ".json" and b"jsonfeed.org/version/" in data[:1024]:
        return "application/feed+json; charset=utf-8"  # as the build's _headers says
    if suffix in _TEXT_TYPES:
        return _TEXT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(rel, strict=False)
    return guessed or "application/octet-stream"


def xml_type(data: bytes) -> str:
    head = data[:4096]
    pos = 0
    while match := _XML_SKIP.match(head, pos):
        pos = match.end()
    root = _XML_ROOT.match(head, pos)
    name = root.group(1) if root else b""
    return _FEED_TYPES.get(name, "application/xml; charset=utf-8")
