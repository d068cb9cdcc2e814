"""THE CONTRACT: after any sequence of edits, additions, deletions, template and config
changes, each followed by an incremental build, the output equals a clean build byte for byte."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.build import build_site
from sitegen.checks.files import DirFiles
from sitegen.content import dump_document, split_document
from sitegen.render import DEFAULT_THEME
from sitegen.serve import MemoryFiles, site_builder

FIXTURE = Path(__file__).parent / "fixtures" / "site"
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
        site = Path(shutil.copytree(FIXTURE, Path(tmp) / "site"))
        # Both ways: `sitegen build` (disk, state in .sitegen/) and `serve`'s builder (memory,
        # a Memo; pages first, the deferred rest right after), for the site's own URL.
        serve = site_builder(site, BASE_URL)
        served: dict[str, bytes] = {}

        def in_memory() -> bool:
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
            assert in_memory()
        clean = clean_build(site, Path(tmp) / "clean")
        assert dict(DirFiles(site / "public")) == clean
        assert served == clean
