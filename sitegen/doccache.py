"""Parsed content files, trusted by `stat`: what lets a build of 10,000 posts not read them all.

Parsing front matter is most of what loading a site costs (PyYAML builds every value in Python).
A content file whose size, mtime and inode equal what they were when it was last parsed is not
read again; its parsed `Document` and its digest come from here. The others are read and
digested, and parsed only if their bytes changed.

Racy files (git's "racy clean" problem): a file changed twice within the clock's resolution can
keep its size and mtime. So a stamp is trusted only if the file was older than `RACY_SECONDS`
when it was taken; a younger file is read (cheap: it is one of the few just edited).

`sitegen build` keeps the entries in `.sitegen/documents/` (64 pickles, by a hash of the
file's path, so that an edit rewrites one) between runs; `serve` in its `Memo`. Pickles, because
rebuilding 10,000 frozen dataclasses from JSON would cost what parsing them does; they are
sitegen's own files in the site's own cache folder, checked for format and version, and anything
wrong with one means parsing its files again, never a wrong site.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from sitegen import __version__, speedups
from sitegen.cache import CACHE_DIR, digest
from sitegen.fsutil import atomic_write
from sitegen.model import Document

DOCS_DIR = "documents"
BUCKETS = 64  # one edit rewrites 1/64 of the cache, not 70 MB
FORMAT = 5  # 2: `meta`; 3: documents whose paths and slugs passed sitegen.safepath; 4: `zone`;
# 5: `comments` (an older cache would have read them as unknown keys)
RACY_SECONDS = 2.0

Stamp = tuple[int, int, int]  # size, mtime in ns, inode


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class Entry:
    """One content file as last parsed; `trusted`: its stamp alone proves it unchanged."""

    stamp: Stamp
    trusted: bool
    digest: str  # of the file's bytes
    doc: Document
    meta: str  # what the post's teaser shows is a function of (front_matter_digest)
    zone: str = "UTC"  # the site's time zone its dates were read and shown in


def entry(st: os.stat_result, taken_ns: int, key: str, doc: Document, zone: str = "UTC") -> Entry:
    """An entry for a file stat'ed (before it was read) in a run that started at `taken_ns`."""
    trusted = st.st_mtime_ns < taken_ns - RACY_SECONDS * 1e9
    return Entry(stamp_of(st), trusted, key, doc, front_matter_digest(doc, key), zone)


def front_matter_digest(doc: Document, file_digest: str) -> str:
    """A digest of everything but the body, which is what a teaser of the post shows (views);
    the file's own digest when the post has no summary (the teaser's comes from the body)."""
    if not doc.summary:
        return file_digest
    return digest(repr(dataclasses.replace(doc, body="", body_line=0)))


def _bucket(source: str) -> int:
    return zlib.crc32(source.encode()) % BUCKETS


def _bucket_path(site_dir: Path, n: int) -> Path:
    return site_dir / CACHE_DIR / DOCS_DIR / f"{n:02d}.pickle"


def load(site_dir: Path) -> tuple[dict[str, Entry], str]:
    """The saved entries by content file, and why some were not usable ("" if all were)."""
    entries: dict[str, Entry] = {}
    damaged = []
    with speedups.no_gc():
        for n in range(BUCKETS):
            found = _load_bucket(_bucket_path(site_dir, n))
            if found is None:
                damaged.append(n)
            else:
                entries.update(found)
    if not damaged:
        return entries, ""
    return entries, f"{CACHE_DIR}/{DOCS_DIR}: {len(damaged)} damaged file(s), parsed again"


def _load_bucket(path: Path) -> dict[str, Entry] | None:
    """A bucket's entries; {} if absent or another sitegen's; None if damaged."""
    try:
        raw = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except Exception:  # any damage at all: unpickling can raise almost anything
        return None
    if not isinstance(raw, dict) or (raw.get("format"), raw.get("sitegen")) != (
        FORMAT,
        __version__,
    ):
        return {}  # another sitegen's: parsed again, as any cache would be
    entries = raw.get("entries")
    if not isinstance(entries, dict) or not all(isinstance(e, Entry) for e in entries.values()):
        return None
    return entries


def save(site_dir: Path, entries: dict[str, Entry], changed: set[str]) -> None:
    """Rewrite the buckets that hold a changed (new, edited or deleted) content file."""
    buckets = {_bucket(source) for source in changed}
    grouped: dict[int, dict[str, Entry]] = {n: {} for n in buckets}
    for source, found in entries.items():
        if (n := _bucket(source)) in grouped:
            grouped[n][source] = found
    for n, part in sorted(grouped.items()):
        data = {"format": FORMAT, "sitegen": __version__, "entries": part}
        atomic_write(_bucket_path(site_dir, n), pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def now_ns() -> int:
    return time.time_ns()
