"""Feeds that keep every subscriber of the WordPress site: RSS 2.0, Atom 1.0, JSON Feed 1.1.

The build (sitegen/build/feedjobs.py) turns posts into `FeedItem`s and calls one writer per format;
each writer is a pure function of its input and returns the exact bytes to publish. Where each
format is published, what it is served as and which lists have it: `sitegen.feeds.formats`
(`feed/index.xml` (RSS), `feed/atom/index.xml`, `feed/json/index.json`, and the same RSS and
Atom under `category/<slug>/`, `tag/<slug>/` and `author/<slug>/`). See docs/feeds.md.
"""

from __future__ import annotations

from sitegen.feeds.absolute import absolutize_html
from sitegen.feeds.atom import render_atom
from sitegen.feeds.items import FeedItem, FeedMeta, newest_update
from sitegen.feeds.jsonfeed import render_json
from sitegen.feeds.rss import render_rss

__all__ = [
    "FeedItem",
    "FeedMeta",
    "absolutize_html",
    "newest_update",
    "render_atom",
    "render_json",
    "render_rss",
]
