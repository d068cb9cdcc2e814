"""What a feed is made of: the feed's own metadata and its items (the interface the build uses).

Plain frozen records with no behaviour, so the build can construct them from `Document`s and the
writers stay pure functions of their input. Text fields are plain text except `content_html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sitegen.feeds.xmltext import aware


@dataclass(frozen=True)
class FeedMeta:
    """One feed (the site's, or a category's, tag's or author's)."""

    title: str
    subtitle: str
    home_url: str  # the page the feed belongs to (absolute)
    feed_url: str  # where this feed is published (absolute): rel=self and the Atom feed id
    language: str  # BCP 47 tag ("en", "hi-IN"); "" for none
    updated: datetime  # the newest item's updated date, never the clock (byte-stable builds)
    generator: str = "sitegen"


@dataclass(frozen=True)
class FeedItem:
    """One post. `guid` is WordPress's guid, so readers keep their read/unread state."""

    title: str
    url: str
    guid: str
    content_html: str
    summary: str
    author: str
    categories: tuple[str, ...]
    published: datetime
    updated: datetime
    image_url: str = ""
    image_type: str = ""  # MIME type; guessed from the file extension when ""
    image_length: int = 0  # bytes; 0 when unknown
    # RSS `isPermaLink`; None: true exactly when the guid is the item's URL. WordPress marks a
    # comment's guid (the post's guid + `#comment-N`) false whatever it looks like.
    guid_is_permalink: bool | None = None


def newest_update(items: Sequence[FeedItem], default: datetime) -> datetime:
    """`FeedMeta.updated` for these items: the latest `updated`, or `default` for an empty feed.

    Comparing aware and naive datetimes raises, so naive ones are compared as UTC, the same
    reading the writers give them.
    """
    return max((item.updated for item in items), key=aware, default=default)
