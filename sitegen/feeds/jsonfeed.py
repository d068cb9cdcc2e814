"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): same items, same ids as RSS and Atom."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin

from sitegen.feeds.absolute import absolutize_html
from sitegen.feeds.items import FeedItem, FeedMeta
from sitegen.feeds.xmltext import clean_text, require_absolute, rfc3339, unique

VERSION = "https://jsonfeed.org/version/1.1"


def render_json(meta: FeedMeta, items: Sequence[FeedItem]) -> bytes:
    """The JSON Feed document: UTF-8, non-ASCII as itself, keys in a fixed order."""
    home = require_absolute(meta.home_url, "home URL")
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": clean_text(meta.title),
        "home_page_url": home,
        "feed_url": require_absolute(meta.feed_url, "feed URL"),
    }
    if meta.subtitle:
        feed["description"] = clean_text(meta.subtitle)
    if meta.language:
        feed["language"] = meta.language
    feed["items"] = [_item(item, home) for item in items]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(item: FeedItem, home: str) -> dict[str, Any]:
    url = urljoin(home, item.url)
    out: dict[str, Any] = {
        "id": clean_text(item.guid or url),
        "url": url,
        "title": clean_text(item.title),
    }
    # One of content_html/content_text is required: a summary-only feed gives the summary.
    if item.content_html:
        out["content_html"] = clean_text(absolutize_html(item.content_html, url))
    else:
        out["content_text"] = clean_text(item.summary)
    if item.summary:
        out["summary"] = clean_text(item.summary)
    if item.image_url:
        out["image"] = urljoin(url, item.image_url)
    out["date_published"] = rfc3339(item.published)
    out["date_modified"] = rfc3339(item.updated)
    if item.author:
        out["authors"] = [{"name": clean_text(item.author)}]
    tags = unique(item.categories)
    if tags:
        out["tags"] = tags
    return out
