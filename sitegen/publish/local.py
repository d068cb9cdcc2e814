"""A folder as an object store: for a local web server, a mounted volume, or Netlify's `--dir`.

A folder keeps no headers, so `keeps_metadata` is False and the planner compares content only.
Hashing local files is cheap, so `head` hashes the file itself and no manifest is needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from sitegen.fsutil import atomic_write
from sitegen.publish.store import (
    AlreadyExistsError,
    NotFoundError,
    ObjectMeta,
    RemoteObject,
    StoreError,
)
from sitegen.safepath import UnsafePath, check_name, inside

# The temporary names of sitegen's writes here: atomic_write's mkstemp (`.<name>.` + 8 random
# characters + `.tmp`) and put(if_absent)'s `.<name>.new.tmp`.
_TEMPORARY = re.compile(r"\..+\.(?:[a-z0-9_]{8}|new)\.tmp", re.DOTALL)


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()

    @property
    def name(self) -> str:
        return f"{self.root}/"  # like s3://bucket/prefix/: the name, then a key, is a path

    @property
    def keeps_metadata(self) -> bool:
        return False

    def check(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise StoreError("target exists and is not a folder", str(self.root))
        self._remove_temporaries()

    def _remove_temporaries(self) -> None:
        """Remove the temporary files a run killed mid-write left here (`atomic_write`'s
        `.<name>.<random>.tmp`, `put`'s `.<name>.new.tmp`): whoever serves this folder would
        publish them. Only names of that exact form are touched."""
        if not self.root.is_dir():
            return
        for dirpath, _dirnames, filenames in os.walk(self.root):
            for filename in filenames:
                if _TEMPORARY.fullmatch(filename):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(dirpath, filename))

    def _path(self, key: str, *, link_ok: bool = False) -> Path:
        """The file of `key`, through the gate: no `..`, and no symbolic link on the way that
        would make a read or write land outside the target. `link_ok`: the file itself may be
        a link, for what replaces or removes the link itself (a rename or an unlink of it
        never touches what it points to)."""
        try:
            if not link_ok:
                return inside(self.root, key)
            folder, _, name = key.rpartition("/")
            return (inside(self.root, folder) if folder else self.root) / check_name(name)
        except UnsafePath as exc:
            raise StoreError(f"unsafe object key {key!r}: {exc}", str(self.root)) from None

    def list(self, prefix: str = "") -> list[RemoteObject]:
        if not self.root.is_dir():
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            for filename in filenames:
                # Temporaries of a write in progress (or of a killed run): not objects.
                if _TEMPORARY.fullmatch(filename):
                    continue
                path = Path(dirpath, filename)
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    # No hash here: a listing of a large archive must not read every file.
                    # Whoever needs the hash asks head(), which reads just that file.
                    found.append(RemoteObject(key, path.stat().st_size))
        return sorted(found, key=lambda o: o.key)

    def head(self, key: str) -> ObjectMeta | None:
        path = self._path(key, link_ok=True)
        if path.is_symlink():
            return ObjectMeta()  # never read through it: unknown, so the upload replaces it
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        return ObjectMeta(sha256=hashlib.sha256(data).hexdigest())

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFoundError("no such object", self.name + key) from None

    def put(self, key: str, body: bytes, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        path = self._path(key, link_ok=True)
        if not if_absent:
            atomic_write(path, body)
            return
        self._into_place(key, path, lambda tmp: atomic_write(tmp, body), if_absent=True)

    def put_file(self, key: str, path: Path, meta: ObjectMeta, *, if_absent: bool = False) -> None:
        """Copied in chunks beside its place, then put there."""
        dest = self._path(key, link_ok=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        self._into_place(key, dest, lambda tmp: shutil.copyfile(path, tmp), if_absent=if_absent)

    def _into_place(
        self, key: str, dest: Path, write: Callable[[Path], object], *, if_absent: bool
    ) -> None:
        """`write` a temporary file beside `dest`, then rename it there or, with `if_absent`,
        hard-link it: link() fails if the name is taken, so two writers can never overwrite
        each other (the folder's If-None-Match)."""
        tmp = dest.with_name(f".{dest.name}.new.tmp")
        write(tmp)
        try:
            if if_absent:
                os.link(tmp, dest)
            else:
                os.replace(tmp, dest)
        except FileExistsError:
            raise AlreadyExistsError("object exists", self.name + key) from None
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            path = self._path(key, link_ok=True)
            path.unlink(missing_ok=True)
            # Remove folders the delete emptied, so a deleted page leaves no empty directory.
            parent = path.parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
