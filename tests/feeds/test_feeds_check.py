"""`sitegen check`'s feed layer (sitegen/checks/feeds.py): a valid feed passes, and each way a
feed can lose a subscriber is reported with the file and the item."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from sitegen.checks.feeds import check_feeds
from sitegen.feeds import FeedItem, FeedMeta, render_atom, render_json, render_rss

BASE = "https://m.example/web/"
IST = timezone(timedelta(hours=5, minutes=30))
WHEN = datetime(2025, 11, 2, 20, 44, 35, tzinfo=IST)
PAGES = {"index.html": b"", "a/index.html": b"", "b/index.html": b""}


def feeds(
    rss: Callable[[bytes], bytes] = lambda b: b,
    atom: Callable[[bytes], bytes] = lambda b: b,
    jsonf: Callable[[bytes], bytes] = lambda b: b,
    author: str = "Desk",
) -> dict[str, bytes]:
    """A built site's files: two pages and the three site feeds, each passed through an edit."""
    items = [
        FeedItem(t, BASE + f"{t}/", f"{BASE}?p={n}", "<p>x</p>", "s", author, (), WHEN, WHEN)
        for n, t in enumerate("ab")
    ]

    def meta(path: str) -> FeedMeta:
        return FeedMeta("Site", "", BASE, BASE + path, "en", WHEN)

    return PAGES | {
        "feed/index.xml": rss(render_rss(meta("feed/"), items)),
        "feed/atom/index.xml": atom(render_atom(meta("feed/atom/"), items)),
        "feed/json/index.json": jsonf(render_json(meta("feed/json/"), items)),
    }


def sub(old: str, new: str, count: int = -1) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert old.encode() in data, old
        return data.replace(old.encode(), new.encode(), count)

    return edit


def messages(files: dict[str, bytes]) -> list[str]:
    return [p.render() for p in check_feeds(files, BASE)]


def test_valid_feeds_pass_and_a_site_without_feeds_is_fine() -> None:
    assert messages(feeds()) == []
    assert messages(dict(PAGES)) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (feeds(rss=sub("</channel>", "")), "feed/index.xml: error: not well-formed XML"),
        (
            feeds(rss=sub("?p=1", "?p=0")),
            "feed/index.xml: item 2: error: duplicate id 'https://m.example/web/?p=0'",
        ),
        (
            feeds(rss=sub("<pubDate>Sun, 02 Nov 2025", "<pubDate>Sunday 2 Nov 2025", 1)),
            "feed/index.xml: item 1: error: RFC 822 date with a UTC offset expected",
        ),
        (
            feeds(rss=sub("web/feed/", "web/rss/")),
            "feed/index.xml: error: rel=self is 'https://m.example/web/rss/', "
            "but the feed is served at https://m.example/web/feed/",
        ),
        (
            feeds(rss=sub("<link>https://m.example/web/b/", "<link>https://old.example/b/")),
            "feed/index.xml: item 2: error: link 'https://old.example/b/' is not a page",
        ),
        (
            feeds(rss=sub('<guid isPermaLink="false">https://m.example/web/?p=0</guid>', "")),
            "feed/index.xml: item 1: error: no id (guid)",
        ),
        (
            feeds(atom=sub("<updated>2025-11-02T20:44:35+05:30", "<updated>2025-11-02 20:44")),
            "feed/atom/index.xml: entry 1: error: RFC 3339 date",
        ),
        (
            feeds(
                author="",
                atom=lambda b: re.sub(rb"<author>.*?</author>", b"", b, count=1, flags=re.S),
            ),
            "feed/atom/index.xml: entry 1: error: no <author>, and the feed has none either",
        ),
        (
            feeds(jsonf=sub('"content_html": "<p>x</p>",', "")),
            "feed/json/index.json: item 1: error: needs content_html or content_text",
        ),
        (
            feeds(jsonf=sub("version/1.1", "version/1")),
            "feed/json/index.json: error: version is 'https://jsonfeed.org/version/1'",
        ),
    ],
)
def test_each_problem_names_the_feed_and_the_item(files: dict[str, bytes], expected: str) -> None:
    found = messages(files)
    assert any(m.startswith(expected) for m in found), found


def test_a_removed_page_is_reported_in_every_feed_that_links_it() -> None:
    files = feeds()
    del files["b/index.html"]
    found = messages(files)
    assert len(found) == 3 and all("'https://m.example/web/b/' is not a page" in m for m in found)


def test_json_that_is_not_an_object_is_reported_not_raised() -> None:
    found = messages(feeds(jsonf=lambda _: json.dumps([1, 2]).encode()))
    assert "feed/json/index.json: error: missing title" in found
