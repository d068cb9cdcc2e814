"""Load `content/` and assemble the Site: ordering, taxonomies, authors, date archives.

Parse everything first, then assemble (Zola, MkDocs): lists, taxonomies and previous/next links
need the whole corpus. `assemble_site` is pure; relations are paths and slugs, not nested objects,
so later stages (and an incremental rebuild) can compare them.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from sitegen import safepath
from sitegen.content import (
    KEY_ORDER,
    PATH_HINT,
    SLUG_HINT,
    SafeLoader,
    load_yaml,
    read_document,
    yaml_error,
)
from sitegen.errors import Problems, SitegenError
from sitegen.fsutil import walk_files
from sitegen.model import Author, Document, SiteInfo, Term
from sitegen.urls import date_path

SITE_FILE = "content/_site.yaml"
GONE_FILE = "content/_gone.yaml"


@dataclass(frozen=True)
class Gone:
    """A post removed from WordPress: its old path answers 410 Gone."""

    path: str
    wp_id: int = 0


@dataclass(frozen=True)
class Site:
    info: SiteInfo
    docs: dict[str, Document]  # by path
    posts: tuple[str, ...]  # paths, newest first
    pages: tuple[str, ...]  # paths, by path
    categories: dict[str, Term]  # by slug, sorted
    tags: dict[str, Term]
    authors: dict[str, Author]
    category_posts: dict[str, tuple[str, ...]]  # a parent lists its descendants' posts too
    tag_posts: dict[str, tuple[str, ...]]
    author_posts: dict[str, tuple[str, ...]]
    archives: dict[str, tuple[str, ...]]  # "2023/", "2023/09/", "2023/09/01/" -> posts
    gone: tuple[Gone, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)  # path -> content file

    @cached_property
    def post_order(self) -> dict[str, int]:
        """Position of each post in `posts` (0 = newest)."""
        return {p: i for i, p in enumerate(self.posts)}

    @cached_property
    def tag_bits(self) -> dict[str, int]:
        """The posts of each tag as a bit set: bit i is `posts[i]` (for related_posts)."""
        bits = {}
        for slug, paths in self.tag_posts.items():
            bitmap = bytearray(len(self.posts) // 8 + 1)
            for i in (self.post_order[p] for p in paths):
                bitmap[i >> 3] |= 1 << (i & 7)
            bits[slug] = int.from_bytes(bitmap, "little")
        return bits

    @cached_property
    def related_memo(self) -> dict[tuple[str, int], tuple[str, ...]]:
        """related_posts' answers (the Site is frozen and assembled once per build)."""
        return {}

    def category_chain(self, slug: str) -> list[Term]:
        """The category and its ancestors, root first (for breadcrumbs)."""
        chain: list[Term] = []
        while slug in self.categories and all(t.slug != slug for t in chain):
            chain.insert(0, self.categories[slug])
            slug = self.categories[slug].parent
        return chain

    def term_path(self, kind: str, slug: str) -> str:
        """URL path of a category, tag or author archive. A child category lives at WordPress's
        nested path (`category/telecom/5g/`), which is where WordPress and imported links put it."""
        if kind == "category" and slug in self.categories:
            return "category/" + "".join(f"{t.slug}/" for t in self.category_chain(slug))
        return f"{kind}/{slug}/"

    def category_children(self, slug: str) -> list[Term]:
        """Direct children; with slug "" the top level (a parent we do not know counts as none)."""
        return [
            t
            for t in self.categories.values()
            if t.parent == slug or (not slug and t.parent not in self.categories)
        ]


# ---- loading ---------------------------------------------------------------------------------


def _yaml_file(site_dir: Path, rel: str, problems: Problems) -> Any:
    path = site_dir / rel
    if not path.is_file():
        return None
    try:
        return load_yaml(path.read_text(encoding="utf-8"), SafeLoader)
    except yaml.YAMLError as exc:
        problems.add(yaml_error(exc, rel, "not valid YAML"))
    except UnicodeDecodeError as exc:  # was a traceback
        problems.error(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", rel, "save the file as UTF-8"
        )
    return None


def _is_id(value: Any) -> bool:
    """A WordPress id as YAML gives it, or none: `wp_id: x` is a bad entry (was a traceback)."""
    return (
        value is None
        or value == ""
        or (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, str) and value.isdigit())
    )


def _records(data: dict[str, Any], key: str, problems: Problems) -> list[dict[str, Any]]:
    value = data.get(key) or []
    items = list(enumerate(value)) if isinstance(value, list) else []
    good = [
        (i, v) for i, v in items if isinstance(v, dict) and v.get("slug") and _is_id(v.get("wp_id"))
    ]
    if not isinstance(value, list) or len(good) != len(value):
        problems.error(f"{key}: expected a list of {{slug: ..., name: ...}}", SITE_FILE)
    return [v for i, v in good if _safe_slugs(v, f"{key}[{i}]", problems)]


