"""WordPress records -> the front matter and body of a content file (docs/content-format.md).

Pure: everything this needs to know about the rest of the site (terms, users, media, where every
other post lives) comes in a `SiteMaps`, built by the importer's first pass. Problems that do not
stop a post (an author id nobody can resolve) are collected, never dropped silently.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen import safepath
from sitegen.errors import Problem, Problems, SitegenError
from sitegen.model import Term
from sitegen.wp import seo
from sitegen.wp.export import WpMedia, WpPost, WpTerm, WpUser
from sitegen.wp.html2md.blocks import MAX_NESTING
from sitegen.wp.html2md.convert import ConvertOptions, convert
from sitegen.wp.html5parse import MAX_DEPTH, MAX_FORMATTING
from sitegen.wp.srcset import KnownImage, known_images
from sitegen.wp.text import plain_text
from sitegen.wp.uploads import local_upload
from sitegen.wp.urlhost import web_authority

# Paths under the home that stay WordPress's own in the mirror (DESIGN.md, principle 8), so a
# link to them becomes root-relative. Anything else under the home (uploads, wp-admin) stays
# absolute: the mirror does not serve it.
_ARCHIVE = re.compile(r"^(?:(?:category|tag|author)/.+|\d{4}/(?:\d{2}/(?:\d{2}/)?)?|page/\d+/)?$")
_MAX_OFFSET = timedelta(hours=14)


@dataclass
class SiteMaps:
    """What the first pass learnt: small maps keyed by id or link, never whole posts."""

    home: str  # ends in "/"
    tz: timezone | ZoneInfo = UTC  # for posts without date_gmt (drafts)
    categories: dict[int, WpTerm] = field(default_factory=dict)
    tags: dict[int, WpTerm] = field(default_factory=dict)
    users: dict[int, WpUser] = field(default_factory=dict)
    media: dict[int, WpMedia] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)  # post/page id -> path
    links: dict[str, str] = field(default_factory=dict)  # url_key(permalink) -> path
    # Terms learnt only from class_list while converting; _site.yaml lists them too.
    found_terms: dict[tuple[str, str], Term] = field(default_factory=dict)
    # Ids nobody could resolve: reported once, at the first post, with how many more have it.
    missing: dict[tuple[str, int], _Missing] = field(default_factory=dict)
    # Uploads copied into static/ by `--uploads` (decoded paths under wp-content/uploads/):
    # links to them become root-relative, at their old path.
    uploads: set[str] = field(default_factory=set)
    # Posts the import leaves out (drafts, private, trashed...): id or url_key(permalink) ->
    # why. A link to one is not left pointing at the origin (see `make_rewriter`).
    hidden_ids: dict[int, str] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)
    # Attachment pages (url_key of the attachment's own permalink) -> attachment id.
    attachments: dict[str, int] = field(default_factory=dict)
    _images: dict[str, KnownImage] | None = field(default=None, repr=False, compare=False)

    def not_found(
        self, problems: Problems, key: tuple[str, int], message: str, where: str, hint: str
    ) -> None:
        seen = self.missing.get(key)
        if seen is not None:
            seen.more += 1
            return
        problem = Problem(message, where, hint, warning=True)
        problems.items.append(problem)
        self.missing[key] = _Missing(problem)

    def images(self) -> dict[str, KnownImage]:
        """Every size of every known attachment -> its dimensions and srcset (computed once)."""
        if self._images is None:
            self._images = known_images(
                (m.url, m.width, m.height, m.sizes) for _, m in sorted(self.media.items())
            )
        return self._images

    def count_missing(self) -> None:
        """Say, once the import is done, how many more posts had each unresolved id."""
        for seen in self.missing.values():
            if seen.more:
                seen.problem.message += f" (and {seen.more} more post{'s' * (seen.more > 1)})"


@dataclass
class _Missing:
    problem: Problem
    more: int = 0


@dataclass(frozen=True)
class Normalized:
    meta: dict[str, Any]
    body: str


# ---- URLs


def url_key(url: str) -> str:
    """A permalink as a map key: scheme, `www.`, default port, percent-encoding, Unicode
    normalisation (NFC/NFD) and trailing slash ignored."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # `https://[::1`: a key no valid URL has, so it matches nothing
        return f"\0{url}"
    # The host as a browser reads it: `https://evil.example\@site/x` is not a link to `site`.
    # `www.` or not is one site to its readers: WordPress redirects one to the other.
    host = web_authority(url).removeprefix("www.")
    return f"{host}{_path_key(parts.path).rstrip('/')}/"


