"""The orchestrator: the only place that knows the order of the stages.

load -> render markdown -> assemble site -> plan -> render -> write (-> check links). Every stage
is a function with explicit inputs and outputs; problems are collected across all of them so a
user sees everything that is wrong in one run, and the output is only swapped into place when
the build succeeded.

Every build is incremental (sitegen.build.incremental): a page whose inputs did not change since the
last build keeps last build's bytes instead of being rendered again. The state lives in
`.sitegen/state.sqlite` between runs (sitegen.build.state.store, saved in one transaction after the
output's
commit), or in a `Memo` for as long as `sitegen serve` runs; `full=True`
ignores it. The contract, tested as a property: the output equals a clean build's, byte for byte.
"""

from __future__ import annotations

import dataclasses
import time
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sitegen import __version__
from sitegen.build.incremental import (
    Bodies,
    Loaded,
    Memo,
    Stopped,
    TemplateDigests,
    Todo,
    job_fingerprint,
    load_documents,
    previous_output,
    render_jobs,
    shown_by,
    site_fingerprint,
    stop_if_asked,
    to_render,
    tracked,
    unchanged_output,
)
from sitegen.build.kinds import SEARCH_INDEX, STATIC, WP_LOOKUP, kind_of
from sitegen.build.options import BuildOptions, Destination
from sitegen.build.output import Output, Sink
from sitegen.build.plan import RenderJob, StaticFile, plan_site, static_files
from sitegen.build.querylookup import lookup_files
from sitegen.build.render import Renderer, theme_dirs
from sitegen.build.reuse import Shape, reshaped
from sitegen.build.reuse import fingerprints as reuse_fingerprints
from sitegen.build.state import documents as doccache
from sitegen.build.state import links as linkstate
from sitegen.build.state import noop as quick
from sitegen.build.state import searchindex as searchstate
from sitegen.build.state.store import (
    BUILT_FOR_KEY,
    BuildState,
    Changes,
    Store,
    built_for_record,
    output_stamps,
)
from sitegen.checks.links import check_pages
from sitegen.config import SiteConfig, config_location, load_config
from sitegen.digests import digest
from sitegen.errors import Problems, SitegenError
from sitegen.model import Document, SiteInfo
from sitegen.site.assemble import SITE_FILE, Gone, Site, assemble_site, load_gone, load_site_info
from sitegen.site.front import check_front

SEARCH_KEY = "search:index"  # the search index's entry in the build state
DEFAULT_OPTIONS = BuildOptions()


@dataclass
class BuildReport:
    problems: Problems = field(default_factory=Problems)
    config: SiteConfig | None = None
    site: Site | None = None
    jobs: list[RenderJob] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    committed: bool = False
    rendered: list[str] = field(default_factory=list)  # outputs rendered this time
    reused: int = 0  # outputs whose previous bytes were reused
    notes: list[str] = field(default_factory=list)  # why a full build was needed, if it was
    deferred: list[str] = field(default_factory=list)  # outputs kept stale for now (`defer`)
    stopped: bool = False  # asked to stop (`stop`) before it wrote anything for good

    def failed(self, *, strict: bool = False) -> bool:
        return self.problems.failed(strict=strict)

    def summary(self) -> str:
        counts = (
            f"{len(self.problems.errors)} error(s), "
            f"{len(self.problems.warnings)} warning(s) in {self.seconds:.2f} s"
        )
        if self.stopped:
            return f"build stopped as asked after {self.seconds:.2f} s (output NOT updated)"
        if not self.committed:
            # Not "N files: N written": a failed build writes nothing a user would see.
            return f"build failed: {counts} (output NOT updated)"
        done = (
            f"{self.written + self.unchanged} files: {self.written} written, "
            f"{self.unchanged} unchanged, {counts}"
        )
        if self.problems.errors:  # only broken links fail a build that still commits
            done += " (output updated; its broken links fail the build)"
        return done


def _owner(job: RenderJob, site: Site) -> str:
    kind = kind_of(job)
    return kind.owner_of(job.path, site.docs[job.key].source if kind.document else "")


