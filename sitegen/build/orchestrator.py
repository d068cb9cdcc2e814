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

from sitegen import __version__, transaction, tuning
from sitegen.build.incremental import (
    Bodies,
    Loaded,
    Memo,
    Progress,
    Rendered,
    TemplateDigests,
    job_fingerprint,
    load_documents,
    previous_output,
    render_jobs,
    shown_by,
    site_fingerprint,
    tracked,
    unchanged_output,
)
from sitegen.build.output import Output, Sink, StagedDirSink
from sitegen.build.plan import RenderJob, plan_site, static_files
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
from sitegen.config import SiteConfig, load_config
from sitegen.digests import digest
from sitegen.errors import Problems, SitegenError
from sitegen.model import Document, SiteInfo
from sitegen.site.assemble import SITE_FILE, Gone, Site, assemble_site, load_gone, load_site_info

SEARCH_KEY = "search:index"  # the search index's entry in the build state


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

    def failed(self, *, strict: bool = False) -> bool:
        return self.problems.failed(strict=strict)

    def summary(self) -> str:
        counts = (
            f"{len(self.problems.errors)} error(s), "
            f"{len(self.problems.warnings)} warning(s) in {self.seconds:.2f} s"
        )
        if not self.committed:
            # Not "N files: N written": a failed build writes nothing a user would see.
            return f"build failed: {counts} (output NOT updated)"
        return (
            f"{self.written + self.unchanged} files: {self.written} written, "
            f"{self.unchanged} unchanged, {counts}"
        )


def _owner(job: RenderJob, site: Site) -> str:
    if job.kind in ("post", "page"):
        return site.docs[job.key].source
    return f"the {job.kind} page /{job.path}"


def _link_warnings(
    files: Mapping[str, bytes],
    jobs: list[RenderJob],
    site: Site,
    config: SiteConfig,
    problems: Problems,
    reuse: tuple[BuildState | None, Mapping[str, str]],
) -> dict[str, Any]:
    """Broken internal links as warnings, named by the content file that holds them if any;
    returns the state that lets the next build reuse this check's results per page."""
    sources = {j.output: site.docs[j.key].source for j in jobs if j.kind in ("post", "page")}
    out = config.output_dir.name
    # A page whose template failed is already an error; links to it are not broken links too
    # (else one typo in post.html buries its error under a warning per link to every post).
    failed = {j.output: b"" for j in jobs if j.output not in files} if problems.errors else {}
    # ChainMap only reads here (nothing writes to it), so the staged files stay lazy.
    files = ChainMap(cast("MutableMapping[str, bytes]", files), failed)
    inputs = linkstate.inputs_digest(files, config.base_path)
    results = check_pages(files, config.base_path, linkstate.reuser(reuse[0], inputs, reuse[1]))
    for found in (p for result in results.values() for p in result.problems):
        page = found.location.rsplit(":", 1)[0]
        if page in sources:
            problems.warn(found.message, sources[page], f"in {out}/{found.location}")
        else:
            problems.warn(found.message, f"{out}/{found.location}")
    return linkstate.to_state(inputs, results)


def _search_index(
    site: Site,
    bodies: Bodies,
    config: SiteConfig,
    out: Output,
    memo: Memo,
    store: Store | None,
    problems: Problems,
) -> dict[str, str]:
    """Write the search index, redoing only what changed since the last build
    (sitegen.build.state.searchindex); output -> digest."""
    previous = None
    if memo.state is not None:  # no state, or --full: nothing of the last build is trusted
        saved = store.blob(searchstate.KEY) if store is not None and memo.search is None else None
        previous = memo.search or searchstate.from_bytes(saved)
    seen = memo.search.seen if memo.search is not None else {}
    docs = searchstate.site_docs(site, bodies, bodies.digests, config.base_path, seen)
    files, memo.search = searchstate.index_files(
        docs, previous, lambda rel: previous_output(out.sink, rel)
    )
    memo.search.seen = seen
    written = {}
    for rel, data in sorted(files.items()):
        if out.claim(rel, "the search index", problems):
            out.write(rel, data)
            written[rel] = memo.search.files[rel]
    return written


