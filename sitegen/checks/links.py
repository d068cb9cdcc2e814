"""Offline internal-link checker: every href/src/srcset/poster of every page must resolve.

A link resolves when the file exists (a URL ending in "/" means its index.html), when a `200`
rewrite of `_redirects` maps it to a file (feeds: /feed/ -> /feed/index.xml), or when it is the
source of a redirect (old WordPress URLs are valid link targets); a `#fragment` must name an id
in the target page. Links outside the site's base path, other hosts and other schemes are not
this checker's business (an offline build cannot know them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.checks.files import as_files
from sitegen.errors import Problem

LINK_ATTRS = {"href", "src", "poster", "srcset"}
SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "sms:")


_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>")
_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@dataclass
class _Page:
    links: list[tuple[int, str]] = field(default_factory=list)  # (line, URL)
    ids: set[str] = field(default_factory=set)


def _parse(data: bytes) -> _Page:
    """Links and ids of a page. A tokenizer over tags, not a full HTML parser: it reads the
    start tags of well-formed markup (which the build writes) and is ~10x faster than
    html.parser on a site of thousands of pages. Comments, scripts and styles are skipped."""
    text = data.decode("utf-8", errors="replace")
    text = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # keep line numbers
    page, line, last = _Page(), 1, 0
    for tag in _TAG.finditer(text):
        line += text.count("\n", last, tag.start())
        last = tag.start()
        attrs = {
            m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag.group(2) or "")
        }
        _collect(tag.group(1).lower(), attrs, line, page)
    return page


def _collect(tag: str, attrs: dict[str, str], line: int, page: _Page) -> None:
    if "id" in attrs:
        page.ids.add(attrs["id"])
    if tag == "a" and "name" in attrs:
        page.ids.add(attrs["name"])
    if tag == "link" and attrs.get("rel") == "canonical":
        return  # the public URL, which an offline check cannot see
    for key in LINK_ATTRS & attrs.keys():
        if key == "srcset":
            page.links += [(line, c.split()[0]) for c in attrs[key].split(",") if c.strip()]
        else:
            page.links.append((line, attrs[key].strip()))


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
    parsed: dict[str, _Page] = {}
    known: dict[str, str] = {}  # root-relative link -> its problem: the menus repeat on every page
    problems = []
    for page in (name for name in files if name.endswith(".html")):
        if page not in parsed:
            parsed[page] = _parse(files[page])
        info = parsed[page]
        page_url = base_path + (page.removesuffix("index.html"))
        for line, link in info.links:
            if link in known:
                problem = known[link]
            else:
                problem = _check_one(link, page_url, base_path, files, parsed, rewrites, sources)
                if link.startswith("/") and not link.startswith("//"):
                    known[link] = problem
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
    parsed: dict[str, _Page],
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
        if target not in parsed:
            parsed[target] = _parse(files[target])
        if unquote(url.fragment) not in parsed[target].ids:
            return f"no id={url.fragment!r} in {target}"
    return ""