def _search_index(
    what: tuple[Site, Bodies, SiteConfig], out: Output, run: _Run, store: Store | None
) -> dict[str, str]:
    """Write the search index, redoing only what changed since the last build
    (sitegen.build.state.searchindex); output -> digest."""
    (site, bodies, config), memo = what, run.memo
    previous = None
    if memo.state is not None:  # no state, or --full: nothing of the last build is trusted
        saved = store.blob(searchstate.KEY) if store is not None and memo.search is None else None
        previous = memo.search or searchstate.from_bytes(saved)
    seen = memo.search.seen if memo.search is not None else {}
    docs = searchstate.site_docs(site, bodies, bodies.digests, config.base_path, seen)
    root = config.output_root  # the index's names are the site's; its files sit in its folder
    target = _IndexOutput(out, root, run.problems, run.options.stop)
    memo.search = searchstate.write_index(docs, previous, target.previous, target)
    memo.search.seen = seen
    return {root + rel: memo.search.files[rel] for rel in target.claimed}


class _IndexOutput:
    """The search index's files into the build's output, in the site's folder `root`, each
    claimed for the index (a post may not take its place) as it is written; and last
    build's files, read back to be checked or patched. Asks `stop` before each file: the index
    is most of serve's second step, and a save should not wait for it. Stopped there, the
    memo keeps last build's index (write_index returns the new one)."""

    def __init__(
        self, out: Output, root: str, problems: Problems, stop: Callable[[], bool]
    ) -> None:
        self.out, self.root, self.problems, self.stop = out, root, problems, stop
        self.claimed: list[str] = []

    def previous(self, rel: str) -> bytes | None:
        stop_if_asked(self.stop)
        return previous_output(self.out.sink, self.root + rel)

    def _claim(self, rel: str) -> bool:
        stop_if_asked(self.stop)
        if not self.out.claim(self.root + rel, SEARCH_INDEX.owner_of(rel), self.problems):
            return False
        self.claimed.append(rel)
        return True

    def write(self, rel: str, data: bytes) -> None:
        if self._claim(rel):
            self.out.write(self.root + rel, data)

    def keep(self, rel: str) -> None:
        if self._claim(rel):
            self.out.keep(self.root + rel)


def _kept_index(
    old: BuildState, out: Output, fingerprint: str, index: Any, problems: Problems, root: str
) -> dict[str, str] | None:
    """Last build's search index files (`index`: its SearchState, which lists them by their
    names in the site's folder `root`), kept as they are although out of date (output ->
    digest); None if the index is up to date (nothing to defer), unknown, or not all its files
    are as written."""
    if index is None or old.jobs.get(SEARCH_KEY) in (None, fingerprint):
        return None
    files: dict[str, str] = {root + rel: d for rel, d in index.files.items()}
    if not files or not all(unchanged_output(out.sink, rel, old) for rel in files):
        return None
    for rel in sorted(files):
        if out.claim(rel, SEARCH_INDEX.owner_of(rel), problems):
            out.keep(rel)
    return files


def _written(sink: Sink, output_dir: Path, problems: Problems) -> bool:
    """Commit the output; a file system error (full disk, permissions) is the user's to fix
    and leaves the previous output in place, so it is reported, not a traceback."""
    try:
        sink.commit()
    except OSError as exc:
        problems.add(_write_error(output_dir, exc))
        sink.abort()
        return False
    return True


def _write_error(output_dir: Path, exc: OSError) -> SitegenError:
    where = exc.filename or output_dir
    return SitegenError(
        f"could not write the output: {exc.strerror or exc}",
        str(where),
        hint=f"{output_dir.name}/ is left as the previous build made it; fix the cause "
        "(space, permissions) and build again",
    )


def _site_info(site_dir: Path, memo: Memo, problems: Problems) -> SiteInfo:
    """`_site.yaml`, parsed again only if its bytes changed (serve: 300 tags are 0.1 s of
    YAML per save). Digested before it is read: a save in between only costs a re-parse."""
    try:
        key = digest((site_dir / SITE_FILE).read_bytes())
    except OSError:
        key = ""
    if memo.info is not None and memo.info[0] == key:
        problems.items.extend(memo.info[2])
        return memo.info[1]
    said = Problems()
    info = load_site_info(site_dir, said)
    problems.extend(said)
    memo.info = (key, info, said.items)
    return info


