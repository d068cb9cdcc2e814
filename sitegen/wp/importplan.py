"""The importer's first pass: which posts to import, and where each one goes.

Only small facts per post are kept (id, permalink, dates, slug: a `Stub`), so that the number of
posts is bounded by disk, not memory. `place` then decides every post's `path` (its URL, from its
permalink) and `file` (where its content file goes, unique even for two posts with one slug).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

from sitegen import safepath
from sitegen.errors import Problems, SitegenError
from sitegen.wp.export import ErrorResponse, WpPost, WpTerm, WpUser
from sitegen.wp.manifest import Manifest
from sitegen.wp.normalize import SiteMaps, relative_path, site_timezone, term_entry, url_key
from sitegen.wp.sources import SideData, Source, read_posts
from sitegen.wp.text import plain_text
from sitegen.wp.wxr import NotAnExport
from sitegen.zones import offset_name

_SKIP_STATUS = {
    "private": "private",
    "future": "scheduled (future)",
    "pending": "pending review",
    "trash": "in the trash",
    "draft": "draft",
    "auto-draft": "draft",
}


@dataclass(frozen=True)
class Stub:
    where: str  # `file[i]`: the one record of this id that is imported
    id: int
    type: str
    slug: str
    link: str
    date: datetime  # local, naive: the post's YYYY/MM folder
    modified_gmt: str
    parent: int = 0
    draft: bool = False
    embedded: bool = False
    content: bool = True  # False: known for links only (a pages.json beside an input)
    path: str = ""
    file: str = ""


@dataclass
class First:
    stubs: dict[int, Stub] = field(default_factory=dict)
    categories: dict[int, WpTerm] = field(default_factory=dict)  # from _embedded
    tags: dict[int, WpTerm] = field(default_factory=dict)
    users: dict[int, WpUser] = field(default_factory=dict)
    api_root: str = ""
    offsets: Counter[timedelta] = field(default_factory=Counter)
    refused: set[str] = field(default_factory=set)  # embedded slugs said to be unsafe, once
    hidden: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (link, why)
    # What the imported posts hold that content/ does not (`plugin field acf`, `custom field
    # subtitle`, `post type product`) -> how many posts: for the import report.
    not_carried: Counter[str] = field(default_factory=Counter)


@dataclass
class Placed:
    stubs: dict[int, Stub]  # only the posts to write
    maps: SiteMaps


def first_pass(
    sources: list[Source],
    side: SideData,
    drafts: bool,
    problems: Problems,
    skip: Callable[[str], None],
) -> First:
    first = First()
    for src in sources:
        try:
            for post in read_posts(src, side, first=True, problems=problems):
                if isinstance(post, SitegenError):
                    problems.add(post)
                else:
                    _learn(post, src, first, drafts, problems, skip if src.content else _ignore)
        except SitegenError as err:
            if isinstance(err, ErrorResponse) and err.past_last_page:
                problems.add(err, warning=True)  # the page after the last: nothing lost
                skip("WordPress error response")
            elif isinstance(err, NotAnExport) and src.in_folder:
                problems.add(err, warning=True)  # a feed saved beside the export: not ours
                skip("XML file that is not an export")
            else:
                problems.add(err)
    if side.wxr is not None:
        side.wxr.finish(side)
    return first


def _ignore(reason: str) -> None:
    pass


def _learn(
    post: WpPost,
    src: Source,
    first: First,
    drafts: bool,
    problems: Problems,
    skip: Callable[[str], None],
) -> None:
    _learn_site(post, first)
    for err in post.refused:  # one hostile term is embedded in every post that has it
        if err.message not in first.refused:
            first.refused.add(err.message)
            problems.add(err)
    reason = _skip_reason(post, drafts)
    if reason and post.type not in ("post", "page"):
        if src.content:  # a custom post type: not skipped for being unpublished, not carried
            first.not_carried[f"post type {post.type}"] += 1
        first.hidden.setdefault(post.id, (post.link, reason))
        return
    if reason:
        skip(reason)
        first.hidden.setdefault(post.id, (post.link, reason))
        if not post.status and src.content:
            problems.warn(
                "no status: not imported (only what WordPress marks public is published)",
                f"{post.where}.status",
                'save the post again from /wp-json/wp/v2/, or add "status": "publish" if it '
                "is public",
            )
        return
    stub = Stub(
        where=post.where,
        id=post.id,
        type=post.type,
        slug=post.slug,
        link=post.link,
        date=post.date,
        modified_gmt=(post.modified_gmt or post.modified).isoformat(),
        parent=post.parent,
        draft=post.status != "publish",
        embedded=bool(post.embedded_terms or post.embedded_author),
        content=src.content,
    )
    seen = first.stubs.setdefault(post.id, stub)
    if seen is stub:
        if src.content:
            first.not_carried.update(post.not_carried)
        return
    if (seen.link, seen.modified_gmt, seen.type) == (stub.link, stub.modified_gmt, stub.type):
        # The same post saved twice (posts-page-1.json and posts-embed-page-1.json): one is
        # imported; the one with _embedded knows more.
        if (stub.embedded and not seen.embedded) or (stub.content and not seen.content):
            first.stubs[post.id] = stub
        if seen.content and stub.content:
            skip("duplicate copy of a post")
        return
    problems.error(
        f"duplicate id {post.id}: {seen.where} has another post with this id; this one is left out",
        f"{post.where}.id",
        "each WordPress id is one post; are two sites' files mixed up?",
    )


def _learn_site(post: WpPost, first: First) -> None:
    """What any post, imported or not, tells about the site: terms, authors, API root, offset."""
    for term in post.embedded_terms:  # custom taxonomies (wp:term has them too) are not ours
        into = {"category": first.categories, "post_tag": first.tags}.get(term.taxonomy)
        if into is not None:
            into.setdefault(term.id, term)
    if post.embedded_author:
        first.users.setdefault(post.embedded_author.id, post.embedded_author)
    first.api_root = first.api_root or post.api_root
    if post.date_gmt is not None and abs(post.date - post.date_gmt) <= timedelta(hours=14):
        first.offsets[post.date - post.date_gmt] += 1


def _skip_reason(post: WpPost, drafts: bool) -> str:
    if post.type not in ("post", "page"):
        return f"not a post or page (type {post.type})"
    if post.protected:
        return "password-protected"
    if post.status == "publish" or (post.status == "draft" and drafts):
        return ""
    if not post.status:
        return "no status"
    return _SKIP_STATUS.get(post.status, f"status {post.status}")


# ---- placing


def find_home(side: SideData, first: First, old_site: dict[str, Any]) -> str:
    """The WordPress home: index.json, else the REST API root in _links, else the permalinks."""
    if side.site and side.site.home:
        return side.site.home
    if first.api_root:
        return first.api_root[: -len("wp-json/")]
    for stub in sorted(first.stubs.values(), key=lambda s: s.id):
        home = _home_from_link(stub.link, stub.slug)
        if home:
            return home
    return str(old_site.get("home") or "")


def _home_from_link(link: str, slug: str) -> str:
    """`https://x.in/web/2023/09/01/slug/` -> `https://x.in/web/`: cut at the year or the slug."""
    parts = urlsplit(link)
    if not parts.scheme or parts.query:
        return ""
    segments = parts.path.split("/")
    for i, seg in enumerate(segments):
        if re.fullmatch(r"\d{4}", seg) or (slug and seg == slug):
            return f"{parts.scheme}://{parts.netloc}{'/'.join(segments[:i])}/"
    return ""


def place(
    first: First,
    side: SideData,
    manifest: Manifest,
    old_site: dict[str, Any],
    problems: Problems,
    skip: Callable[[str], None] = _ignore,
) -> Placed:
    home = find_home(side, first, old_site)
    maps = SiteMaps(
        home=home,
        tz=_timezone(side, first),
        categories={**first.categories, **side.categories},
        tags={**first.tags, **side.tags},
        users={**first.users, **side.users},
        media=side.media,
    )
    for wp_id, entry in manifest.entries.items():  # posts imported before stay link targets
        maps.paths[wp_id] = entry.path
    for media in side.media.values():
        if media.link:
            maps.attachments[url_key(media.link)] = media.id
    taken = manifest.files()
    by_path: dict[str, int] = {}
    placed: dict[int, Stub] = {}
    for stub in sorted(first.stubs.values(), key=lambda s: (s.type, s.date, s.id)):
        path = _path(stub, home, problems)
        if path is None:
            skip("unsafe permalink")
            continue
        if by_path.setdefault(path, stub.id) != stub.id:
            problems.error(
                f"post {stub.id} has the same permalink as post {by_path[path]}; it is left out",
                f"{stub.where}.link",
            )
            continue
        file = _file(stub, path, taken)
        taken[file] = stub.id
        stub = replace(stub, path=path, file=file)
        maps.paths[stub.id] = path
        maps.links[url_key(home + path)] = path
        maps.links[url_key(stub.link)] = path
        if stub.content:
            placed[stub.id] = stub
    for wp_id, (link, why) in first.hidden.items():
        if wp_id not in maps.paths:  # imported before, left out now: the old page stays
            maps.hidden_ids[wp_id] = why
            if link and not urlsplit(link).query:
                maps.hidden.setdefault(url_key(link), why)
    # A link to a post's older permalink leads to where the post is now.
    for wp_id, entry in manifest.entries.items():
        for old_path in (*entry.aliases, entry.path):
            maps.links.setdefault(url_key(home + old_path), maps.paths[wp_id])
    return Placed(placed, maps)


def _path(stub: Stub, home: str, problems: Problems) -> str | None:
    """The post's URL path, or None (an error said why) if the gate refuses it: the path
    names the post's folder in the built site and its rules in `_redirects`."""
    rel = None if urlsplit(stub.link).query else relative_path(stub.link, home)
    if rel:
        return _checked(rel, stub, "link", problems)
    # Plain permalinks (`?p=123`, as drafts have) or a link elsewhere: WordPress's default
    # pretty permalink for posts, the slug for pages.
    slug = stub.slug or str(stub.id)
    path = f"{slug}/" if stub.type == "page" else f"{stub.date:%Y/%m/%d}/{slug}/"
    if _checked(path, stub, "slug", problems) is None:
        return None
    if rel == "":  # a static front page: the home itself belongs to the build's index
        problems.warn(f"the site's front page; published at {path}", f"{stub.where}.link")
    elif not stub.draft:
        problems.warn(
            f"permalink {stub.link!r} is not a path under the home {home!r}; published at {path}",
            f"{stub.where}.link",
        )
    return path


