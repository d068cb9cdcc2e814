"""Read WordPress REST API JSON into typed records, naming the file and JSON path of every problem.

Accepts what `/wp-json/wp/v2/...` returns: one post object, a JSON array of posts (one page of
`/wp/v2/posts` or `/wp/v2/pages`, with or without `_embed`), and the side collections
(categories, tags, users, media) and the site index (`/wp-json/`). Nothing here converts HTML or
decides where a post goes: that is `sitegen.wp.normalize`.

A location reads like `posts-page-2.json[7].date_gmt`: the file as the user named it, then the
JSON path, so that an error can be found with any JSON viewer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sitegen import safepath
from sitegen.errors import SitegenError
from sitegen.wp import seo
from sitegen.wp.jsonfields import JsonObject, kind

# Side files: read for names, hierarchy and images, never imported as content themselves.
SIDE_FILES = (
    "categories.json",
    "tags.json",
    "users.json",
    "media.json",
    "index.json",
    "comments.json",
)
# pages.json is a side file (links to pages resolve) *and* content (pages are imported).
PAGES_FILE = "pages.json"


@dataclass(frozen=True)
class WpTerm:
    id: int
    slug: str
    name: str  # as WordPress rendered it (entities not decoded)
    taxonomy: str  # "category" or "post_tag"
    parent: int = 0
    parent_slug: str = ""  # known from an embedded term's link when the parent's id is not
    description: str = ""


@dataclass(frozen=True)
class WpUser:
    id: int
    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class WpMedia:
    id: int
    url: str
    alt: str = ""
    caption_html: str = ""
    width: int = 0
    height: int = 0
    link: str = ""  # the attachment's own page on WordPress (`/2024/10/16/post/photo/`)
    # WordPress's resized copies: (URL, width, height), for srcset and for dimensions.
    sizes: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class WpSite:
    name: str = ""
    description: str = ""
    home: str = ""
    timezone: str = ""
    gmt_offset: float | None = None
    language: str = ""  # known from an export (WXR); the REST index does not say


@dataclass(frozen=True)
class WpComment:
    """One reader comment. The author's e-mail address and IP are never read into it."""

    where: str
    id: int
    post: int
    parent: int
    status: str  # "approved" (REST) / "1" (WXR) are public; anything else is skipped
    author_name: str
    author_url: str
    date: datetime
    date_gmt: datetime | None
    content_html: str  # as WordPress displays it (REST `content.rendered`)


@dataclass(frozen=True)
class WpPost:
    """One post or page. Dates are naive, as WordPress gives them: `date` local, `*_gmt` UTC."""

    where: str  # `file[i]`, the prefix of every location inside this record
    id: int
    type: str
    status: str
    slug: str
    link: str
    guid: str
    date: datetime
    date_gmt: datetime | None
    modified: datetime
    modified_gmt: datetime | None
    title_html: str
    content_html: str
    excerpt_html: str
    protected: bool = False
    author: int = 0
    featured_media: int = 0
    sticky: bool = False
    format: str = "standard"
    categories: tuple[int, ...] = ()
    tags: tuple[int, ...] = ()
    class_list: tuple[str, ...] = ()
    parent: int = 0
    menu_order: int = 0
    api_root: str = ""  # `https://host/base/wp-json/` from _links.self, to find the home
    embedded_author: WpUser | None = None
    embedded_terms: tuple[WpTerm, ...] = ()
    embedded_media: WpMedia | None = None
    content_missing: bool = False  # no `content.rendered` at all (not an empty one)
    refused: tuple[SitegenError, ...] = ()  # embedded terms and authors the gate refused
    # What an SEO plugin stored (sitegen.wp.seo): title, description, canonical, noindex.
    seo: Mapping[str, Any] = field(default_factory=dict)
    # Data nobody carries into content/ (plugins' fields, custom fields): name -> times.
    not_carried: tuple[str, ...] = ()
    comments: tuple[WpComment, ...] = ()  # embedded `replies`, or the export's own


class UnsafeSlug(SitegenError):
    """A term or user slug that cannot be a URL path segment: it names archive folders and
    server rules, so the record is left out (the rest of the import goes on)."""


def _slug(f: JsonObject) -> str:
    slug = f.str_("slug")
    try:
        return safepath.check_slug(slug)
    except safepath.UnsafePath as exc:
        raise UnsafeSlug(
            f"unsafe slug: {exc}; left out",
            f.loc("slug"),
            "a slug is one URL path segment (WordPress percent-encodes anything else); "
            "fix it in WordPress",
        ) from None


