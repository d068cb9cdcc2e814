"""Atom 1.0 (RFC 4287). Entry ids are WordPress's guids, so an Atom reader that followed the
original site sees the same entries, not duplicates; the feed's id is its own URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

from sitegen.feeds.absolute import absolutize_html
from sitegen.feeds.items import FeedItem, FeedMeta
from sitegen.feeds.xmltext import XmlWriter, image_type, require_absolute, rfc3339, unique
from sitegen.mediatypes import ATOM, essence

ATOM_NS = "http://www.w3.org/2005/Atom"


def render_atom(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    """The Atom document for `items`, in the order given."""
    home = require_absolute(meta.home_url, "home URL")
    feed_url = require_absolute(meta.feed_url, "feed URL")
    xml = XmlWriter()
    root = [("xmlns", ATOM_NS)] + ([("xml:lang", meta.language)] if meta.language else [])
    xml.open("feed", *root)
    xml.leaf("id", feed_url)
    xml.leaf("title", meta.title, ("type", "text"))
    if meta.subtitle:
        xml.leaf("subtitle", meta.subtitle, ("type", "text"))
    xml.leaf("updated", rfc3339(meta.updated))
    xml.empty("link", ("rel", "alternate"), ("type", "text/html"), ("href", home))
    xml.empty("link", ("rel", "self"), ("type", essence(ATOM)), ("href", feed_url))
    # RFC 4287 §4.1.1: every entry needs an author, its own or the feed's. The site speaks for
    # posts without one (only then, so feed-level author data is not invented otherwise).
    if any(not item.author for item in items):
        xml.open("author")
        xml.leaf("name", meta.title)
        xml.leaf("uri", home)
        xml.close("author")
    xml.leaf("generator", meta.generator)
    for item in items:
        _entry(xml, item, home)
    xml.close("feed")
    return xml.getvalue()


def _entry(xml: XmlWriter, item: FeedItem, home: str) -> None:
    url = urljoin(home, item.url)
    xml.open("entry")
    xml.leaf("id", item.guid or url)
    xml.leaf("title", item.title, ("type", "text"))
    xml.empty("link", ("rel", "alternate"), ("type", "text/html"), ("href", url))
    xml.leaf("published", rfc3339(item.published))
    xml.leaf("updated", rfc3339(item.updated))
    if item.author:
        xml.open("author")
        xml.leaf("name", item.author)
        xml.close("author")
    for name in unique(item.categories):
        xml.empty("category", ("term", name))
    if item.summary:
        xml.leaf("summary", item.summary, ("type", "text"))
    if item.content_html:  # without it, the alternate link is the content (RFC 4287 4.1.1.1)
        xml.leaf("content", absolutize_html(item.content_html, url), ("type", "html"))
    if item.image_url:
        src = urljoin(url, item.image_url)
        attrs = [("rel", "enclosure"), ("href", src)]
        mime = image_type(src, item.image_type)
        if mime:
            attrs.append(("type", mime))
        if item.image_length > 0:
            attrs.append(("length", str(item.image_length)))
        xml.empty("link", *attrs)
    xml.close("entry")
