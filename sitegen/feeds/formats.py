"""The feed formats, each declared once: where it is published, what it is served as, which
lists have it and which writer makes it. The plan, the feed jobs, `_redirects`/`_headers`, the
page `<link rel="alternate">`s, `sitegen check`, serve and publish all ask here.

A list's feeds hang under its URL (`""` for the home, `category/<slug>/` …): RSS answers at
`<list>feed/` from `<list>feed/index.xml`, the others in a folder of their own below it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sitegen import mediatypes
from sitegen.feeds.atom import render_atom
from sitegen.feeds.items import FeedItem, FeedMeta
from sitegen.feeds.jsonfeed import render_json
from sitegen.feeds.rss import render_rss

Writer = Callable[[FeedMeta, Sequence[FeedItem]], bytes]
LIST_KINDS = ("home", "category", "tag", "author")  # the lists a feed can follow, in order
# Comment feeds, WordPress's too: the site's latest comments at `comments/feed/` and each
# post's at `<post>/feed/`. Published only for a site with comments (sitegen.build.plan).
COMMENT_KINDS = ("comments", "post")


@dataclass(frozen=True)
class FeedFormat:
    name: str  # as sitegen.toml's `[feeds] formats` names it
    label: str  # as a page's <link rel="alternate" title> names it
    in_head: bool  # advertised by a `<link rel="alternate">` in every page's head
    url: str  # the feed's URL folder under its list: "feed/atom/"
    file: str  # the file that answers at `url`, under the list: "feed/atom/index.xml"
    content_type: str  # what _headers, serve and publish send for `file`
    kinds: tuple[str, ...]  # which lists (of LIST_KINDS) have this feed
    writer: Writer

    @property
    def mime(self) -> str:
        """The content type without parameters, as a `<link type>` wants it."""
        return mediatypes.essence(self.content_type)


RSS = FeedFormat(
    name="rss",
    label="RSS",
    in_head=True,
    url="feed/",
    file="feed/index.xml",
    content_type=mediatypes.RSS,
    kinds=LIST_KINDS + COMMENT_KINDS,
    writer=render_rss,
)
ATOM = FeedFormat(
    name="atom",
    label="Atom",
    in_head=True,
    url="feed/atom/",
    file="feed/atom/index.xml",
    content_type=mediatypes.ATOM,
    kinds=LIST_KINDS + COMMENT_KINDS,
    writer=render_atom,
)
# A sitegen addition (WordPress has none): for the whole site only, and not advertised in the
# pages' heads, which carry what WordPress's did.
JSON = FeedFormat(
    name="json",
    label="JSON Feed",
    in_head=False,
    url="feed/json/",
    file="feed/json/index.json",
    content_type=mediatypes.JSON_FEED,
    kinds=("home",),
    writer=render_json,
)
FORMATS = (RSS, ATOM, JSON)
BY_NAME = {f.name: f for f in FORMATS}
NAMES = tuple(BY_NAME)
_MIMES = tuple(f.mime for f in FORMATS)


def format_of(path: str) -> FeedFormat | None:
    """The format whose file `path` (site-relative: `tag/x/feed/atom/index.xml`) is, if any."""
    for fmt in FORMATS:
        if path == fmt.file or path.endswith("/" + fmt.file):
            return fmt
    return None


def is_feed(content_type: str) -> bool:
    """True for a content type one of the formats is served as (with or without parameters)."""
    return content_type.startswith(_MIMES)
