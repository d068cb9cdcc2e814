"""The feed writers on hand-made items: hostile text, non-Latin scripts, relative URLs.

Every feed is checked by the layers in feedcheck.py (lxml, feedparser, jing + RFC 4287 rules,
RSS Board rules, JSON Feed 1.1 fields), and every field is read back and compared with what went
in: a writer that drops or mangles text fails here, not in a subscriber's reader.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from feedcheck import ATOM, check_json_feed, check_xml_feed, jing_atom, parse_xml
from feedcheck import shown_html as shown
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import SitegenError
from sitegen.feeds import (
    FeedItem,
    FeedMeta,
    newest_update,
    render_atom,
    render_json,
    render_rss,
)
from sitegen.feeds.xmltext import clean_text

IST = timezone(timedelta(hours=5, minutes=30))
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
HOSTILE = 'Tom & "Jerry" <b>bold</b> ]]> it’s 🚀 नमस्ते दुनिया مرحبا بالعالم &amp; &#8217;'

META = FeedMeta(
    title="Telecom Live & <Friends>",
    subtitle="Telecom, IT & “policy” news",
    home_url="https://mirror.example/web/",
    feed_url="https://mirror.example/web/feed/",
    language="en",
    updated=datetime(2025, 11, 2, 20, 44, 35, tzinfo=IST),
)


def item(n: int, **changes: Any) -> FeedItem:
    fields: dict[str, Any] = {
        "title": f"Post {n}: {HOSTILE}",
        "url": f"https://mirror.example/web/2025/11/0{n}/post-{n}/",
        "guid": f"https://telecomlive.in/web/?p={800400 + n}",
        "content_html": f'<p>Body {n} &amp; more: <a href="/web/2025/10/01/other/">other</a></p>'
        '\n<p><img src="../img.jpg" srcset="small.jpg 300w, /web/big.jpg 1024w" alt="x"></p>',
        "summary": f"Summary {n} & <more> नमस्ते",
        "author": "Aditi Raghavan",
        "categories": ("Telecom", "Policy & Regulation", "5G"),
        "published": datetime(2025, 11, n, 9, 30, tzinfo=IST),
        "updated": datetime(2025, 11, n, 10, 0, tzinfo=IST),
    }
    fields.update(changes)
    return FeedItem(**fields)


ITEMS = [item(2, image_url="/web/wp-content/uploads/a.png", image_length=1234), item(1)]


def test_rss_passes_every_check_and_keeps_every_field() -> None:
    data = render_rss(META, ITEMS)
    assert check_xml_feed(data) == []
    channel = parse_xml(data).find("channel")
    assert channel.findtext("title") == META.title
    assert channel.findtext("description") == META.subtitle
    assert channel.find(f"{ATOM}link").get("href") == META.feed_url
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == META.updated
    for el, src in zip(channel.findall("item"), ITEMS, strict=True):
        assert el.findtext("title") == src.title
        assert el.findtext("link") == src.url
        assert el.findtext("guid") == src.guid
        assert el.find("guid").get("isPermaLink") == "false"
        assert parsedate_to_datetime(el.findtext("pubDate")) == src.published
        assert el.findtext(DC_CREATOR) == src.author
        assert [c.text for c in el.findall("category")] == list(src.categories)
        assert shown(el.findtext("description")) == (src.summary, [])  # read as HTML
        assert '<a href="https://mirror.example/web/2025/10/01/other/">' in el.findtext(CONTENT)


def test_rss_enclosure_and_media_for_the_featured_image() -> None:
    first = parse_xml(render_rss(META, ITEMS)).find("channel/item")
    enclosure = first.find("enclosure")
    assert enclosure.attrib == {
        "url": "https://mirror.example/web/wp-content/uploads/a.png",
        "length": "1234",
        "type": "image/png",
    }
    media = first.find("{http://search.yahoo.com/mrss/}content")
    assert media.get("url") == enclosure.get("url")
    assert media.get("medium") == "image"


def test_rss_guid_is_a_permalink_only_when_it_is_the_url() -> None:
    url = "https://mirror.example/web/a/"
    channel = parse_xml(render_rss(META, [item(1, url=url, guid=url), item(2, guid="")]))
    guids = channel.findall("channel/item/guid")
    assert [(g.text, g.get("isPermaLink")) for g in guids] == [
        (url, "true"),
        ("https://mirror.example/web/2025/11/02/post-2/", "true"),
    ]


def test_atom_passes_relax_ng_and_rules_and_keeps_every_field(tmp_path: Path) -> None:
    data = render_atom(META, ITEMS)
    path = tmp_path / "atom.xml"
    path.write_bytes(data)
    assert check_xml_feed(data) == []
    assert jing_atom([path]) == []
    root = parse_xml(data)
    assert root.findtext(f"{ATOM}id") == META.feed_url
    assert root.findtext(f"{ATOM}title") == META.title
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == META.updated
    rels = {ln.get("rel"): ln.get("href") for ln in root.findall(f"{ATOM}link")}
    assert rels == {"self": META.feed_url, "alternate": META.home_url}
    for el, src in zip(root.findall(f"{ATOM}entry"), ITEMS, strict=True):
        assert el.findtext(f"{ATOM}id") == src.guid
        assert el.findtext(f"{ATOM}title") == src.title
        assert el.findtext(f"{ATOM}published") == src.published.isoformat()
        assert el.findtext(f"{ATOM}updated") == src.updated.isoformat()
        assert el.findtext(f"{ATOM}author/{ATOM}name") == src.author
        assert [c.get("term") for c in el.findall(f"{ATOM}category")] == list(src.categories)
        assert el.findtext(f"{ATOM}summary") == src.summary
        assert el.find(f"{ATOM}content").get("type") == "html"
        # "../img.jpg" on .../2025/11/0N/post-N/ is .../2025/11/0N/img.jpg, as a browser reads it.
        day = src.url.split("/")[-3]
        img = f'src="https://mirror.example/web/2025/11/{day}/img.jpg"'
        assert img in el.findtext(f"{ATOM}content")


def test_atom_feed_author_only_when_an_entry_has_none(tmp_path: Path) -> None:
    with_authors = parse_xml(render_atom(META, ITEMS))
    assert with_authors.find(f"{ATOM}author") is None
    data = render_atom(META, [item(1, author="")])
    root = parse_xml(data)
    assert root.findtext(f"{ATOM}author/{ATOM}name") == META.title
    assert root.find(f"{ATOM}entry/{ATOM}author") is None
    (tmp_path / "a.xml").write_bytes(data)
    assert check_xml_feed(data) == [] and jing_atom([tmp_path / "a.xml"]) == []


def test_json_feed_has_the_required_fields_and_keeps_every_field() -> None:
    data = render_json(META, ITEMS)
    assert check_json_feed(data) == []
    feed = json.loads(data)
    assert (feed["title"], feed["home_page_url"], feed["feed_url"]) == (
        META.title,
        META.home_url,
        META.feed_url,
    )
    for out, src in zip(feed["items"], ITEMS, strict=True):
        assert (out["id"], out["url"], out["title"]) == (src.guid, src.url, src.title)
        assert out["summary"] == src.summary
        assert out["authors"] == [{"name": src.author}]
        assert out["tags"] == list(src.categories)
        assert datetime.fromisoformat(out["date_published"]) == src.published
    assert feed["items"][0]["image"] == "https://mirror.example/web/wp-content/uploads/a.png"
    # Non-ASCII as itself, not \u escapes: the file is UTF-8 and readable.
    assert "नमस्ते".encode() in data and "🚀".encode() in data


@pytest.mark.parametrize("render", [render_rss, render_atom, render_json])
def test_byte_stable_and_independent_of_the_clock(render: Any) -> None:
    first = render(META, ITEMS)
    assert render(META, list(ITEMS)) == first
    assert str(datetime.now(UTC).year).encode() not in first  # only 2025 dates went in


@pytest.mark.parametrize("render", [render_rss, render_atom])
def test_illegal_xml_characters_are_stripped(render: Any) -> None:
    nasty = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\x7fh\x85i\ud800j\ufffek\uffffl"
    data = render(META, [item(1, title=nasty, summary=nasty, author=nasty, content_html=nasty)])
    assert check_xml_feed(data) == []
    assert feedparser.parse(data).entries[0].title == "abcdefghijkl"


def test_json_feed_strips_the_same_characters() -> None:
    data = render_json(META, [item(1, title="a\x00b\ud800c")])
    assert json.loads(data)["items"][0]["title"] == "abc"


def test_feedparser_reads_the_same_items_from_all_three() -> None:
    rss = feedparser.parse(render_rss(META, ITEMS))
    atom = feedparser.parse(render_atom(META, ITEMS))
    items = json.loads(render_json(META, ITEMS))["items"]
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries] == [i["id"] for i in items]
    assert (
        [e.title for e in rss.entries]
        == [e.title for e in atom.entries]
        == [i["title"] for i in items]
    )
    assert rss.entries[0].title == ITEMS[0].title


def test_relative_item_urls_resolve_against_the_home() -> None:
    data = render_rss(META, [item(1, url="2025/11/01/post-1/")])
    assert parse_xml(data).findtext("channel/item/link") == (
        "https://mirror.example/web/2025/11/01/post-1/"
    )


@pytest.mark.parametrize("render", [render_rss, render_atom, render_json])
def test_a_relative_home_is_a_user_error(render: Any) -> None:
    with pytest.raises(SitegenError, match="not an absolute http"):
        render(FeedMeta("t", "", "/web/", "/web/feed/", "en", META.updated), ITEMS)


def test_dates_keep_their_offset_and_naive_dates_are_utc() -> None:
    naive = datetime(2024, 2, 29, 23, 59, 59)
    rss = parse_xml(render_rss(META, [item(1, published=naive)]))
    assert rss.findtext("channel/item/pubDate") == "Thu, 29 Feb 2024 23:59:59 +0000"
    atom = parse_xml(render_atom(META, [item(1, published=naive)]))
    assert atom.findtext(f"{ATOM}entry/{ATOM}published") == "2024-02-29T23:59:59+00:00"
    assert "Sun, 02 Nov 2025 20:44:35 +0530" in render_rss(META, []).decode()


def test_empty_feeds_are_valid(tmp_path: Path) -> None:
    assert check_xml_feed(render_rss(META, [])) == []
    (tmp_path / "a.xml").write_bytes(render_atom(META, []))
    assert jing_atom([tmp_path / "a.xml"]) == []
    assert check_json_feed(render_json(META, [])) == []


def test_newest_update_picks_the_latest_item_not_the_clock() -> None:
    default = datetime(2000, 1, 1, tzinfo=UTC)
    assert newest_update([], default) == default
    late = item(1, updated=datetime(2026, 1, 1, 0, 0))  # naive: read as UTC
    assert newest_update([item(2), late, item(3)], default) is late.updated


_any_text = st.text(st.characters(codec="utf-8") | st.sampled_from("&<>\"']]>\r\n\t\x00\x0b"))


@settings(max_examples=60, deadline=None)
@given(
    title=_any_text,
    summary=_any_text,
    html=_any_text,
    author=_any_text,
    terms=st.lists(_any_text, max_size=3),
)
def test_any_text_gives_a_well_formed_feed_that_reads_back_exactly(
    title: str, summary: str, html: str, author: str, terms: list[str]
) -> None:
    src = item(1, title=title, summary=summary or "s", content_html=html, author=author or "a")
    src = replace(src, categories=tuple(terms))
    names = [clean_text(t) for t in terms if clean_text(t).strip()]
    names = list(dict.fromkeys(names))
    rss = parse_xml(render_rss(META, [src])).find("channel/item")
    assert rss.findtext("title") == clean_text(title)
    shown_summary = clean_text(summary or "s").replace("\r\n", "\n").replace("\r", "\n")
    assert shown(rss.findtext("description")) == (shown_summary, [])
    assert rss.findtext(DC_CREATOR) == clean_text(author or "a")
    assert [c.text or "" for c in rss.findall("category")] == names
    atom = parse_xml(render_atom(META, [src])).find(f"{ATOM}entry")
    assert atom.findtext(f"{ATOM}title") == clean_text(title)
    assert atom.findtext(f"{ATOM}author/{ATOM}name") == clean_text(author or "a")
    assert [c.get("term") for c in atom.findall(f"{ATOM}category")] == names
    assert json.loads(render_json(META, [src]))["items"][0]["title"] == clean_text(title)


def test_summary_only_feeds_carry_no_empty_content(tmp_path: Path) -> None:
    """`[feeds] full_text = false`: the build passes no HTML; readers get the summary."""
    short = [item(1, content_html=""), item(2, content_html="")]
    rss = parse_xml(render_rss(META, short)).find("channel/item")
    assert rss.find(CONTENT) is None
    assert shown(rss.findtext("description")) == (short[0].summary, [])
    data = render_atom(META, short)
    (tmp_path / "a.xml").write_bytes(data)
    assert check_xml_feed(data) == [] and jing_atom([tmp_path / "a.xml"]) == []
    assert parse_xml(data).find(f"{ATOM}entry/{ATOM}content") is None
    feed = json.loads(render_json(META, short))
    assert check_json_feed(render_json(META, short)) == []
    assert feed["items"][0]["content_text"] == short[0].summary
    assert "content_html" not in feed["items"][0]


@pytest.mark.parametrize(
    ("url", "mime"),
    [
        ("https://x.example/a.WEBP", "image/webp"),
        ("https://x.example/a.jpeg?ver=2", "image/jpeg"),
        ("https://x.example/photo", ""),
        ("https://x.example/a.heic", ""),
    ],
)
def test_image_type_from_a_fixed_table_and_no_enclosure_without_one(url: str, mime: str) -> None:
    """An enclosure must have a type; without a known one only media:content is written."""
    el = parse_xml(render_rss(META, [item(1, image_url=url)])).find("channel/item")
    enclosure = el.find("enclosure")
    assert (enclosure.get("type") if enclosure is not None else "") == mime
    assert el.find("{http://search.yahoo.com/mrss/}content").get("url") == url