class ErrorResponse(SitegenError):
    """The file holds WordPress's error body (`{"code": ..., "message": ...}`), not posts."""

    @property
    def past_last_page(self) -> bool:
        return PAST_LAST_PAGE in self.message


PAST_LAST_PAGE = "rest_post_invalid_page_number"


def iter_posts(data: Any, name: str) -> Iterator[WpPost | SitegenError]:
    """Every post in a parsed file, or the error that stops one post (the others still come)."""
    if isinstance(data, dict) and "id" not in data and "code" in data and "message" in data:
        past_end = data.get("code") == PAST_LAST_PAGE
        raise ErrorResponse(
            f"WordPress error response, no posts: {data.get('code')}: {data.get('message')}",
            name,
            "this is what WordPress returns past the last page; leave it out"
            if past_end
            else "WordPress refused the request this file was saved from; fetch it again",
        )
    if isinstance(data, dict):
        items: list[tuple[str, Any]] = [(name, data)]
    elif isinstance(data, list):
        items = [(f"{name}[{i}]", item) for i, item in enumerate(data)]
    else:
        raise SitegenError(
            f"expected a post object or a list of posts, got {kind(data)}",
            name,
            "give the JSON of /wp-json/wp/v2/posts or /wp-json/wp/v2/pages",
        )
    _not_a_side_collection(items, name)
    for where, item in items:
        try:
            yield parse_post(item, where)
        except SitegenError as err:
            yield err


# A key only this kind of REST object has -> the side file it belongs in.
_SIDE_MARKERS = {
    "taxonomy": "categories.json or tags.json",
    "avatar_urls": "users.json",
    "media_type": "media.json",
    "namespaces": "index.json",
}


def _not_a_side_collection(items: list[tuple[str, Any]], name: str) -> None:
    """A list of categories saved under another name would give one error per term; one
    error for the file, saying what it is, helps more."""
    first = items[0][1] if items else None
    if not isinstance(first, dict) or "date" in first:
        return
    for marker, side in _SIDE_MARKERS.items():
        if marker in first:
            raise SitegenError(
                f"this holds no posts: it looks like the content of {side}",
                name,
                f"name the file {side} so that it is read as a side file",
            )


# ---- records


def parse_post(obj: Any, where: str) -> WpPost:
    f = JsonObject(obj, where)
    date = f.date("date")
    assert date is not None  # required
    modified = f.date("modified", required=False) or date
    content = f.rendered_or_none("content")
    embedded = f.get("_embedded", {})
    emb = JsonObject(embedded, f.loc("_embedded"), "embedded objects") if embedded else None
    refused: list[SitegenError] = []
    return WpPost(
        where=where,
        id=f.int_("id"),
        type=f.str_("type", "post"),
        # No status is not "publish": only what WordPress says is public is published.
        status=f.str_("status", ""),
        slug=f.str_("slug"),
        link=f.url("link"),
        guid=f.rendered("guid", required=False),
        date=date,
        date_gmt=f.date("date_gmt", required=False),
        modified=modified,
        modified_gmt=f.date("modified_gmt", required=False),
        title_html=f.rendered("title"),
        content_html=content or "",
        excerpt_html=f.rendered("excerpt", required=False),
        protected=_protected(f),
        author=f.int_("author", 0),
        featured_media=f.int_("featured_media", 0),
        sticky=f.bool_("sticky"),
        format=f.str_("format", "standard") or "standard",
        categories=f.ids("categories"),
        tags=f.ids("tags"),
        class_list=_class_list(f),
        parent=f.int_("parent", 0),
        menu_order=f.int_("menu_order", 0),
        api_root=_api_root(f.get("_links", {})),
        embedded_author=_embedded_author(emb, refused),
        embedded_terms=_embedded_terms(emb, refused),
        embedded_media=_embedded_media(emb),
        content_missing=content is None,
        refused=tuple(refused),
        seo=seo.from_head_json(f.get("yoast_head_json")),
        not_carried=_not_carried(f),
        comments=_embedded_replies(emb, f.int_("id")),
    )


