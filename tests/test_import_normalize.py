"""sitegen.wp.normalize and the first pass's decisions: URLs, dates, summaries, file names,
and hostile titles surviving the YAML front matter."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sitegen.wp.text import plain_text

from sitegen.content import dump_document, parse_document
from sitegen.errors import Problems
from sitegen.wp.export import parse_post
from sitegen.wp.normalize import SiteMaps, local_date, make_rewriter, normalize, summary_text
from sitegen.wp.plan import Stub, _file, _home_from_link

SEED = Path(__file__).parent / "fixtures" / "seed" / "000_d01410bb3d07ad41.json"
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
        "https://telecomlive.in/web/?p=1": "https://telecomlive.in/web/?p=1",
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


def test_summary_tail() -> None:
    assert summary_text("<p>Users on [&hellip;]</p>\n") == "Users on…"
    assert summary_text("<p>A manual excerpt.</p>\n") == "A manual excerpt."
    assert summary_text("") == ""


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
@example("2023-09-01")
@example("&amp; &#8217; &lt;b&gt;")
def test_hostile_titles_round_trip(title: str) -> None:
    post = replace(POST, title_html=html.escape(title))
    doc = normalize(post, "2023/09/01/x/", _maps(), Problems())
    text = dump_document(doc.meta, doc.body)
    parsed = parse_document(text, "x.md")
    assert parsed.title == doc.meta["title"] == plain_text(html.escape(title))
    assert parsed.date == doc.meta["date"] and parsed.path == "2023/09/01/x/"
    assert dump_document(doc.meta, doc.body) == text  # deterministic


def test_class_list_names_terms_nobody_else_knows() -> None:
    maps, problems = _maps(), Problems()
    doc = normalize(POST, "2023/09/01/x/", maps, problems)  # the seed: categories [7], no side file
    assert doc.meta["categories"] == [{"slug": "it-2", "name": "it-2"}]
    assert maps.found_terms[("category", "it-2")].wp_id == 7  # one unknown id, one unknown slug
    assert [p.location for p in problems] == ["seed.json.author"]  # users.json would name him
    # Without class_list the id is reported, not silently dropped.
    problems = Problems()
    doc = normalize(replace(POST, class_list=()), "2023/09/01/x/", _maps(), problems)
    assert "categories" not in doc.meta
    assert [p.location for p in problems] == ["seed.json.author", "seed.json.categories[0]"]
