"""Incremental builds: the same stages as `build_site`, rendering only what a change affects.

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
memory (a `Memo`), along with parsed documents and rendered bodies.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from sitegen import __version__
from sitegen.build import BuildReport, Progress, _link_warnings, _owner
from sitegen.cache import BuildState, digest, load_state, save_state
from sitegen.config import SiteConfig, load_config
from sitegen.content import parse_document
from sitegen.errors import Problems, SitegenError
from sitegen.markdown import render_markdown
from sitegen.model import Document
from sitegen.output import MemorySink, Output, Sink, StagedDirSink
from sitegen.plan import RenderJob, plan_site, static_files
from sitegen.render import Renderer, theme_dirs
from sitegen.site import (
    GONE_FILE,
    SITE_FILE,
    Site,
    assemble_site,
    content_files,
    load_gone,
    load_site_info,
)

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


@dataclass
class IncrementalReport(BuildReport):
    rendered: list[str] = field(default_factory=list)  # outputs rendered this time
    reused: int = 0  # outputs whose previous bytes were reused
    notes: list[str] = field(default_factory=list)  # why a full build was needed, if it was


def _load_documents(
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


def _render_bodies(site: Site, problems: Problems, memo: Memo) -> dict[str, str]:
    bodies, kept = {}, {}
    for path, doc in site.docs.items():
        key = digest(doc.body)
        try:
            html = memo.bodies[key] if key in memo.bodies else render_markdown(doc.body)
        except SitegenError as err:
            err.location = err.location or f"{doc.source}:{doc.body_line}"
            problems.add(err)
            continue
        bodies[path] = kept[key] = html
    memo.bodies = kept
    return bodies


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


def _previous(sink: Sink, rel: str) -> bytes | None:
    """The bytes the last build left at `rel`, from disk or memory."""
    if isinstance(sink, MemorySink):
        return sink.files.get(rel)
    if isinstance(sink, StagedDirSink):
        try:
            return (sink.live / rel).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
    return None


def _render_jobs(
    renderer: Renderer,
    jobs: list[RenderJob],
    out: Output,
    report: IncrementalReport,
    fingerprints: dict[str, str],
    old: BuildState | None,
    progress: Progress | None,
) -> dict[str, str]:
    """Render or reuse each job; returns output -> digest of the bytes written."""
    written: dict[str, str] = {}
    said: set[tuple[str, str]] = set()  # one broken template breaks hundreds of pages
    for done, job in enumerate(jobs, 1):
        data = None
        fp = fingerprints.get(job.output)
        if old is not None and fp is not None and old.jobs.get(job.output) == fp:
            data = _previous(out.sink, job.output)
            if data is not None and digest(data) != old.outputs.get(job.output):
                data = None  # changed behind our back: never trust it
        if data is not None:
            report.reused += 1
        else:
            try:
                data = renderer.render(job)
                report.rendered.append(job.output)
            except SitegenError as err:
                if (err.location, err.message) not in said:
                    said.add((err.location, err.message))
                    report.problems.add(err)
        if data is not None:
            out.write(job.output, data)
            written[job.output] = digest(data)
        if progress:
            progress(done, len(jobs))
    return written


def build_incremental(
    site_dir: Path,
    config_overrides: dict[str, Any] | None = None,
    *,
    drafts: bool = False,
    strict: bool = False,
    sink: Sink | None = None,
    progress: Progress | None = None,
    memo: Memo | None = None,
    check_links: bool = True,
    full: bool = False,
) -> IncrementalReport:
    """`build_site`, rendering only what changed since the last build (see the module doc).

    Without `memo` the state is read from and saved to `.sitegen/`; with one, it stays there.
    `check_links=False` skips the broken-link warnings (a second over every page; serve's
    rebuilds skip it). `full=True` renders everything and records a fresh state.
    """
    start = time.perf_counter()
    report = IncrementalReport()
    problems = report.problems
    on_disk = memo is None
    memo = memo or Memo()
    if on_disk and not full:
        memo.state, note = load_state(site_dir)
        if note:
            report.notes.append(note)
    if full:
        memo.state = None
    info = load_site_info(site_dir, problems)
    config = report.config = load_config(site_dir, info, problems, config_overrides)
    if not (site_dir / "content").is_dir():  # as build_site says it
        problems.error(
            f"no content/ folder in {site_dir}",
            hint="run `sitegen import` first, or choose the site with `sitegen --site DIR build`",
        )
    if problems.errors:
        return report
    docs, sources = _load_documents(site_dir, problems, memo, drafts)
    site = report.site = assemble_site(info, docs, problems, load_gone(site_dir, problems))
    sink = sink or StagedDirSink(config.output_dir)
    out = Output(sink)
    jobs = [j for j in plan_site(site, config) if out.claim(j.output, _owner(j, site), problems)]
    statics = static_files(config, theme_dirs(config))
    statics = [s for s in statics if out.claim(s.path, s.dep, problems)]
    local = {s.path for s in statics if not s.dep.startswith("theme:")}
    renderer = Renderer(site, config, _render_bodies(site, problems, memo), local)
    report.jobs = jobs
    site_fp = site_fingerprint(site_dir, config, site, renderer, (drafts, config_overrides))
    templates = TemplateDigests(renderer.env, renderer.dirs)
    fps = {
        j.output: job_fingerprint(j, site_fp, sources, templates(j.template))
        for j in jobs
        if tracked(j)
    }
    outputs = _render_jobs(renderer, jobs, out, report, fps, memo.state, progress)
    for static in statics:
        out.write(static.path, static.source.read_bytes())
    if check_links:
        _link_warnings(sink.staged(), jobs, site, config, problems)
    report.written, report.unchanged = out.written, out.unchanged
    if problems.failed(strict=strict):
        sink.abort()
    else:
        sink.commit()
        report.committed = True
        memo.state = BuildState(site_fp, sources, fps, outputs)
        if on_disk:
            save_state(site_dir, memo.state)
    report.seconds = time.perf_counter() - start
    return report
