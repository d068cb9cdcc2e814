"""sitemap.xml (an index of sitemap-N.xml past `max_urls` URLs) and robots.txt.

The sitemap lists every HTML page a reader lands on (posts, pages, page 1 of each list), with
lastmod = the newest `updated` date it shows, so a crawler re-fetches exactly what changed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from sitegen.build.plan import RenderJob
from sitegen.config import SiteConfig

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(job: RenderJob, base_url: str) -> bytes:
    tag, item = ("sitemapindex", "sitemap") if job.kind == "sitemap-index" else ("urlset", "url")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{tag} xmlns="{NS}">']
    for path, lastmod in job.data:
        lines.append(
            f"<{item}><loc>{escape(base_url + path)}</loc><lastmod>{lastmod}</lastmod></{item}>"
        )
    lines.append(f"</{tag}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_robots(config: SiteConfig) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if config.sitemap.enabled:
        lines.append(f"Sitemap: {config.base_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")
