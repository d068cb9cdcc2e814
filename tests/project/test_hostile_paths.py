"""A hostile WordPress export, imported and built through the real CLI: no file is written
outside the site, no rule is injected into `_redirects`/`_headers`, every refused item is named
by its JSON path, the exit status says so, and the good posts are still imported and built.

The site lives four folders deep in the test's tmp folder, and each `..` attack is sized to
land inside that tmp folder (never at the file system's root) if the gate ever lets it through:
the tree outside the site is compared before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from cli_support import seed_post, sitegen

from sitegen.serve.redirects import parse_redirects

HOME = "https://news.example.org/web/"
# From public/: site, c, b, a; a file lands in tmp/a/ (where the victim waits) if let through.
UP = "%2e%2e%2f" * 4
RAW_UP = "../" * 4
INJECT = "x\n/* https://evil.example/:splat 302!\n/z"


def _post(wp_id: int, slug: str, link: str | None = None, **more: Any) -> dict[str, Any]:
    post = dict(seed_post(), id=wp_id, slug=slug, author=1, categories=[7], tags=[])
    post["link"] = link if link is not None else f"{HOME}2023/09/01/{slug}/"
    post["class_list"] = ["post", "category-news"]
    post.update(more)
    return post


GOOD = _post(1, "good-news")
USERS = [{"id": 1, "slug": "desk", "name": "Desk"}]
CATEGORIES = [{"id": 7, "slug": "news", "name": "News", "taxonomy": "category", "parent": 0}]


def _tree(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `root` except `skip`'s, with its size and mtime."""
    found = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == skip or skip in Path(folder).parents:
            continue
        for name in dirs + files:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (st.st_size, st.st_mtime_ns)
    return found


