"""Properties of html -> Markdown, checked by hypothesis on generated HTML.

- total: any HTML-ish input converts without raising;
- safe: no script, no on* attribute and no javascript: URL survives, in the Markdown or in
  its rendering;
- faithful: on well-formed article HTML, the rendering shows the same text, links and images
  as the sanitised input;
- stable: the Markdown is a fixpoint (converting its rendering gives it back).
"""

from __future__ import annotations

import os
import re

import html5lib
from fidelity import visible
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.markdown import make_markdown, render_markdown
from sitegen.wp.html2md.convert import html_to_markdown
from sitegen.wp.sanitize import sanitize_html

# A deeper search: SITEGEN_HYPOTHESIS_EXAMPLES=5000 pytest tests/wp/test_html2md_properties.py
SETTINGS = settings(
    max_examples=int(os.environ.get("SITEGEN_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Characters that mean something in Markdown or HTML, plus ordinary and non-ASCII text.
ALPHABET = "ab xyz019 *_[]()#>-+=!|~`\\<&;.:'\"/\xa0é中\n\t"
WORD = st.text(alphabet=ALPHABET, min_size=0, max_size=12)
SAFE_URL = st.sampled_from(
    [
        "https://example.org/",
        "/2024/01/02/post/",
        "https://example.org/a_(b)?q=1&r=2",
        "mailto:x@example.org",
        "#top",
        "https://example.org/x*y",
    ]
)
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="jav&#x09;ascript:alert(1)">js</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>',
    '<p onclick="steal()">p</p>',
    '<iframe src="https://evil.example/x"></iframe>',
    "<style>p{}</style>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onmouseover="x()">d</div>',
    '<table><tr><td colspan="2" onclick="x()">t</td></tr></table>',
    "<",
    ">",
    "</p>",
    "<p>",
    "<em>",
    "</em>",
    "<ul><li>",
    "</li>",
    "<br>",
    "<!--",
    "-->",
    "<!--nextpage-->",
    "<!--more-->",
    "<pre><code>",
    "</code></pre>",
    "&lt;script&gt;",
    "<blockquote>",
    "</blockquote>",
    "<h2>",
    "</h2>",
    "<table><tr><td>",
    "</td></tr></table>",
    '<figure><img src="a.png" alt="a"><figcaption>',
    "</figcaption></figure>",
]
ANY_HTML = st.lists(st.one_of(WORD, st.sampled_from(HOSTILE)), max_size=25).map("".join)

_ON_ATTR = re.compile(r"\son\w+\s*=", re.I)


def _inline(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        WORD.map(_escape),
        st.tuples(
            st.sampled_from(["em", "strong", "i", "b", "del", "sup", "sub", "cite"]), children
        ).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        st.tuples(SAFE_URL, children).map(lambda t: f'<a href="{_escape(t[0])}">{t[1]}</a>'),
        st.tuples(SAFE_URL, WORD).map(
            lambda t: f'<img src="{_escape(t[0])}" alt="{_escape(t[1])}">'
        ),
        WORD.map(lambda w: f"<code>{_escape(w)}</code>"),
        st.just("<br>"),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


INLINE = st.recursive(
    WORD.map(_escape), lambda c: st.lists(_inline(c), max_size=4).map("".join), max_leaves=12
)


def _blocks(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    many = st.lists(children, min_size=1, max_size=3).map("".join)
    return st.one_of(
        INLINE.map(lambda t: f"<p>{t}</p>"),
        st.tuples(st.integers(1, 6), INLINE).map(lambda t: f"<h{t[0]}>{t[1]}</h{t[0]}>"),
        st.tuples(
            st.sampled_from(["ul", "ol"]), st.lists(st.one_of(INLINE, many), min_size=1, max_size=3)
        ).map(lambda t: f"<{t[0]}>" + "".join(f"<li>{i}</li>" for i in t[1]) + f"</{t[0]}>"),
        many.map(lambda t: f"<blockquote>{t}</blockquote>"),
        WORD.map(lambda w: f"<pre><code>{_escape(w)}</code></pre>"),
        st.lists(st.lists(INLINE, min_size=2, max_size=2), min_size=1, max_size=3).map(_table),
        st.tuples(many, INLINE).map(
            lambda t: f"<figure>{t[0]}<figcaption>{t[1]}</figcaption></figure>"
        ),
        many.map(lambda t: f'<div class="wp-block-group">{t}</div>'),
        INLINE.map(lambda t: f'<p dir="rtl" lang="ar">{t}</p>'),
        st.lists(INLINE, min_size=1, max_size=3).map(_merged_cells_table),
        st.sampled_from(
            [
                "<!--nextpage-->",
                "<!--more-->",
                '<iframe src="https://www.youtube.com/embed/x1" title="Video"></iframe>',
                '<iframe src="https://maps.example.com/m?a=1&amp;b=2" title="A map"></iframe>',
                '<blockquote class="twitter-tweet"><p>Tweet</p>&mdash; X <a href="https://'
                'twitter.com/x/status/1">May 1</a></blockquote><script src="w.js"></script>',
            ]
        ),
        st.just("<hr>"),
    )


def _merged_cells_table(cells: list[str]) -> str:
    rows = "".join(f"<tr><td>{cell}</td><td>x</td></tr>" for cell in cells[1:])
    return f'<table><tr><td colspan="2">{cells[0]}</td></tr>{rows}</table>'


def _with_footnote(parts: tuple[str, str, str]) -> str:
    body, ref_text, note = parts
    return (
        f'{body}<p>{ref_text}<sup id="fnref-1"><a href="#fn-1">1</a></sup></p><hr />'
        f'<ol class="footnotes"><li id="fn-1">{note} <a href="#fnref-1">↩</a></li></ol>'
    )


def _table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{c}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


BODY = st.recursive(
    INLINE.map(lambda t: f"<p>{t}</p>"),
    lambda c: st.lists(_blocks(c), max_size=4).map("".join),
    max_leaves=10,
)


ARTICLE = st.one_of(BODY, st.tuples(BODY, INLINE, INLINE).map(_with_footnote))


def _unsafe_in(html: str) -> list[str]:
    """Script/style elements, on* attributes and javascript:/data: URLs in real markup."""
    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in {"script", "style"}:
            found.append(el.tag)
        found.extend(f"{el.tag}@{k}" for k in el.attrib if k.lower().startswith("on"))
        found.extend(f"{el.tag}@{k}={v}" for k, v in el.attrib.items() if _bad_url(v))
        if el.tag == "iframe" and "evil" in el.get("src", ""):
            found.append("iframe")
    return found


def _bad_url(value: str) -> bool:
    squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
    return squeezed.startswith(("javascript:", "data:", "vbscript:"))


def _raw_parts(markdown: str) -> list[str]:
    """What the Markdown says as raw HTML, and the URLs of its links and images, as the
    project's Markdown parser reads them (escaped text and code are neither)."""
    parts = []
    stack = list(make_markdown().parse(markdown))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        if token.type in {"html_inline", "html_block"}:
            parts.append(token.content)
        parts.extend(str(token.attrs[a]) for a in ("href", "src") if a in token.attrs)
    return parts


@SETTINGS
@given(ANY_HTML)
def test_never_raises_and_nothing_unsafe_survives(html: str) -> None:
    markdown = html_to_markdown(html)
    assert isinstance(markdown, str)
    rendered = render_markdown(markdown)
    assert _unsafe_in(rendered) == []
    raw = _raw_parts(markdown)
    assert not [p for p in raw if "<script" in p.lower() or _ON_ATTR.search(p)]
    assert not [p for p in raw if "javascript:" in p.lower() or _bad_url(p)]


@SETTINGS
@given(ANY_HTML)
def test_sanitize_html_removes_everything_unsafe(html: str) -> None:
    # (Not idempotent on every broken input: nh3 itself re-parses `<h2><x><h2>` differently
    # once `<x>` is gone. What must hold is the converter's fixpoint, tested below.)
    assert _unsafe_in(sanitize_html(html)) == []


@SETTINGS
@given(ARTICLE)
def test_rendering_gives_back_text_links_and_images(html: str) -> None:
    expected = visible(sanitize_html(html))
    got = visible(render_markdown(html_to_markdown(html)))
    assert got == expected


@SETTINGS
@given(ARTICLE)
def test_markdown_is_a_fixpoint(html: str) -> None:
    markdown = html_to_markdown(html)
    assert html_to_markdown(render_markdown(markdown)) == markdown


@SETTINGS
@given(ANY_HTML)
# A dropped iframe between spaces in a table cell: the text around it must merge at once.
@example('<table><tr><td> <iframe src="javascript:alert(1)"></iframe> ')
@example("&#11")  # a control character: invisible, and white space to markdown-it
@example("<p>a&#11;b\x01c</p>")
def test_markdown_of_any_input_is_a_fixpoint(html: str) -> None:
    markdown = html_to_markdown(html)
    assert html_to_markdown(render_markdown(markdown)) == markdown
