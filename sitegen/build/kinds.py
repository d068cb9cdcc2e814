"""The registry of output kinds: what each kind of output of a build is, in one table.

A `RenderJob`'s `kind` is a key of `KINDS`; every module that has to treat kinds differently
asks the kind (`kind_of(job).tracked`, `.in_sitemap`, `.produce(renderer, job)`) instead of
testing kind strings. A new kind is one row here (and its planner in `plan.py`).

Three kinds of output are registered without being `RenderJob`s, because the orchestrator
writes them from data it already holds rather than rendering them one by one: static files
(copied), the search index's files (assembled as a whole, `build/state/searchindex.py`) and
the `wp-lookup/` tables (`build/querylookup.py`). They have no producer; the registry gives
them their owner phrase for collision messages and their content type like every other output.

Imports nothing of the build but the content-type table: the producers reach the renderer
through the object they are handed, so plan, render and the orchestrator can all import this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen import mediatypes

if TYPE_CHECKING:
    from sitegen.build.plan import RenderJob
    from sitegen.build.render import Renderer

Producer = Callable[["Renderer", "RenderJob"], bytes]

BODIES, TEASERS, FRONT_MATTER = "bodies", "teasers", "front matter"


@dataclass(frozen=True)
class JobKind:
    name: str
    # The function that renders one job of the kind; None for outputs written as a whole by
    # the orchestrator (statics, the search index, the lookup tables).
    producer: Producer | None
    # Its plan lists every content file it reads (`deps`), so it has a fingerprint and keeps
    # last build's bytes while that is unchanged; the others render every build (cheap ones).
    tracked: bool = False
    in_sitemap: bool = False  # page 1 of it is listed in sitemap.xml (unless noindex)
    # Who writes it, in a URL collision's message: `{source}` is the content file (or the
    # static file) behind it, `{kind}` and `{path}` its kind and URL path.
    owner: str = "the {kind} page /{path}"
    document: bool = False  # its key is a document's path (post and page)
    # What it shows of the documents it lists or depends on (a document's own page shows its
    # own body whatever this says): BODIES (a feed, a list of full posts); TEASERS (their front
    # matter, and the start of the body of one without a summary); FRONT_MATTER (dates, paths,
    # ids: the archive index only counts its items, the sitemap and server rules list paths).
    # It decides which bodies a build renders for the output and which digest of each
    # dependency its fingerprint takes, so an edited body re-renders only what shows it.
    shows: str = BODIES
    # Read by the host at the root of what it publishes (Netlify's publish folder), whatever
    # path the site is served at, so written at public/'s root, not in the site's folder
    # (`SiteConfig.output_root`); its rules name full URL paths (`/web/feed/`).
    host_root: bool = False

    def produce(self, renderer: Renderer, job: RenderJob) -> bytes:
        if self.producer is None:
            raise ValueError(f"{self.name} outputs are written by the orchestrator, not rendered")
        return self.producer(renderer, job)

    def owner_of(self, path: str, source: str = "") -> str:
        return self.owner.format(kind=self.name, path=path, source=source)

    @staticmethod
    def content_type(output: str, head: bytes = b"") -> str:
        """What build, serve and publish all say the output file is (sitegen.mediatypes)."""
        return mediatypes.content_type(output, head)


def _template(r: Renderer, job: RenderJob) -> bytes:
    return r.page(job)


def _feed(r: Renderer, job: RenderJob) -> bytes:
    return r.feed(job)


def _sitemap(r: Renderer, job: RenderJob) -> bytes:
    return r.sitemap(job)


def _robots(r: Renderer, job: RenderJob) -> bytes:
    return r.robots()


def _redirects(r: Renderer, job: RenderJob) -> bytes:
    return r.redirects()


def _headers(r: Renderer, job: RenderJob) -> bytes:
    return r.headers()


_DOC = "{source}"
_LISTS = ("home", "category", "tag", "author", "archive")
_FEEDS = ("home", "category", "tag", "author", "comments", "post")

KINDS: dict[str, JobKind] = {
    k.name: k
    for k in (
        JobKind("post", _template, tracked=True, in_sitemap=True, owner=_DOC, document=True,
                shows=TEASERS),
        JobKind("page", _template, tracked=True, in_sitemap=True, owner=_DOC, document=True),
        *(JobKind(name, _template, tracked=True, in_sitemap=True) for name in _LISTS),
        JobKind("terms", _template, in_sitemap=True),
        JobKind("archive-index", _template, tracked=True, in_sitemap=True,
                shows=FRONT_MATTER),
        JobKind("404", _template, shows=TEASERS),
        JobKind("410", _template, shows=TEASERS),
        JobKind("search", _template),
        *(JobKind(f"feed-{name}", _feed, tracked=True) for name in _FEEDS),
        JobKind("sitemap", _sitemap, tracked=True, shows=FRONT_MATTER),
        JobKind("sitemap-index", _sitemap, tracked=True, shows=FRONT_MATTER),
        JobKind("robots", _robots),
        JobKind("redirects", _redirects, tracked=True, host_root=True, shows=FRONT_MATTER),
        JobKind("headers", _headers, tracked=True, host_root=True, shows=FRONT_MATTER),
        # Written by the orchestrator, not rendered (see the module's docstring).
        JobKind("static", None, owner=_DOC),
        JobKind("search-index", None, owner="the search index"),
        JobKind("wp-lookup", None, owner="the lookup of WordPress's query URLs"),
    )
}  # fmt: skip

STATIC, SEARCH_INDEX, WP_LOOKUP = KINDS["static"], KINDS["search-index"], KINDS["wp-lookup"]


def kind_of(job: RenderJob) -> JobKind:
    return KINDS[job.kind]


def check_kind(name: str) -> None:
    """A kind no row registers is a bug in the planner: every module would mistreat it."""
    if name not in KINDS or KINDS[name].producer is None:
        raise ValueError(f"no job kind {name!r} is registered in sitegen/build/kinds.py")
