"""Site -> RenderJobs: every output file of the build, and the URL collisions between them (pure).

Each job lists the content files its bytes depend on (`deps`) and, for lists and feeds, the posts
it shows (`items`). An incremental build re-plans (cheap) and re-renders a job when the job itself
changed (new items, new page count) or one of its deps changed; templates, config and
`content/_site.yaml` invalidate every job, so they are not listed per job.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sitegen.build.kinds import check_kind, kind_of
from sitegen.config import SiteConfig
from sitegen.digests import digest
from sitegen.errors import Problems
from sitegen.feeds.formats import BY_NAME, FORMATS, FeedFormat
from sitegen.safepath import UnsafePath, files_inside, output_file
from sitegen.site.assemble import Site, neighbours, related_posts
from sitegen.site.front import front_page, home_order
from sitegen.urls import page_path

SITE_KEY = "content/_site.yaml"
ARCHIVE_INDEX = "archives/"  # WordPress themes' usual "Archives" page address


@dataclass(frozen=True)
class RenderJob:
    path: str  # URL path relative to the site root ("" = home, "feed/index.xml")
    kind: str  # a key of sitegen.build.kinds.KINDS: what the output is and who renders it
    template: str = ""  # theme template, "" for outputs built in code (sitemap, redirects)
    deps: tuple[str, ...] = ()  # content files (relative to the site dir) read for this output
    items: tuple[str, ...] = ()  # post paths shown (lists, feeds)
    key: str = ""  # document path, term slug, date archive path, feed format
    page: int = 1
    pages: int = 1
    data: tuple[tuple[str, str], ...] = ()  # (url path, lastmod) rows of a sitemap
    root: str = ""  # the output folder the site sits in (config.output_root): "" or "web/"

    def __post_init__(self) -> None:
        check_kind(self.kind)

    @cached_property  # asked for 200,000 times a build; unquoting is not free
    def output(self) -> str:
        if kind_of(self).host_root:
            return output_file(self.path)
        return self.root + output_file(self.path)


@dataclass(frozen=True)
class StaticFile:
    path: str  # output path, relative to the output root (decoded)
    source: Path  # absolute file to copy
    dep: str  # dependency key (relative to the site dir, or "theme:<name>/<file>")
    name: str = ""  # a theme asset's name in templates (`style.css`); its path has a hash


LATEST_ON_ERRORS = 6  # stories listed on 404.html and 410.html


def _sources(site: Site, paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({site.sources[p] for p in paths}))


def _paginated(
    site: Site, kind: str, template: str, base: str, key: str, posts: tuple[str, ...], per_page: int
) -> list[RenderJob]:
    chunks = [posts[i : i + per_page] for i in range(0, len(posts), per_page)] or [()]
    return [
        RenderJob(
            path=page_path(base, n),
            kind=kind,
            template=template,
            deps=_sources(site, chunk),
            items=chunk,
            key=key,
            page=n,
            pages=len(chunks),
        )
        for n, chunk in enumerate(chunks, 1)
    ]


def _document_jobs(site: Site) -> list[RenderJob]:
    jobs = []
    for path, doc in site.docs.items():
        if doc.type == "post":
            older, newer = neighbours(site, path)
            shown = tuple(p for p in (older, newer, *related_posts(site, path)) if p)
            jobs.append(
                RenderJob(
                    path=path,
                    kind="post",
                    template="post.html",
                    deps=_sources(site, (path, *shown)),
                    items=shown,
                    key=path,
                )
            )
        else:
            jobs.append(
                RenderJob(
                    path=path, kind="page", template="page.html", deps=(doc.source,), key=path
                )
            )
    return jobs


def list_jobs(site: Site, config: SiteConfig) -> list[RenderJob]:
    per_page = config.posts_per_page
    order = home_order(site, config.front.sticky_days)
    jobs = _paginated(site, "home", "index.html", "", "", order, per_page)
    # The front page shows section blocks too: it lists (and depends on) those posts.
    shown = front_page(site, config.front, per_page).shown()
    jobs[0] = replace(jobs[0], items=shown, deps=_sources(site, shown))
    for slug, posts in site.category_posts.items():
        jobs += _paginated(
            site,
            "category",
            "taxonomy.html",
            site.term_path("category", slug),
            slug,
            posts,
            per_page,
        )
    for slug, posts in site.tag_posts.items():
        jobs += _paginated(site, "tag", "taxonomy.html", f"tag/{slug}/", slug, posts, per_page)
    for slug, posts in site.author_posts.items():
        jobs += _paginated(site, "author", "author.html", f"author/{slug}/", slug, posts, per_page)
    for key, posts in site.archives.items():
        jobs += _paginated(site, "archive", "archive.html", key, key, posts, per_page)
    return jobs


def archive_index_job(site: Site) -> RenderJob:
    """Years and months with their post counts: shows every post's date, so lists them all."""
    return RenderJob(
        path=ARCHIVE_INDEX,
        kind="archive-index",
        template="archives.html",
        deps=_sources(site, site.posts),
        items=site.posts,
    )


