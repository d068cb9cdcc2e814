"""View objects for templates: what a theme may use, never the build's internals.

Every field is documented in themes/default/README.md. URLs in views are ready to use: `url` is
root-relative with the base path ("/web/2023/09/01/x/"), `abs_url` is absolute (for canonical
links, Open Graph and feeds).
"""

from __future__ import annotations

import calendar
import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import partial
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.markdown import render_markdown
from sitegen.model import Document, Image, Term
from sitegen.site.assemble import Site
from sitegen.site.embeds import click_to_load
from sitegen.site.front import top_sections
from sitegen.site.threads import Node, thread
from sitegen.urls import date_path, localize_media, prefix_root_links

_TAGS = re.compile(r"<[^>]+>")
# Block boundaries become spaces, inline tags vanish: "<p>a</p><p>b</p>" -> "a b",
# "<a>x</a>." -> "x."
_BLOCK = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|tr|td|th|table|blockquote|figure|figcaption|pre|section|br|hr)"
    r"[^>]*>",
    re.I,
)
_SPACE = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)


@dataclass(frozen=True)
class Link:
    name: str
    url: str
    count: int = 0
    rel: str = ""


@dataclass(frozen=True)
class ImageView:
    url: str
    alt: str
    caption: str
    width: int
    height: int
    srcset: str = ""  # candidates at the mirror's copies where it has them


@dataclass(frozen=True)
class PostView:
    path: str
    url: str
    abs_url: str
    title: str
    type: str
    date_iso: str
    date_human: str
    updated_iso: str
    author: Link | None
    categories: tuple[Link, ...]
    tags: tuple[Link, ...]
    summary: str
    image: ImageView | None
    image_in_body: bool  # the body shows the featured image itself: the page need not repeat it
    permalink: str  # the original WordPress URL
    sticky: bool
    format: str
    # Makes `content` when a template asks for it. Views are memoised for the whole build (a
    # post is shown on its page, its neighbours', lists and feeds), and keeping every body in
    # them cost each process a second copy of all bodies (115 MB at 10,000 posts).
    body: Callable[[], str] = field(repr=False, compare=False)
    comment_count: int = 0  # approved comments shown (0 with comments turned off)
    # Threaded, top-level first; only on a post's own page (a teaser has the count alone).
    comments: tuple[CommentView, ...] = ()
    excerpt: str = ""  # the manual excerpt only (the standfirst); "" when none was written
    month_url: str = ""  # the month's date archive of the post's date
    time_human: str = ""  # "10:12 IST": the time of day in the site's time zone
    # "March 6, 2024, 18:40 IST" ("18:40 IST" the same day) when edited an hour or more later
    updated_human: str = ""
    author_bio: str = ""
    reading_minutes: int = 0  # on a post's own page only
    dir: str = ""  # "rtl" when the title is right-to-left text (Arabic, Hebrew…), else ""
    lang: str = ""  # the post's own language (front matter `language`), "" for the site's

    @property
    def content(self) -> Markup:
        """The body as HTML, links ready for this site (made again each time: see `body`),
        iframes from other hosts as click-to-load links (embeds.py). Under a lead image the
        body's first image is below it, so it loads lazily too."""
        body = click_to_load(self.body())
        if self.image is not None and not self.image_in_body:
            body = _FIRST_EAGER_IMG.sub(r'\1 loading="lazy"', body, count=1)
        return Markup(body)


# The import writes every image but a post's first with loading="lazy".
_FIRST_EAGER_IMG = re.compile(r"(<img\b(?![^>]*\bloading=)[^>]*?)(?=\s*/?>)")


@dataclass(frozen=True)
class CommentView:
    id: int
    anchor: str  # "comment-1234", WordPress's own, so old links to it keep working
    author: str
    url: str  # the author's site, or ""
    date_iso: str
    date_human: str
    depth: int  # 1 for a top-level comment, at most threads.MAX_DEPTH
    content: Markup
    children: tuple[CommentView, ...]


