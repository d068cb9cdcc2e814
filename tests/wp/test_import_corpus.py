"""The whole wp-local-dev corpus (a real WordPress 6.1 site): counts, paths, links, dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testdata import CORPUS

from sitegen.content import parse_document, read_body
from sitegen.model import Document
from sitegen.wp.importer import ImportOptions, ImportReport, import_paths


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportReport]:
    site = tmp_path_factory.mktemp("site")
    return site, import_paths(site, [CORPUS], ImportOptions())


def _docs(site: Path) -> dict[int, Document]:
    docs = {}
    for path in sorted((site / "content").rglob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8"), path.as_posix())
        docs[doc.wp_id] = doc
    return docs


def test_counts(imported: tuple[Path, ImportReport]) -> None:
    _, report = imported
    # 60 published posts (X-WP-Total), 2 pages; every post is in the corpus twice (with and
    # without _embed); the out-of-range page is WordPress's error body.
    assert (report.imported, report.updated, report.unchanged) == (62, 0, 0)
    assert report.skipped == {"duplicate copy of a post": 60, "WordPress error response": 1}
    assert not report.failed
    assert [p.location for p in report.errors] == [
        str(CORPUS / "error-posts-page-out-of-range.json"),
        str(CORPUS / "posts-embed-page-1.json") + "[10].content.rendered",
    ]
    # The 1×1 image from another host is left out, and said.
    assert "1 tracking pixel(s) left out: https://collector.example/x.png" in report.errors.render()


def test_every_post_has_a_unique_path_and_file(imported: tuple[Path, ImportReport]) -> None:
    site, _ = imported
    docs = _docs(site)
    assert len(docs) == 62
    links = {
        p["id"]: p["link"]
        for n in (1, 2, 3)
        for p in json.loads((CORPUS / f"posts-page-{n}.json").read_text())
    }
    for wp_id, link in links.items():
        assert "http://127.0.0.1:8089/web/" + docs[wp_id].path == link
    assert len({d.path for d in docs.values()}) == 62
    # The shared slug lives in two months: two files, two paths.
    same = [d for d in docs.values() if d.slug == "monthly-subscriber-data-highlights"]
    assert sorted(d.source.split("content/")[1] for d in same) == [
        "posts/2023/06/monthly-subscriber-data-highlights.md",
        "posts/2024/06/monthly-subscriber-data-highlights.md",
    ]
    assert docs[800417].path == "about-us/" and docs[800417].type == "page"


def test_dates_carry_the_site_offset(imported: tuple[Path, ImportReport]) -> None:
    docs = _docs(imported[0])
    post = docs[800453]  # in India it was already August; in London still July
    assert post.date.isoformat() == "2024-08-01T00:45:00+05:30"
    assert post.path.startswith("2024/08/01/") and "/posts/2024/08/" in post.source
    raw = {
        p["id"]: p
        for n in (1, 2, 3)
        for p in json.loads((CORPUS / f"posts-page-{n}.json").read_text())
    }
    for wp_id, doc in docs.items():
        if doc.type == "post":
            assert doc.date.replace(tzinfo=None).isoformat() == raw[wp_id]["date"]
            assert doc.date.utcoffset() is not None
            assert doc.date.utcoffset().total_seconds() == 5.5 * 3600  # type: ignore[union-attr]
    assert docs[800439].updated.isoformat() == "2024-03-05T18:40:00+05:30"  # modified later


def test_terms_authors_images(imported: tuple[Path, ImportReport]) -> None:
    docs = _docs(imported[0])
    post = docs[800423]
    assert (
        post.title == "Jyoti Telecom & Vayu Wireless merger: “Scale is the only way forward” — CEO"
    )
    assert post.sticky and post.author is not None and post.author.slug == "aditi-raghavan"
    child = [t for d in docs.values() for t in d.categories if t.slug == "5g"]
    assert child and all(t.parent == "telecom" for t in child)
    image = docs[800437].featured_image
    assert image is not None
    assert image.caption == "The first data hall can hold 1,200 racks."
    assert image.alt == "The main data hall with hot-aisle containment"
    assert docs[800466].format == "video" and docs[800466].summary == ""
    assert docs[800430].summary.endswith("stretching their…")


def test_internal_links_become_root_relative(imported: tuple[Path, ImportReport]) -> None:
    body = read_body(imported[0], _docs(imported[0])[800474])
    for target in (
        "/2024/03/05/vayu-wireless-outage-hits-users-in-kolkata/",
        "/2024/06/14/monthly-subscriber-data-highlights/",
        "/2023/06/15/monthly-subscriber-data-highlights/",  # was ?p=800428
        "/2024/05/20/sarthi-mobiles-standalone-5g-rollout-a-timeline/",
        "/category/telecom/",
        "/tag/tariff-hike/",
    ):
        assert f"]({target})" in body
    assert "127.0.0.1:8089/web/20" not in body and "?p=" not in body


def test_site_yaml(imported: tuple[Path, ImportReport]) -> None:
    import yaml

    site = yaml.safe_load((imported[0] / "content" / "_site.yaml").read_text())
    assert site["home"] == "http://127.0.0.1:8089/web/"
    assert site["timezone"] == "Asia/Kolkata"
    assert len(site["categories"]) == 10 and len(site["tags"]) == 22
    assert len(site["authors"]) == 4
    by_slug = {c["slug"]: c for c in site["categories"]}
    assert by_slug["5g"]["parent"] == "telecom"
    assert by_slug["policy-regulation"]["name"] == "Policy & Regulation"
