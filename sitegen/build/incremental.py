"""Incremental builds: what lets `build_site` render only what a change affects.

THE CONTRACT: an incremental build writes exactly the bytes a clean build would (a hypothesis
property in tests/build/test_incremental_property.py checks it over random edit sequences).

How: everything is loaded, assembled and planned every time (cheap, and it is what makes
pagination, neighbours and lists right). Then each RenderJob gets a fingerprint, a digest of:
the job itself (its path, template, the posts it shows, its page number); the bytes of every
content file it depends on; its template with every template that one extends, includes or
imports; and a site-wide digest of what any page can show — sitegen's version, the config,
`_site.yaml`, `_gone.yaml` and the assembled site context (menu, pages, term and author
counts). A job whose fingerprint equals last build's, and whose previous output is still there
with the recorded bytes, is not rendered: its previous bytes go through the same write path
(so unchanged files keep their mtime).

Consequences, documented rather than hidden:
- an edit to a post's text re-renders its page and the lists and feeds that show it; an edit to
  its front matter (title, summary, image...) also re-renders the pages that link to it as
  previous, next or related post (they show a teaser, which depends on the front matter only:
  doccache.front_matter_digest), the sitemap and `_redirects`;
- adding or deleting a post, or changing its categories, tags or author, changes term counts,
  which any page may show: everything is rendered again; so is it for a config change;
- a template change re-renders the pages whose template uses it (`post.html`: the posts;
  `_partials/header.html` is in `base.html`: every page; feeds, sitemap and `_redirects` are
  built in code and use none); a template that chooses what it includes at run time makes
  every template count;
- kinds whose plan lists no dependencies (`terms`, 404, 410, robots) always render.

State between runs of `sitegen build` lives in `.sitegen/state.sqlite` (sitegen.build.state.store);
`serve` keeps it in memory (a `Memo`), along with parsed documents and rendered bodies. The
order of the stages is build/orchestrator.py's alone; this module gives it the memoised loaders and
the
fingerprints.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from sitegen import __version__
from sitegen.build.kinds import BODIES, TEASERS, kind_of
from sitegen.build.output import Output, Sink
from sitegen.build.plan import RenderJob
from sitegen.build.render import Renderer
from sitegen.build.reuse import Shape
from sitegen.build.state import documents as doccache
from sitegen.build.state.store import BuildState, Stamp, settled
from sitegen.config import SiteConfig
from sitegen.content import in_zone, parse_document, read_body
from sitegen.digests import digest, fingerprint
from sitegen.errors import Problem, Problems, SitegenError
from sitegen.markdown import render_markdown
from sitegen.model import Document, SiteInfo
from sitegen.parallel import ordered_map
from sitegen.site.assemble import (
    GONE_FILE,
    SITE_FILE,
    Site,
    content_sources,
)
from sitegen.zones import site_zone

Progress = Callable[[int, int], None]


def tracked(job: RenderJob) -> bool:
    """Whether the job has a fingerprint (its kind's plan lists every content file it reads)."""
    return kind_of(job).tracked


@dataclass
class Memo:
    """What one process keeps between builds (serve): the state, parsed files, rendered bodies."""

    state: BuildState | None = None
    docs: dict[str, doccache.CachedDocument] = field(default_factory=dict)  # by content file
    bodies: dict[str, bytes] = field(default_factory=dict)  # digest of Markdown -> packed HTML
    template_refs: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    shape: Shape | None = None  # last build's site and plan (sitegen.build.reuse)
    info: tuple[str, SiteInfo, list[Problem]] | None = None  # _site.yaml: digest, parsed, said
    search: Any = None  # sitegen.build.state.searchindex's SearchState, owned by that module
    listing: tuple[dict[str, int], list[tuple[str, str]]] | None = None  # see _listing


@dataclass
class Loaded:
    """The documents to build; by content file, the digest of its bytes and of its front
    matter (doccache.front_matter_digest); the content files read again."""

    docs: list[Document]
    digests: dict[str, str]
    metas: dict[str, str]
    reread: set[str]


def load_documents(
    site_dir: Path, problems: Problems, memo: Memo, drafts: bool, timezone: str = "UTC"
) -> Loaded:
    """As site.load_documents, reading only files whose stamp changed and parsing only those
    whose bytes did (sitegen.build.state.documents). Dates are read and shown in the site's zone
    (`timezone`, as SiteConfig names it); a file parsed in another zone is parsed again."""
    taken = doccache.now_ns()
    docs, digests, metas, seen, changed = [], {}, {}, {}, set()
    for source, path in _listing(site_dir, memo):
        known = memo.docs.get(source)
        try:
            found = _load_one(path, source, known, taken, timezone)
        except SitegenError as err:
            problems.add(err)
            continue
        except ValueError as exc:  # PyYAML's bare error for an impossible date (2023-13-02)
            problems.error(f"front matter: {exc}", source)
            continue
        seen[source], digests[source], doc = found, found.digest, found.doc
        metas[source] = found.meta
        if found is not known:
            changed.add(source)
        if doc.type not in ("post", "page"):
            problems.error(f"type: expected post or page, got {doc.type!r}", doc.source)
        elif doc.status == "publish" or (drafts and doc.status == "draft"):
            docs.append(doc)
    changed.update(memo.docs.keys() - seen.keys())
    memo.docs = seen
    return Loaded(docs, digests, metas, changed)


def _listing(site_dir: Path, memo: Memo) -> list[tuple[str, str]]:
    """content_sources, or the last listing while no folder of content/ changed (serve: the
    walk and its sort were a third of the time a rebuild spends loading). A folder's mtime
    changes when an entry is added, removed or renamed in it; one younger than the racy
    window when the listing was made is not trusted, and the listing is made again."""
    if memo.listing is not None:
        folders, listing = memo.listing
        if all(_mtime(folder) == mtime for folder, mtime in folders.items()):
            return listing
    taken = doccache.now_ns()
    folders = {}
    for folder, _dirs, _files in os.walk(site_dir / "content"):
        folders[folder] = _mtime(folder)
    listing = content_sources(site_dir)
    trusted = all(settled(m, taken) for m in folders.values())
    memo.listing = (folders, listing) if trusted else None
    return listing


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def _load_one(
    path: str, source: str, known: doccache.CachedDocument | None, taken: int, timezone: str
) -> doccache.CachedDocument:
    """`known` if the file is provably as it was; else the file read, digested and (if its
    bytes changed) parsed. Stat'ed before it is read, so that a save in between makes the
    stamp stale rather than pairing a new text with an old stamp."""
    st = os.stat(path)
    if known is not None and known.zone != timezone:
        known = None  # its dates were read in another zone
    if known is not None and known.trusted and known.stamp == Stamp.of(st):
        return known
    with open(path, "rb") as fh:
        raw = fh.read()
    key = digest(raw)
    if known is not None and known.digest == key:
        doc = known.doc
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SitegenError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start})", source
            ) from None
        tz = site_zone(timezone) or UTC
        doc = in_zone(parse_document(text, source, tz), tz)
    fresh = doccache.entry(st, taken, key, doc, timezone)
    same = known is not None and (known.stamp, known.trusted, known.doc) == (
        fresh.stamp,
        fresh.trusted,
        doc,
    )
    return known if same and known is not None else fresh


