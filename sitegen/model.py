"""Typed records shared by every stage. No I/O here, and nothing of the package is imported.

The content contract between `sitegen import` and `sitegen build` is the Markdown file with YAML
front matter described in docs/content-format.md; these dataclasses are its in-memory form.
Relations are keys (slugs), not nested objects, so that stages can be cached and compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Term:
    """A category or tag. `parent` is the parent category's slug ("" for none)."""

    slug: str
    name: str
    parent: str = ""
    description: str = ""
    wp_id: int = 0


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    description: str = ""
    wp_id: int = 0


@dataclass(frozen=True)
class Image:
    url: str
    alt: str = ""
    caption: str = ""
    width: int = 0
    height: int = 0
    srcset: str = ""  # WordPress's resized copies ("url 300w, url 1024w"), for the theme


@dataclass(frozen=True)
class Seo:
    """What an SEO plugin said about one page (front matter `seo:`); empty means "the defaults":
    the title, the summary, the page's own URL, indexed."""

    title: str = ""
    description: str = ""
    canonical: str = ""  # absolute http(s), or a path of this site ("/2023/09/01/x/")
    noindex: bool = False


@dataclass(frozen=True)
class Comment:
    """An approved reader comment, as the post's `comments` front matter holds it. `parent` is
    the WordPress id of the comment it answers (0: none); `body` is Markdown."""

    id: int
    author: str
    date: datetime
    body: str
    parent: int = 0
    url: str = ""  # the author's site: http(s) only


@dataclass(frozen=True)
class Document:
    """One post or page, as read from `content/`.

    `path` is where it is published, relative to the site root, always ending in "/"
    (`2023/09/01/some-slug/`). `source` is the content file, relative to the site directory.
    """

    source: str
    title: str
    slug: str
    type: str  # "post" or "page"
    date: datetime
    updated: datetime
    path: str
    # The Markdown body is not held here: a build holds every document at once, and the bodies
    # are most of their size. `body_digest` is the digest of the body's text (what rendered
    # bodies and fingerprints are keyed by); the body is read from `source`, starting at line
    # `body_line` (1-based; also named by error messages), when it is rendered (read_body).
    body_digest: str
    body_line: int
    status: str = "publish"
    permalink: str = ""
    wp_id: int = 0
    guid: str = ""
    author: Author | None = None
    categories: tuple[Term, ...] = ()
    tags: tuple[Term, ...] = ()
    summary: str = ""
    featured_image: Image | None = None
    format: str = "standard"
    sticky: bool = False
    language: str = ""  # a BCP 47 tag ("hi", "pt-BR") when the post is not in the site's
    aliases: tuple[str, ...] = ()
    parent: str = ""  # pages: the parent page's path
    menu_order: int = 0
    extra: tuple[tuple[str, str], ...] = field(default=())  # unknown keys, kept for themes
    seo: Seo = field(default=Seo())
    comments: tuple[Comment, ...] = ()  # oldest first


@dataclass(frozen=True)
class SiteInfo:
    """What the import learnt about the original site (`content/_site.yaml`)."""

    name: str = ""
    description: str = ""
    home: str = ""  # the original WordPress home URL, ending in "/"
    timezone: str = "UTC"
    language: str = "en"
    categories: tuple[Term, ...] = ()
    tags: tuple[Term, ...] = ()
    authors: tuple[Author, ...] = ()