def _embedded_replies(emb: JsonObject | None, post_id: int) -> tuple[WpComment, ...]:
    """`_embed`'s `replies`: a list holding one list of the post's approved comments (without
    `date_gmt` or `status`: WordPress embeds only what anyone may read). A bad one is left
    out here; comments.json, when given, names it."""
    replies = emb.get("replies") if emb else None
    if not emb or not isinstance(replies, list):
        return ()
    out: list[WpComment] = []
    for i, page in enumerate(replies):
        if not isinstance(page, list):
            continue
        for j, obj in enumerate(page):
            with contextlib.suppress(SitegenError):
                out.append(parse_comment(obj, f"{emb.loc('replies')}[{i}][{j}]", post=post_id))
    return tuple(out)


def parse_comment(obj: Any, where: str, post: int = 0) -> WpComment:
    """One object of `/wp/v2/comments`; `post`: the post it is embedded in, if it is."""
    f = JsonObject(obj, where, "a comment")
    date = f.date("date")
    assert date is not None  # required
    return WpComment(
        where=where,
        id=f.int_("id"),
        post=post or f.int_("post", 0),
        parent=f.int_("parent", 0),
        status=f.str_("status", "approved"),
        author_name=f.str_("author_name", ""),
        author_url=f.str_("author_url", ""),
        date=date,
        date_gmt=f.date("date_gmt", required=False),
        content_html=f.rendered("content", required=False),
    )


# What WordPress's own REST API sends for a post or page (and `yoast_head*`, which is read):
# any other field is a plugin's data, counted in the import report as not carried.
_CORE_FIELDS = frozenset(
    (
        *("id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status"),
        *("type", "link", "title", "content", "excerpt", "author", "featured_media"),
        *("comment_status", "ping_status", "sticky", "template", "format", "meta"),
        *("categories", "tags", "parent", "menu_order", "class_list", "_links", "_embedded"),
        *("yoast_head", "yoast_head_json", "generated_slug", "permalink_template", "password"),
    )
)


def _not_carried(f: JsonObject) -> tuple[str, ...]:
    names = [f"plugin field {k}" for k, v in f.obj.items() if k not in _CORE_FIELDS and v]
    meta = f.obj.get("meta")
    if isinstance(meta, dict):
        names += [
            f"custom field {k}"
            for k, v in meta.items()
            # Empty or false is no data (`_acf_changed: false`); footnotes are in the body.
            if v and k != "footnotes"
        ]
    return tuple(sorted(names))


def _protected(f: JsonObject) -> bool:
    for key in ("content", "excerpt"):
        value = f.get(key, {})
        if isinstance(value, dict) and value.get("protected") is True:
            return True
    return False


def _class_list(f: JsonObject) -> tuple[str, ...]:
    # WordPress 6.5+ sends a list; some versions/plugins send an object {"0": "post-1", ...}.
    value = f.get("class_list", [])
    if isinstance(value, dict):
        return tuple(str(v) for v in value.values())
    return f.strings("class_list")


def _api_root(links: Any) -> str:
    try:
        href = links["self"][0]["href"]
    except (KeyError, IndexError, TypeError):
        return ""
    if not isinstance(href, str) or "/wp-json/" not in href:
        return ""
    return href[: href.index("/wp-json/") + len("/wp-json/")]


def _embedded_author(emb: JsonObject | None, refused: list[SitegenError]) -> WpUser | None:
    authors = emb.get("author", []) if emb else []
    if not isinstance(authors, list) or not authors:
        return None
    try:  # an embedded error ({"code": "rest_user_invalid_id"}) is no author, not bad input
        return parse_user(authors[0], f"{emb.loc('author') if emb else ''}[0]")
    except UnsafeSlug as err:
        refused.append(err)
    except SitegenError:
        pass
    return None


def _embedded_terms(emb: JsonObject | None, refused: list[SitegenError]) -> tuple[WpTerm, ...]:
    groups = emb.get("wp:term", []) if emb else []
    terms: list[WpTerm] = []
    if not isinstance(groups, list):
        return ()
    for g, group in enumerate(groups):
        for i, item in enumerate(group if isinstance(group, list) else []):
            loc = f"{emb.loc('wp:term') if emb else ''}[{g}][{i}]"
            try:
                terms.append(parse_term(item, loc, ""))
            except UnsafeSlug as err:
                refused.append(err)
            except SitegenError:
                continue  # an embedded error object, not a term
    return tuple(terms)


def _embedded_media(emb: JsonObject | None) -> WpMedia | None:
    items = emb.get("wp:featuredmedia", []) if emb else []
    if not isinstance(items, list) or not items:
        return None
    try:
        return parse_media(items[0], "")
    except SitegenError:
        return None


