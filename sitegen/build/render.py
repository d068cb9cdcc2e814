"""RenderJob -> bytes: the Jinja environment (site theme -> default fallback) and page contexts.

A site's `themes/<name>/templates/` overrides any template of the default theme, one template
at a time (ChoiceLoader); `{% extends "default/post.html" %}` reaches the default theme's version
of the template being replaced (Pelican's `!simple`). StrictUndefined: a typo in a template is an
error naming the template and line, not an empty string on 3,000 pages.
"""

from __future__ import annotations

import calendar
import hashlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from sitegen import speedups
from sitegen.build.feedjobs import render_feed
from sitegen.build.jsonld import news_article
from sitegen.build.kinds import kind_of
from sitegen.build.plan import ARCHIVE_INDEX, COMMENTS_BASE, RenderJob, commented_posts
from sitegen.build.redirects import render_headers, render_redirects
from sitegen.build.sitemap import render_robots, render_sitemap
from sitegen.config import SiteConfig
from sitegen.errors import SitegenError
from sitegen.feeds import FeedItem
from sitegen.feeds import formats as feed_formats
from sitegen.site.assemble import Site, neighbours, related_posts
from sitegen.site.front import Front, front_page
from sitegen.site.views import Link, Views


def default_theme(package: Path) -> Path:
    """The default theme's folder: `sitegen/themes/default/` inside the installed package (a
    wheel carries it there), else `themes/default/` beside the package folder, where the
    repository keeps it (an editable install or a source checkout)."""
    candidates = [package / "themes" / "default", package.parent / "themes" / "default"]
    return next((c for c in candidates if (c / "templates").is_dir()), candidates[0])


# Jinja's FileSystemLoader, the build's hashing and serve's watcher need real files, so the
# package's own folder it is (what importlib.resources would give for a package installed as
# files, without its few milliseconds of imports on every command).
DEFAULT_THEME = default_theme(Path(__file__).resolve().parent.parent)  # sitegen/
FEED_LINKS = tuple(f for f in feed_formats.FORMATS if f.in_head)


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The theme folders to search, most specific first."""
    own = config.site_dir / "themes" / config.theme
    return [own, DEFAULT_THEME] if own.is_dir() else [DEFAULT_THEME]


_ENVS: dict[tuple[tuple[Path, ...], tuple[str, ...]], jinja2.Environment] = {}


def make_env(dirs: list[Path]) -> jinja2.Environment:
    """The theme's Jinja environment; the last one again if every template file is as it was
    (serve: compiling the templates anew was a sixth of a rebuild). Keyed by the files' bytes,
    not Jinja's mtime check, which misses a save within the clock's resolution."""
    key = (tuple(dirs), _template_files(dirs))
    env = _ENVS.get(key)
    if env is None:
        _ENVS.clear()
        env = _ENVS[key] = _new_env(dirs)
    return env


def _template_files(dirs: list[Path]) -> tuple[str, ...]:
    roots = [DEFAULT_THEME / "templates", *(d / "templates" for d in dirs)]
    return tuple(
        f"{p}\0{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for root in roots
        if root.is_dir()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    )


def _new_env(dirs: list[Path]) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(DEFAULT_THEME / "templates")}),
            *(jinja2.FileSystemLoader(d / "templates") for d in dirs),
        ]
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class PageMeta:
    """What the <head> needs: title, canonical URL, feeds, social cards, structured data."""

    title: str
    description: str
    canonical: str
    kind: str
    feeds: tuple[Link, ...] = ()
    og_type: str = "website"
    image: str = ""
    json_ld: str = ""  # JSON text, already safe inside <script> (see _json_ld)
    noindex: bool = False
    head_title: str = ""  # the whole <title> an SEO plugin chose; "" for "title – site"


def template_location(exc: BaseException, dirs: list[Path]) -> str:
    """`themes/default/templates/post.html:12` for the innermost template frame of `exc`."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return f"{_short(exc.filename, dirs)}:{exc.lineno}"
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.endswith((".html", ".xml", ".txt")) and "/templates/" in f.filename
    ]
    return f"{_short(frames[-1].filename, dirs)}:{frames[-1].lineno}" if frames else ""


