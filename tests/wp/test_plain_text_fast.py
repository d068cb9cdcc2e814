"""plain_text's shortcut (text and character references, maybe in one <p>) finds exactly the
text html5lib's tree gives, and is the path real excerpts and titles take."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import CORPUS

from sitegen.wp import text
from sitegen.wp.text import plain_text, tree_text

PIECES = [
    "<p>",
    "</p>",
    "<P>",
    "<b>",
    "<br>",
    "&amp;",
    "&hellip;",
    "&#8217;",
    "&#x2019;",
    "&#39;",
    "&#0;",
    "&#1;",
    "&#13;",
    "&#128;",
    "&#150;",
    "&#xD800;",
    "&#xFFFE;",
    "&#x110000;",
    "&#9999999;",
    "&nbsp;",
    "&notit;",
    "&not",
    "&amp",
    "&AMP;",
    "&bogus;",
    "&",
    "&#",
    "&#;",
    "&#x;",
    ";",
    "[&hellip;]",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\f",
    "\x0b",
    "\x00",
    "\x01",
    "\x85",
    "\xa0",
    "\u3000",
    "\ufffe",
    "\ud800",
    "🚀",
    "नमस्ते",
    "word",
    "<",
]
snippets = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=20).map("".join)


def shortcut(html: str) -> str | None:
    simple = text._simple_text(html)
    return None if simple is None else text._SPACE.sub(" ", simple).strip()


@settings(max_examples=1000)
@given(snippets)
def test_shortcut_finds_the_tree_s_text(html: str) -> None:
    found = shortcut(html)
    assert found is None or found == tree_text(html)


@settings(max_examples=300)
@given(snippets)
def test_shortcut_in_one_paragraph(html: str) -> None:
    wrapped = f"<p>{html}</p>\n"
    found = shortcut(wrapped)
    assert found is None or found == tree_text(wrapped)
    if "<" not in html and "&" not in html and "\x00" not in html:
        assert found is not None  # the shortcut is taken where it can be


def test_real_excerpts_and_titles_take_the_shortcut() -> None:
    posts = json.loads((CORPUS / "posts-page-1.json").read_text(encoding="utf-8"))
    snippets = [p["excerpt"]["rendered"] for p in posts] + [p["title"]["rendered"] for p in posts]
    assert len(snippets) > 10
    for html in snippets:
        assert text._simple_text(html) is not None, html
        assert plain_text(html) == tree_text(html)
    excerpt = "<p>The board&#8217;s decision [&hellip;]</p>\n"
    assert plain_text(excerpt) == "The board’s decision […]"