def parse_term(obj: Any, where: str, taxonomy: str) -> WpTerm:
    f = JsonObject(obj, where, "a term")
    tax = f.str_("taxonomy", taxonomy) or taxonomy
    return WpTerm(
        id=f.int_("id"),
        slug=_slug(f),
        name=f.str_("name"),
        taxonomy=tax,
        parent=f.int_("parent", 0),
        parent_slug=_parent_slug(f.str_("link", ""), tax, f.loc("link")),
        description=f.str_("description", ""),
    )


def _parent_slug(link: str, taxonomy: str, where: str) -> str:
    """`.../category/telecom/5g/` -> `telecom`: embedded terms carry no parent id, but the link
    of a child category spells out its ancestors."""
    if taxonomy != "category" or "/category/" not in link:
        return ""
    parts = [p for p in link.split("/category/", 1)[1].split("/") if p]
    parent = parts[-2] if len(parts) >= 2 else ""
    try:
        return safepath.check_slug(parent) if parent else ""
    except safepath.UnsafePath as exc:
        raise UnsafeSlug(f"unsafe parent slug in the link: {exc}; left out", where) from None


def parse_user(obj: Any, where: str) -> WpUser:
    f = JsonObject(obj, where, "a user")
    return WpUser(
        id=f.int_("id"),
        slug=_slug(f),
        name=f.str_("name"),
        description=f.str_("description", ""),
    )


def parse_media(obj: Any, where: str) -> WpMedia:
    f = JsonObject(obj, where, "a media item")
    details = f.get("media_details", {})
    sizes = details if isinstance(details, dict) else {}
    width, height = sizes.get("width", 0), sizes.get("height", 0)
    return WpMedia(
        id=f.int_("id"),
        url=f.str_("source_url"),
        alt=f.str_("alt_text", ""),
        caption_html=f.rendered("caption", required=False),
        width=width if isinstance(width, int) else 0,
        height=height if isinstance(height, int) else 0,
        link=f.str_("link", ""),
        sizes=_sizes(sizes.get("sizes")),
    )


def _sizes(value: Any) -> tuple[tuple[str, int, int], ...]:
    """media_details.sizes as (URL, width, height); what is malformed is left out (a size only
    adds a srcset candidate, so a bad one costs nothing but that)."""
    found = []
    for size in value.values() if isinstance(value, dict) else ():
        if not isinstance(size, dict):
            continue
        url, w, h = size.get("source_url"), size.get("width"), size.get("height")
        if isinstance(url, str) and url and type(w) is int and type(h) is int:
            found.append((url, w, h))
    return tuple(found)


def parse_site(obj: Any, where: str) -> WpSite:
    f = JsonObject(obj, where, "the site index (/wp-json/)")
    offset = f.get("gmt_offset")
    if isinstance(offset, str):  # some sites send "5.5"
        try:
            offset = float(offset)
        except ValueError:
            offset = None
    # WordPress offers -12 to +14 hours; anything else (99, NaN, 1e308) is no UTC offset.
    if isinstance(offset, int | float) and not -24 < offset < 24:
        raise SitegenError(
            f"not a UTC offset in hours: {offset}", f.loc("gmt_offset"), "WordPress writes 5.5"
        )
    home = f.url("home") if f.get("home") else f.url("url") if f.get("url") else ""
    if home and urlsplit(home).scheme not in ("http", "https"):
        raise SitegenError(
            f"the site's home is not an http(s) address: {home!r}",
            f.loc("home" if f.get("home") else "url"),
            "WordPress's home is the site's address, such as https://example.org/",
        )
    return WpSite(
        name=f.str_("name", ""),
        description=f.str_("description", ""),
        home=home.rstrip("/") + "/" if home else "",
        timezone=f.str_("timezone_string", ""),
        gmt_offset=float(offset) if isinstance(offset, int | float) else None,
    )


def parse_collection(data: Any, name: str, parse: Any, *args: Any) -> Iterator[Any]:
    """Each item of a side collection (categories.json ...), or the error for a bad one."""
    if not isinstance(data, list):
        yield SitegenError(f"expected a list, got {kind(data)}", name)
        return
    for i, item in enumerate(data):
        try:
            yield parse(item, f"{name}[{i}]", *args)
        except SitegenError as err:
            yield err
