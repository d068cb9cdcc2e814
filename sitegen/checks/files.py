"""A built site as a read-only mapping of output paths to bytes, on disk or in memory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path


class DirFiles(Mapping[str, bytes]):
    """The files under `root`, keyed by their POSIX path relative to it; read on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        self._known = set(self._names)

    def __getitem__(self, key: str) -> bytes:
        if key not in self._known:
            raise KeyError(key)
        return (self.root / key).read_bytes()

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def as_files(site: Path | Mapping[str, bytes]) -> Mapping[str, bytes]:
    return DirFiles(site) if isinstance(site, Path) else site
