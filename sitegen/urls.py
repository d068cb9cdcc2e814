"""URL paths of the mirror: WordPress's own scheme, and where each URL lives on disk.

A *path* here is relative to the site root, has no leading slash and ends in "/" for pages
("2023/09/01/slug/", "category/5g/page/2/", "" for the home) or names a file ("sitemap.xml").
Paths stay percent-encoded exactly as WordPress published them; links are written that way.

Files on disk use the *decoded* UTF-8 name (`%e0%a4%b9/` is written as `ह/`): every static
server we target (Python's http.server, nginx, Netlify, S3 website hosting) percent-decodes the
request path before looking up the file or key, so an encoded directory name would never be found.
tests/build/test_build_urls.py proves both halves against a real server. Which file serves a path is
decided by `sitegen.safepath.output_file`, which refuses a path that would lead elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ROOT_LINK = re.compile(r'(\s(?:href|src|poster)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def page_path(base: str, number: int) -> str:
    """WordPress pagination: page 1 is the list itself, page N is `<base>page/N/`."""
    return base if number <= 1 else f"{base}page/{number}/"


def date_path(year: int, month: int = 0, day: int = 0) -> str:
    parts = [f"{year:04d}"] + [f"{v:02d}" for v in (month, day) if v]
    return "/".join(parts) + "/"


def href(base_path: str, path: str) -> str:
    """Root-relative link to `path` under the site's base path ("/web/" + "2023/")."""
    return base_path + path


def absolute(base_url: str, path: str) -> str:
    return base_url + path


def prefix_root_links(html: str, base_path: str) -> str:
    """Give root-relative links in a rendered body the base path prefix.

    Content links are written relative to the site home (docs/content-format.md); when the
    mirror lives under /web/, `/2023/` must become `/web/2023/`.
    """
    if base_path == "/":
        return html
    html = _ROOT_LINK.sub(lambda m: m.group(1) + base_path, html)

    def fix_srcset(match: re.Match[str]) -> str:
        items = [item.strip() for item in match.group(2).split(",")]
        fixed = [
            base_path + i[1:] if i.startswith("/") and not i.startswith("//") else i for i in items
        ]
        return match.group(1) + ", ".join(fixed) + match.group(3)

    return _SRCSET.sub(fix_srcset, html)


_MEDIA_ATTR = re.compile(r'(\s(?:href|src|poster)=")([^"]+)(")')


def localize_media(html: str, home: str, local: Callable[[str], str]) -> str:
    """Point URLs on the original WordPress host at the mirror's own copy where it has one.

    `local(url)` returns the mirror's URL for a file it holds (images mirrored under the site's
    `static/`), else the URL unchanged; srcset candidates are mapped one by one.
    """
    if not home or home not in html:
        return html
    html = _MEDIA_ATTR.sub(lambda m: m.group(1) + local(m.group(2)) + m.group(3), html)

    def fix_srcset(match: re.Match[str]) -> str:
        items = []
        for item in match.group(2).split(","):
            url, _, descriptor = item.strip().partition(" ")
            items.append(f"{local(url)} {descriptor}".strip())
        return match.group(1) + ", ".join(items) + match.group(3)

    return _SRCSET.sub(fix_srcset, html)