def _site_and_plan(
    inputs: tuple[SiteConfig, SiteInfo, tuple[Gone, ...], bool],
    docs: list[Document],
    memo: Memo,
    problems: Problems,
) -> tuple[Site, list[RenderJob], set[str] | None]:
    """The site and its plan; last build's (sitegen.build.reuse) if only bodies changed since, with
    the content files that did, else assembled and planned (and None)."""
    found = reshaped(memo.shape, inputs, docs)
    if found is not None and memo.shape is not None:
        problems.items.extend(memo.shape.problems)  # said again, as assembling would
        return found[0], memo.shape.jobs, found[1]
    said = Problems()
    site = assemble_site(inputs[1], docs, said, inputs[2])
    config = inputs[0]
    check_front(site, config.front, config_location(config.site_dir, "sections"), said)
    plan = plan_site(site, config)
    problems.extend(said)
    by_source = {doc.source: doc for doc in docs}
    memo.shape = None if said.errors else Shape(inputs, by_source, site, plan, said.items)
    return site, plan, None


def _fingerprints(
    jobs: list[RenderJob],
    found: tuple[str, Loaded],
    renderer: Renderer,
    memo: Memo,
    changed: set[str] | None,
) -> dict[str, str]:
    """Each tracked job's fingerprint: last build's where its inputs cannot have changed."""
    site_fp, loaded = found
    site, pair = renderer.site, (loaded.digests, loaded.metas)
    templates = TemplateDigests(renderer.env, renderer.dirs, memo.template_refs)
    digests = {name: templates(name) for name in sorted({j.template for j in jobs})}

    def fingerprint(job: RenderJob) -> str:
        own = site.sources[job.key] if kind_of(job).document else ""
        return job_fingerprint(job, site_fp, pair, digests[job.template], own)

    fps = None
    if memo.shape is not None and changed is not None:
        fps = reuse_fingerprints(memo.shape, site_fp, digests, changed, fingerprint)
    if fps is None:
        fps = {j.output: fingerprint(j) for j in jobs if tracked(j)}
    if memo.shape is not None:
        by_source = {doc.source: doc for doc in site.docs.values()}
        memo.shape = dataclasses.replace(
            memo.shape, site=renderer.site, docs=by_source, site_fp=site_fp,
            templates=digests, fps=dict(fps),
        )  # fmt: skip
    return fps


@dataclass
class _Run:
    """One build as it goes: what it was asked, what it remembers, what it reports."""

    site_dir: Path
    options: BuildOptions
    memo: Memo
    report: BuildReport = field(default_factory=BuildReport)
    start: float = field(default_factory=time.perf_counter)
    info: SiteInfo = field(default_factory=SiteInfo)  # `_site.yaml`, once read

    @property
    def problems(self) -> Problems:
        return self.report.problems

    @property
    def notes(self) -> list[str]:
        return self.report.notes

    def inputs(self, config: SiteConfig) -> tuple[SiteConfig, SiteInfo, tuple[Gone, ...], bool]:
        """What the site is assembled from, besides the documents (`_gone.yaml` read now)."""
        return config, self.info, load_gone(self.site_dir, self.problems), self.options.drafts

    def fp_options(self) -> tuple[Any, ...]:
        """The options every page may depend on (in the site fingerprint)."""
        return self.options.drafts, dict(self.options.overrides)

    def finish(self, dest: Destination | None = None) -> BuildReport:
        if dest is not None:
            dest.close()
        self.report.seconds = time.perf_counter() - self.start
        return self.report