def comment_views(nodes: tuple[Node, ...], base_path: str) -> tuple[CommentView, ...]:
    """Views of a comment thread (recursive: a thread is never deeper than threads.MAX_DEPTH,
    whatever the input)."""
    return tuple(_comment_view(n, base_path) for n in nodes)


def _comment_view(node: Node, base_path: str) -> CommentView:
    c = node.comment
    return CommentView(
        id=c.id,
        anchor=f"comment-{c.id}",
        author=c.author,
        url=c.url,
        date_iso=c.date.isoformat(),
        date_human=f"{c.date.strftime('%B')} {c.date.day}, {c.date.year} at "
        f"{c.date.strftime('%I:%M %p').lstrip('0').lower()}",
        depth=node.depth,
        content=Markup(prefix_root_links(render_markdown(c.body), base_path)),
        children=comment_views(node.children, base_path),
    )


_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")


def shows_image(body: str, url: str) -> bool:
    """Whether the body has an <img> of the same picture as `url`: the same file, or one of
    WordPress's resized copies of it (`photo-300x200.jpg` is `photo.jpg`)."""
    want = _SIZE_SUFFIX.sub("", url.rsplit("/", 1)[-1].split("?", 1)[0])
    return bool(want) and any(
        _SIZE_SUFFIX.sub("", src.rsplit("/", 1)[-1].split("?", 1)[0]) == want
        for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', body)
    )


def human_date(doc: Document) -> str:
    """WordPress's default date format, 'F j, Y' (September 1, 2023)."""
    d = doc.date
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def plain_text(fragment: str, words: int = 40) -> str:
    """Text of an HTML fragment, cut at a word boundary; for summaries and meta descriptions.

    Paragraphs only when there are some: a table or a heading makes a poor summary.
    """
    fragment = fragment.split('<hr class="footnotes-sep"')[0]  # footnotes are not the story
    paragraphs = _PARAGRAPH.findall(fragment)
    fragment = " ".join(paragraphs) if paragraphs else fragment
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub("", _BLOCK.sub(" ", fragment)))).strip()
    parts = text.split(" ")
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


@dataclass(frozen=True)
class ArchiveYear:
    """One year of the date archive index: its list and its months (newest first)."""

    year: Link
    months: tuple[Link, ...]


WORDS_PER_MINUTE = 230  # a common adult reading speed for news copy
_UPDATE_MARGIN = timedelta(hours=1)  # a fix of a typo minutes later is not "Updated"


def local_time(d: datetime, zone: tzinfo) -> datetime:
    """`d` in the site's time zone (a date without an offset is already in it)."""
    return d.astimezone(zone) if d.tzinfo else d.replace(tzinfo=zone)


def clock(d: datetime) -> str:
    """ "10:12 IST" (24-hour clock, the zone's abbreviation)."""
    return f"{d:%H:%M} {d.tzname() or ''}".strip()


def reading_minutes(body: str) -> int:
    words = len(_SPACE.sub(" ", _TAGS.sub(" ", body)).split())
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0


_ELLIPSIS = re.compile(r"\s*(?:\[(?:…|&hellip;|\.\.\.)\]|…|\.\.\.)\s*$")


_DEK_WORDS = 12


def manual_excerpt(summary: str, body: str) -> str:
    """`summary` when someone wrote it, "" when it is only the body's opening words (WordPress
    fills the excerpt of every post so; as a dek it would repeat the first paragraph)."""
    stem = _ELLIPSIS.sub("", summary).strip()
    if not stem:
        return ""
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub("", _BLOCK.sub(" ", body)))).strip()
    # Its opening words only: WordPress's excerpt skips captions and shortcodes the body has.
    opening = " ".join(_SPACE.sub(" ", stem).split(" ")[:_DEK_WORDS])
    return "" if text.startswith(opening) else summary


