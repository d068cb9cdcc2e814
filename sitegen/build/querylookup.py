"""WordPress's query URLs on a host with no server rules: `/?p=123`, `/?page_id=`, `/?cat=5`,
`/?tag=x`, `/?author=2`, `/?m=202403`, `/?s=x`, `/?feed=rss2`.

A static host answers every one of them with the home page (or 404.html). Both carry a small
inline script (themes/default/templates/_partials/wp_query.html) that reads the query and sends
the reader on with `location.replace`. What it needs to know is not in the page: it fetches one
small file under `wp-lookup/` only when a query is there, so the home page stays the same size
whether the site has ten posts or a million:

- `wp-lookup/id/<n>.json`: post and page ids `n*1000 … n*1000+999` -> path (WordPress's `?p=`
  takes a page's id too, as `?page_id=` does); 100,000 posts are 100 files of ~60 KB;
- `wp-lookup/cat.json`, `tag.json`, `author.json`: category id, tag slug (decoded), author
  id -> path.

`?m=`, `?s=` and `?feed=` need no table: the script builds their paths itself.
"""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import unquote

from sitegen.site.assemble import Site

LOOKUP_DIR = "wp-lookup/"
SHARD = 1000  # ids per file: the script asks for floor(id / SHARD)


def lookup_files(site: Site) -> dict[str, bytes]:
    """Output path -> bytes of every lookup file, each sorted for byte-stable builds."""
    shards: dict[int, dict[str, str]] = defaultdict(dict)
    for path, doc in site.docs.items():
        if doc.wp_id > 0:
            shards[doc.wp_id // SHARD][str(doc.wp_id)] = path
    files = {f"{LOOKUP_DIR}id/{n}.json": _json(ids) for n, ids in shards.items()}
    cats = {
        str(t.wp_id): site.term_path("category", slug)
        for slug, t in site.categories.items()
        if t.wp_id > 0 and slug in site.category_posts
    }
    # `?tag=हिंदी` arrives decoded (URLSearchParams), whatever spelling the link used.
    tags = {unquote(slug): site.term_path("tag", slug) for slug in site.tag_posts}
    authors = {
        str(a.wp_id): site.term_path("author", slug)
        for slug, a in site.authors.items()
        if a.wp_id > 0 and slug in site.author_posts
    }
    files[f"{LOOKUP_DIR}cat.json"] = _json(cats)
    files[f"{LOOKUP_DIR}tag.json"] = _json(tags)
    files[f"{LOOKUP_DIR}author.json"] = _json(authors)
    return dict(sorted(files.items()))


def _json(table: dict[str, str]) -> bytes:
    return json.dumps(table, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