def _load_config(run: _Run) -> SiteConfig | None:
    """`_site.yaml` and the config; None if the build cannot go on (reported)."""
    problems = run.problems
    if not (run.site_dir / "content").is_dir():  # alone: every other message would follow
        problems.error(f"no content/ folder in {run.site_dir}", hint="run `sitegen import` "
                       "first, or choose the site with `sitegen --site DIR build`")  # fmt: skip
        return None
    run.info = _site_info(run.site_dir, run.memo, problems)
    if problems.errors:  # a broken _site.yaml: the config's defaults from it would fail too
        return None
    overrides = dict(run.options.overrides)
    config = run.report.config = load_config(run.site_dir, run.info, problems, overrides)
    if problems.errors:  # a bad config would make every later message misleading
        return None
    if not config.mirror_url_set:  # a note, not a warning: it must not stop no-op builds
        run.notes.append(
            f"no mirror URL set: canonical, OpenGraph, feed and sitemap URLs name WordPress's "
            f'address {config.base_url}; set base_url = "https://mirror.example.org/" in '
            "sitegen.toml (where public/ will be served), or pass --base-url; links inside the "
            "site start at / either way"
        )
    return config


def _snapshot_of(run: _Run, config: SiteConfig) -> tuple[list[Path], Any]:
    """What the no-op snapshot covers: the input folders, and the options of the build."""
    o = run.options
    roots = quick.input_roots(run.site_dir, theme_dirs(config))
    return roots, (o.drafts, o.strict, o.check_links, dict(o.overrides))


def _open(run: _Run, config: SiteConfig | None) -> Destination | None:
    """Where the output and the state go (the target's), or None if the build stops here."""
    if config is None:
        return None
    return run.options.target.open(run.site_dir, config.output_dir, run.problems, run.notes)


def _nothing_changed(run: _Run, config: SiteConfig, dest: Destination) -> bool:
    """Whether the last build's no-op snapshot still holds (then that is the whole build)."""
    if dest.store is None or not dest.no_op or run.options.full:
        return False
    roots, options = _snapshot_of(run, config)
    count = quick.nothing_changed(dest.store, roots, config.output_dir, options)
    if count is None:
        return False
    dest.store.close()
    run.report.unchanged, run.report.committed = count, True
    return True


def _load_documents(run: _Run, config: SiteConfig, store: Store | None) -> Loaded:
    """Last build's state and parsed documents (unless `full`), then the documents."""
    memo, options = run.memo, run.options
    if store is not None and not options.full:
        memo.state = store.state()
        memo.docs, docs_note = doccache.load(store.documents())
        run.notes.extend([docs_note] if docs_note else [])
    if options.full:
        memo.state, memo.docs, memo.shape = None, {}, None
    if store is not None:
        run.notes.extend(store.notes)
    return load_documents(run.site_dir, run.problems, memo, options.drafts, config.timezone)


def _claim(
    plan: list[RenderJob],
    site: Site,
    config: SiteConfig,
    out: Output,
    problems: Problems,
    memo: Memo,
) -> tuple[list[RenderJob], list[StaticFile]]:
    """The jobs and static files whose output paths collide with nothing claimed before
    (a static file's output is its URL path in the site's folder, `config.output_root`).
    Last build's plan (serve, only bodies changed) makes last build's claims: those are kept."""
    shape = memo.shape if memo.shape is not None and memo.shape.jobs is plan else None
    if shape is not None and shape.claims is not None:
        jobs = shape.claims[0]
        out.restore(shape.claims[1])
    else:
        before = len(problems.items)
        jobs = [j for j in plan if out.claim(j.output, _owner(j, site), problems)]
        if shape is not None and len(problems.items) == before:
            shape.claims = jobs, out.claims()
    statics = static_files(config, theme_dirs(config), problems)
    root = config.output_root
    owned = [
        s for s in statics if out.claim(root + s.path, STATIC.owner_of(s.path, s.dep), problems)
    ]
    return jobs, owned


def _renderer(
    run: _Run, site: Site, config: SiteConfig, statics: list[StaticFile]
) -> tuple[Renderer, Bodies]:
    """The renderer, and the bodies it reads from content/ as pages need them."""
    local = {s.path for s in statics if not s.dep.startswith("theme:")}
    bodies = Bodies(site, run.memo, run.site_dir, run.problems)
    assets = {s.name: s.path for s in statics if s.name}
    return Renderer(site, config, bodies, local, assets), bodies


