"""sitegen.wp.normalize and the first pass's decisions: URLs, dates, summaries, file names,
and hostile titles surviving the YAML front matter."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from testdata import SEED

from sitegen.content import dump_document, parse_document
from sitegen.errors import Problems
from sitegen.wp.export import WpTerm, WpUser, parse_post
from sitegen.wp.importplan import Stub, _file, _home_from_link, _path, zone_name
from sitegen.wp.normalize import (
    SiteMaps,
    local_date,
    make_rewriter,
    normalize,
    relative_path,
    summary_text,
)
from sitegen.wp.text import plain_text

POST = parse_post(json.loads(SEED.read_text()), "seed.json")
HOME = "https://telecomlive.in/web/"


def _maps() -> SiteMaps:
    maps = SiteMaps(home=HOME)
    maps.paths = {800463: "2023/09/01/x/", 12: "about-us/"}
    maps.links = {"telecomlive.in/web/2023/09/01/x/": "2023/09/01/x/"}
    return maps


def test_rewriter() -> None:
    rewrite = make_rewriter(_maps())
    cases = {
        "https://telecomlive.in/web/2023/09/01/x/": "/2023/09/01/x/",
        "http://TELECOMLIVE.in/web/2023/09/01/x#comments": "/2023/09/01/x/#comments",
        "https://telecomlive.in/web/?p=800463": "/2023/09/01/x/",
        "https://telecomlive.in/web/?page_id=12": "/about-us/",
        "https://telecomlive.in/web/category/telecom/5g/": "/category/telecom/5g/",
        "https://telecomlive.in/web/tag/5g/": "/tag/5g/",
        "https://telecomlive.in/web/author/news-desk/": "/author/news-desk/",
        "https://telecomlive.in/web/2023/09/": "/2023/09/",
        "https://telecomlive.in/web/": "/",
        # not ours, or not a page the mirror has: unchanged
        "https://telecomlive.in/web/?p=1": "",  # no such id: unlinked, and reported
        "https://telecomlive.in/web/2023/09/01/not-imported/": "https://telecomlive.in/web/2023/09/01/not-imported/",
        "https://telecomlive.in/web/wp-content/uploads/a.jpg": "https://telecomlive.in/web/wp-content/uploads/a.jpg",
        "https://telecomlive.in/other/2023/09/01/x/": "https://telecomlive.in/other/2023/09/01/x/",
        "https://example.com/web/2023/09/01/x/": "https://example.com/web/2023/09/01/x/",
        "mailto:desk@telecomlive.in": "mailto:desk@telecomlive.in",
        "#top": "#top",
    }
    assert {url: rewrite(url) for url in cases} == cases


def test_local_date_offsets() -> None:
    utc = SiteMaps(home=HOME).tz
    assert (
        local_date(datetime(2024, 8, 1, 0, 45), datetime(2024, 7, 31, 19, 15), utc, "x").isoformat()
        == "2024-08-01T00:45:00+05:30"
    )
    assert (
        local_date(datetime(2024, 1, 1, 9), datetime(2024, 1, 1, 14), utc, "x").isoformat()
        == "2024-01-01T09:00:00-05:00"
    )
    assert (
        local_date(datetime(2024, 1, 1, 9), None, utc, "x").isoformat()
        == "2024-01-01T09:00:00+00:00"
    )


def test_zone_names_are_iana() -> None:
    def fixed(hours: float) -> timezone:
        return timezone(timedelta(hours=hours))

    assert zone_name(fixed(0)) == "UTC"
    assert zone_name(fixed(5)) == "Etc/GMT-5" and zone_name(fixed(-3)) == "Etc/GMT+3"
    assert zone_name(fixed(5.5)) == "Asia/Kolkata" and zone_name(fixed(5.75)) == "Asia/Kathmandu"
    assert zone_name(ZoneInfo("Europe/Paris")) == "Europe/Paris"
    noon = datetime(2024, 7, 1, 12, tzinfo=UTC)
    for hours in (5, -3, 5.5, 5.75):
        zone = ZoneInfo(zone_name(fixed(hours)))
        assert noon.astimezone(zone).utcoffset() == timedelta(hours=hours)


def test_summary_tail() -> None:
    assert summary_text("<p>Users on [&hellip;]</p>\n") == "Users on…"
    assert summary_text("<p>A manual excerpt.</p>\n") == "A manual excerpt."
    assert summary_text("") == ""


def test_relative_path_keeps_wordpress_encoding() -> None:
    assert relative_path(f"{HOME}2023/09/01/%E2%82%B9-x/", HOME) == "2023/09/01/%E2%82%B9-x/"
    assert relative_path("http://TELECOMLIVE.in/web/about", HOME) == "about/"
    assert relative_path(HOME, HOME) == ""
    assert relative_path("https://telecomlive.in/webx/a/", HOME) is None


def test_home_from_links() -> None:
    assert _home_from_link("https://telecomlive.in/web/2023/09/01/x/", "x") == HOME
    assert _home_from_link("https://site.example/about-us/", "about-us") == "https://site.example/"
    assert _home_from_link("https://site.example/?p=3", "") == ""


def test_file_names_are_readable_and_unique() -> None:
    stub = Stub(
        where="f", id=7, type="post", slug="%e0%a4%95-x", link="", date=POST.date, modified_gmt=""
    )
    assert _file(stub, "p/", {}) == "posts/2023/09/क-x.md"
    assert _file(stub, "p/", {"posts/2023/09/क-x.md": 6}) == "posts/2023/09/क-x-7.md"
    hidden = replace(stub, slug="_draft")
    assert _file(hidden, "p/", {}) == "posts/2023/09/7-_draft.md"
    page = replace(stub, type="page")
    assert _file(page, "about/%e0%a4%95/", {}) == "pages/about/क.md"


HOSTILE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
@example("Q: What's next? A: 5G # not a comment & more")
@example("\"Quoted\" title: with 'single' quotes")
@example("- starts like a list item")
@example("5G के बाद अब 6G की तैयारी")
@example("الجيل الخامس: ما الجديد؟")
@example("🚀 Lumios Nova 5 sells out 📱🔥")
@example("yes")
@example(" ")
@example("2023-09-01")
@example("&amp; &#8217; &lt;b&gt;")
def test_hostile_titles_round_trip(title: str) -> None:
    """Whatever WordPress sends as a title, term name, author or excerpt comes back unchanged
    from the YAML front matter."""
    escaped = html.escape(title)
    post = replace(POST, title_html=escaped, excerpt_html=f"<p>{escaped}</p>")
    maps = _maps()
    maps.categories = {7: WpTerm(id=7, slug="c", name=escaped, taxonomy="category")}
    maps.users = {1: WpUser(id=1, slug="a", name=escaped)}
    doc = normalize(post, "2023/09/01/x/", maps, Problems())
    text = dump_document(doc.meta, doc.body)
    parsed = parse_document(text, "x.md")
    expected = plain_text(escaped)
    assert parsed.title == doc.meta["title"] == expected
    assert parsed.author is not None and parsed.author.name == (expected or "a")  # or the slug
    assert [t.name for t in parsed.categories] == [expected or "c"]
    assert parsed.summary == doc.meta.get("summary", "")
    assert parsed.date == doc.meta["date"] and parsed.path == "2023/09/01/x/"
    assert dump_document(doc.meta, doc.body) == text  # deterministic


def test_class_list_names_terms_nobody_else_knows() -> None:
    maps, problems = _maps(), Problems()
    doc = normalize(POST, "2023/09/01/x/", maps, problems)  # the seed: categories [7], no side file
    assert doc.meta["categories"] == [{"slug": "it-2", "name": "IT"}]  # named from its slug
    assert maps.found_terms[("category", "it-2")].wp_id == 7  # one unknown id, one unknown slug
    assert [p.location for p in problems] == ["seed.json.author"]  # users.json would name him
    # Without class_list the id is reported, not silently dropped.
    problems = Problems()
    doc = normalize(replace(POST, class_list=()), "2023/09/01/x/", _maps(), problems)
    assert "categories" not in doc.meta
    assert [p.location for p in problems] == ["seed.json.author", "seed.json.categories[0]"]


def test_page_parent_is_a_path_or_reported() -> None:
    page = replace(POST, type="page", parent=12, menu_order=3)
    problems = Problems()
    doc = normalize(page, "about-us/team/", _maps(), problems)
    assert (doc.meta["parent"], doc.meta["menu_order"]) == ("about-us/", 3)
    assert "sticky" not in doc.meta and "format" not in doc.meta
    doc = normalize(replace(page, parent=99), "team/", _maps(), problems)
    assert doc.meta["parent"] == ""
    assert [p.location for p in problems.warnings][-1] == "seed.json.parent"


def test_paths_when_the_permalink_is_no_path_under_the_home() -> None:
    stub = Stub(where="f[0]", id=7, type="post", slug="x", link="", date=POST.date, modified_gmt="")
    problems = Problems()
    assert _path(replace(stub, link=f"{HOME}2023/09/01/x/"), HOME, problems) == "2023/09/01/x/"
    assert not len(problems)
    # Drafts have plain permalinks: WordPress's default pretty one, silently.
    draft = replace(stub, link=f"{HOME}?p=7", draft=True)
    assert _path(draft, HOME, problems) == "2023/09/01/x/" and not len(problems)
    # A page that is the site's front page, and a post on another host: said, not hidden.
    front = replace(stub, type="page", slug="home", link=HOME)
    assert _path(front, HOME, problems) == "home/"
    assert (
        _path(replace(stub, link="https://elsewhere.example/x/"), HOME, problems) == "2023/09/01/x/"
    )
    assert [p.message.split(";")[0] for p in problems] == [
        "the site's front page",
        "permalink 'https://elsewhere.example/x/' is not a path under the home "
        "'https://telecomlive.in/web/'",
    ]


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("it-2", "IT"),
        ("5g", "5G"),
        ("policy-regulation", "Policy Regulation"),
        ("2023", "2023"),
        ("%e0%a4%b9%e0%a4%bf%e0%a4%82%e0%a4%a6%e0%a5%80", "हिंदी"),
    ],
)
def test_a_term_known_only_by_slug_gets_a_readable_name(slug: str, name: str) -> None:
    from sitegen.wp.normalize import name_from_slug

    assert name_from_slug(slug) == name