def _path_key(path: str) -> str:
    """One spelling of a path: each segment decoded, NFC (macOS writes NFD), encoded again;
    `%2F` stays inside its segment."""
    return "/".join(
        quote(unicodedata.normalize("NFC", unquote(seg)), safe="!$&'()*+,;=:@~")
        for seg in path.split("/")
    )


def relative_path(link: str, home: str) -> str | None:
    """`https://site/web/2023/09/01/x/` -> `2023/09/01/x/` (encoding kept); None if elsewhere."""
    key, home_key = url_key(link), url_key(home)
    if not key.startswith(home_key) or key.startswith("\0"):
        return None
    # Cut the home's path from the link's own path, so `%E2` stays `%E2` as WordPress wrote it.
    path = urlsplit(link.strip()).path
    depth = url_key(home).count("/") - 1  # segments in the home's path
    rel = "/".join(path.split("/")[depth + 1 :]).rstrip("/")
    return f"{rel}/" if rel else ""


# Why a link was unlinked: the start of the warning, which the import report counts.
UNRESOLVED = "link to content that is not public"


def make_rewriter(maps: SiteMaps) -> Callable[[str], str]:
    """The `rewrite_url` for the converter: links to this site's posts, pages, attachments and
    archives become root-relative (`/2023/09/01/other/`), whether written absolute (with or
    without `www.`, in any percent-encoding) or root-relative with the site's path
    (`/web/about-us/`); everything else is returned unchanged.

    A link to a post the import leaves out (a draft, a private or trashed post, an id nobody
    knows) answers "": the converter keeps the link's text and drops the link. Pointing it at
    the origin would send readers to a host that is gone (or show them a draft's address),
    and pointing it at the mirror would be a 404; `unresolved` says why, for the report.

    Answers are remembered (the import asks for each URL twice, for the fingerprint and the
    body, and a site links to the same posts over and over): `maps` must be complete, as it
    is once the first pass has placed every post."""
    answers: dict[str, str] = {}
    home = urlsplit(maps.home) if maps.home else None

    def remembered(url: str) -> str:
        answer = answers.get(url)
        if answer is None:
            answer = answers[url] = _rewrite(url)
        return answer

    def _rewrite(url: str) -> str:
        absolute = url
        if home is not None and url.startswith("/") and not url.startswith("//"):
            # Root-relative with the site's own path: WordPress's editor writes these.
            if not (url + "/").startswith(home.path.rstrip("/") + "/"):
                return url
            absolute = f"{home.scheme}://{home.netloc}{url}"
        answer = rewrite(absolute)
        return url if answer == absolute else answer

    def rewrite(url: str) -> str:
        if maps.uploads:
            local = local_upload(url, maps.home, maps.uploads)
            if local is not None:
                return local
        try:
            parts = urlsplit(url)
        except ValueError:  # `https://[::1/x` in a post: left as written, like any other link
            return url
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return url
        rel = relative_path(url, maps.home)
        if rel is None:
            return url
        frag = f"#{parts.fragment}" if parts.fragment else ""
        query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
        wanted = query.get("p") or query.get("page_id") or ""
        if rel == "" and wanted.isdigit():
            path = maps.paths.get(int(wanted))
            if path is None and int(wanted) in maps.media:
                return _file(int(wanted), url)
            return f"/{path}{frag}" if path is not None else ""
        attachment = query.get("attachment_id", "")
        if rel == "" and attachment.isdigit():
            return _file(int(attachment), url)
        key = url_key(url)
        known = maps.links.get(key)
        if known is not None:
            return f"/{known}{frag}"
        if key in maps.attachments:
            return _file(maps.attachments[key], url)
        if key in maps.hidden:
            return ""
        if parts.query or not _ARCHIVE.match(rel):
            return url
        return f"/{rel}{frag}"

    def _file(media_id: int, url: str) -> str:
        # An attachment page shows the file; a mirror links the file itself (at its old
        # path when the uploads are mirrored), which is what the reader came for.
        media = maps.media.get(media_id)
        if media is None or not media.url:
            return url
        return rewrite(media.url) if media.url != url else url

    return remembered


