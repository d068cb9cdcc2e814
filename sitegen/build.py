"""The orchestrator: the only place that knows the order of the stages.

load -> render markdown -> assemble site -> plan -> render -> write (-> check links). Every stage
is a function with explicit inputs and outputs; problems are collected across all of them so a
user sees everything that is wrong in one run, and the output is only swapped into place when
the build succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.checks.links import check_links
from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problems, SitegenError
from sitegen.markdown import render_markdown
from sitegen.output import Output, Sink, StagedDirSink
from sitegen.plan import RenderJob, plan_site, static_files
from sitegen.render import Renderer, theme_dirs
from sitegen.site import Site, assemble_site, load_documents, load_gone, load_site_info

Progress = Callable[[int, int], None]


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

    def failed(self, *, strict: bool = False) -> bool:
        return self.problems.failed(strict=strict)

    def summary(self) -> str:
        state = "" if self.committed else " (output NOT updated)"
        return (
            f"{self.written + self.unchanged} files: {self.written} written, "
            f"{self.unchanged} unchanged, {len(self.problems.errors)} error(s), "
            f"{len(self.problems.warnings)} warning(s) in {self.seconds:.2f} s{state}"
        )


def render_bodies(site: Site, problems: Problems) -> dict[str, str]:
    """Markdown -> HTML for every document (the one MarkdownIt setup of the project)."""
    bodies = {}
    for path, doc in site.docs.items():
        try:
            bodies[path] = render_markdown(doc.body)
        except SitegenError as err:
            err.location = err.location or f"{doc.source}:{doc.body_line}"
            problems.add(err)
    return bodies


def _owner(job: RenderJob, site: Site) -> str:
    if job.kind in ("post", "page"):
        return site.docs[job.key].source
    return f"the {job.kind} page /{job.path}"


def _render_all(
    renderer: Renderer,
    jobs: list[RenderJob],
    out: Output,
    problems: Problems,
    progress: Progress | None,
) -> None:
    seen: set[tuple[str, str]] = set()  # one broken template breaks hundreds of pages: say it once
    for done, job in enumerate(jobs, 1):
        try:
            out.write(job.output, renderer.render(job))
        except SitegenError as err:
            if (err.location, err.message) not in seen:
                seen.add((err.location, err.message))
                problems.add(err)
        if progress:
            progress(done, len(jobs))


def _link_warnings(
    files: Mapping[str, bytes],
    jobs: list[RenderJob],
    site: Site,
    config: SiteConfig,
    problems: Problems,
) -> None:
    """Broken internal links as warnings, named by the content file that holds them if any."""
    sources = {j.output: site.docs[j.key].source for j in jobs if j.kind in ("post", "page")}
    out = config.output_dir.name
    for found in check_links(files, config.base_path):
        page = found.location.rsplit(":", 1)[0]
        if page in sources:
            problems.warn(found.message, sources[page], f"in {out}/{found.location}")
        else:
            problems.warn(found.message, f"{out}/{found.location}")


def build_site(
    site_dir: Path,
    config_overrides: dict[str, Any] | None = None,
    *,
    drafts: bool = False,
    strict: bool = False,
    sink: Sink | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site in `site_dir`; the output is replaced only if the build succeeded."""
    start = time.perf_counter()
    report = BuildReport()
    problems = report.problems
    info = load_site_info(site_dir, problems)
    config = report.config = load_config(site_dir, info, problems, config_overrides)
    if not (site_dir / "content").is_dir():
        problems.error(f"no content/ folder in {site_dir}", hint="run `sitegen import` first, or "
                       "choose the site with `sitegen --site DIR build`")  # fmt: skip
    if problems.errors:  # a bad config would make every later message misleading
        return report
    docs = load_documents(site_dir, problems, drafts=drafts)
    site = report.site = assemble_site(info, docs, problems, load_gone(site_dir, problems))
    bodies = render_bodies(site, problems)
    jobs = report.jobs = plan_site(site, config)
    statics = static_files(config, theme_dirs(config))
    sink = sink or StagedDirSink(config.output_dir)
    out = Output(sink)
    jobs = [j for j in jobs if out.claim(j.output, _owner(j, site), problems)]
    statics = [s for s in statics if out.claim(s.path, s.dep, problems)]
    local = {s.path for s in statics if not s.dep.startswith("theme:")}
    _render_all(Renderer(site, config, bodies, local), jobs, out, problems, progress)
    for static in statics:
        out.write(static.path, static.source.read_bytes())
    _link_warnings(sink.staged(), jobs, site, config, problems)
    report.written, report.unchanged = out.written, out.unchanged
    if problems.failed(strict=strict):
        sink.abort()
    else:
        sink.commit()
        report.committed = True
    report.seconds = time.perf_counter() - start
    return report
