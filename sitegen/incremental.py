"""Incremental builds: what lets `build_site` render only what a change affects.

THE CONTRACT: an incremental build writes exactly the bytes a clean build would (a hypothesis
property in tests/test_incremental_property.py checks it over random edit sequences).

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
- an edit to a post's title or text re-renders its page, its neighbours and related posts, the
  lists and feeds that show it, the sitemap and `_redirects`;
- adding or deleting a post, or changing its categories, tags or author, changes term counts,
  which any page may show: everything is rendered again; so is it for a config change;
- a template change re-renders the pages whose template uses it (`post.html`: the posts;
  `_partials/header.html` is in `base.html`: every page; feeds, sitemap and `_redirects` are
  built in code and use none); a template that chooses what it includes at run time makes
  every template count;
- kinds whose plan lists no dependencies (`terms`, 404, 410, robots, headers) always render.

State between runs of `sitegen build` lives in `.sitegen/` (sitegen.cache); `serve` keeps it in
memory (a `Memo`), along with parsed documents and rendered bodies. The order of the stages is
build.py's alone; this module gives it the memoised loaders and the fingerprints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from sitegen import __version__
from sitegen.cache import BuildState, digest
from sitegen.config import SiteConfig
from sitegen.content import parse_document
from sitegen.errors import Problems, SitegenError
from sitegen.markdown import render_markdown
from sitegen.model import Document
from sitegen.output import MemorySink, Output, Sink, StagedDirSink
from sitegen.parallel import ordered_map
from sitegen.plan import RenderJob
from sitegen.render import Renderer
from sitegen.site import (
    GONE_FILE,
    SITE_FILE,
    Site,
    content_files,
)

Progress = Callable[[int, int], None]

# Jobs whose plan lists every content file they read (and feeds); the others always render.
TRACKED = frozenset({"post", "page", "home", "category", "tag", "author", "archive"}) | {
    "sitemap",
    "sitemap-index",
    "redirects",
}


def tracked(job: RenderJob) -> bool:
    return job.kind in TRACKED or job.kind.startswith("feed-")


@dataclass
class Memo:
    """What one process keeps between builds (serve): the state, parsed files, rendered bodies."""

    state: BuildState | None = None
    docs: dict[str, tuple[str, Document]] = field(default_factory=dict)  # source -> (digest, doc)
    bodies: dict[str, str] = field(default_factory=dict)  # digest of Markdown -> HTML
    search: Any = None  # sitegen.searchstate's SearchState, owned by that module


def load_documents(
    site_dir: Path, problems: Problems, memo: Memo, drafts: bool
) -> tuple[list[Document], dict[str, str]]:
    """As site.load_documents, parsing only files whose bytes changed; and each file's digest.

    Parsed from the bytes that were digested, so that a file saved meanwhile cannot pair one
    version's digest with another version's document."""
    docs, digests, seen = [], {}, {}
    for path in content_files(site_dir):
        source = path.relative_to(site_dir).as_posix()
        raw = path.read_bytes()
        digests[source] = key = digest(raw)
        cached = memo.docs.get(source)
        try:
            if cached is not None and cached[0] == key:
                doc = cached[1]
            else:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise SitegenError(
                        f"not UTF-8 text ({exc.reason} at byte {exc.start})", source
                    ) from None
                doc = parse_document(text, source)
            seen[source] = (key, doc)
        except SitegenError as err:
            problems.add(err)
            continue
        except ValueError as exc:  # PyYAML's bare error for an impossible date (2023-13-02)
            problems.error(f"front matter: {exc}", source)
            continue
        if doc.type not in ("post", "page"):
            problems.error(f"type: expected post or page, got {doc.type!r}", doc.source)
        elif doc.status == "publish" or (drafts and doc.status == "draft"):
            docs.append(doc)
    memo.docs = seen
    return docs, digests


def _markdown(body: str) -> tuple[str, tuple[str, str, str] | None]:
    """(HTML, None) or ("", the error's fields); run in a worker process."""
    try:
        return render_markdown(body), None
    except SitegenError as err:
        return "", (err.message, err.location, err.hint)


class Bodies(Mapping[str, str]):
    """Each document's body as HTML, by document path, rendered when first asked for: a build
    in which few pages change renders few bodies. `prefill` renders many at once with the
    process pool (before the pages are rendered, so that the workers inherit them)."""

    def __init__(self, site: Site, memo: Memo) -> None:
        self.site = site
        self.digests = {path: digest(doc.body) for path, doc in site.docs.items()}
        wanted = set(self.digests.values())
        self.store = {k: html for k, html in memo.bodies.items() if k in wanted}  # digest -> HTML
        self.failed: set[str] = set()  # paths whose Markdown raised a SitegenError

    def __getitem__(self, path: str) -> str:
        if path in self.failed:
            raise KeyError(path)  # its Markdown failed: reported once, shown as no body
        key = self.digests[path]  # KeyError for a path that is no document, as a dict would
        if key not in self.store:
            self.store[key] = render_markdown(self.site.docs[path].body)
        return self.store[key]

    def __iter__(self) -> Iterator[str]:
        return (path for path in self.digests if path not in self.failed)

    def __len__(self) -> int:
        return len(self.digests) - len(self.failed)

    def __contains__(self, path: object) -> bool:
        return path in self.digests and path not in self.failed

    def prefill(self, paths: Iterable[str], problems: Problems) -> None:
        """Render the bodies of `paths` not rendered yet; a Markdown error is a problem."""
        wanted = set(paths)
        todo: dict[str, str] = {}  # digest -> first path with it, in site order (problem order)
        for path, key in self.digests.items():
            if path in wanted and key not in self.store:
                todo.setdefault(key, path)
        todo_items = list(todo.items())
        docs = self.site.docs
        fresh = ordered_map(lambda i: _markdown(docs[todo_items[i][1]].body), len(todo_items))
        for (key, path), (html, error) in zip(todo_items, fresh, strict=True):
            if error is None:
                self.store[key] = html
                continue
            doc, (message, location, hint) = self.site.docs[path], error
            problems.add(SitegenError(message, location or f"{doc.source}:{doc.body_line}", hint))
            self.failed.update(p for p, k in self.digests.items() if k == key)


def render_bodies(site: Site, problems: Problems, memo: Memo) -> dict[str, str]:
    """Every document's body as HTML, at once (the memo's reused, the others by the pool)."""
    bodies = Bodies(site, memo)
    bodies.prefill(site.docs, problems)
    memo.bodies = bodies.store
    return dict(bodies)


def shown_by(
    jobs: list[RenderJob], fingerprints: dict[str, str], old: BuildState | None
) -> set[str]:
    """The documents whose bodies the jobs that must be rendered show (their own, their items)."""
    shown: set[str] = set()
    for job in jobs:
        if not _reusable(job, fingerprints, old):
            shown.update(job.items)
            if job.kind in ("post", "page"):
                shown.add(job.key)
    return shown


def _files_digest(roots: list[Path]) -> list[tuple[str, str]]:
    return [
        (p.as_posix(), digest(p.read_bytes()))
        for root in roots
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
    parts = [
        __version__,
        repr(options),
        repr(sorted(raw.items())),
        repr(config),
        repr(site.info),
        repr(site.categories),
        repr(site.tags),
        repr(site.authors),
        repr(sorted(counts.items())),
        repr(renderer.common),
        repr(sorted(renderer.views.local_files)),  # media links point at local copies if any
    ]
    return digest("\n".join(parts))


class TemplateDigests:
    """A digest per template name of its source and of every template it extends, includes or
    imports, as the theme's loader resolves them (a site override wins over the default)."""

    def __init__(self, env: jinja2.Environment, dirs: list[Path]) -> None:
        self.env, self.dirs = env, dirs
        self._memo: dict[str, str] = {}

    def _source(self, name: str) -> str:
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return f"missing {name}"
        except UnicodeDecodeError:
            return f"not UTF-8 {name}"  # rendering it reports the file; was a traceback here
        return f"{filename}\n{source}"

    def _closure(self, name: str) -> set[str] | None:
        """Every template `name` reads; None if one of them is chosen at run time."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                refs = list(meta.find_referenced_templates(self.env.parse(self._source(current))))
            except jinja2.TemplateError:
                continue  # a broken template: its own bytes are in the digest; render says why
            if None in refs:
                return None
            todo += [r for r in refs if r is not None]
        return seen

    def __call__(self, name: str) -> str:
        if not name:
            return ""  # built in code (feeds, sitemap, redirects): no template
        if name not in self._memo:
            names = self._closure(name)
            if names is None:  # a dynamic include: depend on every template of the theme
                parts = repr(_files_digest([d / "templates" for d in self.dirs]))
            else:
                parts = repr(sorted((n, digest(self._source(n))) for n in names))
            self._memo[name] = digest(parts)
        return self._memo[name]


def job_fingerprint(job: RenderJob, site_fp: str, sources: Mapping[str, str], template: str) -> str:
    deps = [(d, sources.get(d, "")) for d in job.deps]
    return digest(f"{site_fp}\n{template}\n{job!r}\n{deps!r}")


def previous_output(sink: Sink, rel: str) -> bytes | None:
    """The bytes the last build left at `rel`, from disk or memory."""
    if isinstance(sink, MemorySink):
        return sink.files.get(rel)
    if isinstance(sink, StagedDirSink):
        try:
            return (sink.live / rel).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
    return None


@dataclass
class Rendered:
    """What `render_jobs` did: output -> digest of the bytes written, and which were rendered."""

    outputs: dict[str, str] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    reused: int = 0


Outcome = tuple[bytes | None, tuple[str, str, str] | None]  # (bytes, or the error's fields)


def _render_one(renderer: Renderer, job: RenderJob) -> Outcome:
    """Run in a worker process: the error goes back as plain fields (they pickle; the
    exception's own pickling would drop its location and hint)."""
    try:
        return renderer.render(job), None
    except SitegenError as err:
        return None, (err.message, err.location, err.hint)


def _reusable(job: RenderJob, fingerprints: dict[str, str], old: BuildState | None) -> bool:
    fp = fingerprints.get(job.output)
    return old is not None and fp is not None and old.jobs.get(job.output) == fp


def render_jobs(
    renderer: Renderer,
    jobs: list[RenderJob],
    out: Output,
    problems: Problems,
    fingerprints: dict[str, str],
    old: BuildState | None,
    progress: Progress | None,
) -> Rendered:
    """Render each job, or reuse last build's bytes where its fingerprint did not change.

    The jobs to render are rendered by a process pool (sitegen.parallel); results are written
    and problems collected here, in job order, so the output does not depend on the pool."""
    result = Rendered()
    said: set[tuple[str, str]] = set()  # one broken template breaks hundreds of pages
    todo = [j for j in jobs if not _reusable(j, fingerprints, old)]
    fresh = ordered_map(lambda i: _render_one(renderer, todo[i]), len(todo))
    pending = iter(todo)
    upcoming = next(pending, None)
    for done, job in enumerate(jobs, 1):
        reused = None
        if job is upcoming:
            data, error = next(fresh)
            upcoming = next(pending, None)
        elif (reused := _previous(out.sink, job, old)) is None:
            data, error = _render_one(renderer, job)  # changed behind our back: render it
        else:
            data, error = reused, None
            result.reused += 1
        if error is not None:
            if (error[1], error[0]) not in said:
                said.add((error[1], error[0]))
                problems.add(SitegenError(*error))
        elif data is not None:
            if reused is None:
                result.rendered.append(job.output)
            out.write(job.output, data)
            result.outputs[job.output] = digest(data)
        if progress:
            progress(done, len(jobs))
    return result


def _previous(sink: Sink, job: RenderJob, old: BuildState | None) -> bytes | None:
    """Last build's bytes of a reusable job, if they are still what that build wrote."""
    data = previous_output(sink, job.output)
    if data is None or old is None or digest(data) != old.outputs.get(job.output):
        return None  # gone, or changed behind our back: never trust it
    return data
