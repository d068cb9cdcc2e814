"""serve's shortcut (sitegen.build.reuse): after an edit to posts' bodies only, the site and its
plan
are last build's; any other edit assembles and plans again. Either way: a clean build's bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from testdata import FIXTURE_SITE

import sitegen.build.orchestrator
from sitegen.build.incremental import Memo
from sitegen.build.options import BuildOptions, InMemory
from sitegen.build.orchestrator import build_site
from sitegen.build.output import MemorySink
from sitegen.checks.files import DirFiles
from sitegen.content import dump_document, split_document

POST = "content/posts/2023/09/5g-rollout.md"


def _edit(site: Path, *, body: str = "", title: str = "") -> None:
    path = site / POST
    meta, text, _ = split_document(path.read_text(), POST)
    meta["title"] = meta["title"] + title
    path.write_text(dump_document(meta, text + body))


def _clean(site: Path, into: Path) -> dict[str, bytes]:
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".sitegen"))
    assert build_site(into).committed
    return dict(DirFiles(into / "public"))


@pytest.mark.parametrize(
    ("change", "assembled"),
    [
        ({"body": "\n\nA new paragraph with *emphasis*.\n"}, 0),
        ({"title": " (updated)"}, 1),
        ({"body": "\n\nMore.\n", "title": " and a title"}, 1),
    ],
)
def test_only_a_body_edit_reuses_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, str], assembled: int
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    sink, memo = MemorySink(), Memo()
    assert build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo))).committed
    calls: list[int] = []
    real = sitegen.build.orchestrator.assemble_site

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sitegen.build.orchestrator, "assemble_site", counting)
    _edit(site, **change)
    report = build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo)))
    assert report.committed and len(calls) == assembled
    assert 0 < len(report.rendered) < 40  # the post, its neighbours, its lists and feeds
    assert sink.files == _clean(site, tmp_path / "clean")


def test_warnings_are_said_again_when_the_plan_is_reused(tmp_path: Path) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    path = site / POST
    path.write_text(path.read_text().replace("title:", "titel: typo\ntitle:", 1))
    sink, memo = MemorySink(), Memo()
    first = build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo)))
    assert [p.message for p in first.problems.warnings]
    _edit(site, body="\n\nMore.\n")
    again = build_site(site, BuildOptions(check_links=False, target=InMemory(sink, memo)))
    assert again.problems.render() == first.problems.render()


@pytest.mark.parametrize(
    ("post", "neighbours_rendered"),
    [
        ("content/posts/2023/08/sticky.md", False),  # has a summary: teasers show it
        (POST, True),  # no summary: its teaser's summary is the start of its body
    ],
)
def test_a_body_edit_does_not_re_render_the_pages_that_link_to_the_post(
    tmp_path: Path, post: str, neighbours_rendered: bool
) -> None:
    site = Path(shutil.copytree(FIXTURE_SITE, tmp_path / "site"))
    assert build_site(site).committed
    path = site / post
    path.write_text(path.read_text().replace("\n\n", "\n\nA first paragraph, new.\n\n", 1))
    report = build_site(site)
    assert report.committed
    own = next(j for j in report.jobs if j.kind == "post" and site.joinpath(post).samefile(
        site / report.site.sources[j.key]))  # type: ignore[union-attr]  # fmt: skip
    linking = [j.output for j in report.jobs if j.kind == "post" and own.key in j.items]
    assert own.output in report.rendered and linking
    assert any(o in report.rendered for o in linking) == neighbours_rendered
    assert dict(DirFiles(site / "public")) == _clean(site, tmp_path / "clean")
