"""THE CONTRACT: after any sequence of edits, additions, deletions, template and config
changes, each followed by an incremental build, the output equals a clean build byte for byte."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from serve_helpers import asked_after
from testdata import FIXTURE_SITE

from benchmarks import formats, generate
from sitegen import parallel
from sitegen.build.options import BuildOptions
from sitegen.build.orchestrator import build_site
from sitegen.build.render import DEFAULT_THEME
from sitegen.build.state import searchindex as searchstate
from sitegen.checks.files import DirFiles
from sitegen.content import dump_document, split_document
from sitegen.serve import MemoryFiles, site_builder
from sitegen.tuning import tuned
from sitegen.wp.importer import ImportOptions, import_paths

BASE_URL = "https://news.example.org/web/"  # the fixture's own, so both ways build the same
IST = timezone(timedelta(hours=5, minutes=30))
words = st.text(alphabet="abcdefghij klmnop*_#&<>é—", min_size=1, max_size=30).map(str.strip)
words = words.filter(bool)

Op = tuple[str, Any, Any]
edit = st.tuples(st.just("edit"), st.integers(0, 50), st.tuples(words, st.booleans()))
add = st.tuples(
    st.just("add"),
    st.integers(0, 400),  # days after 2022-11-01
    st.tuples(st.sampled_from(["5g", "policy", "telecom", "brand-new"]), words),
)
delete = st.tuples(st.just("delete"), st.integers(0, 50), st.none())
template = st.tuples(
    st.just("template"), st.sampled_from(["post.html", "base.html", "list.html"]), words | st.none()
)
config = st.tuples(st.just("config"), st.integers(1, 3), st.none())
ops = st.lists(st.one_of(edit, add, delete, template, config), min_size=1, max_size=4)


def posts(site: Path) -> list[Path]:
    return sorted((site / "content" / "posts").rglob("*.md"))


def apply(site: Path, op: Op, step: int) -> None:
    kind, a, b = op
    if kind == "edit":
        path = posts(site)[a % len(posts(site))]
        meta, body, _ = split_document(path.read_text(), path.name)
        text, in_title = b
        if in_title:
            meta["title"] = f"{meta['title']} {text}"
        else:
            body = f"{body}\n\n{text}\n"
        path.write_text(dump_document(meta, body))
    elif kind == "add":
        date = datetime(2022, 11, 1, 10, 0, tzinfo=IST) + timedelta(days=a)
        slug = f"added-{step}"
        category, title = b
        meta = {
            "title": title, "slug": slug, "date": date,
            "categories": [{"slug": category, "name": category.upper()}],
            "tags": [{"slug": "spectrum", "name": "Spectrum"}],
            "path": f"{date:%Y/%m/%d}/{slug}/",
        }  # fmt: skip
        target = site / "content" / "posts" / f"{slug}.md"
        target.write_text(dump_document(meta, f"Body of {title}."))
    elif kind == "delete" and len(posts(site)) > 1:
        posts(site)[a % len(posts(site))].unlink()
    elif kind == "template":
        override = site / "themes" / "default" / "templates" / a
        if b is None:
            override.unlink(missing_ok=True)
        else:
            override.parent.mkdir(parents=True, exist_ok=True)
            text = (DEFAULT_THEME / "templates" / a).read_text()
            override.write_text(text.replace("</main>", f"<p>{b}</p></main>", 1))
    elif kind == "config":
        toml = site / "sitegen.toml"
        lines = [ln for ln in toml.read_text().splitlines() if not ln.startswith("posts_per")]
        lines.insert(lines.index("[feeds]"), f"posts_per_page = {a}")
        toml.write_text("\n".join(lines) + "\n")


def clean_build(site: Path, into: Path) -> dict[str, bytes]:
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".sitegen"))
    report = build_site(into)
    assert report.committed, report.problems.render()
    return dict(DirFiles(into / "public"))


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=False,
)  # fmt: skip
@example([("edit", 2, ("new words", False)), ("edit", 2, ("and a title", True))])
@example([("add", 300, ("brand-new", "A new post")), ("delete", 0, None)])
@example(
    [
        ("template", "post.html", "themed"),
        ("edit", 1, ("x", False)),
        ("template", "post.html", None),
    ]
)
@example([("config", 1, None), ("add", 10, ("5g", "Old news")), ("config", 3, None)])
@given(ops)
def test_incremental_equals_clean_build(sequence: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(shutil.copytree(FIXTURE_SITE, Path(tmp) / "site"))
        # Both ways: `sitegen build` (disk, state in .sitegen/) and `serve`'s builder (memory,
        # a Memo; pages first, the deferred rest right after), for the site's own URL.
        serve = site_builder(site, BASE_URL)
        served: dict[str, bytes] = {}

        def in_memory(stops: int = 0) -> bool:
            outcome = serve(frozenset())
            if outcome.later is not None and stops:  # a save stops the second step...
                outcome = outcome.later(asked_after(stops))
                if outcome.stopped:  # ...and its own build leaves the same for later
                    outcome = serve(frozenset())
            if outcome.later is not None:
                outcome = outcome.later()
            assert isinstance(outcome.files, MemoryFiles) and not outcome.problems.failed()
            served.clear()
            served.update(outcome.files.outputs)
            return True

        assert build_site(site).committed and in_memory()
        for step, op in enumerate(sequence):
            apply(site, op, step)
            report = build_site(site)
            assert report.committed, (op, report.problems.render())
            assert in_memory(stops=step % 3)
        clean = clean_build(site, Path(tmp) / "clean")
        assert dict(DirFiles(site / "public")) == clean
        assert served == clean


# --- The same contract at the size of a small real site: ~300 generated posts (the benchmarks'
# generator, seeded), with the thresholds lowered (sitegen.tuning) so that every incremental
# build renders in worker processes and the search index is patched or assembled from scratch
# depending on how much changed; then once more without any build state (SITEGEN_NO_CACHE).

GENERATED_POSTS = 300
LIGHT_CONFIG = (
    'posts_per_page = 20\n\n[feeds]\nitems = 10\nformats = ["rss", "atom"]\ntaxonomies = false\n'
)
LOWERED = {"pool_min_items": 2, "search_max_patched": 3, "cache": True}
LEAF_CATEGORIES = ["5g", "ai", "spectrum", "cloud"]  # categories no other is the child of

big_edit = st.tuples(st.just("edit"), st.integers(0, 10**6), st.tuples(words, st.booleans()))
big_add = st.tuples(st.just("add"), st.integers(0, 3000), words)
big_delete = st.tuples(st.just("delete"), st.integers(0, 10**6), st.none())
rename = st.tuples(st.just("rename"), st.integers(0, len(LEAF_CATEGORIES) - 1), st.none())
touch = st.tuples(st.just("touch"), st.integers(0, 10**6), st.none())
big_ops = st.lists(st.one_of(big_edit, big_add, big_delete, rename, touch), min_size=1, max_size=4)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site imported from the generated corpus, built once (public/ and .sitegen/)."""
    root = tmp_path_factory.mktemp("generated")
    formats.write_wp(generate.generate(GENERATED_POSTS, seed=17), root / "wp")
    site = root / "site"
    site.mkdir()
    (site / "sitegen.toml").write_text(LIGHT_CONFIG)
    imported = import_paths(site, [root / "wp"], ImportOptions())
    assert imported.imported == GENERATED_POSTS and not imported.errors.items
    assert build_site(site).committed
    return site