def feed_jobs(site: Site, config: SiteConfig) -> list[RenderJob]:
    """The site's feeds in the formats it asks for; per term and author, those of them that
    follow such a list (`sitegen.feeds.formats` says which, and where each is written)."""
    count = config.feeds.items
    jobs = []

    def add(
        base: str, kind: str, key: str, posts: tuple[str, ...], formats: tuple[FeedFormat, ...]
    ) -> None:
        items = posts[:count]
        for fmt in formats:
            jobs.append(
                RenderJob(
                    path=base + fmt.file,
                    kind=f"feed-{kind}",
                    key=key,
                    deps=_sources(site, items),
                    items=items,
                )
            )

    site_wide = tuple(BY_NAME[name] for name in config.feeds.formats)  # in the order asked
    add("", "home", "", site.posts, tuple(f for f in site_wide if "home" in f.kinds))
    if config.feeds.taxonomies:
        for kind, lists in (
            ("category", site.category_posts),
            ("tag", site.tag_posts),
            ("author", site.author_posts),
        ):
            wanted = tuple(f for f in FORMATS if kind in f.kinds and f.name in config.feeds.formats)
            for slug, posts in lists.items():
                add(site.term_path(kind, slug), kind, slug, posts, wanted)
    if config.comments_enabled:
        commented = commented_posts(site)
        wanted = tuple(f for f in FORMATS if "post" in f.kinds and f.name in config.feeds.formats)
        if commented:
            add(COMMENTS_BASE, "comments", "", commented, wanted)
        for path in comment_feed_posts(site):
            add(path, "post", path, (path,), wanted)
    return jobs


COMMENTS_BASE = "comments/"  # the site-wide comment feed's list


def comment_feed_posts(site: Site) -> tuple[str, ...]:
    """Where a comment feed is written: every post, as WordPress answers every post's
    `/<permalink>/feed/` (an empty channel until someone comments), and every page with
    comments. Files, not a rule: a file answers on every host, a bare bucket and a plain
    static server included, and a rule to the site feed would give readers the wrong feed."""
    return tuple(sorted({*site.posts, *commented_posts(site)}))


def commented_posts(site: Site) -> tuple[str, ...]:
    """Posts and pages with comments, newest comment first: what the comment feeds show. A
    site without comments has no comment feeds at all (its output is as before comments)."""
    with_comments = [d for d in site.docs.values() if d.comments]
    with_comments.sort(key=lambda d: (max(c.date for c in d.comments), d.path), reverse=True)
    return tuple(d.path for d in with_comments)


def _lastmod(site: Site, job: RenderJob) -> str:
    if kind_of(job).document:
        stamps = [site.docs[job.key].updated]
    else:
        stamps = [site.docs[p].updated for p in job.items or site.docs]
    return max(stamps, default=datetime(1970, 1, 1)).isoformat()


def _noindex(site: Site, job: RenderJob) -> bool:
    """A page its SEO plugin kept out of search engines stays out of the sitemap too."""
    doc = site.docs.get(job.key) if kind_of(job).document else None
    return doc is not None and doc.seo.noindex


