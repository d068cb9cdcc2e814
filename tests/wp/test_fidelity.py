"""Fidelity on the real corpus: for every post and page, the rendered Markdown shows the same
text, links and images as WordPress' own HTML once sanitised (what the sanitiser removes on
purpose - scripts, unsafe URLs, iframes from unknown hosts - is not expected back).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fidelity import visible
from testdata import CORPUS, FIXTURES

from sitegen.content import split_document
from sitegen.markdown import render_markdown
from sitegen.wp import wpformat
from sitegen.wp.html2md.convert import html_to_markdown
from sitegen.wp.importer import ImportOptions, import_paths
from sitegen.wp.sanitize import sanitize_html


def corpus_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for name in [*sorted(p.name for p in CORPUS.glob("posts-page-*.json")), "pages.json"]:
        items.extend(json.loads((CORPUS / name).read_text(encoding="utf-8")))
    seed = json.loads((FIXTURES / "seed-telecomlive-800463.json").read_text(encoding="utf-8"))
    return [*items, {**seed, "id": f"seed-{seed['id']}"}]


ITEMS = corpus_items()


def test_the_whole_corpus_is_checked() -> None:
    # 60 published posts, 2 pages (MANIFEST.md) and the telecomlive seed post.
    assert len(ITEMS) == 63
    assert len({str(item["id"]) for item in ITEMS}) == 63


@pytest.mark.parametrize("item", ITEMS, ids=[str(i["id"]) for i in ITEMS])
def test_fidelity(item: dict[str, Any]) -> None:
    html = item["content"]["rendered"]
    expected = visible(sanitize_html(html))
    got = visible(render_markdown(html_to_markdown(html)))
    assert got.text == expected.text
    assert got.links == expected.links
    assert got.images == expected.images


@pytest.mark.parametrize("item", ITEMS, ids=[str(i["id"]) for i in ITEMS])
def test_corpus_markdown_is_a_fixpoint(item: dict[str, Any]) -> None:
    markdown = html_to_markdown(item["content"]["rendered"])
    assert html_to_markdown(render_markdown(markdown)) == markdown


def test_the_comparison_can_fail() -> None:
    # The checker itself: a dropped word, link or image is noticed.
    html = '<p>One <a href="https://a.example/">two</a> <img src="https://a.example/i.png"></p>'
    assert visible(html) != visible("<p>One two</p>")
    assert visible(html).links == ["https://a.example/"]
    assert visible(html).images == ["https://a.example/i.png"]


# Reader comments: WordPress's rendering of each approved comment (comments.json), through the
# same conversion as a body; and the export's raw comment text through the display filters
# the WXR path applies gives exactly WordPress's rendering.
COMMENTS = json.loads((CORPUS / "comments.json").read_text(encoding="utf-8"))


def test_the_corpus_comments_are_checked() -> None:
    assert sorted(c["id"] for c in COMMENTS) == [1200, 1201, 1202]


@pytest.mark.parametrize("comment", COMMENTS, ids=[str(c["id"]) for c in COMMENTS])
def test_comment_fidelity(comment: dict[str, Any]) -> None:
    html = comment["content"]["rendered"]
    expected = visible(sanitize_html(html))
    got = visible(render_markdown(html_to_markdown(html)))
    assert got == expected and got.text


def test_exported_comments_render_as_wordpress_rendered_them() -> None:
    rendered = {c["id"]: c["content"]["rendered"] for c in COMMENTS}
    raw = {}
    wp = "{http://wordpress.org/export/1.2/}"
    for comment in ElementTree.parse(CORPUS / "export.xml").iter(f"{wp}comment"):
        if comment.findtext(f"{wp}comment_approved") == "1":
            raw[int(comment.findtext(f"{wp}comment_id") or 0)] = comment.findtext(
                f"{wp}comment_content"
            )
    assert sorted(raw) == sorted(rendered)
    assert {i: wpformat.comment_text(text or "") for i, text in raw.items()} == rendered


def _imported_bodies(source: Path) -> dict[int, str]:
    """Every published post and page of the corpus's export as `sitegen import export.xml`
    writes its body (Markdown): what the editor saved, rendered as WordPress displays it
    (wpautop, texturize, shortcodes with the attachments' sizes) and converted; by WordPress id."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        report = import_paths(site, [source], ImportOptions())
        assert not report.failed, report.errors.render()
        bodies = {}
        for path in (p for p in report.written if p.suffix == ".md"):
            meta, body, _ = split_document(path.read_text(encoding="utf-8"), str(path))
            bodies[int(meta["wp_id"])] = body
    return bodies


EXPORT_BODIES = _imported_bodies(CORPUS / "export.xml")
REST_BODIES = _imported_bodies(CORPUS)
REST_ITEMS = [i for i in ITEMS if isinstance(i["id"], int)]


def test_the_whole_export_is_checked() -> None:
    assert sorted(EXPORT_BODIES) == sorted(i["id"] for i in REST_ITEMS)


@pytest.mark.parametrize("item", REST_ITEMS, ids=[str(i["id"]) for i in REST_ITEMS])
def test_export_fidelity(item: dict[str, Any]) -> None:
    """The export's saved text, rendered as WordPress displays it and converted, shows the
    text and images WordPress itself served for the same post (its REST `content.rendered`),
    and links where the REST import's do (both point links to the site at the mirror; the
    REST side's links are held to WordPress's by `test_fidelity`)."""
    expected = visible(sanitize_html(item["content"]["rendered"]))
    got = visible(render_markdown(EXPORT_BODIES[item["id"]]))
    assert got.text == expected.text
    assert got.images == expected.images
    assert got.links == visible(render_markdown(REST_BODIES[item["id"]])).links
