"""What `serve` reuses when an edit changed only the bodies of posts: the assembled site, the
plan and the fingerprints of the jobs the edit does not touch.

The commonest edit while previewing is to a post's text. Nothing that assembling the site or
planning its pages reads (titles, dates, terms, paths, status: the front matter) changed, so the
site, its 20,000 jobs and their fingerprints are last build's, except the few jobs that list an
edited file as a dependency: at 10,000 posts that is a second of work skipped per save. Anything
else — a front matter change, a file added or removed, another config, `_site.yaml` or
`_gone.yaml` — takes the normal path. The incremental property test runs serve's way too, so
this shortcut is held to the same contract: the output of a clean build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sitegen.build.output import Claims
from sitegen.build.plan import RenderJob
from sitegen.errors import Problem
from sitegen.model import Document
from sitegen.site.assemble import Site

# Site's memoised properties: tag bit sets and related posts depend on no body.
_CACHED = ("post_order", "tag_bits", "related_memo")


@dataclass
class Shape:
    """One build's site and plan, with what they were computed from."""

    inputs: tuple[Any, ...]  # config, site info, gone, options: must be equal to reuse
    docs: dict[str, Document]  # by content file: what was assembled
    site: Site
    jobs: list[RenderJob]
    problems: list[Problem]  # what assembling and planning said: said again on reuse
    site_fp: str = ""
    templates: dict[str, str] = field(default_factory=dict)  # template -> digest
    fps: dict[str, str] = field(default_factory=dict)  # output -> fingerprint
    # The plan's claimed jobs and the claims they made (Output.claims): the same plan claims
    # the same paths, and checking 40,000 of them again was half of serve's rebuild.
    claims: tuple[list[RenderJob], Claims] | None = None
    _by_source: dict[str, list[RenderJob]] | None = None

    def prepare(self) -> None:
        """Index the jobs by the files they read now: it is a third of a second at 10,000
        posts, which serve spends after a build rather than in the next save's."""
        self.jobs_reading("")

    def jobs_reading(self, source: str) -> list[RenderJob]:
        if self._by_source is None:
            index: dict[str, list[RenderJob]] = {}
            for job in self.jobs:
                for dep in job.deps:
                    index.setdefault(dep, []).append(job)
            self._by_source = index
        return self._by_source.get(source, [])


def _body_only(old: Document, new: Document) -> bool:
    return dataclasses.replace(new, body_digest=old.body_digest, body_line=old.body_line) == old


def reshaped(
    shape: Shape | None, inputs: tuple[Any, ...], docs: list[Document]
) -> tuple[Site, set[str]] | None:
    """Last build's site with the new bodies and the content files whose document changed,
    if only bodies did; else None. A document is unchanged if it is the very object last
    build assembled (the documents cache hands out the same object for the same bytes)."""
    if shape is None or shape.inputs != inputs or len(docs) != len(shape.docs):
        return None
    by_source = {doc.source: doc for doc in docs}
    changed = {s for s, doc in by_source.items() if shape.docs.get(s) is not doc}
    if by_source.keys() != shape.docs.keys():
        return None
    if not all(_body_only(shape.docs[s], by_source[s]) for s in changed):
        return None
    fresh = {by_source[s].path: by_source[s] for s in changed}
    site = dataclasses.replace(shape.site, docs={**shape.site.docs, **fresh})
    for name in _CACHED:
        if name in shape.site.__dict__:
            site.__dict__[name] = shape.site.__dict__[name]
    return site, changed


def fingerprints(
    shape: Shape,
    site_fp: str,
    templates: Mapping[str, str],
    changed: set[str],
    fingerprint: Callable[[RenderJob], str],
) -> dict[str, str] | None:
    """Last build's fingerprints with those of the jobs reading a changed file recomputed;
    None if something every job depends on changed (then all are computed)."""
    if site_fp != shape.site_fp or dict(templates) != shape.templates:
        return None
    fps = dict(shape.fps)
    for source in changed:
        for job in shape.jobs_reading(source):
            if job.output in fps:
                fps[job.output] = fingerprint(job)
    return fps
