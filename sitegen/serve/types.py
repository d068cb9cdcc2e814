"""The contract between the preview server and whatever builds the site for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sitegen.errors import Problems
from sitegen.serve.files import SiteFiles


@dataclass
class BuildOutcome:
    """What a build gives the server: the files (None if it failed or stopped) and its
    problems."""

    files: SiteFiles | None
    problems: Problems = field(default_factory=Problems)
    # What the build left for later (feeds, sitemap, search index: no page a browser shows
    # needs them): run right after the result is served; its files replace these quietly.
    later: Later | None = None
    stopped: bool = False  # stopped as its `stop` asked: nothing to serve, nothing failed


class Later(Protocol):
    """The rest of a build; `stop` is asked as it goes whether to give up (a newer change)."""

    def __call__(self, stop: Callable[[], bool] = ...) -> BuildOutcome: ...


# Called with the source paths that changed (empty for the first build).
Builder = Callable[[frozenset[Path]], BuildOutcome]