def _safe_slugs(record: dict[str, Any], where: str, problems: Problems) -> bool:
    """Whether the entry's slug (and parent) pass the gate; one that does not is left out:
    a slug names an archive's folder and its `_redirects` rules."""
    for field_ in ("slug", "parent"):
        value = record.get(field_)
        if field_ == "parent" and not value:
            continue
        try:
            safepath.check_slug(str(value))
        except safepath.UnsafePath as exc:
            problems.error(f"{where}.{field_}: {exc}; left out", SITE_FILE, SLUG_HINT)
            return False
    return True


def load_site_info(site_dir: Path, problems: Problems) -> SiteInfo:
    data = _yaml_file(site_dir, SITE_FILE, problems)
    if data is None:
        return SiteInfo()
    if not isinstance(data, dict):
        problems.error("expected a mapping of keys to values", SITE_FILE)
        return SiteInfo()
    terms = {
        key: tuple(
            Term(
                slug=str(r["slug"]),
                name=str(r.get("name") or r["slug"]),
                parent=str(r.get("parent") or ""),
                description=str(r.get("description") or ""),
                wp_id=int(r.get("wp_id") or 0),
            )
            for r in _records(data, key, problems)
        )
        for key in ("categories", "tags")
    }
    authors = tuple(
        Author(
            slug=str(r["slug"]),
            name=str(r.get("name") or r["slug"]),
            description=str(r.get("description") or ""),
            wp_id=int(r.get("wp_id") or 0),
        )
        for r in _records(data, "authors", problems)
    )
    return SiteInfo(
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        home=str(data.get("home") or ""),
        timezone=str(data.get("timezone") or "UTC"),
        language=str(data.get("language") or "en"),
        categories=terms["categories"],
        tags=terms["tags"],
        authors=authors,
    )


def content_files(site_dir: Path) -> list[Path]:
    """Every content file, sorted by path parts; names starting with `_` or `.` are not
    content."""
    return [Path(path) for _, path in content_sources(site_dir)]


def content_sources(site_dir: Path) -> list[tuple[str, str]]:
    """(source as documents name it: "content/...", file path) of every content file, in the
    order of content_files. One os.walk and string checks, no Path objects: pathlib's per-file
    work was most of a rebuild's loading time at 10,000 files."""
    found = [
        (rel.split("/"), rel, path)
        for path, rel in walk_files(site_dir / "content")
        if rel.endswith(".md") and not any(p.startswith(("_", ".")) for p in rel.split("/"))
    ]
    return [(f"content/{rel}", path) for _, rel, path in sorted(found)]


def load_documents(
    site_dir: Path, problems: Problems, *, drafts: bool = False, tz: tzinfo = UTC
) -> list[Document]:
    """The documents to build, their dates in the site's zone `tz`."""
    docs = []
    for path in content_files(site_dir):
        try:
            doc = read_document(site_dir, path, tz)
        except SitegenError as err:
            problems.add(err)
            continue
        except ValueError as exc:  # PyYAML's bare error for an impossible date (2023-13-02)
            problems.error(f"front matter: {exc}", path.relative_to(site_dir).as_posix())
            continue
        if doc.type not in ("post", "page"):
            problems.error(f"type: expected post or page, got {doc.type!r}", doc.source)
        elif doc.status == "publish" or (drafts and doc.status == "draft"):
            docs.append(doc)
    return docs


def load_gone(site_dir: Path, problems: Problems) -> tuple[Gone, ...]:
    data = _yaml_file(site_dir, GONE_FILE, problems) or []
    gone = []
    for i, item in enumerate(data if isinstance(data, list) else [None]):
        if (
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and _is_id(item.get("wp_id"))
        ):
            try:  # each path becomes a rule of `_redirects`
                path = safepath.check_page_path(item["path"]) or "/"
            except safepath.UnsafePath as exc:
                problems.error(f"entry {i}: path: {exc}; left out", GONE_FILE, PATH_HINT)
                continue
            gone.append(Gone(path, int(item.get("wp_id") or 0)))
        else:
            problems.error(f"entry {i}: expected {{path: 2023/09/01/x/, wp_id: 1}}", GONE_FILE)
    return tuple(sorted(gone, key=lambda g: g.path))


# ---- assembling ------------------------------------------------------------------------------


def _register(
    known: dict[str, Any],
    items: Iterable[Any],
    doc: Document,
    kind: str,
    listed: bool,
    problems: Problems,
) -> None:
    for item in items:
        if item.slug not in known:
            known[item.slug] = item
            if listed:
                problems.warn(
                    f"{kind} '{item.slug}' is not in {SITE_FILE}",
                    doc.source,
                    f"add it to the {kind} list there, or fix the slug",
                )


def _by_path(docs: list[Document], problems: Problems) -> dict[str, Document]:
    """Documents by path; a second document at a taken path is a collision naming both."""
    by_path: dict[str, Document] = {}
    for doc in sorted(docs, key=lambda d: d.source):
        other = by_path.get(doc.path)
        if other is not None:
            problems.error(
                f"URL collision: /{doc.path} is also the path of {other.source}",
                doc.source,
                "give one of them another path (or make it an alias)",
            )
            continue
        by_path[doc.path] = doc
    return by_path


