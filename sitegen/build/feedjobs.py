"""Feed RenderJobs -> bytes, through `sitegen.feeds` (RSS 2.0, Atom 1.0, JSON Feed 1.1).

The feed writers live in `sitegen.feeds`; this module only maps the site onto their FeedMeta
and FeedItem records: absolute URLs everywhere, the original guid kept as the item id (so feed
readers do not show every article again after the move), items newest first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from sitegen import feeds
from sitegen.build.plan import RenderJob
from sitegen.config import SiteConfig
from sitegen.feeds import formats
from sitegen.markdown import render_markdown
from sitegen.site.assemble import Site
from sitegen.site.views import Views, plain_text
from sitegen.urls import prefix_root_links

GENERATOR = "sitegen"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _meta(
    job: RenderJob, site: Site, config: SiteConfig, items: list[feeds.FeedItem]
) -> feeds.FeedMeta:
    kind = job.kind.removeprefix("feed-")
    base = "" if kind == "home" else site.term_path(kind, job.key)
    title = config.title
    if kind in ("category", "tag"):
        terms = site.categories if kind == "category" else site.tags
        title = f"{config.title} – {terms[job.key].name}"
    elif kind == "author":
        title = f"{config.title} – {site.authors[job.key].name}"
    feed_dir = job.path.rsplit("/", 1)[0] + "/"
    return feeds.FeedMeta(
        title=title,
        subtitle=config.description,
        home_url=config.base_url + base,
        feed_url=config.base_url + feed_dir,
        language=config.language,
        updated=feeds.newest_update(items, EPOCH),
        generator=GENERATOR,
    )


def _item(path: str, site: Site, config: SiteConfig, views: Views) -> feeds.FeedItem:
    doc, post = site.docs[path], views.post(path)
    # Resolved against the post's own URL, not the site's: a footnote link `#fn1` must lead to
    # the post, not to the home page.
    html = str(post.content) if config.feeds.full_text else ""
    if html and config.base_path != (at := urlsplit(config.base_url).path or "/"):
        # No mirror URL set: links start at "/" but absolute URLs name WordPress's home under
        # its own path (/web/); a link must get that path too, like the item's own URL.
        html = prefix_root_links(html, at)
    content = feeds.absolutize_html(html, post.abs_url) if html else ""
    image_url = views.abs_media(post.image.url) if post.image else ""
    return feeds.FeedItem(
        title=doc.title,
        url=post.abs_url,
        guid=doc.guid or post.abs_url,
        content_html=content,
        # The post's own excerpt first (what WordPress's feeds show); then what its SEO plugin
        # wrote to describe it; only then the start of the body.
        summary=doc.summary or doc.seo.description or post.summary,
        author=post.author.name if post.author else "",
        categories=tuple(t.name for t in post.categories + post.tags),
        published=doc.date,
        updated=doc.updated,
        image_url=image_url,  # its MIME type comes from the writers' fixed table, not the OS's
    )


def _comment_items(
    job: RenderJob, site: Site, config: SiteConfig, views: Views
) -> list[feeds.FeedItem]:
    """A comment feed's items, newest first, as WordPress writes them: titled "By: name" in a
    post's feed and "Comment on <post> by name" in the site's, linked and identified by the
    post's URL and guid with `#comment-<id>`."""
    site_wide = job.kind == "feed-comments"
    rows = []
    for path in job.items:
        doc = site.docs[path]
        post_url = views.post(path).abs_url
        for c in doc.comments:
            rows.append((c, doc, post_url))
    rows.sort(key=lambda r: (r[0].date, r[0].id), reverse=True)
    items = []
    for c, doc, post_url in rows[: config.feeds.items]:
        html = prefix_root_links(render_markdown(c.body), config.base_path)
        content = feeds.absolutize_html(html, post_url)
        items.append(
            feeds.FeedItem(
                title=f"Comment on {doc.title} by {c.author}" if site_wide else f"By: {c.author}",
                url=f"{post_url}#comment-{c.id}",
                guid=f"{doc.guid or post_url}#comment-{c.id}",
                content_html=content if config.feeds.full_text else "",
                summary=plain_text(content, words=len(content)),  # the whole text, as WordPress
                author=c.author,
                categories=(),
                published=c.date,
                updated=c.date,
                guid_is_permalink=False,
            )
        )
    return items


def _comment_meta(
    job: RenderJob, site: Site, config: SiteConfig, items: list[feeds.FeedItem]
) -> feeds.FeedMeta:
    empty = EPOCH
    if job.kind == "feed-comments":
        title, home = f"Comments for {config.title}", config.base_url
    else:
        title = f"Comments on: {site.docs[job.key].title}"
        home = config.base_url + job.key
        # A post nobody commented on: its own date, never the build's (byte-stable builds).
        empty = site.docs[job.key].updated
    return feeds.FeedMeta(
        title=title,
        subtitle=config.description,
        home_url=home,
        feed_url=config.base_url + job.path.rsplit("/", 1)[0] + "/",
        language=config.language,
        updated=feeds.newest_update(items, empty),
        generator=GENERATOR,
    )


def render_feed(
    job: RenderJob,
    site: Site,
    config: SiteConfig,
    views: Views,
    memo: dict[str, feeds.FeedItem] | None = None,
) -> bytes:
    """The bytes of one feed. `memo` keeps each post's item for the build: a post is in the
    site feed and in the feeds of its categories, tags and author, in RSS and Atom, and making
    its HTML absolute is the expensive part."""
    memo = {} if memo is None else memo
    fmt = formats.format_of(job.path)
    if fmt is None:  # the plan makes feed jobs only at a format's file
        raise ValueError(f"no feed format is published at {job.path}")
    if job.kind in ("feed-comments", "feed-post"):
        items = _comment_items(job, site, config, views)
        return fmt.writer(_comment_meta(job, site, config, items), items)
    items = []
    for path in job.items:
        if path not in memo:
            memo[path] = _item(path, site, config, views)
        items.append(memo[path])
    return fmt.writer(_meta(job, site, config, items), items)
