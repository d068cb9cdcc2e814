"""The link check's page tokenizer skips, in its regex, the tags that carry no attribute it
reads; it must find exactly the links (with their lines) and ids that reading every tag finds."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.checks import links


def every_tag(data: bytes) -> tuple[list[tuple[int, str]], set[str]]:
    """The tokenizer as it was: every start tag (links._TAG) split into its attributes."""
    text = data.decode("utf-8", errors="replace")
    text = links._HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    page, line, last = links._Page(), 1, 0
    for tag in links._TAG.finditer(text):
        line += text.count("\n", last, tag.start())
        last = tag.start()
        attrs = {
            m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in links._ATTR.finditer(tag.group(2) or "")
        }
        links._collect(tag.group(1).lower(), attrs, line, page)
    return page.links, page.ids


_name = st.sampled_from(
    ["href", "HREF", "src", "srcset", "poster", "id", "ID", "name", "class", "title", "rel",
     "data-href", "\u017frc", "hidden"]
)  # fmt: skip
_value = st.sampled_from(["/a/", "b.jpg 1x, /c.jpg 2x", "#n", "x&amp;y", "canonical", "", "<a"])
_attr = st.builds(
    lambda n, v, q: f" {n}" if q == "none" else f" {n}={q}{v}{q}",
    _name,
    _value,
    st.sampled_from(['"', "'", "", "none"]),
)
_tag = st.builds(
    lambda t, attrs, end: f"<{t}{''.join(attrs)}{end}",
    st.sampled_from(["a", "A", "img", "link", "p", "div", "h2", "source", "x-y"]),
    st.lists(_attr, max_size=3),
    st.sampled_from([">", " >", "/>", ""]),
)
_markup = st.lists(
    st.one_of(
        _tag,
        st.sampled_from(
            ["\n", "text", "<!-- <a href=/c/> -->", "<script>\n<a href=/s/>", "</script>", "<", ">"]
        ),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300)
@given(_markup)
def test_skipping_tags_in_the_regex_finds_the_same_links_and_ids(markup: str) -> None:
    page = links._parse(markup.encode())
    assert (page.links, page.ids) == every_tag(markup.encode())
