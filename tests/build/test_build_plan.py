"""The plan: RenderJobs and their dependency keys (what an incremental build relies on),
collisions between documents and generated pages, drafts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builtsite import built_root
from testdata import FIXTURE_SITE

from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.build.plan import RenderJob, plan_site
from sitegen.config import load_config
from sitegen.errors import Problems
from sitegen.site.assemble import assemble_site, load_documents, load_site_info

X = "content/posts/2023/09/x-wont-use-users-private-data.md"
ROLLOUT = "content/posts/2023/09/5g-rollout.md"
TARIFFS = "content/posts/2023/08/sticky.md"


def plan(site_dir: Path) -> dict[str, RenderJob]:
    problems = Problems()
    info = load_site_info(site_dir, problems)
    config = load_config(site_dir, info, problems)
    site = assemble_site(info, load_documents(site_dir, problems), problems)
    assert not problems.items, problems.render()
    # By file in the site's folder (the outputs sit in web/ of public/ for the base path /web/).
    return {job.output.removeprefix(config.output_root): job for job in plan_site(site, config)}


def test_post_depends_on_itself_its_neighbours_and_related_posts() -> None:
    jobs = plan(FIXTURE_SITE)
    post = jobs["2023/09/01/x-wont-use-users-private-data/index.html"]
    # older neighbour: tariffs; newer neighbour and related (shares the tag AI): the rollout.
    assert post.deps == (TARIFFS, ROLLOUT, X)  # sorted


def test_list_jobs_depend_on_the_posts_they_show() -> None:
    jobs = plan(FIXTURE_SITE)
    category = jobs["category/telecom/5g/index.html"]
    assert category.items == ("2023/09/02/5g-rollout-reaches-500-cities/",)
    assert category.deps == (ROLLOUT,)
    home2 = jobs["page/2/index.html"]
    assert len(home2.items) == 2 and (home2.page, home2.pages) == (2, 3)
    assert set(home2.deps) == {X, ROLLOUT}


def test_editing_a_post_touches_only_the_jobs_that_list_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    before = plan(site)
    hindi = site / "content/posts/2023/09/hindi.md"
    hindi.write_text(hindi.read_text().replace("सरकार ने", "सरकार ने आज"))
    after = plan(site)
    assert before == after  # a body edit changes no job: the deps say which ones to re-render
    stale = sorted(o for o, j in after.items() if "content/posts/2023/09/hindi.md" in j.deps)
    assert "2023/09/03/हिंदी-news/index.html" in stale
    assert "tag/हिंदी/index.html" in stale and "index.html" in stale
    assert "category/telecom/index.html" not in stale and "about/index.html" not in stale


def test_a_page_at_a_generated_url_is_a_collision_naming_both(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "content/pages/tags.md").write_text(
        "---\ntitle: Tags\ntype: page\ndate: 2020-01-01T10:00:00+05:30\npath: tag/\n---\nx\n"
    )
    report = build_site(site)
    assert not report.committed
    assert [p.render() for p in report.problems.errors] == [
        "error: URL collision: web/tag/index.html is written by both "
        "content/pages/tags.md and the terms page /tag/\n"
        "  hint: change the path of one of them"
    ]


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_only_with_the_option(tmp_path: Path, drafts: bool) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    assert build_site(site, BuildOptions(drafts=drafts)).committed
    assert (built_root(site) / "2023/09/04/unfinished-draft/index.html").exists() == drafts
