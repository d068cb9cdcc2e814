"""Random hostile input thrown at import -> build -> publish to a folder (in-process, through
`sitegen.cli.main`), checking the promises that hold whatever the input:

- nothing is written outside the site's own folders and the publish target;
- public/ is either the previous build, untouched (the build failed), or exactly the new
  build (the same as a clean build of the same content);
- no traceback, and the exit status tells the truth (non-zero exactly when an error is shown);
- every bad item is named: a post or category whose path the safe-path gate refuses, or whose
  status is missing, is named by its JSON path; every other published post is named or built;
  a hand-edited file whose path or alias is refused is named by the build.

The strings are made of tokens that broke things before (`../`, `%2e`, `%2f`, NUL, newlines,
lone surrogates, very long runs, nested HTML). A slug holds at most six tokens and the site
sits six folders below the sandbox, so even a path that climbs out lands inside the sandbox,
where the comparison sees it (the tests may run as root).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hostile_support import (
    HOME,
    TRACEBACK,
    changed,
    outside,
    post,
    public_files,
    reports_error,
    snapshot,
    term,
    write_dump,
)
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from sitegen.cli import main
from sitegen.safepath import UnsafePath, check_page_path, check_slug, output_file

NEST = "n1/n2/n3/n4/n5/n6"
SITE = f"{NEST}/site"

TOKENS = [
    "../",
    "..",
    ".",
    "%2e%2e%2f",
    "%2e%2e",
    "%2e",
    "%2f",
    "%2F",
    "..%2f",
    "%5c",
    "%00",
    "%",
    "%zz",
    "\x00",
    "\n",
    "\r\n",
    " ",
    "\t",
    "\\",
    "\ud800",
    "\u202e",
    "é",
    "%e0%a4%95",
    "*",
    ":splat",
    " 302!",
    "?p=1",
    "#x",
    "<b>",
    "a",
    "news",
    "b-c",
    "x" * 120,
]
SEGMENT = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map("".join)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(TOKENS), max_size=6).map("".join),
)
HTML_TOKENS = [
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<b><a href='../../../x'>",
    "</a></b>",
    '<img src="%2e%2e/%2e%2e/x.png">',
    '<iframe src="https://evil.example\\@www.youtube.com/embed/x"></iframe>',
    "<script>alert(1)</script>",
    "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    "<table><tr><td>",
    "text",
    "\x00",
    "\ud800",
]
HTML = st.one_of(
    st.lists(st.sampled_from(HTML_TOKENS), max_size=30).map("".join),
    st.integers(1, 200).map(lambda n: "<div>" * n + "deep" + "</div>" * n),
)
DATES = st.sampled_from(
    ["2025-02-10T10:00:00", "2019-13-01T00:00:00", "", "0000-00-00T00:00:00", "2025-02-10"]
)
STATUS = st.sampled_from(["publish", "publish", "publish", "draft", "private", None, "<missing>"])


@st.composite
def hostile_posts(draw: st.DrawFn) -> list[dict[str, Any]]:
    posts = []
    for n in range(draw(st.integers(1, 4))):
        slug = draw(SEGMENT)
        path = f"2025/02/{10 + n}/{slug}/"
        fields: dict[str, Any] = {
            "id": 100 + n,
            "slug": slug,
            "link": HOME + path,
            "guid": f"{HOME}?p={100 + n}",
            "title": draw(TEXT),
            "content": draw(HTML),
            "excerpt": draw(HTML),
            "date": draw(DATES),
            "categories": draw(st.lists(st.sampled_from([5, 90, 91]), max_size=2, unique=True)),
        }
        status = draw(STATUS)
        if status == "<missing>":
            fields["_drop"] = ["status"]
        else:
            fields["status"] = status
        posts.append(fields)
    return posts


@st.composite
def hostile_docs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Hand-edited front matter (written as JSON, which YAML reads as a flow mapping)."""
    docs = []
    for n in range(draw(st.integers(0, 2))):
        meta: dict[str, Any] = {
            "title": draw(TEXT),
            "date": "2025-03-01T10:00:00+05:30",
            "path": f"2025/03/{10 + n}/{draw(SEGMENT)}/",
        }
        if draw(st.booleans()):
            meta["aliases"] = [f"2020/01/{10 + n}/{draw(SEGMENT)}/"]
        if draw(st.booleans()):
            meta["categories"] = [{"slug": draw(SEGMENT), "name": "Fuzzed"}]
        docs.append(meta)
    return docs