def apply_big(site: Path, op: Op, step: int) -> None:
    kind, a, b = op
    all_posts = posts(site)
    path = all_posts[a % len(all_posts)] if kind != "add" else site
    if kind == "edit":
        meta, body, _ = split_document(path.read_text(), path.name)
        text, in_title = b
        if in_title:
            meta["title"] = f"{meta['title']} {text}"
        else:
            body = f"{body}\n\n{text}\n"
        path.write_text(dump_document(meta, body))
    elif kind == "add":
        date = datetime(2015, 1, 2, 10, 0, tzinfo=IST) + timedelta(hours=a)
        slug = f"added-{step}"
        meta = {
            "title": b, "slug": slug, "date": date,
            "categories": [{"slug": "5g", "name": "5G", "parent": "telecom"}],
            "tags": [{"slug": "5g", "name": "5G"}],
            "path": f"{date:%Y/%m/%d}/{slug}/",
        }  # fmt: skip
        (site / "content" / "posts" / f"{slug}.md").write_text(dump_document(meta, f"{b}."))
    elif kind == "delete" and len(all_posts) > 1:
        path.unlink()
    elif kind == "rename":  # a new slug and name: its archive moves, every post of it changes
        site_yaml = site / "content" / "_site.yaml"
        text = site_yaml.read_text()
        found = re.search(rf"{{slug: ({LEAF_CATEGORIES[a]}(?:-\d+)*), name: ([^,]+),", text)
        assert found, LEAF_CATEGORIES[a]
        old, new = found.groups(), (f"{found[1]}-{step}", f"{found[2]} {step}")
        for post in all_posts:
            before = post.read_text()
            after = before.replace("- slug: {}\n  name: {}\n".format(*old),
                                   "- slug: {}\n  name: {}\n".format(*new))  # fmt: skip
            if after != before:
                post.write_text(after)
        site_yaml.write_text(text.replace("{{slug: {}, name: {},".format(*old),
                                          "{{slug: {}, name: {},".format(*new)))  # fmt: skip
    elif kind == "touch":  # the same bytes, a new mtime
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))