def _checked(path: str, stub: Stub, key: str, problems: Problems) -> str | None:
    try:
        return safepath.check_page_path(path)
    except safepath.UnsafePath as exc:
        problems.error(
            f"unsafe permalink: {exc}; {stub.type} {stub.id} is left out",
            f"{stub.where}.{key}",
            "a permalink must be a path under the site's home, each segment a name a file "
            "could have (no '..', '/' encoded as %2f, control characters or white space)",
        )
        return None


def _file(stub: Stub, path: str, taken: dict[str, int]) -> str:
    """The content file, relative to content/: readable (slugs decoded) and unique."""
    if stub.type == "page":
        name = "/".join(_safe(unquote(seg), stub.id) for seg in path.strip("/").split("/"))
        base = f"pages/{name or 'index'}"
    else:
        base = f"posts/{stub.date:%Y/%m}/{_safe(unquote(stub.slug or str(stub.id)), stub.id)}"
    file = f"{base}.md"
    if taken.get(file, stub.id) != stub.id:
        file = f"{base}-{stub.id}.md"
    return file


def _safe(name: str, wp_id: int) -> str:
    """A file name: no separators, and no leading `_`/`.` (those are not content)."""
    name = re.sub(r"[/\\\x00-\x1f]", "-", name).strip() or str(wp_id)
    if name[0] in "._":
        name = f"{wp_id}-{name}"
    # File systems stop at 255 bytes; leave room for -ID.md. Hashed, not cut: two long slugs
    # that differ only at the end keep two files.
    name = safepath.hashed_name(name, 200)
    try:
        return safepath.check_name(name)
    except safepath.UnsafePath:  # what no file may be called (a lone surrogate...): the id
        return str(wp_id)


