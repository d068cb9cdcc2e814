"""The converter's faster text helpers give what their plain definitions give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.wp.html2md.emphasis import BREAK, KINDS, _pairs
from sitegen.wp.html2md.escape import escape_text
from sitegen.wp.html2md.inline import tidy
from sitegen.wp.html2md.tree import fold

MARKERS = [m for kind in KINDS.values() for m in kind[:2]]
texts = st.lists(
    st.sampled_from(
        [
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\f",
            "\xa0",
            "\x0b",
            BREAK,
            "_",
            "*",
            "&",
            "<",
            "a",
            "é",
            "&amp;",
            *MARKERS,
        ]
    )
    | st.text(max_size=3),
    max_size=25,
).map("".join)


@settings(max_examples=500)
@given(texts)
def test_fold_is_html_whitespace_folding(text: str) -> None:
    assert fold(text) == re.sub(r"[ \t\n\r\f]+", " ", text)


@settings(max_examples=500)
@given(texts)
def test_tidy_as_defined(text: str) -> None:
    expected = re.sub(f" *{BREAK} *", BREAK, re.sub(" {2,}", " ", text)).strip(" " + BREAK)
    assert tidy(text) == expected


@settings(max_examples=500)
@given(texts)
def test_emphasis_pairs_as_a_character_loop(text: str) -> None:
    stack: list[int] = []
    pairs = []
    for i, char in enumerate(text):
        if char in MARKERS[0::2]:
            stack.append(i)
        elif char in MARKERS[1::2] and stack:
            pairs.append((stack.pop(), i))
    assert _pairs(text) == pairs


def test_escape_text_leaves_plain_text_alone_and_escapes_the_rest() -> None:
    plain = "The board’s decision, 5.4% up: “sharp” (यह)"
    assert escape_text(plain) is plain
    assert escape_text("a*b_ c <b> &amp; [x]") == "a\\*b\\_ c \\<b> \\&amp; \\[x\\]"
