"""plain_text: titles, excerpts and term names from WordPress HTML snippets (real corpus)."""

from __future__ import annotations

import json

import pytest
from testdata import CORPUS

from sitegen.wp.text import plain_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # title.rendered of the seed post (wptexturize)
        (
            "X won&#8217;t use users&#8217; private data to train its AI models: Elon Musk",
            "X won’t use users’ private data to train its AI models: Elon Musk",
        ),
        ("Policy &amp; Regulation", "Policy & Regulation"),  # a category name as rendered
        ("<p>Elon Musk said \n that X [&hellip;]</p>\n", "Elon Musk said that X […]"),
        ("<p>one</p><p>two</p>", "one two"),
        ("a<br>b", "a b"),
        ("<b>bold</b>er", "bolder"),
        ("x<script>alert(1)</script>y<style>p{}</style>", "xy"),
        ("&lt;script&gt; stays text", "<script> stays text"),
        ("no markup at all", "no markup at all"),
        ("", ""),
        ("  \n ", ""),
        ("a&nbsp;b", "a b"),  # plain text for front matter: no invisible characters
        ("<!-- wp:paragraph -->kept<!-- /wp:paragraph -->", "kept"),
    ],
)
def test_plain_text(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_titles_of_the_corpus_have_no_markup_left() -> None:
    posts = []
    for page in sorted(CORPUS.glob("posts-page-*.json")):
        posts.extend(json.loads(page.read_text(encoding="utf-8")))
    titles = [plain_text(p["title"]["rendered"]) for p in posts]
    assert len(titles) == 60
    assert not [t for t in titles if "&#" in t or "&amp;" in t or "<" in t]
    with_entities = [p for p in posts if "&#" in p["title"]["rendered"]]
    assert with_entities  # the corpus does have texturized titles


def test_deep_nesting_does_not_recurse() -> None:
    assert plain_text("<span>" * 20000 + "deep" + "</span>" * 20000) == "deep"