def _short(filename: str, dirs: list[Path]) -> str:
    for d in dirs:
        try:
            return Path(filename).resolve().relative_to(d.parent.parent).as_posix()
        except ValueError:
            continue
    return filename


def _undecodable(dirs: list[Path]) -> str:
    """The first template file that is not UTF-8 (Jinja's error does not name it), or ""."""
    for d in dirs:
        for path in sorted((d / "templates").rglob("*")):
            try:
                if path.is_file():
                    path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                return _short(str(path), dirs)
    return ""


class Renderer:
    """Renders any RenderJob of one build; holds the Jinja environment and the views."""

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        bodies: Mapping[str, str],
        local_files: set[str],
        assets: Mapping[str, str] | None = None,
    ) -> None:
        self.site, self.config = site, config
        self.dirs = theme_dirs(config)
        self.env = make_env(self.dirs)
        # Theme assets by name -> their fingerprinted output path (`style.css` ->
        # `assets/style.<hash>.css`); templates link them through `asset("style.css")` only.
        self.assets = dict(sorted((assets or {}).items()))
        self.env.globals["asset"] = self.asset_url
        speedups.memoize_macro(self.env, "_partials/card.html", "card")
        self.views = Views(site, config, bodies, local_files)
        self.commented = set(commented_posts(site)) if config.comments_enabled else set()
        self.common = {"site": self._site_context()}
        self._feed_items: dict[str, FeedItem] = {}  # post path -> its feed item, for this build

    def _site_context(self) -> dict[str, Any]:
        c = self.config
        return {
            "title": c.title,
            "description": c.description,
            "language": c.language,
            "base_url": c.base_url,
            "base_path": c.base_path,
            "home_url": c.base_path,
            "assets": c.base_path + "assets/",
            "asset_paths": self.assets,  # in the site fingerprint: a new hash re-renders pages
            "search_enabled": c.search_enabled,
            "nav": self.views.nav(),
            "pages": self.views.pages(),
            "feed_url": c.base_path + feed_formats.RSS.url,
            # "" on a site without comments; part of what every page may show (its head).
            "comments_feed_url": c.base_path + COMMENTS_BASE + feed_formats.RSS.url
            if self.commented
            else "",
            "original_home": self.site.info.home,
        }

    def asset_url(self, name: str) -> str:
        """The URL of theme asset `name` (its fingerprinted file); an unknown name keeps its
        plain path, which the link check then reports as broken."""
        return self.config.base_path + self.assets.get(name, f"assets/{name}")

    def render(self, job: RenderJob) -> bytes:
        """The bytes of one output; SitegenError (naming the template line) on template errors."""
        return kind_of(job).produce(self, job)

    def feed(self, job: RenderJob) -> bytes:
        return render_feed(job, self.site, self.config, self.views, self._feed_items)

    def sitemap(self, job: RenderJob) -> bytes:
        return render_sitemap(job, self.config.base_url)

    def robots(self) -> bytes:
        return render_robots(self.config)

    def redirects(self) -> bytes:
        return render_redirects(self.site, self.config)

    def headers(self) -> bytes:
        return render_headers(self.site, self.config, self.assets.values())

    def page(self, job: RenderJob) -> bytes:
        """A page from its theme template and the context its kind gets."""
        try:
            template = self.env.get_template(job.template)
            return template.render(**self.common, **self.context(job)).encode("utf-8")
        except jinja2.TemplateError as exc:
            # TemplateNotFound's message is the bare name ("template: _nope.html"): say what.
            missing = isinstance(exc, jinja2.TemplateNotFound)
            raise SitegenError(
                f"template: {'no template named ' if missing else ''}{exc.message or exc}",
                template_location(exc, self.dirs),
                "fix the template; `sitegen build` names every broken one",
            ) from None
        except UnicodeDecodeError as exc:  # a template saved as Latin-1 (was a traceback)
            where = _undecodable(self.dirs)
            if not where:
                raise  # not a template file: a bug in sitegen, keep the traceback
            raise SitegenError(
                f"template: not UTF-8 text ({exc.reason} at byte {exc.start})",
                where,
                "save the template as UTF-8",
            ) from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            where = template_location(exc, self.dirs)
            if not where:
                raise  # not in a template: a bug in sitegen, keep the traceback
            raise SitegenError(f"template: {type(exc).__name__}: {exc}", where) from None

    def context(self, job: RenderJob) -> dict[str, Any]:
        if kind_of(job).document:
            return self._post_context(job)
        if job.kind in ("home", "category", "tag", "author", "archive"):
            return self._list_context(job)
        if job.kind == "terms":
            terms = self.views.categories() if job.key == "category" else self.views.tags()
            name = "Categories" if job.key == "category" else "Tags"
            return {
                "page": self._meta(job, name, f"All {name.lower()} of the archive"),
                "taxonomy": job.key,
                "terms": terms,
            }
        if job.kind == "archive-index":
            return {
                "page": self._meta(job, "Archives", "Every year and month of the archive"),
                "years": self.views.archive_index(),
            }
        if job.kind == "search":
            return {"page": self._meta(job, "Search", "Search the archive", noindex=True)}
        title = "Page not found" if job.kind == "404" else "This article was removed"
        # The newest stories as teasers: a reader who lost the way finds today's news (these
        # pages are rendered on every build, so they are never stale).
        latest = [self.views.teaser(p) for p in job.items]
        return {"page": self._meta(job, title, title, noindex=True), "latest": latest}

    def _meta(self, job: RenderJob, title: str, description: str, **extra: Any) -> PageMeta:
        on = [f for f in FEED_LINKS if f.name in self.config.feeds.formats]
        root = self.config.base_path
        feeds = [Link(f"{self.config.title} {f.label}", root + f.url, rel=f.mime) for f in on]
        if job.kind in ("category", "tag", "author") and self.config.feeds.taxonomies:
            base = self.site.term_path(job.kind, job.key)
            feeds += [
                Link(f"{title} {f.label}", root + base + f.url, rel=f.mime)
                for f in on
                if job.kind in f.kinds
            ]
        if self.commented:  # WordPress advertises its comment feeds too
            comment_feeds = [f for f in on if "comments" in f.kinds]
            feeds += [
                Link(
                    f"{self.config.title} Comments {f.label}",
                    root + COMMENTS_BASE + f.url,
                    rel=f.mime,
                )
                for f in comment_feeds
            ]
            if kind_of(job).document and job.key in self.commented:
                feeds += [
                    Link(f"{title} Comments {f.label}", root + job.key + f.url, rel=f.mime)
                    for f in comment_feeds
                ]
        canonical = self.config.base_url + job.path if job.kind not in ("404", "410") else ""
        return PageMeta(
            title=title,
            description=description,
            canonical=canonical,
            kind=job.kind,
            feeds=tuple(feeds),
            **extra,
        )

    def _post_context(self, job: RenderJob) -> dict[str, Any]:
        post = self.views.post(job.key)
        seo = self.site.docs[job.key].seo
        meta = self._meta(
            job,
            post.title,
            seo.description or post.summary,
            og_type="article",
            image=self.views.abs_media(post.image.url) if post.image else "",
            json_ld=news_article(post, self.config, self.views) if post.type == "post" else "",
            noindex=seo.noindex,
            head_title=seo.title,
        )
        if seo.canonical:  # a path of this site, or another site's page this one copies
            canonical = seo.canonical
            if canonical.startswith("/"):
                canonical = self.config.base_url + canonical.lstrip("/")
            meta = replace(meta, canonical=canonical)
        ctx: dict[str, Any] = {
            "page": meta,
            "post": post,
            "previous": None,
            "next": None,
            "related": [],
            "breadcrumbs": [],
        }
        if post.type == "post":
            older, newer = neighbours(self.site, job.key)
            # Teasers: no content, so this page depends on their front matter only.
            ctx["previous"] = self.views.teaser(older) if older else None
            ctx["next"] = self.views.teaser(newer) if newer else None
            ctx["related"] = [self.views.teaser(p) for p in related_posts(self.site, job.key)]
        return ctx

    def _list_context(self, job: RenderJob) -> dict[str, Any]:
        title, description, extra = self._list_heading(job)
        if job.page > 1:
            title = f"{title} – Page {job.page} of {job.pages}"
        base = job.path if job.page == 1 else job.path.rsplit("page/", 1)[0]

        def page_url(n: int) -> str:
            return self.config.base_path + (base if n == 1 else f"{base}page/{n}/")

        pagination = {
            "page": job.page,
            "pages": job.pages,
            "previous_url": page_url(job.page - 1) if job.page > 1 else "",
            "next_url": page_url(job.page + 1) if job.page < job.pages else "",
            # Numbered links: first, last and the pages around this one; 0 marks a gap.
            "numbers": [(n, page_url(n) if n else "") for n in page_numbers(job.page, job.pages)],
        }
        posts = job.items
        if job.kind == "home" and job.page == 1:
            front = front_page(self.site, self.config.front, self.config.posts_per_page)
            extra["front"] = self._front_context(front)
            posts = (front.lead, *front.secondary, *front.latest) if front.lead else ()
        return {
            "page": self._meta(job, title, description),
            "posts": self.views.posts(posts),
            "pagination": pagination,
            **extra,
        }

    def _front_context(self, front: Front) -> dict[str, Any]:
        """The front page's hierarchy as views (themes/default/README.md, index.html)."""
        views = self.views
        return {
            "lead": views.post(front.lead) if front.lead else None,
            "secondary": views.posts(front.secondary),
            "latest": views.posts(front.latest),
            "sections": [
                {"section": views.term("category", self.site.categories[slug]),
                 "posts": views.posts(posts)}
                for slug, posts in front.sections
            ],
        }  # fmt: skip

    def _list_heading(self, job: RenderJob) -> tuple[str, str, dict[str, Any]]:
        """(title, description, extra context) of a list page."""
        if job.kind == "home":
            return self.config.title or "Home", self.config.description, {}
        if job.kind in ("category", "tag"):
            return self._term_heading(job.kind, job.key)
        if job.kind == "author":
            author = self.site.authors[job.key]
            return (
                author.name,
                author.description or f"Articles by {author.name}",
                {"author": self.views.author(job.key), "author_description": author.description},
            )
        label = archive_label(job.key)
        parts = job.key.strip("/").split("/")
        crumbs = [Link("Archives", self.views.url(ARCHIVE_INDEX))] + [
            Link(
                archive_label("/".join(parts[:n]) + "/"), self.views.url("/".join(parts[:n]) + "/")
            )
            for n in range(1, len(parts) + 1)
        ]
        return label, f"Articles published in {label}", {"archive": label, "breadcrumbs": crumbs}

    def _term_heading(self, kind: str, slug: str) -> tuple[str, str, dict[str, Any]]:
        site, views = self.site, self.views
        term = site.categories[slug] if kind == "category" else site.tags[slug]
        crumbs, children = [], []
        if kind == "category":
            crumbs = [views.term("category", t) for t in site.category_chain(slug)]
            children = [
                views.term("category", t)
                for t in site.category_children(slug)
                if t.slug in site.category_posts and t.slug != slug
            ]
        filed = "filed under" if kind == "category" else "tagged"
        extra = {
            "term": views.term(kind, term),
            "taxonomy": kind,
            "breadcrumbs": crumbs or [Link("Tags", self.views.url("tag/")), views.term(kind, term)],
            "children": children,
            "term_description": term.description,
        }
        return term.name, term.description or f"Articles {filed} {term.name}", extra


def page_numbers(page: int, pages: int, around: int = 2) -> list[int]:
    """[1, 0, 4, 5, 6, 7, 8, 0, 12] for page 6 of 12: first, last, `around` either side of
    this page, 0 for each gap (a gap of one page shows that page instead)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    out: list[int] = []
    for n in shown:
        if out and n - out[-1] == 2:
            out.append(n - 1)
        elif out and n - out[-1] > 2:
            out.append(0)
        out.append(n)
    return out


def archive_label(key: str) -> str:
    """ "2023/09/01/" -> "September 1, 2023"; "2023/09/" -> "September 2023"; "2023/" -> "2023"."""
    parts = [int(p) for p in key.strip("/").split("/")]
    if len(parts) == 1:
        return str(parts[0])
    month = calendar.month_name[parts[1]]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{month} {parts[2]}, {parts[0]}"
