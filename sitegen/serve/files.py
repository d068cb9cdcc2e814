"""What `sitegen serve` serves: a built directory on disk, or the build's outputs in memory.

Both answer the same two questions for a site-relative path: "what bytes are here?" and "is
this a folder?". The directory form refuses any path that would leave the site root, whether by
`..` or by a symlink pointing outside: a preview server must never become a file server for the
rest of the disk.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from sitegen import mediatypes


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
        # Not copied: a view of the build's outputs (serve's MemorySink keeps them packed and
        # unpacks the one read); the build replaces its mapping, it never changes this one.
        self.outputs = outputs
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


def content_type(rel: str, data: bytes) -> str:
    """The Content-Type for a site file: the one table publish and `_headers` use too, so a
    preview answers as the published site will (feeds, told apart by their root element)."""
    return mediatypes.content_type(rel, data)
