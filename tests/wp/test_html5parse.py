"""The import's html5lib parser builds the very tree html5lib.parseFragment builds: with its
speed-ups (sitegen.speedups: one parser reused per thread, no code point count) and without."""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element

import html5lib
from hypothesis import given, settings
from hypothesis import strategies as st
from testdata import CORPUS

from sitegen import speedups
from sitegen.tuning import tuned
from sitegen.wp.html5parse import MAX_DEPTH, MAX_FORMATTING, parse, parse_fragment


def reference(html: str) -> Element:
    root: Element = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    return root


def shape(element: Element) -> object:
    """Everything the converter reads of a tree: tags, attributes, text, tails, order."""
    return (
        str(element.tag),
        sorted(element.attrib.items()),
        element.text,
        element.tail,
        [shape(child) for child in element],
    )


PIECES = [
    "<p>",
    "</p>",
    "<b>",
    "</i>",
    "<table><tr><td>",
    "</table>",
    "<li>",
    "<ul>",
    "<!-- c -->",
    "<script>x<y</script>",
    "<a href='/x?a=1&b=2'>",
    "</a>",
    "&amp;",
    "&hellip;",
    "&#8217;",
    "&#x0;",
    "&#128;",
    "&notit;",
    "&",
    "<",
    ">",
    "\r\n",
    "\r",
    "\x00",
    "\x0b",
    "\ufffe",
    "\U0001fffe",
    "\ud800",
    "\x85",
    "🚀",
    "नमस्ते",
    " ",
    "\n",
    "text",
    "<br/>",
    "<img src=x>",
    "<select><option>",
    "<svg><path/></svg>",
    "<frameset>",
    "<plaintext>",
]
html_texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=30).map("".join)


@settings(max_examples=400)
@given(html_texts)
def test_same_tree_as_html5lib(html: str) -> None:
    expected = shape(reference(html))
    with tuned(speedups=True):
        assert shape(parse_fragment(html)) == expected
    with tuned(speedups=False):
        assert shape(parse_fragment(html)) == expected


def test_same_tree_for_the_real_corpus_and_is_reusable() -> None:
    # One parser, used over and over: each tree must be as fresh as html5lib's.
    files = sorted(CORPUS.rglob("*.json"))
    bodies = [
        post["content"]["rendered"]
        for path in files
        for post in (json.loads(path.read_text(encoding="utf-8")) or [])
        if isinstance(post, dict) and isinstance(post.get("content"), dict)
    ]
    assert len(bodies) > 20
    with tuned(speedups=True):
        trees = [parse_fragment(body) for body in bodies]
    with tuned(speedups=False):
        plain = [parse_fragment(body) for body in bodies]
    for body, tree, plain_tree in zip(bodies, trees, plain, strict=True):
        assert shape(tree) == shape(reference(body)) == shape(plain_tree)


def test_the_speedups_apply_only_when_switched_on() -> None:
    """(So that the comparisons above do compare two paths.)"""
    parse_fragment("<p>x")
    with tuned(speedups=False):
        assert speedups.reused("html5parse", object) is not speedups.reused("html5parse", object)
    with tuned(speedups=True):
        first = speedups.reused("html5parse", object)
        assert speedups.reused("html5parse", object) is first


FORMATTING = [
    "b",
    "i",
    "em",
    "strong",
    "u",
    "s",
    "small",
    "big",
    "tt",
    "code",
    "font",
    "nobr",
    "strike",
]


def test_same_flattening_with_and_without_speedups() -> None:
    """Beyond the nesting limits the trees are no longer html5lib's, but the reused parser must
    still drop exactly what a fresh one drops (its counts start anew for each fragment)."""
    deep = [
        "<div>" * (MAX_DEPTH + 20) + "deep" + "</div>" * (MAX_DEPTH + 20),
        "".join(f"<{t}>" for t in FORMATTING * 2) + "x<p>after</p>",
        "<span>" * (MAX_DEPTH + 3) + "<div>a</div>",  # end tags never come
        "<p>plain</p>",
    ]
    assert len(FORMATTING) * 2 > MAX_FORMATTING
    with tuned(speedups=True):
        fast = [parse(html) for html in deep + deep]
    with tuned(speedups=False):
        plain = [parse(html) for html in deep + deep]
    assert [p.dropped for p in fast] == [p.dropped for p in plain]
    assert fast[0].dropped > 0 and fast[1].dropped > 0
    assert [shape(p.root) for p in fast] == [shape(p.root) for p in plain]
