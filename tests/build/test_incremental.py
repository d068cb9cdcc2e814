"""Incremental `sitegen build`: what is rendered, what is kept, and a cache never makes it wrong."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from builtsite import built_folder, built_root
from testdata import FIXTURE_SITE, ROOT

from sitegen.build.orchestrator import build_site
from sitegen.checks.files import DirFiles

POST = "content/posts/2023/09/5g-rollout.md"
POST_OUT = "2023/09/02/5g-rollout-reaches-500-cities/index.html"
DEFAULT_TEMPLATES = ROOT / "themes" / "default" / "templates"


# Outputs are named from public/'s root; the site's own sit in its folder there (web/).
SITE = f"{built_folder(FIXTURE_SITE).as_posix()}/"


def in_site(outputs: list[str]) -> set[str]:
    """`outputs` by their names in the site's folder (the host's files as they are)."""
    return {o.removeprefix(SITE) for o in outputs}


def clean(site: Path) -> dict[str, bytes]:
    other = site.parent / "clean"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(site, other, ignore=shutil.ignore_patterns("public", ".sitegen"))
    assert build_site(other).committed
    return dict(DirFiles(other / "public"))


def mtimes(site: Path) -> dict[str, int]:
    public = built_root(site)
    return {p.relative_to(public).as_posix(): p.stat().st_mtime_ns for p in public.rglob("*")}


def test_nothing_changed_renders_only_the_untracked_pages(site: Path) -> None:
    first = build_site(site)
    assert first.committed and first.reused == 0 and len(first.rendered) > 30
    forget_quick(site)  # not the no-op path: see test_quick.py
    again = build_site(site)
    assert sorted(in_site(again.rendered)) == [
        "404.html", "410.html", "category/index.html",
        "robots.txt", "search/index.html", "tag/index.html",
    ]  # fmt: skip
    assert again.written == 0


def test_edited_post_renders_what_shows_it_and_keeps_other_mtimes(site: Path) -> None:
    build_site(site)
    before = mtimes(site)
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "600th city"))
    report = build_site(site)
    rendered = in_site(report.rendered)
    # its page, the lists and feeds that show it, the sitemap and redirects ...
    # (5g-rollout is on the second home page: sticky posts come first; the front page shows
    # it in its section's block), its neighbours ...
    assert {POST_OUT, "page/2/index.html", "index.html", "feed/index.xml",
            "category/telecom/5g/index.html", "tag/spectrum/index.html", "sitemap.xml",
            "_redirects",
            "2023/09/01/x-wont-use-users-private-data/index.html"} <= rendered  # fmt: skip
    # ... and not the pages that do not show it
    assert not rendered & {"about/index.html", "page/3/index.html", "2022/index.html"}
    after = mtimes(site)
    changed = {k for k in after if after[k] != before.get(k)}
    assert POST_OUT in changed and "about/index.html" not in changed
    assert "600th city" in (built_root(site) / POST_OUT).read_text()
    assert dict(DirFiles(site / "public")) == clean(site)


def test_an_edited_body_leaves_what_shows_only_front_matter(site: Path) -> None:
    """A post with a summary shows its body on its own page and in full-text feeds and lists,
    not in the sitemap, the archive index or the server rules: those keep last build's bytes."""
    build_site(site)
    post = site / "content/posts/2023/09/x-wont-use-users-private-data.md"
    post.write_text(post.read_text().replace("September 29", "September 30"))
    rendered = in_site(build_site(site).rendered)
    page = "2023/09/01/x-wont-use-users-private-data/index.html"
    assert {page, "feed/index.xml", "index.html"} <= rendered
    assert not rendered & {"sitemap.xml", "archives/index.html"}
    assert not {o for o in rendered if o.endswith(("_redirects", "_headers"))}
    assert "September 30" in (built_root(site) / page).read_text()
    assert dict(DirFiles(site / "public")) == clean(site)


def forget_quick(site: Path) -> None:
    with contextlib.closing(sqlite3.connect(site / ".sitegen" / "state.sqlite")) as db, db:
        db.execute("DELETE FROM blobs WHERE key = 'quick'")


def _garbage(db: Path) -> str:
    db.write_bytes(b"{truncated")
    return "unreadable"