def unresolved(url: str, maps: SiteMaps) -> str:
    """Why a link the rewriter dropped leads nowhere public (for the import report)."""
    absolute = url
    if url.startswith("/") and not url.startswith("//") and maps.home:
        home = urlsplit(maps.home)
        absolute = f"{home.scheme}://{home.netloc}{url}"
    try:
        parts = urlsplit(absolute)
    except ValueError:
        return "not found"
    query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
    wanted = query.get("p") or query.get("page_id") or ""
    if wanted.isdigit():
        return maps.hidden_ids.get(int(wanted), f"no post with id {wanted}")
    return maps.hidden.get(url_key(absolute), "not found")


def post_rewriter(rewrite: Callable[[str], str], link: str) -> Callable[[str], str]:
    """`rewrite` for one post: a relative link (`../other/`, `other/`) is read against the
    post's own permalink, as the browser read it on WordPress; left as written when it does
    not lead to this site's content."""
    try:
        base = link if urlsplit(link).scheme in ("http", "https") else ""
    except ValueError:
        base = ""

    def for_post(url: str) -> str:
        if not base or not url or url.startswith(("/", "#")) or _SCHEME.match(url):
            return rewrite(url)
        absolute = urljoin(base, url)
        answer = rewrite(absolute)
        return url if answer == absolute else answer

    return for_post


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# ---- dates


def local_date(
    local: datetime,
    gmt: datetime | None,
    tz: timezone | ZoneInfo,
    where: str,
    *,
    named: str = "",
    hint: str = "",
) -> datetime:
    """WordPress's naive local time with the site's UTC offset, found as `date - date_gmt`.
    `where` is the JSON path of the GMT field (`posts.json[3].date_gmt`); `named` names the
    post in a problem's message and `hint` says how to look at it."""
    if gmt is None:  # never-published drafts have no date_gmt
        return local.replace(tzinfo=tz)
    offset = local - gmt
    if abs(offset) > _MAX_OFFSET:
        gmt_key = where.rsplit(".", 1)[-1]
        local_key = gmt_key.removesuffix("_gmt")
        side = "before" if offset > timedelta(0) else "after"
        raise SitegenError(
            f"{named + ': ' if named else ''}the GMT date ({gmt_key} {gmt.isoformat()}) is "
            f"{_span(abs(offset))} {side} the local date ({local_key} {local.isoformat()}); "
            "they differ by the site's UTC offset, at most 14 hours",
            where,
            hint or "one of the two dates is wrong: correct the post's date in WordPress",
        )
    # Offsets are whole minutes; seconds of difference are rounding in WordPress's database.
    minutes = round(offset.total_seconds() / 60)
    return local.replace(tzinfo=timezone(timedelta(minutes=minutes)))


