"""RSS readers show `<description>` as HTML: a plain-text summary must reach them as HTML text,
so an article that *mentions* markup shows the words and runs nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
from feedcheck import ATOM, check_xml_feed, parse_xml
from feedcheck import shown_html as shown
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.feeds import FeedItem, FeedMeta, render_atom, render_json, render_rss
from sitegen.feeds.xmltext import clean_text, html_text

PAYLOAD = "Why </script><script>alert(1)</script> is dangerous & <img src=x onerror=alert(2)>"

META = FeedMeta(
    title="Site",
    subtitle="News <b>bold</b> & more",
    home_url="https://mirror.example/",
    feed_url="https://mirror.example/feed/",
    language="en",
    updated=datetime(2025, 1, 1, tzinfo=UTC),
)


def item(summary: str) -> FeedItem:
    return FeedItem(
        title="t",
        url="/a/",
        guid="",
        content_html="<p>body</p>",
        summary=summary,
        author="a",
        categories=(),
        published=datetime(2025, 1, 1, tzinfo=UTC),
        updated=datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_a_summary_about_script_shows_as_text_in_a_reader() -> None:
    data = render_rss(META, [item(PAYLOAD)])
    assert check_xml_feed(data) == []
    description = parse_xml(data).findtext("channel/item/description")
    assert shown(description) == (PAYLOAD, [])
    # feedparser reads description as HTML and sanitises it: the words must survive that too.
    summary = feedparser.parse(data).entries[0].summary
    text, elements = shown(summary)
    assert elements == [] and text == PAYLOAD


def test_the_channel_description_is_html_text_too() -> None:
    description = parse_xml(render_rss(META, [])).findtext("channel/description")
    assert shown(description) == ("News <b>bold</b> & more", [])


def test_atom_and_json_feed_carry_the_summary_as_plain_text() -> None:
    entry = parse_xml(render_atom(META, [item(PAYLOAD)])).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}summary").get("type") == "text"
    assert entry.findtext(f"{ATOM}summary") == PAYLOAD
    assert json.loads(render_json(META, [item(PAYLOAD)]))["items"][0]["summary"] == PAYLOAD


ORDINARY = {
    # text that is already HTML text is written as it was
    "Tom & Jerry": "Tom & Jerry",
    'It\'s "quoted" — नमस्ते': 'It\'s "quoted" — नमस्ते',
    "a < b > c, 5 <= 6": "a < b > c, 5 <= 6",
    "trailing & and <": "trailing & and <",
    # where a reader would see a reference or a tag, the character is escaped
    "AT&T": "AT&amp;T",
    "&copy; &#8217; &amp;": "&amp;copy; &amp;#8217; &amp;amp;",
    "<b> </p> <!-- <?x": "&lt;b> &lt;/p> &lt;!-- &lt;?x",
    "<\x00script>": "&lt;script>",  # a dropped control does not join `<` and a letter
}


def test_only_what_html_would_read_as_markup_is_escaped() -> None:
    assert {text: html_text(text) for text in ORDINARY} == ORDINARY


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("<>&#;/!?ab1 \x00\r\n") | st.characters(codec="utf-8")))
def test_any_text_reads_back_as_exactly_that_text(text: str) -> None:
    expected = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")  # HTML folds CR
    assert shown(html_text(text)) == (expected, [])