def text_direction(text: str) -> str:
    """ "rtl" when the first strongly directional letter of `text` is right-to-left, else ""
    (what `dir="auto"` decides, for a whole article rather than one element)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return ""
    return ""


def _no_body() -> str:
    return ""  # a teaser's content


class Views:
    """Builds (and memoises) the view of each post; one instance per build."""

    def __init__(
        self, site: Site, config: SiteConfig, bodies: Mapping[str, str], local_files: set[str]
    ) -> None:
        self.site, self.config, self.bodies = site, config, bodies
        self.local_files = local_files  # output paths of the site's static/ files
        self._posts: dict[str, PostView] = {}
        self._teasers: dict[str, PostView] = {}

    def local(self, url: str) -> str:
        """The mirror's copy of a file on the original host (fetch mirrors images into
        static/), or `url` itself when the mirror has none."""
        home = self.site.info.home
        if home and url.startswith(home):
            rest = url[len(home) :].split("#")[0].split("?")[0]
            if unquote(rest) in self.local_files:
                return self.config.base_path + rest
        return url

    def url(self, path: str) -> str:
        return self.config.base_path + path

    def abs_url(self, path: str) -> str:
        return self.config.base_url + path

    def media_url(self, url: str) -> str:
        """A root-relative media URL (mirrored under static/) gets the base path too."""
        if url.startswith("/") and url[1:2] != "/":
            return self.config.base_path + url[1:]
        return self.local(url)

    def abs_media(self, url: str) -> str:
        """Absolute form of a view URL ("/web/wp-content/x.jpg" -> "https://host/web/…")."""
        root = self.config.base_path
        if url.startswith(root) and url[1:2] != "/":  # base_url names where root is served
            return self.config.base_url + url[len(root) :]
        if url.startswith("/") and url[1:2] != "/":
            parts = urlsplit(self.config.base_url)
            return f"{parts.scheme}://{parts.netloc}{url}"
        return url

    def term(self, kind: str, term: Term) -> Link:
        known = (self.site.categories if kind == "category" else self.site.tags).get(
            term.slug, term
        )
        lists = self.site.category_posts if kind == "category" else self.site.tag_posts
        count = len(lists.get(term.slug, ()))
        return Link(known.name, self.url(self.site.term_path(kind, term.slug)), count)

    def author(self, slug: str) -> Link:
        author = self.site.authors[slug]
        return Link(
            author.name, self.url(f"author/{slug}/"), len(self.site.author_posts.get(slug, ()))
        )

    def image(self, image: Image | None) -> ImageView | None:
        if image is None:
            return None
        srcset = ", ".join(
            f"{self.media_url(url)} {descriptor}".strip()
            for url, _, descriptor in (c.strip().partition(" ") for c in image.srcset.split(","))
            if url
        )
        return ImageView(
            self.media_url(image.url), image.alt, image.caption, image.width, image.height, srcset
        )

    def post(self, path: str) -> PostView:
        if path not in self._posts:
            self._posts[path] = self._make_post(self.site.docs[path], full=True)
        return self._posts[path]

    def body(self, path: str) -> str:
        """The body of document `path` as its page shows it: base path and local media."""
        body = prefix_root_links(self.bodies.get(path, ""), self.config.base_path)
        # Without local copies every URL maps to itself; only srcset lists are re-spaced then.
        # (A regex pass with a Python call per link, for each time a page or feed shows a body.)
        if self.local_files or "srcset" in body:
            body = localize_media(body, self.site.info.home, self.local)
        return body

    def teaser(self, path: str) -> PostView:
        """A post as another post's page shows it (previous, next, related): no `content` (and
        `image_in_body` false), so that such a page does not depend on the body of the posts
        it points to — an edit to one post's text does not re-render the dozens of pages that
        list it as related. The summary still comes from the body if the post has none."""
        if path not in self._teasers:
            self._teasers[path] = self._make_post(self.site.docs[path], full=False)
        return self._teasers[path]

    def _make_post(self, doc: Document, *, full: bool) -> PostView:
        body = self.body(doc.path) if full or not doc.summary else ""
        zone = self.config.zone
        published, updated = local_time(doc.date, zone), local_time(doc.updated, zone)
        edited = updated - published >= _UPDATE_MARGIN
        author = self.site.authors.get(doc.author.slug) if doc.author else None
        return PostView(
            path=doc.path,
            url=self.url(doc.path),
            abs_url=self.abs_url(doc.path),
            title=doc.title,
            type=doc.type,
            date_iso=doc.date.isoformat(),
            date_human=human_date(doc),
            updated_iso=doc.updated.isoformat(),
            author=self.author(doc.author.slug) if doc.author else None,
            categories=tuple(self.term("category", t) for t in doc.categories),
            tags=tuple(self.term("tag", t) for t in doc.tags),
            summary=doc.summary or plain_text(body),
            image=self.image(doc.featured_image),
            image_in_body=full
            and doc.featured_image is not None
            and shows_image(body, doc.featured_image.url),
            permalink=doc.permalink,
            sticky=doc.sticky,
            format=doc.format,
            body=partial(self.body, doc.path) if full else _no_body,
            comment_count=len(doc.comments) if self.config.comments_enabled else 0,
            comments=comment_views(thread(doc.comments), self.config.base_path)
            if full and self.config.comments_enabled
            else (),
            excerpt=manual_excerpt(doc.summary, body) if full else "",
            month_url=self.url(date_path(doc.date.year, doc.date.month))
            if doc.type == "post"
            else "",
            time_human=clock(published),
            updated_human=(
                clock(updated)  # the same day: its date is already on the line
                if updated.date() == published.date()
                else f"{updated:%B} {updated.day}, {updated.year}, {clock(updated)}"
            )
            if edited
            else "",
            author_bio=author.description if author else "",
            reading_minutes=reading_minutes(body) if full else 0,
            dir=text_direction(doc.title),
            lang=doc.language if doc.language != self.config.language else "",
        )

    def posts(self, paths: tuple[str, ...]) -> list[PostView]:
        return [self.post(p) for p in paths]

    def categories(self) -> list[Link]:
        """Every category with posts, parents before their children (for the terms page)."""
        out: list[Link] = []
        seen: set[str] = set()  # a parent cycle in _site.yaml must not loop forever

        def walk(parent: str, depth: int) -> None:
            for term in sorted(self.site.category_children(parent), key=lambda t: t.name.lower()):
                if term.slug in seen:
                    continue
                seen.add(term.slug)
                if term.slug in self.site.category_posts:
                    link = self.term("category", term)
                    out.append(Link(link.name, link.url, link.count, rel=str(depth)))
                walk(term.slug, depth + 1)

        walk("", 0)
        return out

    def tags(self) -> list[Link]:
        used = [t for s, t in self.site.tags.items() if s in self.site.tag_posts]
        return [self.term("tag", t) for t in sorted(used, key=lambda t: t.name.lower())]

    def nav(self, limit: int = 6) -> list[Link]:
        """The header menu: the top-level categories with the most posts."""
        categories = self.site.categories
        return [self.term("category", categories[s]) for s in top_sections(self.site, limit)]

    def pages(self) -> list[Link]:
        docs = [self.site.docs[p] for p in self.site.pages]
        return [
            Link(d.title, self.url(d.path))
            for d in sorted(docs, key=lambda d: (d.menu_order, d.title.lower()))
        ]

    def archive_index(self) -> list[ArchiveYear]:
        """Every year with posts, newest first, each with its months and their post counts."""
        months: dict[str, list[Link]] = {}
        for key, posts in sorted(self.site.archives.items(), reverse=True):
            parts = key.strip("/").split("/")
            if len(parts) == 2:
                name = calendar.month_name[int(parts[1])]
                months.setdefault(parts[0], []).append(Link(name, self.url(key), len(posts)))
        return [
            ArchiveYear(
                Link(year, self.url(year + "/"), len(self.site.archives.get(year + "/", ()))),
                tuple(links),
            )
            for year, links in months.items()
        ]
