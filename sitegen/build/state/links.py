"""The link check across builds: last build's results for pages whose inputs did not change.

A page's broken links are a function of its own bytes, the set of file names in the output,
`_redirects` (and the base path), and the ids of the pages its `#fragment` links point into.
When all of those are as they were, last build's result is this build's: a build that changes
one post re-parses a few dozen pages instead of 20,000. Kept in the build state
(sitegen.build.state.store).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sitegen.build.state.store import BuildState
from sitegen.checks.links import PageResult, unlinked
from sitegen.digests import digest
from sitegen.errors import Problem

Reuse = Callable[[str], PageResult | None]


def inputs_digest(files: Mapping[str, bytes], base_path: str) -> str:
    """What every page's result depends on: the base path, the file names and `_redirects`.
    Not the names of the search index's data files (an edit that adds a word adds a shard,
    which would send 20,000 pages through the parser again): pages fetch those by script, and
    a page that does link to one depends on it as a target (checks.links.UNLINKED)."""
    redirects = files.get("_redirects", b"")
    names = "\n".join(name for name in files if not unlinked(name))
    return digest(f"{base_path}\n{digest(redirects)}\n{names}")


def reuser(old: BuildState | None, inputs: str, outputs: Mapping[str, str]) -> Reuse | None:
    """A `reuse` for check_pages, given last build's state and this build's output digests."""
    if old is None or old.links.get("inputs") != inputs:
        return None
    pages = old.links.get("pages", {})

    def same(page: str) -> bool:
        new = outputs.get(page)
        return new is not None and new == old.outputs.get(page)

    def reuse(page: str) -> PageResult | None:
        if not same(page):
            return None
        try:  # the state is JSON anyone can edit: a bad entry means "check it again"
            targets, found = pages.get(page, [[], []])
            result = PageResult(
                [Problem(str(m), str(where), warning=True) for m, where in found],
                {str(t) for t in targets},
            )
        except (TypeError, ValueError):
            return None
        return result if all(same(t) for t in result.targets) else None

    return reuse


def to_state(inputs: str, results: Mapping[str, PageResult]) -> dict[str, Any]:
    """The `links` table of the build state: only pages with broken links or fragment links."""
    return {
        "inputs": inputs,
        "pages": {
            page: [sorted(r.targets), [[p.message, p.location] for p in r.problems]]
            for page, r in results.items()
            if r.targets or r.problems
        },
    }
