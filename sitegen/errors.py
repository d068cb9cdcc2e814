"""Errors that read like compiler output.

Every problem the user can fix names *where* it is (file, line or JSON path), *what* is wrong
and, where we know it, *how* to fix it. Stages collect problems in a `Problems` list instead of
stopping at the first one, so a user sees everything that is wrong in one run (MkDocs' way).
Bugs are not `SitegenError`s: they keep their traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


class SitegenError(Exception):
    """A problem with the user's input or environment, not a bug in sitegen."""

    def __init__(self, message: str, location: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


@dataclass
class Problem:
    """One collected error or warning."""

    message: str
    location: str = ""
    hint: str = ""
    warning: bool = False

    @classmethod
    def from_error(cls, err: SitegenError, *, warning: bool = False) -> Problem:
        return cls(err.message, err.location, err.hint, warning)

    def render(self) -> str:
        kind = "warning" if self.warning else "error"
        head = (
            f"{self.location}: {kind}: {self.message}"
            if self.location
            else f"{kind}: {self.message}"
        )
        return head + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass
class Problems:
    """An ordered collection of problems; errors and warnings together."""

    items: list[Problem] = field(default_factory=list)

    def error(self, message: str, location: str = "", hint: str = "") -> None:
        self.items.append(Problem(message, location, hint))

    def warn(self, message: str, location: str = "", hint: str = "") -> None:
        self.items.append(Problem(message, location, hint, warning=True))

    def add(self, err: SitegenError, *, warning: bool = False) -> None:
        self.items.append(Problem.from_error(err, warning=warning))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def render(self) -> str:
        """Numbered, one problem per entry, errors first (they are what stops the run)."""
        ordered = self.errors + self.warnings
        return "\n".join(f"[{i}] {p.render()}" for i, p in enumerate(ordered, 1))
