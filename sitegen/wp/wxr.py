"""Read a WordPress export (WXR 1.0-1.2, Tools -> Export or `wp export`) into the records the
REST path reads, streaming: one `<item>` in memory at a time, whatever the file's size.

What the export holds differs from the REST API's answers in a few ways, each handled here so
that the normaliser sees the same records from both inputs:

- bodies, titles and excerpts are what the editor saved: they go through WordPress's display
  filters (sitegen.wp.wprender, sitegen.wp.wpformat) to become `content.rendered` & co.;
- terms, authors and attachments are named by slug or login in an item, by id in the REST API:
  the channel's `wp:category`, `wp:tag`, `wp:term` and `wp:author` map one to the other;
- an author's URL slug (user_nicename) is not exported: WordPress's default, the login made a
  slug, stands in;
- the site's timezone is not exported either: the importer finds it from the posts' dates.

The XML parser refuses DTDs, so no entity is ever declared or expanded and nothing external is
loaded (defusedxml on top of the standard library's expat).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from sitegen import safepath
from sitegen.errors import Problems, SitegenError
from sitegen.wp import phpserial, seo, wpformat, wprender
from sitegen.wp.export import UnsafeSlug, WpComment, WpMedia, WpPost, WpSite, WpTerm, WpUser
from sitegen.wp.text import plain_text
from sitegen.wp.wprender import Attachment, RenderContext

if TYPE_CHECKING:
    from sitegen.wp.sources import SideData

_WP_NS = "http://wordpress.org/export/"
_NS = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


_NO_WP_DATA = "an RSS file without WordPress's export data (wp: elements), a feed maybe"


# expat's codes for input that stops short: no element, unclosed token, partial character,
# unclosed CDATA section.
_AT_THE_END = frozenset({3, 5, 6, 20})


class NotAnExport(SitegenError):
    """The file is XML but not a WordPress export (a feed, a sitemap...)."""


@dataclass
class WxrData:
    """What every export file of one import tells about the others' items, gathered in the
    first pass: attachments (for featured images and galleries), ids by login and slug."""

    attachments: dict[int, Attachment] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)  # post id -> attachment ids
    logins: dict[str, int] = field(default_factory=dict)
    terms: dict[tuple[str, str], int] = field(default_factory=dict)  # (taxonomy, slug) -> id
    authors_published: set[str] = field(default_factory=set)  # logins
    pending_terms: dict[tuple[str, str], str] = field(default_factory=dict)  # -> name
    unknown_shortcodes: Counter[str] = field(default_factory=Counter)
    unknown_where: dict[str, str] = field(default_factory=dict)
    missing_embeds: int = 0
    refused_slugs: set[str] = field(default_factory=set)  # reported once each
    missing_embed_where: str = ""

    def finish(self, side: SideData) -> None:
        """After the first pass, once every file's header is known: terms no header lists
        (a filtered export) get an id, and only authors with something published are kept,
        as WordPress's REST API lists them."""
        for (taxonomy, slug), name in self.pending_terms.items():
            if (taxonomy, slug) not in self.terms:
                term_id = self.terms[(taxonomy, slug)] = _synthetic_id(taxonomy, slug)
                terms = side.categories if taxonomy == "category" else side.tags
                terms.setdefault(term_id, WpTerm(term_id, slug, name, taxonomy))
        published = {self.logins.get(login) for login in self.authors_published}
        for user_id in self.logins.values():
            if user_id not in published:
                side.users.pop(user_id, None)

    def report(self, problems: Problems) -> None:
        """The shortcodes kept as text and the embeds left as links, counted."""
        for name, count in sorted(self.unknown_shortcodes.items()):
            problems.warn(
                f"shortcode [{name}] is not one of WordPress's own; kept as text "
                f"({count} time{'s' * (count > 1)})",
                self.unknown_where[name],
                "the plugin that rendered it is not part of the export; edit the posts "
                "to replace it, or leave the text",
            )
        if self.missing_embeds:
            problems.warn(
                f"{self.missing_embeds} embed(s) not in the export's oEmbed cache; "
                "kept as a link to the original",
                self.missing_embed_where,
                "WordPress fetches oEmbed HTML when a post is first viewed; view the posts "
                "on the old site before exporting to have it cached",
            )


