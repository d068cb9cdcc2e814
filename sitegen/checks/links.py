"""Offline internal-link checker: every href/src/srcset/poster of every page must resolve.

A link resolves when the file exists (a URL ending in "/" means its index.html), when a `200`
rewrite of `_redirects` maps it to a file (feeds: /feed/ -> /feed/index.xml), or when it is the
source of a redirect (old WordPress URLs are valid link targets); a `#fragment` must name an id
in the target page. Links outside the site's base path, other hosts and other schemes are not
this checker's business (an offline build cannot know them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.checks.files import as_files
from sitegen.errors import Problem

LINK_ATTRS = {"href", "src", "poster", "srcset"}
SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "sms:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is None:
                continue
            if key == "id" or (tag == "a" and key == "name"):
                self.ids.add(value)
            elif key == "srcset":
                line = self.getpos()[0]
                self.links += [(line, c.split()[0]) for c in value.split(",") if c.strip()]
            elif key in LINK_ATTRS and not (tag == "link" and key == "href" and _is_meta(attrs)):
                self.links.append((self.getpos()[0], value.strip()))


def _is_meta(attrs: list[tuple[str, str | None]]) -> bool:
    """<link rel=canonical> points at the public URL, which an offline check cannot see."""
    rel = dict(attrs).get("rel") or ""
    return rel in ("canonical",)


def _parse(data: bytes) -> _Collector:
    collector = _Collector()
    collector.feed(data.decode("utf-8", errors="replace"))
    collector.close()
    return collector


Rewrite = tuple[re.Pattern[str], str]


def redirect_rules(files: Mapping[str, bytes], base_path: str) -> tuple[list[Rewrite], set[str]]:
    """(200 rewrites over site-relative paths, redirect sources) read from `_redirects`."""
    rewrites: list[Rewrite] = []
    sources: set[str] = set()
    if "_redirects" not in files:
        return rewrites, sources
    for line in files["_redirects"].decode("utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0].startswith("#") or not parts[0].startswith(base_path):
            continue
        src, dest = parts[0][len(base_path) :], parts[1][len(base_path) :]
        if parts[2] == "200":
            pattern = re.sub(r":([a-z]+)", r"(?P<\1>[^/]+)", re.escape(src).replace("\\:", ":"))
            rewrites.append((re.compile(f"^{pattern}$"), dest))
        else:
            sources.add(src)
    return rewrites, sources


def _fill(dest: str, values: dict[str, str]) -> str:
    return re.sub(r":([a-z]+)", lambda m: values[m.group(1)], dest)


def _rewrite(rel: str, rewrites: list[Rewrite]) -> str | None:
    for pattern, dest in rewrites:
        found = pattern.match(rel)
        if found:
            return _fill(dest, found.groupdict())
    return None


def _target_file(rel: str, files: Mapping[str, bytes]) -> str | None:
    decoded = unquote(rel)
    for candidate in (
        decoded + "index.html" if decoded.endswith("/") or not decoded else decoded,
        decoded + "/index.html",
    ):
        if candidate in files:
            return candidate
    return None


def check_links(site: Path | Mapping[str, bytes], base_path: str = "/") -> list[Problem]:
    """Broken internal links of a built site, one Problem per link, in file order."""
    files = as_files(site)
    rewrites, sources = redirect_rules(files, base_path)
    parsed: dict[str, _Collector] = {}
    problems = []
    for page in (name for name in files if name.endswith(".html")):
        info = parsed.setdefault(page, _parse(files[page]))
        page_url = base_path + (page.removesuffix("index.html"))
        for line, link in info.links:
            problem = _check_one(link, page_url, base_path, files, parsed, rewrites, sources)
            if problem:
                problems.append(
                    Problem(f"broken link {link} ({problem})", f"{page}:{line}", warning=True)
                )
    return problems


def _check_one(
    link: str,
    page_url: str,
    base_path: str,
    files: Mapping[str, bytes],
    parsed: dict[str, _Collector],
    rewrites: list[Rewrite],
    sources: set[str],
) -> str:
    if not link or link.startswith(SKIP_SCHEMES) or urlsplit(link).netloc or link.startswith("//"):
        return ""
    url = urlsplit(urljoin(page_url, link))
    if not url.path.startswith(base_path):
        return f"outside the site's base path {base_path}"
    rel = url.path[len(base_path) :]
    target = _target_file(rel, files)
    rewritten = _rewrite(rel, rewrites) if target is None else None
    if target is None and rewritten is not None:
        target = _target_file(rewritten, files)
    if target is None:
        return "" if rel in sources else "no such file in the site"
    if url.fragment and target.endswith(".html") and url.fragment != "top":
        ids = parsed.setdefault(target, _parse(files[target])).ids
        if unquote(url.fragment) not in ids:
            return f"no id={url.fragment!r} in {target}"
    return ""