def _sitegen(site: Path, *args: str | Path) -> Result:
    result = CliRunner().invoke(main, ["--site", str(site), *map(str, args)])
    shown = f"sitegen {' '.join(map(str, args))} exited {result.exit_code}:\n{result.output}"
    if currently_in_test_context():
        note(shown)
    # A user error ends in SystemExit with a message; any other exception is a traceback.
    assert isinstance(result.exception, SystemExit | None), shown
    assert TRACEBACK not in result.output, shown
    truthful = (result.exit_code != 0) == reports_error(result.output)
    assert truthful, "the exit status and the messages disagree\n" + shown
    return result


def _refused(check: Any, value: str) -> bool:
    try:
        check(value)
    except UnsafePath:
        return True
    return False


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template site, imported and built once: each example starts from a copy."""
    root = tmp_path_factory.mktemp("baseline")
    write_dump(root / "dump", [])
    site = root / "site"
    assert _sitegen(site, "import", root / "dump").exit_code == 0
    assert _sitegen(site, "build").exit_code == 0
    return site


def _check_posts(
    posts: list[dict[str, Any]],
    categories: dict[int, str],
    imported: str,
    public: Path,
    built: bool,
) -> None:
    for index, fields in enumerate(posts, 1):
        where = f"posts.json[{index}]"
        path = fields["link"][len(HOME) :]
        status = fields.get("status", "<missing>")
        named = where in imported
        bad_path = _refused(check_page_path, path)
        if bad_path and status == "publish":
            assert named, f"{where}: the path {path!r} is unsafe and not named"
        if status is None or status == "<missing>":
            assert named, f"{where}: a post without a status is not named"
        if status != "publish" and not bad_path and built:
            assert not (public / output_file(path)).exists(), f"{where}: {status} post built"
        if status == "publish" and not bad_path and built and not named:
            page = public / output_file(path)
            assert page.is_file(), f"{where}: neither named nor built at {page}"
    # Every category goes to content/_site.yaml, used or not: a bad slug is named either way.
    for index, slug in enumerate(categories.values(), 1):
        if _refused(check_slug, slug):
            assert f"categories.json[{index}]" in imported, f"category {slug!r} not named"


def _check_docs(docs: list[dict[str, Any]], build: Result) -> None:
    for n, meta in enumerate(docs):
        name = f"fuzz-{n}.md"
        paths = [meta["path"], *meta.get("aliases", [])]
        slugs = [c["slug"] for c in meta.get("categories", [])]
        bad = any(_refused(check_page_path, p) for p in paths) or any(
            _refused(check_slug, s) for s in slugs
        )
        # A build that failed (for this file or another) changed nothing and said why; one
        # that succeeded must have named what it refused rather than accept it silently.
        if bad and build.exit_code == 0:
            assert name in build.output, f"{name}: an unsafe path or slug is not named"


# No shrinking: on a regression it takes minutes per failure here (every example runs three
# commands), and the unshrunk example, with each command's output as a note, says enough.
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(posts=hostile_posts(), docs=hostile_docs(), slugs=st.lists(SEGMENT, min_size=2, max_size=2))
def test_hostile_input_keeps_the_promises(
    baseline: Path, posts: list[dict[str, Any]], docs: list[dict[str, Any]], slugs: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Path(tmp)
        site = sandbox / SITE
        shutil.copytree(baseline, site, symlinks=True)
        categories = {90: slugs[0], 91: slugs[1]}
        terms = [
            term("category", id=cat, slug=slug, name=f"Fuzz {cat}", link=f"{HOME}category/{slug}/")
            for cat, slug in categories.items()
        ]
        write_dump(sandbox / "dump", [post(**p) for p in posts], categories=terms)
        for n, meta in enumerate(docs):
            doc = site / "content" / "posts" / "fuzz" / f"fuzz-{n}.md"
            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text(f"---\n{json.dumps(meta)}\n---\nBody {n}.\n", encoding="utf-8")
        before, old_public = snapshot(sandbox), public_files(site / "public")

        imported = _sitegen(site, "import", sandbox / "dump")
        build = _sitegen(site, "build")
        new_public = public_files(site / "public")
        if build.exit_code != 0:
            assert new_public == old_public, "a failed build changed public/"
        else:
            clean = sandbox / "clean" / "site"
            shutil.copytree(site / "content", clean / "content")
            assert _sitegen(clean, "build").exit_code == 0, "a clean build of the same content"
            assert new_public == public_files(clean / "public"), "public/ is not the new build"
        published = _sitegen(site, "publish", sandbox / "target")
        if published.exit_code == 0:
            assert public_files(sandbox / "target") == new_public, "the folder is not public/"

        escaped = outside(changed(before, snapshot(sandbox)), SITE, ["target", "clean"])
        assert not escaped, f"written outside the site: {escaped}"
        _check_posts(posts, categories, imported.output, site / "public", build.exit_code == 0)
        _check_docs(docs, build)