class Run:
    """A site four folders down in tmp, a dump folder beside it, and the tree outside."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.site = tmp / "a" / "b" / "c" / "site"
        self.site.mkdir(parents=True)
        self.dump = tmp / "dump"
        self.dump.mkdir()
        victim = tmp / "a" / "victim" / "index.html"  # what the `..` attack would overwrite
        victim.parent.mkdir()
        victim.write_text("the victim's own file")
        self.before: dict[str, tuple[int, int]] = {}
        self.write("index.json", {"name": "News", "home": HOME})

    def write(self, name: str, data: object) -> None:
        (self.dump / name).write_text(json.dumps(data))

    def import_(self) -> str:
        self.before = _tree(self.tmp, self.site)
        result = sitegen(self.site, "import", self.dump)
        self.outside_unchanged()
        self.import_code = result.exit_code
        return result.output

    def build(self) -> str:
        result = sitegen(self.site, "build")
        self.outside_unchanged()
        self.build_code = result.exit_code
        return result.output

    def outside_unchanged(self) -> None:
        after = _tree(self.tmp, self.site)
        after.pop(os.path.join("a", "b", "c", "site"), None)  # the site folder itself
        before = dict(self.before)
        before.pop(os.path.join("a", "b", "c", "site"), None)
        assert after == before, "written outside the site"
        assert (self.tmp / "a" / "victim" / "index.html").read_text() == "the victim's own file"

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob("*"))

    def where(self, name: str) -> str:
        return str(self.dump / name)


@pytest.fixture()
def run(tmp_path: Path) -> Run:
    return Run(tmp_path)


def _good_built(run: Run) -> None:
    out = run.build()
    assert run.build_code == 0, out
    assert (run.site / "public" / "2023" / "09" / "01" / "good-news" / "index.html").is_file()


def test_a_dotdot_permalink_is_refused_at_import_and_the_good_post_builds(run: Run) -> None:
    # Before: the post was imported, and `build` overwrote tmp/a/victim/index.html; exit 0.
    bad = _post(2, f"{UP}victim", link=f"{HOME}{UP}victim/")
    run.write("posts.json", [GOOD, bad])
    run.write("users.json", USERS)
    run.write("categories.json", CATEGORIES)
    out = run.import_()
    assert run.import_code == 1
    assert f"{run.where('posts.json')}[1].link: error: unsafe permalink:" in out
    assert "post 2 is left out" in out and "hint: a permalink must be a path" in out
    assert "skipped 1 (1 unsafe permalink)" in out
    assert [f for f in run.files() if f.endswith(".md")] == ["content/posts/2023/09/good-news.md"]
    _good_built(run)
    assert not any("victim" in f for f in run.files())


def test_a_raw_dotdot_link_and_a_percent_encoded_slug_never_become_a_path(run: Run) -> None:
    raw = _post(2, "raw", link=f"{HOME}{RAW_UP}raw/")
    # Off-site link: the path is made of the slug, which must not decode to `../`.
    encoded = _post(3, f"{UP}enc", link="https://elsewhere.example/?p=3")
    page = _post(4, f"{UP}page", link="https://elsewhere.example/?page_id=4", type="page")
    # `.` and `..` as the slug: two names for one folder (or its parent), never a page's own.
    dot = _post(5, ".", link="https://elsewhere.example/?p=5")
    dotdot = _post(6, "..", link=f"{HOME}2023/09/01/../")
    run.write("posts.json", [GOOD, raw, encoded, page, dot, dotdot])
    out = run.import_()
    assert run.import_code == 1
    assert f"{run.where('posts.json')}[1].link: error: unsafe permalink" in out
    assert f"{run.where('posts.json')}[2].slug: error: unsafe permalink" in out
    assert f"{run.where('posts.json')}[3].slug: error: unsafe permalink" in out
    assert f"{run.where('posts.json')}[4].slug: error: unsafe permalink" in out
    assert f"{run.where('posts.json')}[5].link: error: unsafe permalink" in out
    assert "skipped 5 (5 unsafe permalink)" in out
    _good_built(run)


@pytest.mark.parametrize(
    ("name", "hostile"),
    [
        ("categories.json", {"id": 8, "taxonomy": "category", "parent": 0}),
        ("tags.json", {"id": 9, "taxonomy": "post_tag"}),
        ("users.json", {"id": 2}),
    ],
)
def test_a_dotdot_term_or_author_slug_is_refused_and_named(
    run: Run, name: str, hostile: dict[str, Any]
) -> None:
    # Before: index.html, feeds and the search filter x/config.json were written outside.
    record = dict(hostile, slug=f"{RAW_UP}x/config", name="Hostile")
    bad = _post(2, "other-news", author=2 if name == "users.json" else 1)
    bad.update(categories=[7, 8] if name == "categories.json" else [7])
    bad.update(tags=[9] if name == "tags.json" else [])
    good_sides = {"categories.json": CATEGORIES, "users.json": USERS}
    for side, records in good_sides.items():
        run.write(side, records + ([record] if side == name else []))
    if name == "tags.json":
        run.write(name, [record])
    run.write("posts.json", [GOOD, bad])
    out = run.import_()
    assert run.import_code == 1
    index = len(good_sides.get(name, []))
    assert f"{run.where(name)}[{index}].slug: error: unsafe slug:" in out
    assert "left out" in out
    # Both posts are imported; the hostile term or author is not in either.
    content = "".join(p.read_text() for p in (run.site / "content").rglob("*.md"))
    site_yaml = (run.site / "content" / "_site.yaml").read_text()
    assert "config" not in content and "config" not in site_yaml
    assert out.splitlines()[-1].startswith("imported 2,")
    _good_built(run)
    assert (run.site / "public" / "2023" / "09" / "01" / "other-news" / "index.html").is_file()
    assert not [f for f in run.files() if "config" in f]


def test_embedded_terms_authors_and_class_list_slugs_are_refused(run: Run) -> None:
    bad = _post(2, "embedded-news", author=5, categories=[7, 66])
    bad["class_list"] = ["post", "category-news", f"category-{RAW_UP}qklass"]
    bad["_embedded"] = {
        "author": [{"id": 5, "slug": f"{RAW_UP}qwho", "name": "Who"}],
        "wp:term": [
            [
                {"id": 7, "slug": "news", "name": "News", "taxonomy": "category"},
                {"id": 66, "slug": f"{UP}qemb", "name": "Emb", "taxonomy": "category"},
            ]
        ],
    }
    again = dict(bad, id=3, slug="again", link=f"{HOME}2023/09/01/again/")
    run.write("posts.json", [GOOD, bad, again])
    run.write("users.json", USERS)
    out = run.import_()
    assert run.import_code == 1
    posts = run.where("posts.json")
    assert f"{posts}[1]._embedded.author[0].slug: error: unsafe slug:" in out
    assert f"{posts}[1]._embedded.wp:term[0][1].slug: error: unsafe slug:" in out
    assert out.count("_embedded.wp:term[0][1].slug") == 1  # said once, not once per post
    assert f"{posts}[1].class_list: error: unsafe term slug in class_list" in out
    assert out.splitlines()[-1].startswith("imported 3,")
    content = "".join(p.read_text() for p in (run.site / "content").rglob("*.md"))
    assert "qklass" not in content and "qwho" not in content and "qemb" not in content
    _good_built(run)


@pytest.mark.parametrize(
    ("slug", "link"),
    [
        ("a\x00b", f"{HOME}2023/09/01/a%00b/"),  # NUL, as WordPress would encode it
        ("a\x00b", f"{HOME}2023/09/01/a\x00b/"),  # NUL, raw
        ("x" * 256, None),  # one byte more than a file name may have
        ("%e0%a4%b9" * 86, None),  # 258 bytes once decoded
    ],
    ids=["nul-encoded", "nul-raw", "256-bytes", "258-bytes-decoded"],
)
def test_nul_long_and_surrogate_slugs_are_refused_without_a_traceback(
    run: Run, slug: str, link: str | None
) -> None:
    # Before: a traceback in build (NUL: "embedded null byte"; long: file name too long).
    run.write("posts.json", [GOOD, _post(2, slug, link)])
    out = run.import_()
    assert run.import_code == 1
    assert f"{run.where('posts.json')}[1]." in out and "error: unsafe permalink" in out
    assert out.splitlines()[-1].startswith("imported 1,")
    _good_built(run)


def test_a_255_byte_slug_is_legitimate_and_its_content_file_name_is_hashed(run: Run) -> None:
    slug = "ह" * 85  # 255 bytes: the longest folder name there can be
    encoded = "%e0%a4%b9" * 85
    long_ = _post(2, encoded, link=f"{HOME}2023/09/01/{encoded}/")
    twin = _post(3, encoded[:-9] + "%e0%a4%be", link=f"{HOME}2023/09/02/{encoded[:-9]}%e0%a4%be/")
    run.write("posts.json", [GOOD, long_, twin])
    out = run.import_()
    assert run.import_code == 0, out
    names = sorted(p.name for p in (run.site / "content" / "posts").rglob("*.md"))
    assert len(names) == 3  # two slugs alike in their first 200 bytes keep two files
    assert all(len(n.encode()) <= 200 + len(".md") for n in names)
    assert sum(bool(re.search(r"-[0-9a-f]{12}\.md$", n)) for n in names) == 2  # hashed, not cut
    _good_built(run)
    assert (run.site / "public" / "2023" / "09" / "01" / slug / "index.html").is_file()


def _rules_of(run: Run) -> str:
    public = run.site / "public"
    return (public / "_redirects").read_text() + (public / "_headers").read_text()


def test_a_newline_in_a_slug_never_reaches_redirects_or_headers(run: Run) -> None:
    # Before: `x\n/* https://evil.example/:splat 302!\n/z` became three lines of _redirects
    # (off-site link: the path is made of the slug), and every URL answered 302 evil.example.
    offsite = _post(2, INJECT, link="https://elsewhere.example/2023/09/01/x/")
    categories = [*CATEGORIES, {"id": 8, "slug": INJECT, "name": "Evil", "taxonomy": "category"}]
    tagged = _post(3, "tagged", categories=[7, 8])
    run.write("posts.json", [GOOD, offsite, tagged])
    run.write("categories.json", categories)
    run.write("users.json", USERS)
    out = run.import_()
    assert run.import_code == 1
    assert f"{run.where('posts.json')}[1].slug: error: unsafe permalink" in out
    assert f"{run.where('categories.json')}[1].slug: error: unsafe slug" in out
    _good_built(run)
    rules = _rules_of(run)
    assert "evil.example" not in rules
    # the one splat is sitegen's own (`/index.php/<permalink>` -> the permalink)
    redirects = (run.site / "public" / "_redirects").read_text().splitlines()
    assert [line for line in redirects if ":splat" in line or "*" in line] == [
        "/index.php/* /:splat 301"
    ]
    parsed, problems = parse_redirects((run.site / "public" / "_redirects").read_text())
    assert not problems.items
    assert all("evil" not in r.target and not r.source.startswith("/*") for r in parsed)
    assert (run.site / "public" / "2023" / "09" / "01" / "tagged" / "index.html").is_file()


def test_the_home_of_the_export_cannot_smuggle_a_rule_through_the_base_path(run: Run) -> None:
    # The build's base URL defaults to the home WordPress named, which starts every rule.
    run.write("posts.json", [_post(1, "good-news", link="https://news.example.org/w b/g/")])
    run.write("index.json", {"name": "X", "home": "https://news.example.org/w b/"})
    run.import_()
    out = run.build()
    assert run.build_code == 1
    assert "content/_site.yaml:3: error: home: not a usable site address:" in out
    assert not (run.site / "public").exists()


def test_a_manifest_naming_a_file_outside_content_is_not_trusted(run: Run) -> None:
    # The import deletes the old file of a post that moved: a manifest entry pointing outside
    # content/ must not make it delete (or write) there.
    run.write("posts.json", [GOOD])
    run.import_()
    manifest = run.site / "content" / ".import" / "manifest.json"
    data = json.loads(manifest.read_text())
    (entry,) = data["entries"].values()
    entry["file"] = "../../../../victim/index.html"
    entry["sha256"] = hashlib.sha256(b"the victim's own file").hexdigest()  # "written by us"
    entry["path"] = "2023/09/01/old-news/"  # the post moved: its old file would be removed
    manifest.write_text(json.dumps(data))
    (run.site / "content" / "posts" / "2023" / "09" / "good-news.md").unlink()
    out = run.import_()
    assert run.import_code == 1
    assert "content/.import/manifest.json: error: unreadable import manifest" in out
    assert "'..' is not a file name" in out


def test_a_lone_surrogate_in_a_slug_is_repaired_and_named(run: Run) -> None:
    # Half an emoji is repaired to U+FFFD at reading (sitegen.wp.jsonfields), with a warning
    # naming the field; the repaired slug is then an ordinary, safe path segment.
    run.write("posts.json", [GOOD, _post(2, "bad\ud800", "https://elsewhere.example/?p=2")])
    out = run.import_()
    assert run.import_code == 0, out
    assert f"{run.where('posts.json')}[1].slug: warning:" in out
    assert out.splitlines()[-1].startswith("imported 2,")
    _good_built(run)