def _render(
    run: _Run, renderer: Renderer, jobs: list[RenderJob], todo: Todo, out: Output
) -> dict[str, str]:
    """Render the jobs `todo` names, reuse every other; output -> digest of its bytes."""
    o = run.options
    stop_if_asked(o.stop)  # loading and planning are done; nothing is written yet
    done = render_jobs(
        renderer, jobs, todo, out, run.problems, run.memo.state, (o.progress, o.stop)
    )
    run.report.rendered, run.report.reused = done.rendered, done.reused
    run.report.deferred = sorted(done.deferred)
    return done.outputs


def _write_whole(
    statics: list[StaticFile],
    lookups: Mapping[str, bytes],
    out: Output,
    problems: Problems,
    root: str,
) -> dict[str, str]:
    """The outputs written as they are, in the site's folder `root`: static files (claimed
    with the jobs) and the `wp-lookup/` tables (?p=, ?cat= … on a host with no rules);
    output -> digest, so that the state lists every output."""
    outputs = {}
    for static in statics:
        data = static.source.read_bytes()
        out.write(root + static.path, data)
        outputs[root + static.path] = digest(data)
    for path, data in ((root + p, d) for p, d in lookups.items()):
        if out.claim(path, WP_LOOKUP.owner_of(path), problems):
            out.write(path, data)
            outputs[path] = digest(data)
    return outputs


def _search_fingerprint(site_fp: str, loaded: Loaded) -> str:
    """The index shows every document's text: it depends on every content file's bytes."""
    return digest(f"{__version__}\n{site_fp}\n{sorted(loaded.digests.items())!r}")


def _search(
    run: _Run,
    what: tuple[Site, Bodies, SiteConfig],
    out: Output,
    fps: dict[str, str],
    store: Store | None,
) -> dict[str, str]:
    """The search index's files (output -> digest): last build's, kept as they are if the
    index may be deferred (then its fingerprint stays stale, so the next build redoes it),
    else brought up to date."""
    state, memo = run.memo.state, run.memo
    stop_if_asked(run.options.stop)
    kept = None
    if state is not None and run.options.defer("search/"):
        root = what[2].output_root
        kept = _kept_index(state, out, fps[SEARCH_KEY], memo.search, run.problems, root)
    if kept is None or state is None:
        return _search_index(what, out, run, store)
    fps[SEARCH_KEY] = state.jobs[SEARCH_KEY]
    run.report.deferred.append("search/")
    return kept


def _link_errors(
    run: _Run,
    jobs: list[RenderJob],
    site: Site,
    config: SiteConfig,
    outputs: Mapping[str, str],
    sink: Sink,
) -> dict[str, Any]:
    """Broken internal links as errors (what `sitegen check` says of them too), named by the
    content file that holds them if any; returns the state that lets the next build reuse this
    check's results per page. In a build that already failed they are warnings: the output is
    not written, and a link to a post whose front matter is broken is a consequence of that
    error, not a second verdict."""
    if not run.options.check_links:
        return {}
    problems, files = run.problems, sink.staged()
    say = problems.warn if problems.failed(strict=run.options.strict) else problems.error
    sources = {j.output: site.docs[j.key].source for j in jobs if kind_of(j).document}
    out = config.output_dir.name
    # A page whose template failed is already an error; links to it are not broken links too
    # (else one typo in post.html buries its error under a warning per link to every post).
    failed = {j.output: b"" for j in jobs if j.output not in files} if problems.errors else {}
    # ChainMap only reads here (nothing writes to it), so the staged files stay lazy.
    files = ChainMap(cast("MutableMapping[str, bytes]", files), failed)
    # Resolved as a static server at the output's root resolves them (the site sits in its
    # base path's folder there): what `sitegen check` does too.
    inputs = linkstate.inputs_digest(files, "/")
    reuse = linkstate.reuser(run.memo.state, inputs, outputs)
    results = check_pages(files, "/", reuse)
    for found in (p for result in results.values() for p in result.problems):
        page = found.location.rsplit(":", 1)[0]
        if page in sources:
            say(found.message, sources[page], f"in {out}/{found.location}")
        else:
            say(found.message, f"{out}/{found.location}")
    return linkstate.to_state(inputs, results)


