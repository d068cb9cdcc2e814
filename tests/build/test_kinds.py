"""The registry of output kinds: every planned job's kind is registered, the registry is what
decides tracking, the sitemap, collisions and rendering, and an unknown kind is refused."""

from __future__ import annotations

import pytest
from builtsite import built_folder
from testdata import FIXTURE_SITE

from sitegen.build import kinds
from sitegen.build.incremental import Memo, tracked
from sitegen.build.kinds import KINDS, JobKind, kind_of
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.build.plan import RenderJob, plan_site
from sitegen.config import load_config
from sitegen.errors import Problems
from sitegen.site.assemble import assemble_site, load_documents, load_site_info


def _plan() -> list[RenderJob]:
    problems = Problems()
    info = load_site_info(FIXTURE_SITE, problems)
    config = load_config(FIXTURE_SITE, info, problems)
    site = assemble_site(info, load_documents(FIXTURE_SITE, problems), problems)
    return plan_site(site, config)


def test_an_unregistered_kind_is_refused_when_the_job_is_made() -> None:
    with pytest.raises(ValueError, match="no job kind 'humans'"):
        RenderJob(path="humans.txt", kind="humans")
    with pytest.raises(ValueError, match="no job kind 'static'"):
        RenderJob(path="a.css", kind="static")  # written by the orchestrator, never rendered


def test_every_planned_kind_has_a_producer_and_a_row() -> None:
    planned = {job.kind for job in _plan()}
    assert planned <= KINDS.keys()
    assert all(KINDS[k].producer is not None for k in planned)


def test_the_registry_decides_what_is_tracked_and_in_the_sitemap() -> None:
    jobs = _plan()
    assert {j.kind for j in jobs if tracked(j)} >= {
        "post",
        "home",
        "feed-home",
        "sitemap",
        "headers",
    }
    assert not any(tracked(j) for j in jobs if j.kind in ("terms", "404", "robots"))
    sitemap = next(j for j in jobs if j.kind == "sitemap")
    listed = {path for path, _ in sitemap.data}
    assert listed == {j.path for j in jobs if kind_of(j).in_sitemap and j.page == 1}
    assert "404.html" not in listed and "feed/index.xml" not in listed


def test_a_kind_renders_through_its_producer(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    row = KINDS["robots"]

    def produce(renderer: object, job: RenderJob) -> bytes:
        calls.append(job.path)
        return b"User-agent: *\nDisallow: /\n"

    monkeypatch.setitem(KINDS, "robots", JobKind("robots", produce))  # type: ignore[arg-type]
    sink = MemorySink()
    assert build_site(
        FIXTURE_SITE, BuildOptions(check_links=False, target=InMemory(sink))
    ).committed
    assert calls == ["robots.txt"]
    robots = (built_folder(FIXTURE_SITE) / "robots.txt").as_posix()  # in the site's folder
    assert sink.files[robots] == b"User-agent: *\nDisallow: /\n"
    assert row.producer is not None


def test_owner_phrases_and_content_types() -> None:
    assert KINDS["post"].owner_of("a/", "content/a.md") == "content/a.md"
    assert KINDS["terms"].owner_of("tag/") == "the terms page /tag/"
    assert kinds.SEARCH_INDEX.owner_of("search/x.json") == "the search index"
    assert (
        KINDS["feed-home"]
        .content_type("feed/index.xml", b"<rss>")
        .startswith("application/rss+xml")
    )
    assert KINDS["home"].content_type("index.html") == "text/html; charset=utf-8"


class _OtherSink:
    """A sink of no class the build knows: it can only go by the protocol."""

    def __init__(self) -> None:
        self.inner = MemorySink()
        self.write, self.keep, self.staged = self.inner.write, self.inner.keep, self.inner.staged
        self.commit, self.abort = self.inner.commit, self.inner.abort
        self.previous, self.stats = self.inner.previous, self.inner.stats
        self.asked: list[str] = []

    def unchanged(self, rel: str, stamp: str | None) -> bool:
        self.asked.append(rel)
        return self.inner.unchanged(rel, stamp)


def test_the_build_asks_the_sink_protocol_not_its_class() -> None:
    sink = _OtherSink()
    target = InMemory(sink, Memo())  # type: ignore[arg-type]
    assert build_site(FIXTURE_SITE, BuildOptions(check_links=False, target=target)).committed
    first = dict(sink.inner.files)
    again = build_site(FIXTURE_SITE, BuildOptions(check_links=False, target=target))
    assert again.committed and again.reused > 50  # tracked outputs reused: the sink was asked
    assert not any(kind_of(j).tracked for j in again.jobs if j.output in again.rendered)
    assert dict(sink.inner.files) == first and sink.asked