def _span(delta: timedelta) -> str:
    """A positive duration in words: "669 days, 4 hours and 30 minutes"."""
    minutes = round(delta.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (rest // 60, "hour"), (rest % 60, "minute"))
        if n
    ]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def post_dates(post: WpPost, maps: SiteMaps) -> dict[str, datetime]:
    """The post's `date` and `updated` with the site's UTC offset; a date WordPress gives two
    irreconcilable ways is a problem naming the post and how to see what WordPress holds."""
    title = plain_text(post.title_html).strip()
    short = title if len(title) <= 60 else f"{title[:59]}…"
    named = f"{post.type} {post.id}" + (f" “{short}”" if title else "")
    route = {"post": "posts", "page": "pages"}.get(post.type, post.type)
    fields = "id,date,date_gmt,modified,modified_gmt"
    hint = (
        f"see what WordPress holds: curl -s "
        f"{shlex.quote(f'{maps.home}wp-json/wp/v2/{route}/{post.id}?_fields={fields}')}; "
        if maps.home
        else ""
    ) + "correct the date in WordPress (edit the post, set its date, update) and import again"
    return {
        key: local_date(local, gmt, maps.tz, f"{post.where}.{field}_gmt", named=named, hint=hint)
        for key, field, local, gmt in (
            ("date", "date", post.date, post.date_gmt),
            ("updated", "modified", post.modified, post.modified_gmt),
        )
    }


def site_timezone(name: str, gmt_offset: float | None) -> timezone | ZoneInfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone(timedelta(hours=gmt_offset or 0))


# ---- taxonomy, people, images


def term_entry(term: WpTerm, maps: SiteMaps) -> Term:
    parent = term.parent_slug
    if term.parent and term.parent in maps.categories:
        parent = maps.categories[term.parent].slug
    return Term(
        slug=term.slug,
        name=plain_text(term.name) or term.slug,
        parent=parent,
        description=plain_text(term.description),
        wp_id=max(term.id, 0),  # an export's term known only by slug has no id
    )


def _terms(post: WpPost, maps: SiteMaps, problems: Problems, taxonomy: str) -> list[Term]:
    key, known, prefix = (
        ("categories", maps.categories, "category-")
        if taxonomy == "category"
        else ("tags", maps.tags, "tag-")
    )
    ids = post.categories if key == "categories" else post.tags
    terms = [term_entry(known[i], maps) for i in ids if i in known]
    missing = [(n, i) for n, i in enumerate(ids) if i not in known]
    have = {t.slug for t in terms}
    if not missing:
        return terms
    # class_list (WordPress 6.5+) names every term of the post by slug: the fallback when
    # neither the side file nor _embedded knows an id. The name is then made from the slug.
    from_classes = [c[len(prefix) :] for c in post.class_list if c.startswith(prefix)]
    extra = [s for s in from_classes if s and s not in have and _safe_class(s, post, problems)]
    for slug in extra:
        # One unknown id and one unknown slug are the same term; more cannot be paired.
        wp_id = missing[0][1] if len(missing) == len(extra) == 1 else 0
        term = Term(slug=slug, name=name_from_slug(slug), wp_id=wp_id)
        maps.found_terms.setdefault((taxonomy, slug), term)
        terms.append(term)
    for n, term_id in missing[len(extra) :]:
        maps.not_found(
            problems,
            (taxonomy, term_id),
            f"{'category' if key == 'categories' else 'tag'} id {term_id} not found; "
            f"left out of post {post.id}",
            f"{post.where}.{key}[{n}]",
            f"put {key}.json (GET /wp-json/wp/v2/{key}?per_page=100) next to the "
            "posts, or fetch them with _embed",
        )
    return terms


def _safe_class(slug: str, post: WpPost, problems: Problems) -> bool:
    """A slug read from class_list names an archive folder like any other: the gate decides."""
    try:
        safepath.check_slug(slug)
    except safepath.UnsafePath as exc:
        problems.error(
            f"unsafe term slug in class_list: {exc}; left out",
            f"{post.where}.class_list",
            "a slug is one URL path segment; fix the term in WordPress",
        )
        return False
    return True


def name_from_slug(slug: str) -> str:
    """A readable stand-in for a term name known only by its slug: `it-2` -> `IT` (WordPress
    adds `-2` to a slug already taken), `5g` -> `5G`, `policy-regulation` -> `Policy Regulation`.
    Short words are taken for acronyms, which news sections mostly are."""
    words = unquote(slug).split("-")
    if len(words) > 1 and words[-1].isdigit():
        words = words[:-1]
    return " ".join(w.upper() if len(w) <= 3 else w.capitalize() for w in words if w) or slug


def _author(post: WpPost, maps: SiteMaps, problems: Problems) -> dict[str, str] | None:
    user = maps.users.get(post.author)
    if user is None and post.embedded_author and post.embedded_author.id == post.author:
        user = post.embedded_author
    if user is None:
        if post.author:
            maps.not_found(
                problems,
                ("author", post.author),
                f"author id {post.author} not found; post {post.id} has no author",
                f"{post.where}.author",
                "put users.json (GET /wp-json/wp/v2/users) next to the posts, "
                "or fetch them with _embed",
            )
        return None
    return {"name": plain_text(user.name) or user.slug, "slug": user.slug}


def _image(post: WpPost, maps: SiteMaps, problems: Problems) -> dict[str, Any] | None:
    if not post.featured_media:
        return None
    media = post.embedded_media
    if media is None or media.id != post.featured_media:
        media = maps.media.get(post.featured_media)
    if media is None:
        maps.not_found(
            problems,
            ("media", post.featured_media),
            f"featured image id {post.featured_media} not found; post {post.id} has none",
            f"{post.where}.featured_media",
            "put media.json (GET /wp-json/wp/v2/media) next to the posts, "
            "or fetch them with _embed",
        )
        return None
    local = local_upload(media.url, maps.home, maps.uploads) if maps.uploads else None
    image: dict[str, Any] = {"url": local or media.url}
    if media.alt:
        image["alt"] = media.alt
    caption = plain_text(media.caption_html)
    if caption:
        image["caption"] = caption
    if media.width and media.height:
        image.update(width=media.width, height=media.height)
    known = maps.images().get(media.url)
    if known is not None and known.srcset:
        image["srcset"] = ", ".join(
            _local_candidate(candidate, maps) for candidate in known.srcset.split(", ")
        )
    return image


def _local_candidate(candidate: str, maps: SiteMaps) -> str:
    """A srcset candidate pointing at the copy `--uploads` made of it, where there is one."""
    url, _, descriptor = candidate.partition(" ")
    local = local_upload(url, maps.home, maps.uploads) if maps.uploads else None
    return f"{local or url} {descriptor}"


def summary_text(excerpt_html: str) -> str:
    """The excerpt as plain text; WordPress's ` [&hellip;]` tail becomes a plain ellipsis."""
    text = plain_text(excerpt_html).strip()
    return re.sub(r"\s*\[(?:…|\.\.\.)\]$", "…", text)


# ---- the post


def normalize(
    post: WpPost, path: str, maps: SiteMaps, problems: Problems, aliases: tuple[str, ...] = ()
) -> Normalized:
    """The content file of one post or page. `path` was decided by the first pass."""
    meta = front_matter(post, path, maps, problems, aliases)
    rewrite = post_rewriter(make_rewriter(maps), post.link)
    return Normalized(meta, body_markdown(post, rewrite, problems, maps))


def body_markdown(
    post: WpPost, rewrite: Callable[[str], str], problems: Problems, maps: SiteMaps | None = None
) -> str:
    """The post's body as Markdown; markup nested too deep to convert is flattened, and said;
    links to what is not public are unlinked, and said. The sizes of the site's images in
    `maps` give an <img> without its dimensions or srcset what WordPress knew of it."""
    dropped: dict[str, None] = {}

    def noting(url: str) -> str:
        answer = rewrite(url)
        if not answer and url:
            dropped[url] = None
        return answer

    known = maps.images() if maps is not None else {}
    converted = convert(post.content_html, ConvertOptions(rewrite_url=noting, known_images=known))
    say_unresolved(post, dropped, problems, maps)
    if converted.flattened:
        problems.warn(
            f"post {post.id}: HTML nested too deep; {converted.flattened} elements were "
            "flattened to their text",
            f"{post.where}.content.rendered",
            f"the text is kept, not its structure: the mirror keeps {MAX_DEPTH} levels of "
            f"HTML, {MAX_NESTING} levels of quotes and lists (a list counts two) and "
            f"{MAX_FORMATTING} formatting tags open at once; unclosed tags (each one nests "
            "everything after it) are the usual cause: close them in WordPress, import again",
        )
    if converted.trackers:
        problems.warn(
            f"post {post.id}: {len(converted.trackers)} tracking pixel(s) left out: "
            + ", ".join(sorted(set(converted.trackers))[:3]),
            f"{post.where}.content.rendered",
            "a 1×1 image shows readers nothing and tells its host who read the page; "
            "nothing to do unless it was meant to be seen (then give it its real size)",
        )
    return converted.markdown


def say_unresolved(
    post: WpPost, urls: Iterable[str], problems: Problems, maps: SiteMaps | None
) -> None:
    """A warning for each link of `post` that was unlinked because it leads nowhere public."""
    for url in urls:
        why = unresolved(url, maps) if maps is not None else "not found"
        problems.warn(
            f"{UNRESOLVED} ({why}): {url}; the link's text is kept, unlinked",
            f"{post.where}.content.rendered",
            "publish what it links to and import again, or change the link in WordPress",
        )


def front_matter(
    post: WpPost, path: str, maps: SiteMaps, problems: Problems, aliases: tuple[str, ...] = ()
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": plain_text(post.title_html).strip(),
        "slug": post.slug or path.rstrip("/").rsplit("/", 1)[-1],
        "type": post.type,
        "status": "draft" if post.status != "publish" else "publish",
        **post_dates(post, maps),
    }
    if post.content_missing:  # said here, where only the copy of a post that is written is
        problems.warn(
            "no content.rendered: imported with an empty body",
            f"{post.where}.content",
            "save the post again from /wp-json/wp/v2/ (with the default context=view)",
        )
    author = _author(post, maps, problems)
    if author:
        meta["author"] = author
    for taxonomy, key in (("category", "categories"), ("post_tag", "tags")):
        terms = _terms(post, maps, problems, taxonomy)
        if terms:
            meta[key] = [_term_ref(t) for t in terms]
    summary = summary_text(post.excerpt_html)
    if summary:
        meta["summary"] = summary
    found = _seo(post, path, maps, problems)
    if found:
        meta["seo"] = found
    image = _image(post, maps, problems)
    if image:
        meta["featured_image"] = image
    if post.type != "page":  # pages have neither format nor sticky in WordPress
        meta.update(format=post.format, sticky=post.sticky)
    meta.update(path=path, permalink=post.link)
    if aliases:
        meta["aliases"] = list(aliases)
    if post.type == "page":
        meta["parent"] = _parent_path(post, maps, problems)
        meta["menu_order"] = post.menu_order
    meta.update(wp_id=post.id, guid=post.guid)
    if post.comments:
        # Imported here, not at the top: the comments module builds on this one's dates.
        from sitegen.wp.comments import entries

        shown = entries(post, maps, problems)
        if shown:
            meta["comments"] = shown
    return meta


def _seo(post: WpPost, path: str, maps: SiteMaps, problems: Problems) -> dict[str, Any]:
    """The `seo:` front matter: a canonical at the old site becomes the mirror's page for it
    (none when it is the post itself: a page is its own canonical by default)."""
    if not post.seo:
        return {}
    found, dropped = seo.clean(post.seo)
    for what in dropped:
        problems.warn(
            f"SEO data: {what}",
            f"{post.where}.seo",
            "correct it in the SEO plugin's box of the post, or in the front matter's seo:",
        )
    canonical = found.get("canonical", "")
    if canonical and maps.home and relative_path(canonical, maps.home) is not None:
        local = make_rewriter(maps)(canonical)
        if local.split("#")[0] == f"/{path}":
            del found["canonical"]
        elif local.startswith("/") and not local.startswith("//"):
            found["canonical"] = local
        else:
            del found["canonical"]
            problems.warn(
                f"SEO canonical {canonical} is on the old site but not a page the mirror has; "
                "dropped (the page is its own canonical)",
                f"{post.where}.seo",
                "set seo.canonical in the front matter if another page should rank instead",
            )
    return found


def _parent_path(post: WpPost, maps: SiteMaps, problems: Problems) -> str:
    if not post.parent:
        return ""
    if post.parent not in maps.paths:
        maps.not_found(
            problems,
            ("page", post.parent),
            f"parent page id {post.parent} not found; page {post.id} has no parent",
            f"{post.where}.parent",
            "import pages.json (GET /wp-json/wp/v2/pages) with the pages",
        )
    return maps.paths.get(post.parent, "")


def _term_ref(term: Term) -> dict[str, str]:
    ref = {"slug": term.slug, "name": term.name}
    if term.parent:
        ref["parent"] = term.parent
    return ref
