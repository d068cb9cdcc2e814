"""absolutize_html: every URL attribute absolute, every other byte untouched."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import SitegenError
from sitegen.feeds import absolutize_html
from sitegen.feeds.absolute import absolutize_srcset, rewrite_tags

BASE = "https://mirror.example/web/2024/01/31/post/"

CASES = [
    ('<a href="/web/x/">x</a>', '<a href="https://mirror.example/web/x/">x</a>'),
    ("<a href='other/'>o</a>", '<a href="https://mirror.example/web/2024/01/31/post/other/">o</a>'),
    ("<a href=../up/>u</a>", '<a href="https://mirror.example/web/2024/01/31/up/">u</a>'),
    ('<a href="#fn1">1</a>', '<a href="https://mirror.example/web/2024/01/31/post/#fn1">1</a>'),
    # Found by hypothesis: joining left a trailing space, so a second pass changed the URL.
    ('<a href=": #">t</a>', '<a href="https://mirror.example/web/2024/01/31/post/:">t</a>'),
    ('<a href="? #">t</a>', '<a href="https://mirror.example/web/2024/01/31/post/?">t</a>'),
    ('<img src="//cdn.example/i.png"/>', '<img src="https://cdn.example/i.png"/>'),
    ('<a href="/x?a=1&amp;b=2">q</a>', '<a href="https://mirror.example/x?a=1&amp;b=2">q</a>'),
    (
        '<video poster="p.jpg" src="/v.mp4" controls></video>',
        '<video poster="https://mirror.example/web/2024/01/31/post/p.jpg" '
        'src="https://mirror.example/v.mp4" controls></video>',
    ),
    (
        '<blockquote cite="/src/">q</blockquote>',
        '<blockquote cite="https://mirror.example/src/">q</blockquote>',
    ),
    (
        '<IMG SRC="/a.png" ALT="A &amp; B">',
        '<img src="https://mirror.example/a.png" alt="A &amp; B">',
    ),
]

UNCHANGED = [
    '<a href="https://telecomlive.in/web/">abs</a>',
    '<a href="HTTPS://Example.org/a/../b?#">kept exactly, not normalised</a>',
    '<a href="http://[::1">unparseable</a><a href="//[bad">x</a>',
    '<a href="mailto:desk@example.org">mail</a>',
    '<a href="tel:+911234">call</a>',
    '<img src="data:image/png;base64,iVBOR,w0KGgo=">',
    "<p>No tags &amp; entities &#8217; stay &lt;exactly&gt;</p><!-- <a href=x> -->",
    '<script>document.write("<a href=/rel/>")</script><style>a{background:url(/x.png)}</style>',
    '<a name="anchor">no url</a><a href="">empty</a>',
    "<p>नमस्ते <b>مرحبا</b> 🚀</p>",
    "<img srcset=\"https://cdn.example/a.jpg 1x,https://cdn.example/b.jpg   2x\" src='https://cdn.example/a.jpg'>",
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_relative_urls_become_absolute(html: str, expected: str) -> None:
    assert absolutize_html(html, BASE) == expected


@pytest.mark.parametrize("html", UNCHANGED)
def test_everything_else_is_left_byte_for_byte(html: str) -> None:
    assert absolutize_html(html, BASE) == html


def test_only_the_changed_tag_is_rewritten_in_a_longer_document() -> None:
    html = (
        '<p class="x">Line one</p>\n<figure class=\'wp-caption\'>\n  <img class="a" src="i.jpg" '
        'width=300>\n<figcaption>A &amp; B</figcaption></figure>\n<p><a href="/x/">x</a></p>'
    )
    out = absolutize_html(html, BASE)
    assert out == (
        '<p class="x">Line one</p>\n<figure class=\'wp-caption\'>\n  <img class="a" '
        'src="https://mirror.example/web/2024/01/31/post/i.jpg" width="300">\n'
        '<figcaption>A &amp; B</figcaption></figure>\n<p><a href="https://mirror.example/x/">x</a></p>'
    )


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        (
            "a.jpg 300w, /b.jpg 1024w",
            "https://mirror.example/web/2024/01/31/post/a.jpg 300w, "
            "https://mirror.example/b.jpg 1024w",
        ),
        (
            "a.jpg, b.jpg 2x",
            "https://mirror.example/web/2024/01/31/post/a.jpg, "
            "https://mirror.example/web/2024/01/31/post/b.jpg 2x",
        ),
        # The spec's split: a URL runs to whitespace, so this is ONE candidate with a comma.
        ("a.jpg,b.jpg 2x", "https://mirror.example/web/2024/01/31/post/a.jpg,b.jpg 2x"),
        (
            "a.jpg,, b.jpg",
            "https://mirror.example/web/2024/01/31/post/a.jpg, "
            "https://mirror.example/web/2024/01/31/post/b.jpg",
        ),
        ("  /c.jpg  ", "https://mirror.example/c.jpg"),
        ("https://x.example/a,b.jpg 1x", "https://x.example/a,b.jpg 1x"),
    ],
)
def test_srcset_candidates_each_resolve(srcset: str, expected: str) -> None:
    assert absolutize_srcset(srcset, BASE) == expected


def test_a_relative_base_is_a_user_error() -> None:
    with pytest.raises(SitegenError):
        absolutize_html("<a href=x>", "/web/")


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src", "poster") and v and v.strip()]


def _urls(html: str) -> list[str]:
    parser = _Urls()
    parser.feed(html)
    parser.close()
    return parser.urls


_url = st.one_of(
    st.sampled_from(["/a/", "b.jpg", "../c", "#n", "?q=1&r=2", "//h.example/d", "x y", " /s "]),
    st.text(alphabet="abc/.#?&=:%[] ", max_size=12),
)
_fragment = st.one_of(
    st.builds(lambda u: f'<a href="{u}">t</a>', _url),
    st.builds(lambda u: f"<img src='{u}'/>", _url),
    st.sampled_from(["<p>", "</p>", "text &amp; more", "नमस्ते", "<!-- c -->", "<br>", "\n"]),
    st.text(max_size=20),
)


def _parseable(url: str) -> bool:
    try:
        urlsplit(url.strip())
    except ValueError:
        return False
    return True


@given(st.lists(_fragment, max_size=8).map("".join))
def test_properties_total_idempotent_and_all_absolute(html: str) -> None:
    once = absolutize_html(html, BASE)
    assert absolutize_html(once, BASE) == once
    for url in filter(_parseable, _urls(once)):  # `//]` is no URL: it is left as it was
        assert urlsplit(url.strip()).scheme, url


# absolutize_html answers "nothing to change" without html.parser when it can (feed writers
# get HTML made absolute already, once per feed a post is in); that shortcut must agree with
# the parser on any markup, including the odd spellings the parser still reads as attributes.
_name = st.sampled_from(
    ["href", "HREF", "Src", "srcset", "imagesrcset", "poster", "data", "data-src", "cite",
     "action", "formaction", "backgroun\u212ad", "longdesc", "title", "\u017frc", "hrefx"]
)  # fmt: skip
_value = st.one_of(
    _url,
    st.sampled_from(
        ["https://h.example/a", "HTTP://h.example/b", "mailto:a@b", "&#104;ttp://h.example/",
         "https://h.example/?a=1&amp;b=2", "https://h.example/a.jpg 1x&#44; b.jpg 2x",
         "https://h.example/a.jpg 1x, https://h.example/b.jpg 2x", "", " "]
    ),
)  # fmt: skip
_quote = st.sampled_from(['"{}"', "'{}'", "{}"])
_attr = st.builds(lambda n, q, v, eq: f" {n}{eq}{q.format(v)}", _name, _quote, _value,
                  st.sampled_from(["=", " = ", "=="]))  # fmt: skip
_tag = st.builds(
    lambda t, attrs, end: f"<{t}{''.join(attrs)}{end}",
    st.sampled_from(["a", "img", "IMG", "video", "source", "blockquote", "script", "p"]),
    st.lists(_attr, max_size=3),
    st.sampled_from([">", "/>", " >", ""]),
)
_markup = st.lists(
    st.one_of(_tag, _fragment, st.sampled_from(["</script>", "<!--", "-->", '"', "'"])),
    max_size=8,
).map("".join)


@settings(max_examples=400)
@given(_markup)
def test_the_no_change_shortcut_agrees_with_the_parser(html: str) -> None:
    once = absolutize_html(html, BASE)
    assert once == rewrite_tags(html, BASE)
    assert absolutize_html(once, BASE) == rewrite_tags(once, BASE) == once
    assert absolutize_html(str(once), BASE) == once  # plain text again: the shortcut's scan


def test_html_with_nothing_to_change_is_returned_as_it_is() -> None:
    absolute = '<a href="https://h.example/a">a</a><img srcset="https://h.example/i.jpg 2x">'
    assert absolutize_html(absolute, BASE) == absolute
    relative = '<a href="https://h.example/a">a</a><img SRC="i.jpg">'
    once = absolutize_html(relative, BASE)
    assert once == '<a href="https://h.example/a">a</a><img src="' + BASE + 'i.jpg">'
    # A feed writer passes an item's HTML again: not scanned again, for the same base only.
    assert absolutize_html(once, BASE) is once
    elsewhere = "https://mirror.example/other/"
    assert absolutize_html(once, elsewhere) == rewrite_tags(once, elsewhere)
