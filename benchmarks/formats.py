"""Write a generated corpus as WordPress REST JSON, as Hugo content and as Pelican content.

The REST JSON copies the shapes of a real WordPress 6.1 dump (fields, nesting, `_links`,
texturized titles, 100 posts a page, newest first); the Markdown for the two other generators
carries the same title, date, slug, author, terms, summary, featured image and body.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.textgen import excerpt, to_html, to_markdown

if TYPE_CHECKING:
    from benchmarks.generate import Corpus, Post, Term

PER_PAGE = 100


def _texturize_title(text: str) -> str:
    out = html.escape(text, quote=False)
    return out.replace("’", "&#8217;").replace("“", "&#8220;").replace("”", "&#8221;")


def _api(home: str, route: str) -> list[dict[str, str]]:
    return [{"href": f"{home}wp-json/wp/v2/{route}"}]


def _wp_time(value: Any) -> str:
    return str(value.strftime("%Y-%m-%dT%H:%M:%S"))


def _post_json(corpus: Corpus, post: Post) -> dict[str, Any]:
    home, link = corpus.home, corpus.home + post.path
    gmt = post.date.astimezone(UTC)
    blocks = list(post.blocks)
    return {
        "id": post.id,
        "date": _wp_time(post.date),
        "date_gmt": _wp_time(gmt),
        "guid": {"rendered": f"{home}?p={post.id}"},
        "modified": _wp_time(post.date),
        "modified_gmt": _wp_time(gmt),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": _texturize_title(post.title)},
        "content": {"rendered": to_html(blocks, home), "protected": False},
        "excerpt": {
            "rendered": f"<p>{_texturize_title(excerpt(blocks))} [&hellip;]</p>\n",
            "protected": False,
        },
        "author": post.author,
        "featured_media": post.featured_media,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": [],
        "categories": list(post.categories),
        "tags": list(post.tags),
        "_links": {
            "self": _api(home, f"posts/{post.id}"),
            "collection": _api(home, "posts"),
            "author": [{"embeddable": True, "href": f"{home}wp-json/wp/v2/users/{post.author}"}],
            "wp:term": [
                {
                    "taxonomy": "category",
                    "embeddable": True,
                    "href": f"{home}wp-json/wp/v2/categories?post={post.id}",
                },
                {
                    "taxonomy": "post_tag",
                    "embeddable": True,
                    "href": f"{home}wp-json/wp/v2/tags?post={post.id}",
                },
            ],
        },
    }


def _term_json(corpus: Corpus, term: Term, taxonomy: str, count: int) -> dict[str, Any]:
    by_id = {c.id: c for c in corpus.categories}
    if taxonomy == "category":
        base = f"category/{by_id[term.parent].slug}/" if term.parent else "category/"
        route = "categories"
    else:
        base, route = "tag/", "tags"
    item: dict[str, Any] = {
        "id": term.id,
        "count": count,
        "description": "",
        "link": f"{corpus.home}{base}{term.slug}/",
        "name": html.escape(term.name, quote=False),
        "slug": term.slug,
        "taxonomy": taxonomy,
    }
    if taxonomy == "category":
        item["parent"] = term.parent
    item["meta"] = []
    item["_links"] = {"self": _api(corpus.home, f"{route}/{term.id}")}
    return item


def _media_json(corpus: Corpus, post: Post) -> dict[str, Any]:
    name = f"featured-{post.featured_media}"
    folder = f"{post.date:%Y/%m}"
    url = f"{corpus.home}wp-content/uploads/{folder}/{name}.jpg"
    return {
        "id": post.featured_media,
        "date": _wp_time(post.date),
        "date_gmt": _wp_time(post.date.astimezone(UTC)),
        "guid": {"rendered": url},
        "slug": name,
        "status": "inherit",
        "type": "attachment",
        "link": f"{corpus.home}{post.path}{name}/",
        "title": {"rendered": f"Featured {post.id}"},
        "author": post.author,
        "caption": {"rendered": ""},
        "alt_text": post.title,
        "media_type": "image",
        "mime_type": "image/jpeg",
        "media_details": {
            "width": 1200,
            "height": 675,
            "file": f"{folder}/{name}.jpg",
            "sizes": {},
        },
        "post": post.id,
        "source_url": url,
    }


def featured_url(corpus: Corpus, post: Post) -> str:
    return f"{corpus.home}wp-content/uploads/{post.date:%Y/%m}/featured-{post.featured_media}.jpg"


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def write_wp(corpus: Corpus, out: Path) -> None:
    """WordPress REST JSON, as `GET /wp-json/wp/v2/posts?per_page=100&page=K` would return it."""
    out.mkdir(parents=True, exist_ok=True)
    newest_first = sorted(corpus.posts, key=lambda p: p.date, reverse=True)
    pages = [newest_first[i : i + PER_PAGE] for i in range(0, len(newest_first), PER_PAGE)]
    total, headers = len(newest_first), ["# URL\tstatus\tX-WP-Total\tX-WP-TotalPages"]
    for k, page in enumerate(pages, 1):
        _dump(out / f"posts-page-{k}.json", [_post_json(corpus, p) for p in page])
        headers.append(
            f"{corpus.home}wp-json/wp/v2/posts?per_page={PER_PAGE}&page={k}\t200\t"
            f"{total}\t{len(pages)}"
        )
    cat_count = Counter(c for p in corpus.posts for c in p.categories)
    tag_count = Counter(t for p in corpus.posts for t in p.tags)
    _dump(
        out / "categories.json",
        [_term_json(corpus, c, "category", cat_count[c.id]) for c in corpus.categories],
    )
    _dump(
        out / "tags.json", [_term_json(corpus, t, "post_tag", tag_count[t.id]) for t in corpus.tags]
    )
    _dump(
        out / "users.json",
        [
            {
                "id": a.id,
                "name": a.name,
                "url": "",
                "description": f"{a.name} reports for the news desk.",
                "link": f"{corpus.home}author/{a.slug}/",
                "slug": a.slug,
                "avatar_urls": {},
                "meta": [],
                "_links": {"self": _api(corpus.home, f"users/{a.id}")},
            }
            for a in corpus.authors
        ],
    )
    _dump(out / "media.json", [_media_json(corpus, p) for p in corpus.posts if p.featured_media])
    _dump(out / "pages.json", [])
    _dump(
        out / "index.json",
        {
            "name": "Synthetic News",
            "description": "A generated news site for benchmarks",
            "url": corpus.home.rstrip("/"),
            "home": corpus.home.rstrip("/"),
            "gmt_offset": 5.5,
            "timezone_string": "Asia/Kolkata",
            "namespaces": ["wp/v2"],
            "authentication": [],
            "routes": {},
        },
    )
    (out / "headers.txt").write_text("\n".join(headers) + "\n", encoding="utf-8")


def _names(terms: tuple[Term, ...], ids: tuple[int, ...]) -> list[str]:
    by_id = {t.id: t.name for t in terms}
    return [by_id[i] for i in ids]


def write_hugo(corpus: Corpus, out: Path) -> None:
    """Hugo content: YAML front matter (JSON strings are valid YAML), terms by name."""
    authors = {a.id: a.name for a in corpus.authors}
    for post in corpus.posts:
        body = to_markdown(list(post.blocks))
        lines = [
            "---",
            f"title: {json.dumps(post.title, ensure_ascii=False)}",
            f"date: {post.date.isoformat()}",
            f"slug: {post.slug}",
            f"category: {json.dumps(_names(corpus.categories, post.categories))}",
            f"tag: {json.dumps(_names(corpus.tags, post.tags))}",
            f"author: {json.dumps([authors[post.author]])}",
            f"summary: {json.dumps(excerpt(list(post.blocks)) + ' […]', ensure_ascii=False)}",
        ]
        if post.featured_media:
            lines.append(f"images: [{json.dumps(featured_url(corpus, post))}]")
        path = out / "content" / "posts" / f"{post.date:%Y/%m}" / f"{post.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([*lines, "---", "", body]), encoding="utf-8")


def write_pelican(corpus: Corpus, out: Path) -> None:
    """Pelican content: `Key: value` metadata. Pelican allows one category: the first is used."""
    authors = {a.id: a.name for a in corpus.authors}
    for post in corpus.posts:
        body = to_markdown(list(post.blocks))
        lines = [
            f"Title: {post.title}",
            f"Date: {post.date.isoformat()}",
            f"Slug: {post.slug}",
            f"Category: {_names(corpus.categories, post.categories)[0]}",
            f"Tags: {', '.join(_names(corpus.tags, post.tags))}",
            f"Author: {authors[post.author]}",
            f"Summary: {excerpt(list(post.blocks))} […]",
        ]
        if post.featured_media:
            lines.append(f"Image: {featured_url(corpus, post)}")
        path = out / "content" / f"{post.date:%Y/%m}" / f"{post.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([*lines, "", body]), encoding="utf-8")


WRITERS: dict[str, Callable[[Corpus, Path], None]] = {
    "wp": write_wp,
    "hugo": write_hugo,
    "pelican": write_pelican,
}