def _kept_index(
    old: BuildState, out: Output, fingerprint: str, index: Any, problems: Problems
) -> dict[str, str] | None:
    """Last build's search index files (`index`: its SearchState, which lists them), kept as
    they are although out of date (output -> digest); None if the index is up to date
    (nothing to defer), unknown, or not all its files are as written."""
    if index is None or old.jobs.get(SEARCH_KEY) in (None, fingerprint):
        return None
    files: dict[str, str] = dict(index.files)
    if not files or not all(unchanged_output(out.sink, rel, old) for rel in files):
        return None
    for rel in sorted(files):
        if out.claim(rel, "the search index", problems):
            out.keep(rel)
    return files


def _remember(
    store: Store | None,
    state: BuildState | None,
    memo: Memo,
    sink: Sink,
    snapshot: tuple[list[Path], Any] | None,
    reread: set[str],
    notes: list[str],
    built_for: bytes | None = None,
) -> None:
    """Save what the next build needs, in one transaction, after the output's commit (a
    failed build: `state` None, only the documents read again, which are right either way):
    the state with its outputs' stamps, the search index's, and the no-op snapshot (if
    `snapshot`: a clean build without a warning) or none."""
    if state is not None and isinstance(sink, StagedDirSink):
        state.stamps = output_stamps(sink.stats, time.time_ns())
    if store is None:
        return
    changes = Changes(state, documents=doccache.rows(memo.docs, reread))
    if state is not None and memo.search is not None and memo.search.changed:
        changes.blobs[searchstate.KEY] = searchstate.to_bytes(memo.search)
    record = None
    if state is not None and snapshot is not None and isinstance(sink, StagedDirSink):
        record = quick.record(snapshot[0], snapshot[1], sink.stats)
    changes.blobs[quick.KEY] = record
    if built_for is not None:
        changes.blobs[BUILT_FOR_KEY] = built_for
    if note := store.save(changes):
        notes.append(note)
    if changes.blobs.get(searchstate.KEY) is not None and memo.search is not None:
        memo.search.changed = False


def _recovered(output_dir: Path, report: BuildReport) -> bool:
    """Undo (or finish) a commit a crash interrupted, before anything reads the output; False
    if that was impossible (reported)."""
    try:
        note = transaction.recover(output_dir)
    except SitegenError as err:
        report.problems.add(err)
        return False
    if note:
        report.notes.append(note)
    return True


def _committed(sink: Sink, output_dir: Path, problems: Problems) -> bool:
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
    plan = plan_site(site, inputs[0])
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
        own = site.sources[job.key] if job.kind == "post" else ""
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