def looks_like_xml(path: Path) -> bool:
    return path.suffix.lower() == ".xml"


def read(path: Path, name: str, side: SideData, *, learn: bool) -> Iterator[WpPost | SitegenError]:
    """Every post and page of the export (other item types too: the planner skips them), or
    the error that stops one item. `learn`: this is the first pass, fill `side` with the
    site, authors, terms and attachments. A file that is not an export raises NotAnExport
    before anything is learnt from it; bad XML raises where it is found (file:line:column),
    after the items before it."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SitegenError(f"cannot read: {exc.strerror}", name) from None
    with handle:
        yield from _Reader(handle, name, side, learn).items()


@dataclass
class _Reader:
    handle: BinaryIO
    name: str
    side: SideData
    learn: bool
    is_export: bool = False
    channel: dict[str, str] = field(default_factory=dict)
    count: int = 0
    refused: list[SitegenError] = field(default_factory=list)  # slugs the gate refused

    @property
    def wxr(self) -> WxrData:
        assert self.side.wxr is not None
        return self.side.wxr

    def items(self) -> Iterator[WpPost | SitegenError]:
        depth = 0
        channel: Element | None = None
        events = iterparse(self.handle, events=("start", "end"), forbid_dtd=True)
        try:
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if depth == 1 and _key(elem.tag) != "rss":
                        raise self.not_an_export(f"its root element is <{_key(elem.tag)}>")
                    if depth == 2 and _key(elem.tag) == "channel":
                        channel = elem
                    continue
                depth -= 1
                if depth != 2 or channel is None:
                    continue
                yield from self.channel_child(elem)
                channel.remove(elem)  # what was read is dropped: memory stays flat
        except ParseError as exc:
            line, column = getattr(exc, "position", (0, 0))
            cut = getattr(exc, "code", 0) in _AT_THE_END
            raise SitegenError(
                f"not well-formed XML: {_expat_message(exc)}",
                f"{self.name}:{line}:{column + 1}",  # expat counts columns from 0, editors 1
                ("the file ends before the export does: it looks truncated; " if cut else "")
                + ("the items before this point were read; " if self.count else "")
                + "export the site again (Tools -> Export in WordPress, or wp export)",
            ) from None
        except DefusedXmlException:
            raise SitegenError(
                "the file declares a DTD or entities; refused (an export never has them, "
                "and expanding them can exhaust memory or read local files)",
                self.name,
                "use the file WordPress exported, unmodified",
            ) from None
        if not self.is_export:
            raise self.not_an_export(_NO_WP_DATA)

    def not_an_export(self, why: str) -> NotAnExport:
        return NotAnExport(
            f"not a WordPress export (WXR): {why}",
            self.name,
            "give the file WordPress's Tools -> Export (or wp export) wrote, or the REST "
            "API's JSON",
        )

    def channel_child(self, elem: Element) -> Iterator[WpPost | SitegenError]:
        key = _key(elem.tag)
        if key.startswith("wp:") and not self.is_export:
            self.is_export = True
            if self.learn:
                self.commit_site()
        if key in ("title", "link", "description", "language", "wp:base_blog_url"):
            self.channel[key] = (elem.text or "").strip()
            if self.is_export and self.learn:
                self.commit_site()
        elif not self.learn and key != "item":
            return
        elif key == "wp:author":
            self.author(elem)
        elif key in ("wp:category", "wp:tag", "wp:term"):
            self.term(key, elem)
            yield from self.refused
            self.refused.clear()
        elif key == "item":
            if not self.is_export:
                raise self.not_an_export(_NO_WP_DATA)
            self.count += 1
            try:
                post = self.item(elem, f"{self.name}:item[{self.count}]")
            except SitegenError as err:
                yield err
                return
            if post is not None:
                yield post
            if self.learn:
                yield from self.refused
            self.refused.clear()

    @property
    def site_name(self) -> str:
        return plain_text(self.side.site.name) if self.side.site else ""

    def commit_site(self) -> None:
        c = self.channel
        home = c.get("wp:base_blog_url") or c.get("link") or ""
        old = self.side.site or WpSite()
        self.side.site = WpSite(
            name=old.name or c.get("title", ""),
            description=old.description or c.get("description", ""),
            home=old.home or (home.rstrip("/") + "/" if home else ""),
            timezone=old.timezone,
            gmt_offset=old.gmt_offset,
            language=old.language or c.get("language", ""),
        )

    def author(self, elem: Element) -> None:
        f = _fields(elem)
        try:
            user_id = int(f.get("wp:author_id", ""))
        except ValueError:
            return  # WXR 1.0 has no ids: the author stays known by login only
        login = f.get("wp:author_login", "")
        self.wxr.logins.setdefault(login, user_id)
        self.side.users.setdefault(
            user_id,
            WpUser(
                id=user_id,
                slug=_author_slug(login, user_id),
                name=f.get("wp:author_display_name", "") or login,
            ),
        )

    def term(self, key: str, elem: Element) -> None:
        f = _fields(elem)
        try:
            term_id = int(f.get("wp:term_id", ""))
        except ValueError:
            term_id = 0
        if key == "wp:category":
            taxonomy, slug = "category", f.get("wp:category_nicename", "")
            name, parent = f.get("wp:cat_name", ""), f.get("wp:category_parent", "")
            description = f.get("wp:category_description", "")
        elif key == "wp:tag":
            taxonomy, slug, name = "post_tag", f.get("wp:tag_slug", ""), f.get("wp:tag_name", "")
            parent, description = "", f.get("wp:tag_description", "")
        else:
            taxonomy, slug = f.get("wp:term_taxonomy", ""), f.get("wp:term_slug", "")
            name, parent = f.get("wp:term_name", ""), f.get("wp:term_parent", "")
            description = f.get("wp:term_description", "")
        into = {"category": self.side.categories, "post_tag": self.side.tags}.get(taxonomy)
        if into is None or not slug:
            return  # post formats, nav menus, custom taxonomies: not terms of the mirror
        if not self.safe(slug, f"{self.name}:{key}[{slug!r}]") or (
            parent and not self.safe(parent, f"{self.name}:{key}[{slug!r}].parent")
        ):
            return
        term_id = term_id or _synthetic_id(taxonomy, slug)
        self.wxr.terms.setdefault((taxonomy, slug), term_id)
        into.setdefault(
            term_id,
            WpTerm(term_id, slug, name, taxonomy, parent_slug=parent, description=description),
        )

    def safe(self, slug: str, where: str) -> bool:
        """Whether the gate lets `slug` name an archive folder; if not, it is reported."""
        try:
            safepath.check_slug(slug)
            return True
        except safepath.UnsafePath as exc:
            if slug in self.wxr.refused_slugs:
                return False
            self.wxr.refused_slugs.add(slug)
            self.refused.append(
                UnsafeSlug(
                    f"unsafe slug: {exc}; left out",
                    where,
                    "a slug is one URL path segment (WordPress percent-encodes anything "
                    "else); fix it in WordPress",
                )
            )
            return False

    def item(self, elem: Element, where: str) -> WpPost | None:
        f = _fields(elem)
        post_id = _int(f, "wp:post_id", where)
        post_type = f.get("wp:post_type", "post")
        meta = _meta(elem)
        if post_type == "attachment":
            if self.learn:
                self.attachment(post_id, f, meta)
            return None
        status = f.get("wp:status", "")  # none is not "publish": only what WordPress says
        login = f.get("dc:creator", "")
        author = self.wxr.logins.get(login, 0)
        if self.learn and status == "publish" and post_type in ("post", "page"):
            self.wxr.authors_published.add(login)
        categories, tags, post_format = self.terms_of(elem, where)
        date = _date(f, "wp:post_date", where)
        assert date is not None
        modified = _date(f, "wp:post_modified", where) or date
        post = WpPost(
            where=where,
            id=post_id,
            type=post_type,
            status=status,
            slug=f.get("wp:post_name", ""),
            link=_url(f.get("link", ""), f"{where}.link"),
            guid=f.get("guid", ""),
            date=date,
            date_gmt=_date(f, "wp:post_date_gmt", where),
            modified=modified,
            modified_gmt=_date(f, "wp:post_modified_gmt", where),
            title_html=wpformat.title(f.get("title", "")),
            content_html="",
            excerpt_html="",
            protected=bool(f.get("wp:post_password", "")),
            author=author,
            featured_media=_int_or_zero(meta.get("_thumbnail_id", "")),
            sticky=f.get("wp:is_sticky", "0").strip() == "1",
            format=post_format,
            categories=categories,
            tags=tags,
            parent=_int_or_zero(f.get("wp:post_parent", "")),
            menu_order=_int_or_zero(f.get("wp:menu_order", "")),
            content_missing="content:encoded" not in f,
            seo=seo.from_meta(meta, plain_text(wpformat.title(f.get("title", ""))), self.site_name),
            not_carried=_unused_meta(meta),
        )
        if self.learn or post_type not in ("post", "page") or post.protected:
            return post  # the first pass needs no body; nobody needs a skipped one's
        return self.render(post, f, meta, elem)

    def render(
        self, post: WpPost, f: dict[str, str], meta: dict[str, str], elem: Element
    ) -> WpPost:
        wxr = self.wxr
        ctx = RenderContext(
            post_id=post.id,
            attachment=wxr.attachments.get,
            children=lambda parent: wxr.children.get(parent, []),
            oembed={k[len("_oembed_") :]: v for k, v in meta.items() if _is_oembed(k)},
        )
        raw = f.get("content:encoded", "")
        content = wprender.the_content(raw, ctx)
        excerpt_raw = f.get("excerpt:encoded", "")
        if excerpt_raw.strip():
            excerpt = wpformat.the_excerpt(excerpt_raw)
        else:
            excerpt = wprender.auto_excerpt(raw, _quiet(ctx), content)
        for name, count in ctx.unknown_shortcodes.items():
            wxr.unknown_shortcodes[name] += count
            wxr.unknown_where.setdefault(name, f"{post.where} (post {post.id})")
        if ctx.missing_embeds:
            wxr.missing_embeds += ctx.missing_embeds
            wxr.missing_embed_where = wxr.missing_embed_where or f"{post.where} (post {post.id})"
        return replace(
            post, content_html=content, excerpt_html=excerpt, comments=self.comments(post, elem)
        )

    def comments(self, post: WpPost, elem: Element) -> tuple[WpComment, ...]:
        """The item's `<wp:comment>`s, every status (the importer skips and counts what is not
        approved). The e-mail address and IP beside each are never read."""
        out: list[WpComment] = []
        n = 0
        for child in elem:
            if _key(child.tag) != "wp:comment":
                continue
            where = f"{post.where}.wp:comment[{n}]"
            n += 1
            f = _fields(child)
            kind = f.get("wp:comment_type", "").strip() or "comment"
            try:
                date = _date(f, "wp:comment_date", where)
                comment_id = _int(f, "wp:comment_id", where)
            except SitegenError:
                continue  # not a comment WordPress could show either
            if date is None:
                continue
            out.append(
                WpComment(
                    where=where,
                    id=comment_id,
                    post=post.id,
                    parent=_int_or_zero(f.get("wp:comment_parent", "")),
                    # Pingbacks and trackbacks are not reader comments: skipped, counted.
                    status=f.get("wp:comment_approved", "").strip() if kind == "comment" else kind,
                    author_name=f.get("wp:comment_author", ""),
                    author_url=f.get("wp:comment_author_url", "").strip(),
                    date=date,
                    date_gmt=_date(f, "wp:comment_date_gmt", where),
                    content_html=wpformat.comment_text(f.get("wp:comment_content", "")),
                )
            )
        return tuple(out)

    def terms_of(self, elem: Element, where: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
        categories: list[int] = []
        tags: list[int] = []
        post_format = "standard"
        for child in elem:
            if _key(child.tag) != "category":
                continue
            domain, slug = child.get("domain", ""), child.get("nicename", "")
            if domain == "post_format":
                post_format = slug.removeprefix("post-format-") or "standard"
                continue
            into = {"category": categories, "post_tag": tags}.get(domain)
            if into is None or not slug or not self.safe(slug, f"{where}.category[{slug!r}]"):
                continue
            term_id = self.wxr.terms.get((domain, slug))
            if term_id is None:  # in another piece's header, or in none (WxrData.finish)
                self.wxr.pending_terms.setdefault((domain, slug), child.text or slug)
                continue
            if term_id not in into:
                into.append(term_id)
        return tuple(categories), tuple(tags), post_format

    def attachment(self, post_id: int, f: dict[str, str], meta: dict[str, str]) -> None:
        url = f.get("wp:attachment_url", "") or f.get("guid", "")
        width = height = 0
        sizes: list[tuple[str, str, int, int]] = []
        try:
            data = phpserial.loads(meta.get("_wp_attachment_metadata", "") or "N;")
        except phpserial.NotSerialized:
            data = None  # sizes unknown: the original file stands in for every size
        if isinstance(data, dict):
            width, height = _dim(data.get("width")), _dim(data.get("height"))
            for size, info in (data.get("sizes") or {}).items():
                if isinstance(info, dict) and isinstance(info.get("file"), str):
                    sizes.append(
                        (str(size), info["file"], _dim(info.get("width")), _dim(info.get("height")))
                    )
        parent = _int_or_zero(f.get("wp:post_parent", ""))
        caption = f.get("excerpt:encoded", "")
        alt = meta.get("_wp_attachment_image_alt", "")
        self.wxr.attachments[post_id] = Attachment(
            id=post_id,
            url=url,
            link=f.get("link", ""),
            parent=parent,
            mime=_mime(url),
            alt=alt,
            caption=caption,
            menu_order=_int_or_zero(f.get("wp:menu_order", "")),
            width=width,
            height=height,
            sizes=tuple(sizes),
        )
        if parent:
            self.wxr.children.setdefault(parent, []).append(post_id)
        self.side.media.setdefault(
            post_id,
            WpMedia(
                post_id,
                url,
                alt,
                wpformat.the_excerpt(caption),
                width,
                height,
                link=f.get("link", ""),
                sizes=tuple(
                    (url.rsplit("/", 1)[0] + "/" + f, w, h) for _, f, w, h in sizes if "/" not in f
                ),
            ),
        )


def _quiet(ctx: RenderContext) -> RenderContext:
    """The same post rendered again for its excerpt: its problems are counted once."""
    return RenderContext(ctx.post_id, ctx.attachment, ctx.children, ctx.oembed)


def _is_oembed(key: str) -> bool:
    return key.startswith("_oembed_") and not key.startswith("_oembed_time_")


def _key(tag: str) -> str:
    """`{http://wordpress.org/export/1.2/}post_id` -> `wp:post_id` (any WXR version)."""
    if tag[:1] != "{":
        return tag
    ns, local = tag[1:].split("}", 1)
    if ns.startswith(_WP_NS):
        prefix = "excerpt" if ns.rstrip("/").endswith("/excerpt") else "wp"
        return f"{prefix}:{local}"
    known = _NS.get(ns)
    return f"{known}:{local}" if known else local


def _fields(elem: Element) -> dict[str, str]:
    """The text of each direct child, by its prefixed name (the first of repeated ones)."""
    out: dict[str, str] = {}
    for child in elem:
        out.setdefault(_key(child.tag), child.text or "")
    return out


# Post meta that is WordPress's bookkeeping, not the post's data: nothing to carry.
_BOOKKEEPING = frozenset({"_edit_lock", "_edit_last", "_pingme", "_encloseme", "footnotes"})


def _unused_meta(meta: dict[str, str]) -> tuple[str, ...]:
    """The post meta keys the import does not carry (a plugin's or a person's custom fields),
    for the import report."""
    return tuple(
        sorted(
            f"custom field {key}"
            for key, value in meta.items()
            if value.strip()
            and key not in _BOOKKEEPING
            and key not in seo.META_KEYS
            and key != "_thumbnail_id"
            and not key.startswith("_oembed_")
            and not (key == "_wp_page_template" and value == "default")
        )
    )


def _meta(elem: Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in elem:
        if _key(child.tag) == "wp:postmeta":
            f = _fields(child)
            out.setdefault(f.get("wp:meta_key", ""), f.get("wp:meta_value", ""))
    return out


def _int(f: dict[str, str], key: str, where: str) -> int:
    try:
        return int(f.get(key, "").strip())
    except ValueError:
        raise SitegenError(
            f"expected a whole number, got {f.get(key, '(missing)')!r}", f"{where}.{key}"
        ) from None


def _url(text: str, where: str) -> str:
    """A permalink Python can split (`https://[::1` is not)."""
    try:
        urlsplit(text).port  # noqa: B018 (the port is checked when it is read)
    except ValueError as exc:
        raise SitegenError(
            f"not a URL ({exc}): {text[:60]!r}",
            where,
            "WordPress writes a full URL here, such as https://example.org/2023/09/01/slug/",
        ) from None
    return text


def _int_or_zero(text: str) -> int:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else 0  # "²".isdigit() is True


def _dim(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _date(f: dict[str, str], key: str, where: str) -> datetime | None:
    text = f.get(key, "").strip()
    if not text or text.startswith("0000-00-00"):
        if key == "wp:post_date":
            raise SitegenError("missing", f"{where}.{key}", "every item has a wp:post_date")
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise SitegenError(
            f"not a date: {text!r}", f"{where}.{key}", "WordPress writes 2023-09-01 11:51:47"
        ) from None


_MIMES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "webp": "image/webp", "avif": "image/avif", "svg": "image/svg+xml", "pdf": "application/pdf",
    "mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg", "wav": "audio/wav",
    "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "mov": "video/quicktime",
}  # fmt: skip


def _mime(url: str) -> str:
    """An export does not carry post_mime_type; the file's extension says as much."""
    return _MIMES.get(url.split("?", 1)[0].rsplit(".", 1)[-1].lower(), "")


def _synthetic_id(taxonomy: str, slug: str) -> int:
    """An id for a term known only by slug: negative, so it never meets a real one."""
    return -(zlib.crc32(f"{taxonomy}:{slug}".encode()) or 1)


def _expat_message(exc: ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(exc))


def _author_slug(login: str, user_id: int) -> str:
    slug = sanitize_title(login)
    try:
        return safepath.check_slug(slug)
    except safepath.UnsafePath:
        return str(user_id)  # an empty or odd login: the id names the author's folder


def sanitize_title(text: str) -> str:
    """WordPress's sanitize_title_with_dashes, for the ASCII a login is made of."""
    text = re.sub(r"<[^>]*>", "", text).lower()
    text = re.sub(r"&.+?;", "", text).replace(".", "-")
    text = re.sub(r"[^%a-z0-9 _-]", "", text)
    text = re.sub(r"\s+", "-", text)
    return re.sub(r"-+", "-", text).strip("-")