def _other_schema(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA user_version = 999")
    return "schema 999"


def _other_sitegen(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE blobs SET value = ? WHERE key = 'sitegen'", (b"0.0.1",))
    return "written by sitegen 0.0.1"


def _torn_table(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("DROP TABLE outputs")
    return "unreadable"


@pytest.mark.parametrize("damage", [_garbage, _other_schema, _other_sitegen, _torn_table])
def test_corrupt_or_old_cache_means_full_build_with_a_warning(
    site: Path, damage: Callable[[Path], str]
) -> None:
    build_site(site)
    post = site / POST
    post.write_text(post.read_text().replace("500th city", "700th city"))
    why = damage(site / ".sitegen" / "state.sqlite")
    report = build_site(site)
    assert report.notes and "doing a full build" in report.notes[0]
    assert why in report.notes[0]
    assert report.reused == 0
    assert dict(DirFiles(site / "public")) == clean(site)
    assert build_site(site).notes == []  # and the state is good again


def test_output_changed_behind_its_back_is_rendered_again(site: Path) -> None:
    build_site(site)
    (built_root(site) / "about" / "index.html").write_text("defaced")
    (built_root(site) / "tag" / "ai" / "index.html").unlink()
    report = build_site(site)
    assert {"about/index.html", "tag/ai/index.html"} <= in_site(report.rendered)
    assert dict(DirFiles(site / "public")) == clean(site)


def test_failed_build_keeps_site_and_state(site: Path) -> None:
    build_site(site)
    good = dict(DirFiles(site / "public"))
    state = saved_state(site)
    (site / POST).write_text("---\ntitle: [unclosed\n---\n")
    report = build_site(site)
    assert not report.committed and report.problems.errors
    assert dict(DirFiles(site / "public")) == good
    assert saved_state(site) == state


def saved_state(site: Path) -> list[tuple[str, str, str]]:
    """Every row of the build state but the documents (a failed build keeps those it read)."""
    with contextlib.closing(sqlite3.connect(site / ".sitegen" / "state.sqlite")) as db:
        tables = ("sources", "jobs", "outputs", "stamps")
        rows = [(t, k, v) for t in tables for k, v in db.execute(f"SELECT * FROM {t}")]
        rows += [
            (k, "", v.hex()) for k, v in db.execute("SELECT * FROM blobs WHERE key != 'quick'")
        ]
    return sorted(rows)


def test_cli_build_keeps_state_and_warns_about_a_bad_one(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "sitegen", "--site", str(site), "build", *args]
        return subprocess.run(cmd, env=env, text=True, capture_output=True, timeout=120)

    first = run()
    assert first.returncode == 0, first.stderr
    assert SITE + POST_OUT in {k for t, k, _ in saved_state(site) if t == "jobs"}
    (site / ".sitegen" / "state.sqlite").write_text("garbage")
    second = run()
    assert second.returncode == 0
    assert "note: .sitegen/state.sqlite: unreadable" in second.stderr
    assert "doing a full build" in second.stderr
    third = run("--full")
    assert third.returncode == 0 and "warning" not in third.stderr


def test_template_change_renders_the_pages_that_use_it(site: Path) -> None:
    build_site(site)
    override = site / "themes" / "default" / "templates" / "post.html"
    override.parent.mkdir(parents=True)
    default = DEFAULT_TEMPLATES / "post.html"
    override.write_text(default.read_text().replace("</article>", "<p>new</p></article>", 1))
    rendered = in_site(build_site(site).rendered)
    public = built_root(site)
    found = public.glob("20*/*/*/*/index.html")  # YYYY/MM/DD/slug/: the posts
    posts = {p.relative_to(public).as_posix() for p in found if p.parent.parent.name != "page"}
    assert posts and posts <= rendered  # every post, and pages (page.html) or lists not at all
    assert not rendered & {"index.html", "about/index.html", "feed/index.xml", "sitemap.xml"}
    partial = site / "themes" / "default" / "templates" / "_partials" / "footer.html"
    partial.parent.mkdir()
    partial.write_text((DEFAULT_TEMPLATES / "_partials" / "footer.html").read_text() + "<!-- -->")
    rendered = in_site(build_site(site).rendered)
    assert {"index.html", "about/index.html", POST_OUT} <= rendered  # base.html includes it
    assert not rendered & {"feed/index.xml", "sitemap.xml", "_redirects"}  # built in code
    assert dict(DirFiles(site / "public")) == clean(site)


def test_bad_content_is_reported_like_build_site(site: Path) -> None:
    post = site / POST
    post.write_text(post.read_text().replace("date: 2023-09-02T09:15:00+05:30", "date: 2023-13-02"))
    (site / "content" / "posts" / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    ours = build_site(site).problems.render()
    theirs = build_site(site).problems.render()
    assert ours == theirs
    assert "5g-rollout.md" in ours and "latin1.md" in ours
