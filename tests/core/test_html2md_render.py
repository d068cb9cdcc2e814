"""render_markdown: the project's one Markdown setup (CommonMark + tables + strikethrough +
footnotes, raw HTML on, linkify and typographer off)."""

from __future__ import annotations

import os
import subprocess
import sys

from testdata import ROOT

from sitegen.markdown import render_markdown


def test_commonmark_basics() -> None:
    assert render_markdown("# Title\n\nSome *em* and **strong**.\n") == (
        "<h1>Title</h1>\n<p>Some <em>em</em> and <strong>strong</strong>.</p>\n"
    )


def test_gfm_table_and_strikethrough() -> None:
    html = render_markdown("| a | b |\n| :-- | --: |\n| 1 | ~~2~~ |\n")
    assert '<th style="text-align:left">a</th>' in html
    assert '<td style="text-align:right"><s>2</s></td>' in html


def test_footnotes() -> None:
    html = render_markdown("Text.[^1]\n\n[^1]: The note.\n")
    assert (
        '<sup class="footnote-ref"><a href="#fn1" id="fnref1">1</a></sup>' in html
    )  # as WordPress
    assert '<li id="fn1" class="footnote-item"><p>The note.' in html


def test_raw_html_passes_through() -> None:
    html = render_markdown("H<sub>2</sub>O\n\n<figure>\n\n![a](b.png)\n\n</figure>\n")
    assert "<p>H<sub>2</sub>O</p>" in html
    assert '<figure>\n<p><img src="b.png" alt="a" /></p>\n</figure>' in html


def test_no_linkify_no_typographer() -> None:
    assert render_markdown('See https://example.org -- "quoted" (c)\n') == (
        "<p>See https://example.org -- &quot;quoted&quot; (c)</p>\n"
    )


def test_dangerous_link_schemes_are_not_links() -> None:
    assert "href" not in render_markdown("[x](javascript:alert(1))\n")


def test_the_build_side_does_not_import_html5lib() -> None:
    # Only the import side parses HTML; `sitegen build` renders Markdown without html5lib.
    code = "import sys, sitegen.markdown; sys.exit(bool({'html5lib', 'nh3'} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