def _markdown(site_dir: Path, doc: Document) -> tuple[str, tuple[str, str, str] | None]:
    """(HTML, None) or ("", the error's fields); run in a worker process, which reads the body
    itself: the parent never holds the Markdown of the bodies it has rendered."""
    try:
        return render_markdown(read_body(site_dir, doc)), None
    except SitegenError as err:
        return "", (err.message, err.location, err.hint)


def pack(html: str) -> bytes:
    """A rendered body as the store keeps it: compressed (zlib's fastest level), because the
    store holds every body a build renders (a clean build: all of them) and workers inherit
    it. An HTML body shrinks to about a fifth; packing and unpacking one takes microseconds,
    against milliseconds to render it."""
    return zlib.compress(html.encode("utf-8"), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


class Bodies(Mapping[str, str]):
    """Each document's body as HTML, by document path, rendered when first asked for: a build
    in which few pages change renders few bodies. `prefill` renders many at once with the
    process pool (before the pages are rendered, so that the workers inherit them). Bodies are
    stored by the digest of their Markdown (`Document.body_digest`); the Markdown itself is
    read from the content file only to be rendered, and dropped once it is (read_body)."""

    def __init__(
        self, site: Site, memo: Memo, site_dir: Path, problems: Problems | None = None
    ) -> None:
        self.site, self.site_dir = site, site_dir
        self.problems = problems if problems is not None else Problems()
        self.store = memo.bodies  # digest -> packed HTML (serve: kept from build to build)
        self.failed: set[str] = set()  # paths whose Markdown raised a SitegenError

    def digest_of(self, path: str) -> str:
        return self.site.docs[path].body_digest

    @property
    def digests(self) -> Mapping[str, str]:
        """The digest of each document's Markdown, by path."""
        return _Digests(self)

    def __getitem__(self, path: str) -> str:
        if path in self.failed or path not in self.site.docs:
            raise KeyError(path)  # its Markdown failed (reported once) or no such document
        doc = self.site.docs[path]
        packed = self.store.get(doc.body_digest)
        if packed is not None:
            return unpack(packed)
        html, error = _markdown(self.site_dir, doc)
        if error is not None:
            self._failed(doc, error)
            raise KeyError(path)
        self.store[doc.body_digest] = pack(html)
        return html

    def __iter__(self) -> Iterator[str]:
        return (path for path in self.site.docs if path not in self.failed)

    def __len__(self) -> int:
        return len(self.site.docs) - len(self.failed)

    def __contains__(self, path: object) -> bool:
        return path in self.site.docs and path not in self.failed

    def prefill(self, paths: Iterable[str], problems: Problems) -> None:
        """Render the bodies of `paths` not rendered yet; a Markdown error is a problem."""
        self.problems = problems
        wanted = set(paths)
        todo: dict[str, Document] = {}  # digest -> first document with it, in site order
        for path, doc in self.site.docs.items():
            if path in wanted and doc.body_digest not in self.store:
                todo.setdefault(doc.body_digest, doc)
        todo_docs = list(todo.values())
        site_dir = self.site_dir
        fresh = ordered_map(lambda i: _markdown(site_dir, todo_docs[i]), len(todo_docs))
        for doc, (html, error) in zip(todo_docs, fresh, strict=True):
            if error is None:
                self.store[doc.body_digest] = pack(html)
            else:
                self._failed(doc, error)

    def _failed(self, doc: Document, error: tuple[str, str, str]) -> None:
        message, location, hint = error
        where = location or f"{doc.source}:{doc.body_line}"
        self.problems.add(SitegenError(message, where, hint))
        key = doc.body_digest
        self.failed.update(p for p, d in self.site.docs.items() if d.body_digest == key)

    def kept(self) -> dict[str, bytes]:
        """The store to keep for the next build: without the bodies no document has any more,
        once they are many (pruning needs every digest: not worth it after each save)."""
        if len(self.store) <= 2 * len(self.site.docs) + 100:
            return self.store
        live = {doc.body_digest for doc in self.site.docs.values()}
        return {key: html for key, html in self.store.items() if key in live}


class _Digests(Mapping[str, str]):
    def __init__(self, bodies: Bodies) -> None:
        self.bodies = bodies

    def __getitem__(self, path: str) -> str:
        return self.bodies.digest_of(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self.bodies.site.docs)

    def __len__(self) -> int:
        return len(self.bodies.site.docs)


def render_bodies(site: Site, site_dir: Path, problems: Problems, memo: Memo) -> dict[str, str]:
    """Every document's body as HTML, at once (the memo's reused, the others by the pool)."""
    bodies = Bodies(site, memo, site_dir, problems)
    bodies.prefill(site.docs, problems)
    memo.bodies = bodies.kept()
    return dict(bodies)


def shown_by(todo: list[RenderJob], site: Site) -> set[str]:
    """The documents whose bodies the jobs to render show: their own, their items' (a post's
    items are teasers: only those without a summary need their body)."""
    shown: set[str] = set()
    for job in todo:
        kind = kind_of(job)
        if kind.shows == TEASERS:
            shown.update(p for p in job.items if not site.docs[p].summary)
        elif kind.shows == BODIES:
            shown.update(job.items)
        if kind.document:
            shown.add(job.key)
    return shown


def _theme_label(n: int, dirs: list[Path]) -> str:
    """Which of the theme folders (theme_dirs: the site's own, then the default) the `n`th
    is, without where it is: a moved checkout keeps its digests."""
    return "default" if n == len(dirs) - 1 else "own"


def _files_digest(roots: list[Path]) -> list[tuple[str, str, str]]:
    """(which theme folder, path in it, digest of bytes) of every file."""
    return [
        (_theme_label(n, roots), p.relative_to(root).as_posix(), digest(p.read_bytes()))
        for n, root in enumerate(roots)
        if root.is_dir()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def site_fingerprint(
    site_dir: Path, config: SiteConfig, site: Site, renderer: Renderer, options: Any
) -> str:
    """A digest of everything any page may show that no job lists as a dependency."""
    counts = {
        name: {k: len(v) for k, v in getattr(site, name).items()}
        for name in ("category_posts", "tag_posts", "author_posts", "archives")
    }
    raw = {
        rel: digest(p.read_bytes()) if (p := site_dir / rel).is_file() else ""
        for rel in ("sitegen.toml", SITE_FILE, GONE_FILE)
    }
    return fingerprint(
        __version__,
        options,
        sorted(raw.items()),
        config,
        site.info,
        site.categories,
        site.tags,
        site.authors,
        sorted(counts.items()),
        renderer.common,
        sorted(renderer.views.local_files),  # media links point at local copies if any
    )


class TemplateDigests:
    """A digest per template name of its source and of every template it extends, includes or
    imports, as the theme's loader resolves them (a site override wins over the default)."""

    def __init__(
        self,
        env: jinja2.Environment,
        dirs: list[Path],
        refs: dict[str, tuple[str | None, ...]] | None = None,
    ) -> None:
        self.env, self.dirs = env, dirs
        self._memo: dict[str, str] = {}
        # digest of a template's source -> the templates it references: parsing is the slow
        # part, and serve keeps these between builds (a source that changed has a new digest).
        self.refs = {} if refs is None else refs

    def _source(self, name: str) -> str:
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return f"missing {name}"
        except UnicodeDecodeError:
            return f"not UTF-8 {name}"  # rendering it reports the file; was a traceback here
        return f"{self._where(filename)}\n{source}"

    def _where(self, filename: str | None) -> str:
        """Which theme folder a template came from (a site's override or the default)."""
        for n, folder in enumerate(self.dirs):
            if filename and Path(filename).is_relative_to(folder):
                return f"{_theme_label(n, self.dirs)}:{Path(filename).relative_to(folder)}"
        return str(filename)

    def _closure(self, name: str) -> set[str] | None:
        """Every template `name` reads; None if one of them is chosen at run time."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = self._references(self._source(current))
            if refs is None:
                continue  # a broken template: its own bytes are in the digest; render says why
            if None in refs:
                return None
            todo += [r for r in refs if r is not None]
        return seen

    def _references(self, source: str) -> tuple[str | None, ...] | None:
        key = digest(source)
        if key not in self.refs:
            try:
                parsed = self.env.parse(source)
            except jinja2.TemplateError:
                return None
            self.refs[key] = tuple(meta.find_referenced_templates(parsed))
        return self.refs[key]

    def __call__(self, name: str) -> str:
        if not name:
            return ""  # built in code (feeds, sitemap, redirects): no template
        if name not in self._memo:
            names = self._closure(name)
            if names is None:  # a dynamic include: depend on every template of the theme
                files = _files_digest([d / "templates" for d in self.dirs])
                self._memo[name] = fingerprint(files)
            else:
                self._memo[name] = fingerprint(sorted((n, digest(self._source(n))) for n in names))
        return self._memo[name]


def job_fingerprint(
    job: RenderJob,
    site_fp: str,
    loaded: tuple[Mapping[str, str], Mapping[str, str]],
    template: str,
    own: str = "",
) -> str:
    """`loaded`: each content file's digest and front matter digest. A dependency counts with
    all its bytes if the job shows its body (`kinds.JobKind.shows`: a feed, a list, `own`, the
    content file of a post's own page), else with its front matter digest (a teaser, a
    sitemap's date, a server rule's path). Their names are in the job."""
    sources, metas = loaded
    if kind_of(job).shows == BODIES:
        deps = "\n".join([sources.get(d, "") for d in job.deps])
    else:
        deps = "\n".join([(sources if d == own else metas).get(d, "") for d in job.deps])
    return digest(f"{site_fp}\n{template}\n{_fields(job)}\n{deps}")


def _fields(job: RenderJob) -> str:
    """Every field of the job (all text, numbers and tuples of text, whose repr is exact): a
    field hidden from the dataclass's repr must still change the fingerprint."""
    return repr([getattr(job, name) for name in _JOB_FIELDS])


_JOB_FIELDS = [f.name for f in fields(RenderJob)]


def previous_output(sink: Sink, rel: str) -> bytes | None:
    """The bytes the last build left at `rel`, from disk or memory."""
    return sink.previous(rel)


@dataclass
class Rendered:
    """What `render_jobs` did: output -> digest of the bytes written, and which were rendered."""

    outputs: dict[str, str] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    reused: int = 0
    deferred: set[str] = field(default_factory=set)  # kept stale for now (render_jobs' defer)


Outcome = tuple[bytes | None, tuple[str, str, str] | None]  # (bytes, or the error's fields)


def _render_one(renderer: Renderer, job: RenderJob) -> Outcome:
    """Run in a worker process: the error goes back as plain fields (they pickle; the
    exception's own pickling would drop its location and hint)."""
    try:
        return renderer.render(job), None
    except SitegenError as err:
        return None, (err.message, err.location, err.hint)


class Stopped(Exception):
    """The build was asked to stop (BuildOptions.stop) before it wrote anything for good."""


def stop_if_asked(stop: Callable[[], bool]) -> None:
    """One of the places a build may stop at (BuildOptions.stop): raise Stopped if asked."""
    if stop():
        raise Stopped


@dataclass
class Todo:
    """What this build renders (in plan order) and which outputs keep last build's bytes
    although their inputs changed (`defer`)."""

    jobs: list[RenderJob]
    deferred: set[str] = field(default_factory=set)


def to_render(
    jobs: list[RenderJob],
    fingerprints: dict[str, str],
    old: BuildState | None,
    sink: Sink,
    defer: Callable[[str], bool] | None = None,
) -> Todo:
    """The jobs whose fingerprint is not last build's (or that have none), but those whose
    output `defer` lets keep last build's bytes for now (see `_deferred`). One pass over the
    plan, with nothing but two lookups per job: at 10,000 posts the plan is 40,000 jobs, and
    serve's rebuild of one edited post renders a dozen of them."""
    if old is None:
        return Todo(list(jobs))
    was, fps = old.jobs, fingerprints
    stale = [j for j in jobs if (fp := fps.get(j.output)) is None or was.get(j.output) != fp]
    if defer is None:
        return Todo(stale)
    deferred = _deferred(stale, defer, sink, fingerprints, old)
    return Todo([j for j in stale if j.output not in deferred], deferred)


def render_jobs(
    renderer: Renderer,
    jobs: list[RenderJob],
    todo: Todo,
    out: Output,
    problems: Problems,
    old: BuildState | None,
    options: tuple[Progress | None, Callable[[], bool]],
) -> Rendered:
    """Render the jobs `todo` names; every other job keeps last build's bytes.

    The jobs to render are rendered by a process pool (sitegen.parallel); results are written
    and problems collected here, in plan order, so the output does not depend on the pool.
    `options`: the progress callback, and whether to stop (between two jobs: Stopped)."""
    progress, stop = options
    result = Rendered(deferred=todo.deferred)
    rendering = {job.output for job in todo.jobs}
    behind = _keep_unchanged([j for j in jobs if j.output not in rendering], out, old, result)
    done = len(jobs) - len(todo.jobs) - len(behind)
    said: set[tuple[str, str]] = set()  # one broken template breaks hundreds of pages
    fresh = ordered_map(lambda i: _render_one(renderer, todo.jobs[i]), len(todo.jobs))
    try:
        for job, outcome in zip(todo.jobs, fresh, strict=True):
            stop_if_asked(stop)
            _settle(job, outcome, out, problems, result, said)
            done += 1
            if progress:
                progress(done, len(jobs))
    finally:
        fresh.close()  # a stopped build leaves no worker behind
    for job in behind:  # changed behind our back: never trusted
        reused = _previous(out.sink, job, old)
        if reused is None:
            _settle(job, _render_one(renderer, job), out, problems, result, said)
        else:
            out.write(job.output, reused)
            result.outputs[job.output] = digest(reused)
            result.reused += 1
        done += 1
        if progress:
            progress(done, len(jobs))
    return result


def _keep_unchanged(
    jobs: list[RenderJob], out: Output, old: BuildState | None, result: Rendered
) -> list[RenderJob]:
    """Keep last build's output of each job whose output is provably what that build wrote
    (not read again); the others, whose output changed behind our back."""
    if old is None:
        return list(jobs)
    behind, kept = [], []
    sink = out.sink
    for job in jobs:
        if unchanged_output(sink, job.output, old):
            kept.append(job.output)
        else:
            behind.append(job)
    out.keep_all(kept)
    result.outputs.update({rel: old.outputs[rel] for rel in kept})
    result.reused += len(kept)
    return behind


def _settle(
    job: RenderJob,
    outcome: Outcome,
    out: Output,
    problems: Problems,
    result: Rendered,
    said: set[tuple[str, str]],
) -> None:
    """Write a rendered job's bytes, or report its error once per template and message."""
    data, error = outcome
    if error is not None:
        if (error[1], error[0]) not in said:
            said.add((error[1], error[0]))
            problems.add(SitegenError(*error))
    elif data is not None:
        result.rendered.append(job.output)
        out.write(job.output, data)
        result.outputs[job.output] = digest(data)


def _deferred(
    todo: list[RenderJob],
    defer: Callable[[str], bool],
    sink: Sink,
    fingerprints: dict[str, str],
    old: BuildState,
) -> set[str]:
    """The outputs of `todo` that keep last build's bytes this time: `serve` renders the pages
    a browser shows first and the rest (feeds, sitemap...) right after. Each keeps its old
    fingerprint, so the next build sees it as out of date and renders it."""
    later = set()
    for job in todo:
        stale = old.jobs.get(job.output)
        if stale is not None and defer(job.output) and unchanged_output(sink, job.output, old):
            fingerprints[job.output] = stale
            later.add(job.output)
    return later


def unchanged_output(sink: Sink, rel: str, old: BuildState) -> bool:
    """Whether the previous build's output at `rel` is provably still what it wrote: in
    memory, nobody else writes; on disk, its stamp must be the one taken after that build."""
    return rel in old.outputs and sink.unchanged(rel, old.stamps.get(rel))


def _previous(sink: Sink, job: RenderJob, old: BuildState | None) -> bytes | None:
    """Last build's bytes of a reusable job, if they are still what that build wrote."""
    data = previous_output(sink, job.output)
    if data is None or old is None or digest(data) != old.outputs.get(job.output):
        return None  # gone, or changed behind our back: never trust it
    return data