def _timezone(side: SideData, first: First) -> timezone | Any:
    if side.site and (side.site.timezone or side.site.gmt_offset is not None):
        return site_timezone(side.site.timezone, side.site.gmt_offset)
    if first.offsets:
        offset = first.offsets.most_common(1)[0][0]
        return timezone(timedelta(minutes=round(offset.total_seconds() / 60)))
    return UTC


# ---- _site.yaml


def site_yaml(side: SideData, maps: SiteMaps, first: First) -> dict[str, Any]:
    site = side.site
    tz = zone_name(maps.tz)
    categories = [_term_dict(term_entry(t, maps), True) for t in maps.categories.values()]
    tags = [_term_dict(term_entry(t, maps), False) for t in maps.tags.values()]
    for (taxonomy, _slug), term in sorted(maps.found_terms.items()):
        (categories if taxonomy == "category" else tags).append(
            _term_dict(term, taxonomy == "category")
        )
    authors = [
        {
            "slug": u.slug,
            "name": plain_text(u.name) or u.slug,
            "description": plain_text(u.description),
            "wp_id": u.id,
        }
        for u in maps.users.values()
    ]
    return {
        "name": plain_text(site.name) if site else "",
        "description": plain_text(site.description) if site else "",
        "home": maps.home,
        "timezone": tz,
        "language": (site.language if site else "") or "en",
        "categories": categories,
        "tags": tags,
        "authors": authors,
    }


def _term_dict(term: Any, category: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"slug": term.slug, "name": term.name}
    if category:
        out["parent"] = term.parent
    out.update(description=term.description, wp_id=term.wp_id)
    return out


# Fractional offsets have no Etc/ zone; these zones keep that offset all year (no DST), so they
# give the same local times as WordPress's manual "UTC+5:30" setting.
_FRACTIONAL = {
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    270: "Asia/Kabul",
    390: "Asia/Yangon",
    525: "Australia/Eucla",
    570: "Australia/Darwin",
    -570: "Pacific/Marquesas",
}


def zone_name(tz: timezone | Any) -> str:
    """An IANA name for the site's zone where one fits. A fixed offset, as WordPress's manual
    "UTC+5" setting gives, becomes `Etc/GMT-5` (POSIX signs are inverted); an offset no zone
    keeps all year is written as itself (`+03:30`), which sitegen.zones reads back."""
    if not isinstance(tz, timezone):
        return str(getattr(tz, "key", "UTC"))
    offset = tz.utcoffset(None)
    minutes = int(offset.total_seconds()) // 60
    if minutes % 60 == 0:
        return f"Etc/GMT{-minutes // 60:+d}" if minutes else "UTC"
    return _FRACTIONAL.get(minutes) or offset_name(minutes)