def sitemap_jobs(jobs: list[RenderJob], site: Site, config: SiteConfig) -> list[RenderJob]:
    """The sitemap file(s) for the pages in `jobs` (pure; part of the plan)."""
    rows = tuple(
        (j.path, _lastmod(site, j))
        for j in jobs
        if kind_of(j).in_sitemap and j.page == 1 and not _noindex(site, j)
    )
    size = config.sitemap.max_urls
    deps = tuple(sorted(site.sources.values()))
    if len(rows) <= size:
        return [RenderJob(path="sitemap.xml", kind="sitemap", deps=deps, data=rows)]
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    parts = [
        RenderJob(path=f"sitemap-{n}.xml", kind="sitemap", deps=deps, data=chunk)
        for n, chunk in enumerate(chunks, 1)
    ]
    index = tuple((p.path, max(d for _, d in p.data)) for p in parts)
    return [RenderJob(path="sitemap.xml", kind="sitemap-index", deps=deps, data=index), *parts]


def plan_site(site: Site, config: SiteConfig) -> list[RenderJob]:
    """Every output of the build, sorted by output file (stable order = stable builds)."""
    jobs = _document_jobs(site) + list_jobs(site, config) + feed_jobs(site, config)
    latest = site.posts[:LATEST_ON_ERRORS]
    jobs += [
        RenderJob(path="category/", kind="terms", template="terms.html", key="category"),
        RenderJob(path="tag/", kind="terms", template="terms.html", key="tag"),
        # The newest stories, shown (as teasers) to a reader whose link led nowhere.
        RenderJob(path="404.html", kind="404", template="404.html", items=latest),
        RenderJob(path="410.html", kind="410", template="410.html", items=latest),
        RenderJob(path="robots.txt", kind="robots"),
        RenderJob(path="_redirects", kind="redirects", deps=tuple(sorted(site.sources.values()))),
        RenderJob(path="_headers", kind="headers", deps=tuple(sorted(site.sources.values()))),
    ]
    if ARCHIVE_INDEX not in site.docs:  # a WordPress page of that name keeps its address
        jobs.append(archive_index_job(site))
    if config.search_enabled:  # the index files themselves are written by build/orchestrator.py
        jobs.append(RenderJob(path="search/", kind="search", template="search.html"))
    if config.sitemap.enabled:
        jobs += sitemap_jobs(jobs, site, config)
    if config.output_root:
        jobs = [dataclasses.replace(j, root=config.output_root) for j in jobs]
    return sorted(jobs, key=lambda j: j.output)


def static_files(
    config: SiteConfig, theme_dirs: list[Path], problems: Problems
) -> list[StaticFile]:
    """Theme static files under assets/ (site theme over default), then the site's static/.

    A symbolic link is not copied (a warning says so): it may point anywhere on the machine,
    and the build would publish what it points to."""
    files: dict[str, StaticFile] = {}
    for theme_dir in reversed(theme_dirs):  # default first, so the site's theme wins
        root = theme_dir / "static"
        for rel, src in files_inside(root, _not_copied(root, config.site_dir, problems)):
            files[rel] = StaticFile(
                fingerprinted(f"assets/{rel}", src.read_bytes()),
                src,
                f"theme:{theme_dir.name}/static/{rel}",
                rel,
            )
    root = config.site_dir / "static"
    out = list(files.values())
    for rel, src in files_inside(root, _not_copied(root, config.site_dir, problems)):
        out.append(StaticFile(rel, src, src.relative_to(config.site_dir).as_posix()))
    return out


def fingerprinted(path: str, data: bytes) -> str:
    """`assets/style.css` -> `assets/style.<hash>.css`: a changed file gets a new name, so
    hosts and browsers may keep each name for a year (publish and _headers say immutable)."""
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, f".{ext}") if dot and stem else (name, "")
    return f"{folder}/{stem}.{digest(data)[:10]}{ext}"


def _not_copied(
    root: Path, site_dir: Path, problems: Problems
) -> Callable[[str, UnsafePath], None]:
    shown = root.relative_to(site_dir) if root.is_relative_to(site_dir) else root

    def warn(rel: str, why: UnsafePath) -> None:
        link = os.path.islink(root.joinpath(*rel.split("/")))
        problems.warn(
            f"not copied: {why}",
            (shown / rel).as_posix(),
            hint="put the file itself in the folder: a link may point anywhere on the machine"
            if link
            else "rename or remove the file: no web address can name it",
        )

    return warn