def build_site(
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
    defer: Callable[[str], bool] | None = None,
) -> BuildReport:
    """Build the site in `site_dir`; the output is replaced only if the build succeeded.

    Without `memo` the incremental state is read from and saved to `.sitegen/` (unless
    SITEGEN_NO_CACHE, sitegen.tuning: then nothing is, and each build is a clean one); with
    one, it stays in the memo (not even there with SITEGEN_NO_CACHE). `check_links=False`
    skips the broken-link warnings (serve).
    `full=True` renders everything and records a fresh state. `defer`: outputs (by path) that
    may keep last build's bytes this time if their inputs changed (and the search index, if it
    says yes to "search/"); they are named in `report.deferred`, and the next build without
    `defer` brings them up to date (serve: the pages first, feeds and the index a moment later).
    """
    start = time.perf_counter()
    report = BuildReport()
    problems = report.problems
    cache = tuning.current.cache  # SITEGEN_NO_CACHE: no state at all, on disk or in serve's memo
    on_disk = memo is None and cache
    memo = (memo if cache else None) or Memo()
    if not (site_dir / "content").is_dir():  # alone: every other message would follow from it
        problems.error(f"no content/ folder in {site_dir}", hint="run `sitegen import` first, or "
                       "choose the site with `sitegen --site DIR build`")  # fmt: skip
        return report
    info = _site_info(site_dir, memo, problems)
    if problems.errors:  # a broken _site.yaml: the config's defaults from it would fail too
        return report
    config = report.config = load_config(site_dir, info, problems, config_overrides)
    if problems.errors:  # a bad config would make every later message misleading
        return report
    if not config.mirror_url_set:  # a note, not a warning: it must not stop no-op builds
        report.notes.append(
            f"no mirror URL set: canonical, OpenGraph, feed and sitemap URLs name WordPress's "
            f'address {config.base_url}; set base_url = "https://mirror.example.org/" in '
            "sitegen.toml (where public/ will be served), or pass --base-url; links inside the "
            "site start at / either way"
        )
    no_op = on_disk and sink is None  # the no-op path knows only the default output folder
    if sink is None and not _recovered(config.output_dir, report):
        return report
    options = (drafts, strict, check_links, config_overrides)
    roots = quick.input_roots(site_dir, theme_dirs(config))
    store = Store(site_dir) if on_disk else None
    if store is not None and no_op and not full:
        count = quick.nothing_changed(store, roots, config.output_dir, options)
        if count is not None:
            store.close()
            report.unchanged, report.committed = count, True
            report.seconds = time.perf_counter() - start
            return report
    if store is not None and not full:
        memo.state = store.state()
        memo.docs, docs_note = doccache.load(store.documents())
        report.notes += [docs_note] if docs_note else []
    if full:
        memo.state, memo.docs, memo.shape = None, {}, None
    if store is not None:
        report.notes += store.notes
    loaded = load_documents(site_dir, problems, memo, drafts, config.timezone)
    docs, sources = loaded.docs, loaded.digests
    inputs = (config, info, load_gone(site_dir, problems), drafts)
    site, plan, changed = _site_and_plan(inputs, docs, memo, problems)
    report.site = site
    sink = sink or StagedDirSink(config.output_dir)
    out = Output(sink)
    jobs = [j for j in plan if out.claim(j.output, _owner(j, site), problems)]
    statics = static_files(config, theme_dirs(config), problems)
    statics = [s for s in statics if out.claim(s.path, s.dep, problems)]
    local = {s.path for s in statics if not s.dep.startswith("theme:")}
    bodies = Bodies(site, memo, site_dir, problems)
    assets = {s.name: s.path for s in statics if s.name}
    renderer = Renderer(site, config, bodies, local, assets)
    report.jobs = jobs
    site_fp = site_fingerprint(site_dir, config, site, renderer, (drafts, config_overrides))
    fps = _fingerprints(jobs, (site_fp, loaded), renderer, memo, changed)
    bodies.prefill(shown_by(jobs, fps, memo.state, site), problems)
    done: Rendered = render_jobs(renderer, jobs, out, problems, fps, memo.state, progress, defer)
    report.rendered, report.reused = done.rendered, done.reused
    report.deferred = sorted(done.deferred)
    outputs = done.outputs
    for static in statics:
        data = static.source.read_bytes()
        out.write(static.path, data)
        outputs[static.path] = digest(data)  # so that the state lists every output
    for path, data in lookup_files(site).items():  # ?p=, ?cat= … on a host with no rules
        if out.claim(path, "the lookup of WordPress's query URLs", problems):
            out.write(path, data)
            outputs[path] = digest(data)
    if config.search_enabled:
        fps[SEARCH_KEY] = digest(f"{__version__}\n{site_fp}\n{sorted(sources.items())!r}")
        kept = None
        if defer is not None and defer("search/") and memo.state is not None:
            kept = _kept_index(memo.state, out, fps[SEARCH_KEY], memo.search, problems)
        if kept is not None and memo.state is not None:
            outputs.update(kept)
            fps[SEARCH_KEY] = memo.state.jobs[SEARCH_KEY]  # stale: the next build redoes it
            report.deferred.append("search/")
        else:
            outputs.update(_search_index(site, bodies, config, out, memo, store, problems))
    links = {}
    if check_links:
        links = _link_warnings(sink.staged(), jobs, site, config, problems, (memo.state, outputs))
    report.written, report.unchanged = out.written, out.unchanged
    snapshot = (roots, options) if no_op and not problems.items else None
    if problems.failed(strict=strict):
        sink.abort()
        _remember(store, None, memo, sink, None, loaded.reread, report.notes)
    elif _committed(sink, config.output_dir, problems):
        report.committed = True
        memo.state = BuildState(site_fp, sources, fps, outputs, links)
        memo.bodies = bodies.kept()
        built_for = built_for_record(config.base_url, config.mirror_url_set)
        _remember(store, memo.state, memo, sink, snapshot, loaded.reread, report.notes, built_for)
    if store is not None:
        store.close()
    report.seconds = time.perf_counter() - start
    return report
