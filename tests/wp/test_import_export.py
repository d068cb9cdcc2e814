"""sitegen.wp.export: REST JSON -> typed records, every problem named by file and JSON path."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from testdata import CORPUS, SEED

from sitegen.errors import SitegenError
from sitegen.wp.export import WpPost, iter_posts, parse_site
from sitegen.wp.jsonfields import read_json


def _posts(data: object, name: str = "posts.json") -> list[WpPost | SitegenError]:
    return list(iter_posts(data, name))


def test_seed_reads_as_one_post() -> None:
    (post,) = _posts(read_json(SEED, "seed.json"), "seed.json")
    assert isinstance(post, WpPost)
    assert post.id == 800463 and post.where == "seed.json"
    assert post.date == datetime(2023, 9, 1, 11, 51, 47) == post.date_gmt
    assert post.categories == (7,) and post.tags == ()
    assert "category-it-2" in post.class_list
    assert post.api_root == "https://telecomlive.in/web/wp-json/"
    assert post.title_html.startswith("X won&#8217;t")


def test_embedded_page_knows_terms_author_and_image() -> None:
    data = read_json(CORPUS / "posts-embed-page-3.json", "p3.json")
    posts = [p for p in _posts(data, "p3.json") if isinstance(p, WpPost)]
    assert len(posts) == 20
    post = next(p for p in posts if p.id == 800437)
    assert post.embedded_author is not None and post.embedded_author.id == post.author
    assert post.embedded_media is not None and post.embedded_media.id == 800408
    assert post.embedded_media.alt == "The main data hall with hot-aisle containment"
    assert (post.embedded_media.width, post.embedded_media.height) == (1200, 675)
    child = [t for p in posts for t in p.embedded_terms if t.slug == "5g"]
    assert child and child[0].parent_slug == "telecom"  # from /category/telecom/5g/


def test_site_index() -> None:
    site = parse_site(read_json(CORPUS / "index.json", "index.json"), "index.json")
    assert site.home == "http://127.0.0.1:8089/web/"
    assert (site.timezone, site.gmt_offset) == ("Asia/Kolkata", 5.5)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "date_gmt",
            "2019-13-01T00:00:00",
            'posts.json[1].date_gmt: not a date: "2019-13-01T00:00:00"',
        ),
        ("date", None, "posts.json[1].date: missing"),
        ("id", "12", 'posts.json[1].id: expected a whole number, got text "12"'),
        ("title", 5, 'posts.json[1].title: expected {"rendered": text}, got a number'),
        ("categories", [1, "x"], 'posts.json[1].categories[1]: expected an id, got "x"'),
        ("sticky", "yes", 'posts.json[1].sticky: expected true or false, got "yes"'),
    ],
)
def test_bad_field_names_file_and_json_path(field: str, value: object, message: str) -> None:
    good = json.loads(SEED.read_text())
    bad = dict(good, **{field: value})
    if value is None:
        del bad[field]
    first, second = _posts([good, bad])
    assert isinstance(first, WpPost)  # the good post still comes through
    assert isinstance(second, SitegenError)
    assert str(second).startswith(message)


def test_not_a_post() -> None:
    (err,) = _posts([42])
    assert isinstance(err, SitegenError)
    assert str(err) == "posts.json[0]: expected a post (an object), got a number"
    with pytest.raises(SitegenError, match="expected a post object or a list of posts, got text"):
        _posts("hello")


def test_wordpress_error_body() -> None:
    data = read_json(CORPUS / "error-posts-page-out-of-range.json", "e.json")
    with pytest.raises(
        SitegenError, match=r"WordPress error response.*rest_post_invalid_page_number"
    ):
        _posts(data)


def test_invalid_and_truncated_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1,\n "slug": "a" "link": 2}]')
    with pytest.raises(SitegenError) as info:
        read_json(bad, "bad.json")
    assert info.value.location == "bad.json:2:14"
    assert "invalid JSON: Expecting ',' delimiter" in str(info.value)
    assert "truncated" not in info.value.hint
    cut = tmp_path / "cut.json"
    cut.write_bytes(SEED.read_bytes()[:2000])
    with pytest.raises(SitegenError) as info:
        read_json(cut, "cut.json")
    assert "truncated" in info.value.hint


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(SitegenError, match="not UTF-8"):
        read_json(path, "latin1.json")


def test_embedded_terms_of_other_taxonomies_are_not_tags(tmp_path: Path) -> None:
    from sitegen.wp.importer import ImportOptions, import_paths

    post = json.loads((CORPUS / "posts-embed-page-1.json").read_text())[0]
    genre = {"id": post["tags"][0], "slug": "genre-x", "name": "X", "taxonomy": "genre"}
    post["_embedded"]["wp:term"].insert(0, [genre])  # seen before the real tag
    (tmp_path / "p.json").write_text(json.dumps(post))
    report = import_paths(tmp_path, [tmp_path / "p.json"], ImportOptions())
    text = next((tmp_path / "content" / "posts").rglob("*.md")).read_text()
    assert "genre-x" not in text and not report.failed
