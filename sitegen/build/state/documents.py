"""Parsed content files, trusted by `stat`: what lets a build of 10,000 posts not read them all.

Parsing front matter is most of what loading a site costs (PyYAML builds every value in Python).
A content file whose size, mtime and inode equal what they were when it was last parsed is not
read again; its parsed `Document` and its digest come from here. The others are read and
digested, and parsed only if their bytes changed.

A stamp is trusted only for a file that had settled when it was taken (sitegen.build.state.store's
racy
rule); a younger file is read (cheap: it is one of the few just edited).

`sitegen build` keeps the entries in the build state (sitegen.build.state.store: one row per
content file,
so that an edit rewrites one); `serve` in its `Memo`. Pickled, because rebuilding 10,000 frozen
dataclasses from JSON would cost what parsing them does; they are sitegen's own rows in the
site's own versioned database, and anything wrong with one means parsing its file again, never
a wrong site.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sitegen import speedups
from sitegen.build.state.store import Stamp, settled
from sitegen.digests import fingerprint
from sitegen.model import Author, Document, Seo, Term


@dataclass(frozen=True)
class CachedDocument:
    """One content file as last parsed; `trusted`: its stamp alone proves it unchanged."""

    stamp: Stamp
    trusted: bool
    digest: str  # of the file's bytes
    doc: Document
    meta: str  # what the post's teaser shows is a function of (front_matter_digest)
    zone: str = "UTC"  # the site's time zone its dates were read and shown in


def entry(
    st: os.stat_result, taken_ns: int, key: str, doc: Document, zone: str = "UTC"
) -> CachedDocument:
    """An entry for a file stat'ed (before it was read) in a run that started at `taken_ns`."""
    _share(doc)
    trusted = settled(st.st_mtime_ns, taken_ns)
    return CachedDocument(Stamp.of(st), trusted, key, doc, front_matter_digest(doc, key), zone)


def front_matter_digest(doc: Document, file_digest: str) -> str:
    """A digest of everything but the body, which is what a teaser of the post shows (views);
    the file's own digest when the post has no summary (the teaser's comes from the body)."""
    if not doc.summary:
        return file_digest
    return fingerprint(dataclasses.replace(doc, body_digest="", body_line=0))


def load(rows: Iterable[tuple[str, bytes]]) -> tuple[dict[str, CachedDocument], str]:
    """The saved entries by content file, and why some were not usable ("" if all were)."""
    entries: dict[str, CachedDocument] = {}
    damaged = 0
    with speedups.no_gc():
        for source, data in rows:
            try:
                found = loads(data)
            except Exception:  # any damage at all: unpickling can raise almost anything
                found = None
            if isinstance(found, CachedDocument):
                entries[source] = found
            else:
                damaged += 1
    return (
        entries,
        f"{damaged} damaged document(s) in the build state, parsed again" if damaged else "",
    )


# One object for each distinct author, term and SEO record of the documents a process has
# loaded. Each document parsed or unpickled brought its own copies, and those copies were about
# half of a loaded document's memory (3 KB of 7 KB). They are frozen values, so one copy stands
# for all equal ones. The pool holds only distinct values, a few thousand on a news site, so it
# is never cleared. A row names them by value (a persistent id: the class's tag and its fields),
# so loading one builds no copy at all and looks it up by a hash of plain text.
_POOL: dict[tuple[object, ...], object] = {}
_CLASSES: dict[str, type] = {"author": Author, "term": Term, "seo": Seo}
_TAGS = {cls: tag for tag, cls in _CLASSES.items()}
_NAMES = {cls: [f.name for f in dataclasses.fields(cls)] for cls in _CLASSES.values()}


def _value_id(value: object) -> tuple[object, ...] | None:
    """The pool's key of a value it shares (the class's tag and its fields), else None."""
    return _key(value) if type(value) in _TAGS else None


def _key(value: object) -> tuple[object, ...]:
    cls = type(value)
    return (_TAGS[cls], *(getattr(value, name) for name in _NAMES[cls]))


def _pooled(key: tuple[object, ...]) -> object:
    found = _POOL.get(key)
    if found is None:
        found = _POOL[key] = _CLASSES[str(key[0])](*key[1:])
    return found


def _share(doc: Document) -> None:
    """Point a just-parsed `doc` at the pool's copies. Nobody else holds it yet, so setting
    fields of the frozen object is safe."""
    pool = _POOL
    if doc.author is not None:
        object.__setattr__(doc, "author", pool.setdefault(_key(doc.author), doc.author))
    for name in ("categories", "tags"):
        terms = tuple(pool.setdefault(_key(t), t) for t in getattr(doc, name))
        object.__setattr__(doc, name, terms)
    object.__setattr__(doc, "seo", pool.setdefault(_key(doc.seo), doc.seo))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: object) -> tuple[object, ...] | None:
        return _value_id(obj)


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: tuple[object, ...]) -> object:
        if not (isinstance(pid, tuple) and pid and pid[0] in _CLASSES):
            raise pickle.UnpicklingError(f"unknown value {pid!r}")
        return _pooled(pid)


def dumps(entry: CachedDocument) -> bytes:
    out = io.BytesIO()
    _Pickler(out, pickle.HIGHEST_PROTOCOL).dump(entry)
    return out.getvalue()


def loads(data: bytes) -> object:
    return _Unpickler(io.BytesIO(data)).load()


class Rows(Mapping[str, "bytes | None"]):
    """The rows to write for the changed (new, edited or deleted) content files, each pickled
    only as it is written (None: delete it): a clean build's are every document's, which all
    at once were a fifth of the build's peak memory."""

    def __init__(self, entries: dict[str, CachedDocument], changed: set[str]) -> None:
        self.entries, self.changed = entries, sorted(changed)

    def __getitem__(self, source: str) -> bytes | None:
        entry = self.entries.get(source)
        return None if entry is None else dumps(entry)

    def __iter__(self) -> Iterator[str]:
        return iter(self.changed)

    def __len__(self) -> int:
        return len(self.changed)


def now_ns() -> int:
    return time.time_ns()