def _commit(
    run: _Run, failed: bool, sink: Sink, output_dir: Path, state: BuildState, bodies: Bodies
) -> BuildState | None:
    """Commit the output unless the build `failed` before its link check (then abort it); the
    state to remember, or None if nothing was committed. A broken link fails the build (exit
    1) but does not stop the commit: the output is whole and true, only a link in it is wrong,
    and the link check's state is saved with it for the next build to reuse."""
    if failed:
        sink.abort()
        return None
    if not _written(sink, output_dir, run.problems):
        return None
    run.report.committed = True
    run.memo.state = state
    run.memo.bodies = bodies.kept()
    return state


def _remember(
    run: _Run, dest: Destination, state: BuildState | None, reread: set[str], config: SiteConfig
) -> None:
    """Save what the next build needs, in one transaction, after the output's commit (a
    failed build: `state` None, only the documents read again, which are right either way):
    the state with its outputs' stamps, the search index's, and the no-op snapshot (a clean
    build without a warning) or none."""
    store, memo, sink = dest.store, run.memo, dest.sink
    if state is not None:
        state.stamps = output_stamps(sink.stats, time.time_ns())
    if store is None:
        return
    changes = Changes(state, documents=doccache.Rows(memo.docs, reread))
    if state is not None and memo.search is not None and memo.search.changed:
        changes.blobs[searchstate.KEY] = searchstate.to_bytes(memo.search)
    clean = state is not None and dest.no_op and not run.problems.items
    snapshot = quick.record(*_snapshot_of(run, config), sink.stats) if clean else None
    changes.blobs[quick.KEY] = snapshot
    if state is not None:
        changes.blobs[BUILT_FOR_KEY] = built_for_record(config.base_url, config.mirror_url_set)
    if note := store.save(changes):
        run.notes.append(note)
    if changes.blobs.get(searchstate.KEY) is not None and memo.search is not None:
        memo.search.changed = False
    store.close()


def build_site(site_dir: Path, options: BuildOptions = DEFAULT_OPTIONS) -> BuildReport:
    """Build the site in `site_dir`; the output is replaced only if the build succeeded.
    `options` (sitegen.build.options) says what to build and where the output and the state
    go. Each line below is a stage; a stage that finds the build cannot go on says so."""
    run = _Run(site_dir, options, options.target.memo())
    config = _load_config(run)
    dest = _open(run, config)
    if config is None or dest is None or _nothing_changed(run, config, dest):
        return run.finish(dest)
    loaded = _load_documents(run, config, dest.store)
    site, plan, changed = _site_and_plan(run.inputs(config), loaded.docs, run.memo, run.problems)
    out = Output(dest.sink)
    jobs, statics = _claim(plan, site, config, out, run.problems, run.memo)
    renderer, bodies = _renderer(run, site, config, statics)
    site_fp = site_fingerprint(site_dir, config, site, renderer, run.fp_options())
    fps = _fingerprints(jobs, (site_fp, loaded), renderer, run.memo, changed)
    todo = to_render(jobs, fps, run.memo.state, dest.sink, options.defer)
    bodies.prefill(shown_by(todo.jobs, site), run.problems)
    try:
        outputs = _render(run, renderer, jobs, todo, out)
        lookups = lookup_files(site)
        outputs.update(_write_whole(statics, lookups, out, run.problems, config.output_root))
        if config.search_enabled:
            fps[SEARCH_KEY] = _search_fingerprint(site_fp, loaded)
            outputs.update(_search(run, (site, bodies, config), out, fps, dest.store))
    except Stopped:  # as a failed build: nothing written, the memo as it was before
        dest.sink.abort()
        run.report.stopped = True
        _remember(run, dest, None, loaded.reread, config)
        return run.finish(dest)
    failed = run.problems.failed(strict=options.strict)
    links = _link_errors(run, jobs, site, config, outputs, dest.sink)
    state = BuildState(site_fp, loaded.digests, fps, outputs, links)
    committed = _commit(run, failed, dest.sink, config.output_dir, state, bodies)
    _remember(run, dest, committed, loaded.reread, config)
    run.report.site, run.report.jobs = site, jobs
    run.report.written, run.report.unchanged = out.written, out.unchanged
    return run.finish(dest)
