"""Markup nested thousands deep converts without a traceback or a hang: the tree stops at
html5parse.MAX_DEPTH, deeper markup is flattened to its text, and the importer says so."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from testdata import CORPUS, SEED

from sitegen import parallel, tuning
from sitegen.errors import Problems
from sitegen.markdown import render_markdown
from sitegen.tuning import Tuning
from sitegen.wp.export import parse_post
from sitegen.wp.html2md import convert as html2md
from sitegen.wp.html2md.blocks import MAX_NESTING
from sitegen.wp.html2md.convert import convert, html_to_markdown
from sitegen.wp.html2md.tree import Context, parse
from sitegen.wp.html5parse import MAX_DEPTH, MAX_FORMATTING
from sitegen.wp.html5parse import parse as parse_html
from sitegen.wp.importer import ImportOptions, import_paths
from sitegen.wp.normalize import body_markdown

SEED_POST = json.loads(SEED.read_text())
DEEP = 20_000

# (opening, closing) of one level of nesting, for each way content nests.
SHAPES = {
    "div": ("<div>", "</div>"),
    "span": ("<span>", "</span>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "list": ("<ul><li>", "</li></ul>"),
    "ordered": ("<ol><li><p>", "</p></li></ol>"),
    "table": ("<table><tr><td>", "</td></tr></table>"),
    "b-a": ('<b><a href="https://example.com/">', "</a></b>"),
    "em-i": ("<em><i>", "</i></em>"),
    "div-span": ("<div><span>", "</span></div>"),
    "a-div": ('<a href="https://example.com/"><div>', "</div></a>"),
    "figure": ("<figure><figcaption>", "</figcaption></figure>"),
    "sup": ("<sup>", "</sup>"),
    "dl": ("<dl><dd>", "</dd></dl>"),
    "pre-b": ("<pre><b>", "</b></pre>"),
    "unclosed-div": ("<div>", ""),
    "unclosed-table-b-a": ('<table><tr><td><b><a href="https://example.com/">', ""),
}


def depth(root: Element) -> int:
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in element)
    return deepest


def nested(shape: str, levels: int, inner: str = "deep <em>text</em> here") -> str:
    opening, closing = SHAPES[shape]
    return opening * levels + inner + closing * levels


def at_stack_depth(frames: int, work: Callable[[], Any]) -> Any:
    """`work()` called `frames` Python frames deep: the converter runs under a CLI, an
    importer and a process pool, not at the bottom of the stack."""
    return work() if frames == 0 else at_stack_depth(frames - 1, work)


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    # The converter's last resort for a RecursionError must never be what happened.
    def fail(html: str) -> str:
        raise AssertionError("the converter ran out of stack")

    monkeypatch.setattr(html2md, "_flat_text", fail)


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_deep_nesting_converts_keeps_the_text_and_says_so(shape: str) -> None:
    html = nested(shape, DEEP)
    converted = at_stack_depth(150, lambda: convert(html))
    assert converted.flattened > 0
    assert {"deep", "text", "here"} <= set(re.findall(r"\w+", converted.markdown))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_tree_stops_at_the_depth_limit(shape: str) -> None:
    html = nested(shape, DEEP)
    # The parser itself stops there (script, svg and the like get one level more)...
    parsed = parse_html(html)
    assert parsed.dropped > 0
    assert depth(parsed.root) <= MAX_DEPTH + 1
    # ...and the converter's tree is bounded whatever html5lib's reparenting does.
    assert depth(parse(html, Context(None, ()))) <= MAX_DEPTH


@pytest.mark.parametrize("shape", ["div", "blockquote", "list", "table", "b-a", "em-i"])
def test_markup_within_the_limit_is_untouched(shape: str) -> None:
    # Deep, but not too deep: the same tree as ever, nothing flattened.
    levels = (MAX_DEPTH - 2) // max(1, SHAPES[shape][0].count("<"))
    html = nested(shape, min(levels, MAX_FORMATTING // 2))
    assert convert(html).flattened == 0
    assert parse_html(html).dropped == 0


def test_quotes_and_lists_nest_only_as_deep_as_the_renderer_shows() -> None:
    quotes = html_to_markdown(nested("blockquote", DEEP, "x"))
    assert quotes == "> " * MAX_NESTING + "x\n"
    lists = html_to_markdown(nested("list", DEEP, "x"))
    assert lists.split("\n")[0] == "- " * (MAX_NESTING // 2) + "x"


@pytest.mark.parametrize("levels", [8, 9, 10, 19, 20, 40, 90, DEEP])
@pytest.mark.parametrize(
    ("opening", "closing", "cost"),
    [
        (*SHAPES["blockquote"], 1),
        (*SHAPES["list"], 2),
        (*SHAPES["ordered"], 2),
        ("<blockquote><ul><li>", "</li></ul></blockquote>", 3),
        ("<ul><li><p>a</p><blockquote>", "</blockquote></li></ul>", 3),
        # The table stays HTML, with HTML lists in it: Markdown nesting starts again.
        ("<ol><li><table><tr><td>", "</td></tr></table></li></ol>", None),
    ],
)
def test_deep_quotes_and_lists_still_show_their_text(
    levels: int, opening: str, closing: str, cost: int | None
) -> None:
    # markdown-it drops what is nested 20 levels deep (a list item is two levels).
    converted = convert(opening * levels + "<p>deep</p>" + closing * levels)
    assert "deep" in render_markdown(converted.markdown)
    if cost is not None:
        assert (converted.flattened > 0) == (levels * cost > MAX_NESTING)


@pytest.mark.parametrize("levels", [17, 18, 19, 40])
def test_deep_quotes_in_footnotes_still_show_their_text(levels: int) -> None:
    html = (
        '<p>x<sup><a href="#fn1">1</a></sup></p><ol class="footnotes"><li id="fn1">'
        + nested("blockquote", levels, "deep")
        + "</li></ol>"
    )
    markdown = html_to_markdown(html)
    assert "[^1]: >" in markdown
    assert "deep" in render_markdown(markdown)


def test_flattened_blocks_keep_their_words_apart() -> None:
    html = "<div>" * 1000 + "<p>one</p><p>two</p><h2>three</h2>four<div>five" + "</div>" * 1000
    assert "one two three four five" in html_to_markdown(html)


def test_flattened_scripts_and_styles_stay_hidden() -> None:
    html = "<div>" * 1000 + "<script>alert(1)</script><style>p{}</style>shown" + "</div>" * 1000
    markdown = html_to_markdown(html)
    assert "shown" in markdown
    assert "alert" not in markdown and "p{}" not in markdown


def test_text_after_the_deep_part_keeps_its_structure() -> None:
    html = "<div>" * 1000 + "deep" + "</div>" * 1000 + "<h2>After</h2><ul><li>item</li></ul>"
    markdown = html_to_markdown(html)
    assert markdown.endswith("## After\n\n- item\n")


def test_misnested_formatting_is_reopened_a_bounded_number_of_times() -> None:
    # Each paragraph reopens every formatting element an earlier one left open: without a
    # bound, the n-th paragraph gets n elements (n^2 in all).
    html = "".join(f'<p><b class="c{i}">x{i}</p>' for i in range(2000))
    parsed = parse_html(html)
    assert parsed.dropped > 0
    assert depth(parsed.root) <= MAX_FORMATTING + 2
    assert sum(1 for _ in parsed.root.iter()) <= 2000 * (MAX_FORMATTING + 2)
    assert "x1999" in html_to_markdown(html)


def test_real_posts_are_not_flattened() -> None:
    posts = [
        post
        for path in sorted(CORPUS.rglob("*.json"))
        for post in (json.loads(path.read_text(encoding="utf-8")) or [])
        if isinstance(post, dict) and isinstance(post.get("content"), dict)
    ]
    assert len(posts) > 20
    for post in posts:
        assert convert(post["content"]["rendered"]).flattened == 0


def test_the_warning_names_the_post_and_its_json_path() -> None:
    post = parse_post(dict(SEED_POST, content={"rendered": nested("div", DEEP)}), "deep.json[3]")
    problems = Problems()
    markdown = body_markdown(post, lambda url: url, problems)
    assert "deep" in markdown
    [warning] = problems.items
    assert warning.warning
    assert warning.location == "deep.json[3].content.rendered"
    assert f"post {SEED_POST['id']}" in warning.message and str(MAX_DEPTH) in warning.hint

    problems = Problems()
    body_markdown(parse_post(SEED_POST, "ok.json[0]"), lambda url: url, problems)
    assert not problems.items


def _other(wp_id: int, slug: str, content: str) -> dict[str, Any]:
    link = f"https://telecomlive.in/web/2023/09/02/{slug}/"
    return dict(
        SEED_POST,
        id=wp_id,
        slug=slug,
        link=link,
        guid={"rendered": link},
        content={"rendered": content},
    )


@pytest.mark.parametrize("pool", [False, True])
def test_the_import_reports_the_flattened_post_and_imports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: bool
) -> None:
    if pool:  # converted ahead in worker processes: the warning must come back with the file
        monkeypatch.setenv(parallel.ENV, "2")
        monkeypatch.setattr(tuning, "current", Tuning(pool_min_items=1))
        monkeypatch.setattr("sitegen.parallel.threading.active_count", lambda: 1)
    dump = tmp_path / "dump"
    dump.mkdir()
    posts = [_other(11, "deep", nested("table", DEEP)), _other(12, "fine", "<p>fine</p>")]
    (dump / "posts.json").write_text(json.dumps(posts))
    report = import_paths(tmp_path / "site", [dump], ImportOptions())
    warnings = [p for p in report.errors.items if "nested" in p.message]
    assert [w.location for w in warnings] == [f"{dump / 'posts.json'}[0].content.rendered"]
    assert not report.errors.errors
    bodies = sorted(p.read_text() for p in (tmp_path / "site").rglob("*.md"))
    assert any("deep" in body for body in bodies) and any("fine" in body for body in bodies)