def clean_files(site: Path, into: Path) -> dict[str, bytes]:
    """A clean build of `site`'s sources, serially (the other path) and without link checks
    (they only warn)."""
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(site, into, ignore=shutil.ignore_patterns("public", ".sitegen"))
    with tuned(pool_min_items=10**9):
        report = build_site(into, BuildOptions(check_links=False))
    assert report.committed, report.problems.render()
    return dict(DirFiles(into / "public"))


class Paths:
    """Which of the paths the lowered thresholds are there for did run."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def spy(self, module: Any, name: str, when: Callable[[Any], bool] = bool) -> Any:
        real = getattr(module, name)

        def spied(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            if when(result):
                self.seen.add(name)
            return result

        return mock.patch.object(module, name, spied)


RAN = Paths()


@pytest.mark.slow
@settings(
    max_examples=1, deadline=None, derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
@example([("edit", 7, ("new words", False)), ("touch", 8, None), ("edit", 9, ("title", True))])
@example([("rename", 0, None), ("add", 40, "A new post"), ("delete", 3, None)])
@given(big_ops)
def test_incremental_equals_clean_at_300_posts(generated: Path, sequence: list[Op]) -> None:
    # The examples go on from one another on the one site: the property holds from any state,
    # and every example goes on from a site that has a state to be incremental against.
    spies = (
        RAN.spy(parallel, "forks"),
        RAN.spy(searchstate, "_write_patched"),
        RAN.spy(searchstate, "_assembled"),
        # Two workers even on one CPU, and even if other tests of this process left idle
        # threads behind (sitegen forks only when single-threaded; tests/core/test_parallel.py).
        mock.patch.dict(os.environ, {parallel.ENV: "2"}),
        mock.patch.object(parallel.threading, "active_count", lambda: 1),
    )
    with spies[0], spies[1], spies[2], spies[3], spies[4]:
        for step, op in enumerate(sequence):
            apply_big(generated, op, step)
            with tuned(**LOWERED):
                # A build stopped part way (in the pool, or before the index) writes nothing
                # and leaves nothing the next build would trust wrongly.
                stopped = build_site(generated, BuildOptions(stop=asked_after(step + 1)))
                assert stopped.stopped != stopped.committed, stopped.problems.render()
                report = build_site(generated)
            assert report.committed, (op, report.problems.render())
            clean = clean_files(generated, generated.parent / "clean")
            assert dict(DirFiles(generated / "public")) == clean, op


@pytest.mark.slow
def test_every_lowered_path_ran() -> None:
    """(Run after the test above: the comparisons did go through the pool, and the search
    index was both patched and assembled.)"""
    assert RAN.seen == {"forks", "_write_patched", "_assembled"}


@pytest.mark.slow
def test_without_build_state_at_300_posts(generated: Path, tmp_path: Path) -> None:
    site = Path(
        shutil.copytree(generated, tmp_path / "site", ignore=shutil.ignore_patterns(".sitegen"))
    )
    sequence: list[Op] = [
        ("edit", 5, ("more words", False)),
        ("rename", 1, None),
        ("delete", 2, None),
    ]
    with tuned(**{**LOWERED, "cache": False}):
        for step, op in enumerate(sequence):
            apply_big(site, op, step)
            report = build_site(site)
            assert report.committed and report.reused == 0, report.problems.render()
    assert not (site / ".sitegen").exists()
    assert dict(DirFiles(site / "public")) == clean_files(site, tmp_path / "clean")
