"""RSS 2.0 (https://www.rssboard.org/rss-specification) with the modules WordPress's own feed
uses, so every subscriber of the original `/feed/` keeps working: `content:encoded` (full
post), `dc:creator`, `atom:link rel=self`, and Media RSS next to the enclosure for the image.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

from sitegen.feeds.absolute import absolutize_html
from sitegen.feeds.items import FeedItem, FeedMeta
from sitegen.feeds.xmltext import (
    XmlWriter,
    html_text,
    image_type,
    require_absolute,
    rfc822,
    unique,
)
from sitegen.mediatypes import RSS, essence

NAMESPACES = (
    ("xmlns:atom", "http://www.w3.org/2005/Atom"),
    ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    ("xmlns:media", "http://search.yahoo.com/mrss/"),
)


def render_rss(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    """The RSS 2.0 document for `items`, in the order given (newest first, by convention)."""
    home = require_absolute(meta.home_url, "home URL")
    xml = XmlWriter()
    xml.open("rss", ("version", "2.0"), *NAMESPACES)
    xml.open("channel")
    xml.leaf("title", meta.title)
    xml.leaf("link", home)
    # <description> is required; a site without a tagline gets its title, as WordPress does.
    # Readers show a description as HTML, so plain text is escaped as HTML, then as XML.
    xml.leaf("description", html_text(meta.subtitle or meta.title))
    xml.empty(
        "atom:link",
        ("href", require_absolute(meta.feed_url, "feed URL")),
        ("rel", "self"),
        ("type", essence(RSS)),
    )
    if meta.language:
        xml.leaf("language", meta.language)
    xml.leaf("lastBuildDate", rfc822(meta.updated))
    xml.leaf("generator", meta.generator)
    for item in items:
        _item(xml, item, home)
    xml.close("channel")
    xml.close("rss")
    return xml.getvalue()


def _item(xml: XmlWriter, item: FeedItem, home: str) -> None:
    url = urljoin(home, item.url)
    guid = item.guid or url
    xml.open("item")
    xml.leaf("title", item.title)
    xml.leaf("link", url)
    # WordPress's guid is `?p=123` on most sites: readers must not treat it as a link.
    permalink = guid == url if item.guid_is_permalink is None else item.guid_is_permalink
    xml.leaf("guid", guid, ("isPermaLink", "true" if permalink else "false"))
    xml.leaf("pubDate", rfc822(item.published))
    if item.author:
        xml.leaf("dc:creator", item.author)
    for name in unique(item.categories):
        xml.leaf("category", name)
    if item.summary:  # plain text, read as HTML (an article *about* `<script>` stays text)
        xml.leaf("description", html_text(item.summary))
    if item.content_html:  # empty for summary-only feeds ([feeds] full_text = false)
        xml.leaf("content:encoded", absolutize_html(item.content_html, url))
    if item.image_url:
        _image(xml, item, urljoin(url, item.image_url))
    xml.close("item")


def _image(xml: XmlWriter, item: FeedItem, src: str) -> None:
    mime = image_type(src, item.image_type)
    length = str(max(item.image_length, 0))
    # <enclosure> needs all of url, length and type; the RSS Board says length 0 when unknown.
    if mime:
        xml.empty("enclosure", ("url", src), ("length", length), ("type", mime))
    attrs = [("url", src), ("medium", "image")]
    if mime:
        attrs.append(("type", mime))
    if item.image_length > 0:
        attrs.append(("fileSize", length))
    xml.empty("media:content", *attrs)
