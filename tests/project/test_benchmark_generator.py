"""The benchmark's corpus generator: deterministic, WordPress-shaped, the same posts three ways."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from testdata import CORPUS, ROOT

from benchmarks import generate

N = 130  # two REST pages: one full (100), one partial


class _Text(HTMLParser):
    """Visible text, link targets and image sources of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a":
            self.links.append(found["href"] or "")
        elif tag == "img":
            self.images.append(found["src"] or "")

    def handle_data(self, data: str) -> None:
        self.words.extend(data.split())


def _read(html_text: str) -> _Text:
    parser = _Text()
    parser.feed(html_text)
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    assert generate.main(["--posts", str(N), "--seed", "3", "--out", str(out)]) == 0
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_posts(site: Path, tmp_path: Path) -> None:
    generate.main(["--posts", str(N), "--seed", "3", "--out", str(tmp_path / "a")])
    generate.main(["--posts", str(N), "--seed", "4", "--out", str(tmp_path / "b")])
    again, other = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert again == _tree(site)
    assert len(again) > 2 * N
    differing = {k for k in again if other.get(k) != again[k]}
    assert "wp/posts-page-1.json" in differing


def _shape(value: Any) -> Any:
    """The JSON type tree of a value (dicts by keys, lists by their first item)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "_links"}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_rest_json_has_the_shapes_of_a_real_wordpress_dump(site: Path) -> None:
    real_post = json.loads((CORPUS / "posts-page-1.json").read_text())[0]
    pages = [json.loads((site / "wp" / f"posts-page-{k}.json").read_text()) for k in (1, 2)]
    assert [len(p) for p in pages] == [100, N - 100]
    assert not (site / "wp" / "posts-page-3.json").exists()
    posts = pages[0] + pages[1]
    for post in posts:
        assert _shape(post) | {"categories": ["int"], "tags": ["int"], "meta": []} == _shape(
            real_post
        ) | {"categories": ["int"], "tags": ["int"], "meta": []}
    # Newest first, as the API pages them; ids and links unique.
    dates = [p["date_gmt"] for p in posts]
    assert dates == sorted(dates, reverse=True)
    assert len({p["id"] for p in posts}) == len({p["link"] for p in posts}) == N
    for name, count in (("categories", 30), ("tags", 300), ("users", 20)):
        real = json.loads((CORPUS / f"{name}.json").read_text())[0]
        ours = json.loads((site / "wp" / f"{name}.json").read_text())
        assert len(ours) == count
        assert set(ours[0]) <= set(real), name
        assert len({t["slug"] for t in ours}) == len({t["id"] for t in ours}) == count
    ids = {
        n: {t["id"] for t in json.loads((site / "wp" / f"{n}.json").read_text())}
        for n in ("categories", "tags", "users", "media")
    }
    for post in posts:
        assert set(post["categories"]) <= ids["categories"] and set(post["tags"]) <= ids["tags"]
        assert post["author"] in ids["users"]
        assert post["featured_media"] == 0 or post["featured_media"] in ids["media"]
    index = json.loads((site / "wp" / "index.json").read_text())
    assert index["timezone_string"] == "Asia/Kolkata" and index["home"].startswith("https://")


def _front(text: str, hugo: bool) -> tuple[dict[str, Any], str]:
    if hugo:
        _, head, body = text.split("---\n", 2)
        return yaml.safe_load(head), body
    head, body = text.split("\n\n", 1)
    return dict(line.split(": ", 1) for line in head.split("\n")), body


def _markdown_files(site: Path) -> dict[str, dict[str, tuple[dict[str, Any], str]]]:
    out: dict[str, dict[str, tuple[dict[str, Any], str]]] = {"hugo": {}, "pelican": {}}
    for tool in out:
        for path in (site / tool / "content").rglob("*.md"):
            meta, body = _front(path.read_text(encoding="utf-8"), tool == "hugo")
            slug = meta["slug" if tool == "hugo" else "Slug"]
            out[tool][slug] = (meta, body)
    return out


def test_the_same_posts_in_the_three_formats(site: Path) -> None:
    posts = [
        p for k in (1, 2) for p in json.loads((site / "wp" / f"posts-page-{k}.json").read_text())
    ]
    terms = {
        n: {
            t["id"]: html.unescape(t["name"])
            for t in json.loads((site / "wp" / f"{n}.json").read_text())
        }
        for n in ("categories", "tags", "users")
    }
    home = json.loads((site / "wp" / "index.json").read_text())["home"]
    md = MarkdownIt("commonmark").enable("table")
    files = _markdown_files(site)
    assert len(files["hugo"]) == len(files["pelican"]) == N
    for post in posts:
        hugo, hugo_body = files["hugo"][post["slug"]]
        pelican, pelican_body = files["pelican"][post["slug"]]
        title = html.unescape(post["title"]["rendered"])
        assert hugo["title"] == pelican["Title"] == title
        local = datetime.fromisoformat(pelican["Date"])
        assert hugo["date"] == local and local.strftime("%Y-%m-%dT%H:%M:%S") == post["date"]
        assert f"/{local:%Y/%m/%d}/{post['slug']}/" in post["link"]
        cats = [terms["categories"][c] for c in post["categories"]]
        assert hugo["category"] == cats and pelican["Category"] == cats[0]
        tags = [terms["tags"][t] for t in post["tags"]]
        assert hugo["tag"] == tags and pelican["Tags"] == ", ".join(tags)
        assert hugo["author"] == [pelican["Author"]] == [terms["users"][post["author"]]]
        assert hugo_body.lstrip("\n") == pelican_body
        wp, ours = _read(post["content"]["rendered"]), _read(md.render(hugo_body))
        assert 600 <= len(wp.words) <= 900
        assert ours.words == wp.words
        assert [home.rstrip("/") + u if u.startswith("/") else u for u in ours.links] == wp.links
        assert ours.images == wp.images


def test_bodies_have_the_parts_of_a_news_article(site: Path) -> None:
    posts = json.loads((site / "wp" / "posts-page-1.json").read_text())
    text = "".join(p["content"]["rendered"] for p in posts)
    for marker in (
        "<h2>",
        "<h3>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<table>",
        "wp-image-",
        'href="https://',
        "&#8217;",
    ):
        assert text.count(marker) >= 20, marker
    internal = sum(p["content"]["rendered"].count('href="https://news.example.com/') for p in posts)
    assert internal >= 50


def test_sitegen_imports_every_generated_post(site: Path, tmp_path: Path) -> None:
    """The REST JSON is what sitegen's importer reads: every post, term and author arrives."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "--site", str(tmp_path), "import", "--quiet",
         str(site / "wp")],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"imported {N}," in done.stdout and "errors 0, warnings 0" in done.stdout
    info = yaml.safe_load((tmp_path / "content" / "_site.yaml").read_text(encoding="utf-8"))
    assert (len(info["categories"]), len(info["tags"]), len(info["authors"])) == (30, 300, 20)
    posts = [
        p for k in (1, 2) for p in json.loads((site / "wp" / f"posts-page-{k}.json").read_text())
    ]
    home = json.loads((site / "wp" / "index.json").read_text())["home"].rstrip("/") + "/"
    imported = {}
    for path in (tmp_path / "content" / "posts").rglob("*.md"):
        meta, _body = _front(path.read_text(encoding="utf-8"), hugo=True)
        imported[meta["path"]] = meta
    assert len(imported) == N
    for post in posts:
        meta = imported[post["link"].removeprefix(home)]
        assert meta["title"] == html.unescape(post["title"]["rendered"])
        assert meta["wp_id"] == post["id"]
        assert len(meta["categories"]) == len(post["categories"])
        assert len(meta["tags"]) == len(post["tags"])
