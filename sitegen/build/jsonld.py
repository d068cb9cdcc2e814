"""schema.org structured data for a post page: one `NewsArticle`, as JSON safe inside <script>."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.site.views import PostView, Views


def news_article(post: PostView, config: SiteConfig, views: Views) -> Markup:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title[:110],  # Google shows at most 110 characters
        "description": post.summary,
        "datePublished": post.date_iso,
        "dateModified": post.updated_iso,
        "mainEntityOfPage": post.abs_url,
        "url": post.abs_url,
        "inLanguage": config.language,
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
    }
    if post.author:
        data["author"] = {
            "@type": "Person",
            "name": post.author.name,
            "url": views.abs_media(post.author.url),
        }
    if post.image:
        data["image"] = [views.abs_media(post.image.url)]
    if post.categories:
        data["articleSection"] = [c.name for c in post.categories]
    if post.tags:
        data["keywords"] = [t.name for t in post.tags]
    if post.comment_count:
        data["commentCount"] = post.comment_count
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # "</script>" (or "<!--") inside a title must not end or bend the script element.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