def _near_miss_keys(docs: Iterable[Document], problems: Problems) -> None:
    """Warn on a front matter key one typo away from a known one. Other unknown keys are kept
    for themes (Document.extra), but `categoires:` silently dropping a post's categories is
    the kind of mistake nobody spots."""
    for doc in docs:
        for key, _ in doc.extra:
            close = difflib.get_close_matches(key, KEY_ORDER, n=1, cutoff=0.8)
            if close:
                problems.warn(
                    f"unknown front matter key {key!r} (did you mean {close[0]!r}?)",
                    doc.source,
                    f"rename it to {close[0]}; unknown keys are only passed to the theme",
                )


def assemble_site(
    info: SiteInfo, docs: list[Document], problems: Problems, gone: tuple[Gone, ...] = ()
) -> Site:
    by_path = _by_path(docs, problems)
    _near_miss_keys(by_path.values(), problems)
    posts = sorted(
        (d for d in by_path.values() if d.type == "post"),
        key=lambda d: (d.date.timestamp(), d.path),
        reverse=True,
    )
    categories = {t.slug: t for t in info.categories}
    tags = {t.slug: t for t in info.tags}
    authors = {a.slug: a for a in info.authors}
    for doc in posts:
        _register(categories, doc.categories, doc, "category", bool(info.categories), problems)
        _register(tags, doc.tags, doc, "tag", bool(info.tags), problems)
        _register(
            authors, [doc.author] if doc.author else [], doc, "author", bool(info.authors), problems
        )
    site = Site(
        info=info,
        docs=by_path,
        posts=tuple(d.path for d in posts),
        pages=tuple(sorted(d.path for d in by_path.values() if d.type == "page")),
        categories=dict(sorted(categories.items())),
        tags=dict(sorted(tags.items())),
        authors=dict(sorted(authors.items())),
        category_posts={},
        tag_posts={},
        author_posts={},
        archives={},
        gone=gone,
        sources={p: d.source for p, d in by_path.items()},
    )
    _index(site, posts)
    return site


def _index(site: Site, posts: list[Document]) -> None:
    """Fill the post lists of every term, author and date archive (newest first)."""
    cats: dict[str, list[str]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    authors: dict[str, list[str]] = defaultdict(list)
    archives: dict[str, list[str]] = defaultdict(list)
    for doc in posts:
        slugs = {t.slug for c in doc.categories for t in site.category_chain(c.slug)}
        for slug in sorted(slugs | {c.slug for c in doc.categories}):
            cats[slug].append(doc.path)
        for tag in doc.tags:
            tags[tag.slug].append(doc.path)
        if doc.author:
            authors[doc.author.slug].append(doc.path)
        d = doc.date
        for key in (
            date_path(d.year),
            date_path(d.year, d.month),
            date_path(d.year, d.month, d.day),
        ):
            archives[key].append(doc.path)
    site.category_posts.update({k: tuple(v) for k, v in sorted(cats.items())})
    site.tag_posts.update({k: tuple(dict.fromkeys(v)) for k, v in sorted(tags.items())})
    site.author_posts.update({k: tuple(v) for k, v in sorted(authors.items())})
    site.archives.update({k: tuple(v) for k, v in sorted(archives.items())})


def related_posts(site: Site, path: str, limit: int = 3) -> list[str]:
    """Posts sharing the most tags with `path` (then newest first); memoised per site, since
    both the plan and the page of a post ask for them."""
    known = site.related_memo.get((path, limit))
    if known is None:
        known = site.related_memo[(path, limit)] = _related(site, path, limit)
    return list(known)


def _related(site: Site, path: str, limit: int) -> tuple[str, ...]:
    # Bit sets, not a count per candidate: a newsroom tag is on thousands of posts, and counting
    # (then sorting) every candidate of every post was the build's slowest step at 10,000 posts.
    # levels[s] holds the posts sharing at least s of this post's tags (bit i = posts[i]).
    tags = [site.tag_bits.get(t.slug, 0) for t in site.docs[path].tags]
    levels = [-1] + [0] * len(tags)  # -1: every post shares at least 0 tags
    for bits in tags:
        for s in range(len(tags), 0, -1):
            levels[s] |= levels[s - 1] & bits
    found: list[str] = []
    taken = 1 << site.post_order[path]
    for level in reversed(levels[1:]):  # most shared tags first, then newest (lowest bit)
        rest = level & ~taken
        while rest and len(found) < limit:
            low = rest & -rest
            found.append(site.posts[low.bit_length() - 1])
            rest ^= low
            taken |= low
    return tuple(found)


def neighbours(site: Site, path: str) -> tuple[str | None, str | None]:
    """(previous = older post, next = newer post), WordPress's sense."""
    i = site.post_order[path]
    older = site.posts[i + 1] if i + 1 < len(site.posts) else None
    newer = site.posts[i - 1] if i > 0 else None
    return older, newer
